/**
 * The intent of Perlbal's t/50-plugins (`require_ok` for each plugin), for the plugins of
 * this change: each has a runtime part under its canonical name, and that name is one the
 * config language knows (so LOAD and SET plugins reach it).
 */
import { describe, expect, it } from 'vitest';
import { pluginByName } from '../../../../proxy-core/src/common/config/index.js';
import { BUILTIN_PLUGINS } from '../../../../proxy-core/src/node/plugins/builtin.js';

const PLUGINS = {
  maxcontentlength: 'MaxContentLength',
  xffextras: 'XFFExtras',
  autoremoveleadingdir: 'AutoRemoveLeadingDir',
  cgilike: 'Cgilike',
  echoservice: 'EchoService',
  flvstreaming: 'FlvStreaming',
  lazycdn: 'LazyCDN',
};

describe('built-in runtime plugins (t/50)', () => {
  for (const [name, module] of Object.entries(PLUGINS)) {
    it(`${module} has a runtime part and a config definition`, () => {
      const runtime = BUILTIN_PLUGINS.get(name);
      expect(runtime?.name).toBe(name);
      expect(runtime?.register ?? runtime?.roles).toBeDefined();
      expect(pluginByName(name)?.module).toBe(module);
    });
  }

  it('EchoService adds the echo role the config language declares', () => {
    expect(Object.keys(BUILTIN_PLUGINS.get('echoservice')?.roles ?? {})).toEqual([
      ...(pluginByName('echoservice')?.addsRoles ?? []),
    ]);
  });
});
