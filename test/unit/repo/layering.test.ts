/**
 * The layering rule of house style B2, as encoded in eslint.config.js: each case lints a small
 * snippet at a virtual path in one folder and expects the named rule to fire, or nothing at all.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-root.js';

type LayeringRule =
  '@typescript-eslint/no-restricted-imports' | 'no-restricted-globals' | 'no-restricted-syntax';

interface Case {
  readonly file: string;
  readonly code: string;
  /** The rule that must report, or null when the snippet must lint clean. */
  readonly rule: LayeringRule | null;
}

const IMPORTS = '@typescript-eslint/no-restricted-imports';
const GLOBALS = 'no-restricted-globals';
const SYNTAX = 'no-restricted-syntax';

const COMMON = 'proxy-core/src/common/thing.ts';
const COMMON_DEEP = 'proxy-core/src/common/config/thing.ts';
const CORE_NODE = 'proxy-core/src/node/service/thing.ts';
const PLUGIN = 'proxy-core/src/node/plugins/thing.ts';
const PLUGIN_DEEP = 'proxy-core/src/node/plugins/palimg/thing.ts';
const MAIN = 'main/src/core-host.ts';
const RENDERER = 'renderer/src/lib/thing.ts';

const cases: Record<string, readonly Case[]> = {
  'proxy-core/src/common': [
    { file: COMMON, code: "export { readFile } from 'node:fs';", rule: IMPORTS },
    { file: COMMON, code: "export { readFile } from 'fs';", rule: IMPORTS },
    { file: COMMON, code: "export { readFile } from 'fs/promises';", rule: IMPORTS },
    { file: COMMON, code: "export { app } from 'electron';", rule: IMPORTS },
    { file: COMMON, code: "export { x } from 'some-package';", rule: IMPORTS },
    { file: COMMON, code: "export { ProxyCore } from '../node/core.js';", rule: IMPORTS },
    { file: COMMON, code: "export * from '../index.js';", rule: IMPORTS },
    { file: COMMON, code: "export type { ProxyCore } from '../node/core.js';", rule: IMPORTS },
    { file: COMMON_DEEP, code: "export { ProxyCore } from '../../node/core.js';", rule: IMPORTS },
    { file: COMMON_DEEP, code: "export { x } from '../../../../main/src/ipc.js';", rule: IMPORTS },
    { file: COMMON, code: "export { x } from './config/../../node/core.js';", rule: IMPORTS },
    { file: COMMON, code: "export const b = Buffer.from('x');", rule: GLOBALS },
    { file: COMMON, code: 'export const home = process.env.HOME;', rule: GLOBALS },
    { file: COMMON, code: "export const m = require('x');", rule: GLOBALS },
    { file: COMMON, code: 'export const here = __dirname;', rule: GLOBALS },
    { file: COMMON, code: 'export const t = document.title;', rule: GLOBALS },
    { file: COMMON, code: "export const m = await import('./errors.js');", rule: SYNTAX },
    { file: COMMON, code: "export { PerlbalError } from './errors.js';", rule: null },
    { file: COMMON, code: "export { parse } from './config/parse.js';", rule: null },
    { file: COMMON_DEEP, code: "export { PerlbalError } from '../errors.js';", rule: null },
    { file: COMMON_DEEP, code: 'export const bytes = new Uint8Array(4);', rule: null },
  ],
  'proxy-core (everything)': [
    { file: CORE_NODE, code: "export { app } from 'electron';", rule: IMPORTS },
    { file: CORE_NODE, code: "export type { App } from 'electron';", rule: IMPORTS },
    { file: CORE_NODE, code: "export { ipcMain } from 'electron/main';", rule: IMPORTS },
    { file: CORE_NODE, code: "export const e = await import('electron');", rule: SYNTAX },
    { file: CORE_NODE, code: "export const e = require('electron');", rule: SYNTAX },
    { file: CORE_NODE, code: "export { x } from '../../../../main/src/ipc.js';", rule: IMPORTS },
    {
      file: CORE_NODE,
      code: "export { x } from '../../../../renderer/src/main.js';",
      rule: IMPORTS,
    },
    { file: CORE_NODE, code: "export { x } from '@perlbal-desktop/renderer';", rule: IMPORTS },
    { file: 'proxy-core/bin/perlbal.ts', code: "export { app } from 'electron';", rule: IMPORTS },
    {
      file: 'proxy-core/src/index.ts',
      code: "export { x } from '../../main/src/ipc.js';",
      rule: IMPORTS,
    },
    {
      file: CORE_NODE,
      code: "export { connect } from 'node:net';\nexport { PerlbalError } from '../../common/errors.js';",
      rule: null,
    },
  ],
  'proxy-core/src/node/plugins (B5: the core only through plugin-api)': [
    { file: PLUGIN, code: "export { x } from '../roles/web-server/safe-path.js';", rule: IMPORTS },
    { file: PLUGIN, code: "export type { CoreContext } from '../core-context.js';", rule: IMPORTS },
    { file: PLUGIN, code: "export { createCore } from '../../index.js';", rule: IMPORTS },
    { file: PLUGIN, code: "export { x } from '../../../bin/perlbal.js';", rule: IMPORTS },
    { file: PLUGIN, code: "export { x } from './palimg/../../files/send-file.js';", rule: IMPORTS },
    { file: PLUGIN, code: "export const m = await import('electron');", rule: SYNTAX },
    {
      file: PLUGIN_DEEP,
      code: "export { sendFiles } from '../../files/send-file.js';",
      rule: IMPORTS,
    },
    {
      file: PLUGIN_DEEP,
      code: "export { x } from '../../roles/web-server/mime.js';",
      rule: IMPORTS,
    },
    { file: PLUGIN_DEEP, code: "export { x } from '../../../index.js';", rule: IMPORTS },
    {
      file: 'proxy-core/src/node/plugins/a/b/c/d/thing.ts',
      code: "export { x } from '../../../../plugin-api.js';",
      rule: SYNTAX,
    },
    { file: PLUGIN, code: "export { HttpHeaders } from './plugin-api.js';", rule: null },
    { file: PLUGIN, code: "export { serve } from './palimg/serve-palimg.js';", rule: null },
    {
      file: PLUGIN,
      code: "export { matchPalimgUri } from '../../common/palimg/index.js';",
      rule: null,
    },
    { file: PLUGIN, code: "export { createSocket } from 'node:dgram';", rule: null },
    { file: PLUGIN_DEEP, code: "export { sendFiles } from '../plugin-api.js';", rule: null },
    { file: PLUGIN_DEEP, code: "export { effectiveIp } from '../client-ip.js';", rule: null },
    {
      file: PLUGIN_DEEP,
      code: "export type { ServiceModel } from '../../../common/config/model.js';",
      rule: null,
    },
    {
      file: 'proxy-core/src/node/plugins/plugin-api.ts',
      code: "export { sendFiles } from '../files/send-file.js';",
      rule: null,
    },
  ],
  main: [
    { file: MAIN, code: "export { app } from 'electron';", rule: IMPORTS },
    {
      file: 'main/src/certs/self-signed.ts',
      code: "export { app } from 'electron';",
      rule: IMPORTS,
    },
    { file: MAIN, code: "export const e = await import('electron');", rule: SYNTAX },
    {
      file: MAIN,
      code: "export { ProxyCore } from '../../proxy-core/src/node/core.js';",
      rule: IMPORTS,
    },
    {
      file: MAIN,
      code: "export { x } from '@perlbal-desktop/proxy-core/src/node/core.js';",
      rule: IMPORTS,
    },
    {
      file: MAIN,
      code: "export { parse } from '../../proxy-core/src/common/config/parse.js';",
      rule: IMPORTS,
    },
    { file: MAIN, code: "export { x } from '../../proxy-core/bin/perlbal.js';", rule: IMPORTS },
    {
      file: MAIN,
      code: "export { readDesktopInfo } from '../../renderer/src/lib/desktop.js';",
      rule: IMPORTS,
    },
    {
      file: 'main/src/ipc.ts',
      code: "export { ProxyCore } from '../../proxy-core/src/node/core.js';",
      rule: IMPORTS,
    },
    { file: 'main/src/main.ts', code: "export { app } from 'electron';", rule: null },
    { file: 'main/src/ipc.ts', code: "export { ipcMain } from 'electron';", rule: null },
    { file: 'main/src/preload.ts', code: "export { contextBridge } from 'electron';", rule: null },
    {
      file: 'main/src/window-options.ts',
      code: "export type { BrowserWindow } from 'electron';",
      rule: null,
    },
    { file: MAIN, code: "export { createCore } from '../../proxy-core/src/index.js';", rule: null },
    { file: MAIN, code: "export { createCore } from '@perlbal-desktop/proxy-core';", rule: null },
    {
      file: MAIN,
      code: "export type { CoreApi } from '../../proxy-core/src/common/api.js';",
      rule: null,
    },
    { file: MAIN, code: "export { readFile } from 'node:fs/promises';", rule: null },
  ],
  renderer: [
    { file: RENDERER, code: "export { readFile } from 'node:fs';", rule: IMPORTS },
    { file: RENDERER, code: "export { join } from 'path';", rule: IMPORTS },
    { file: RENDERER, code: "export { ipcRenderer } from 'electron';", rule: IMPORTS },
    { file: RENDERER, code: "export type { IpcRenderer } from 'electron';", rule: IMPORTS },
    {
      file: RENDERER,
      code: "export { createCore } from '../../../proxy-core/src/index.js';",
      rule: IMPORTS,
    },
    {
      file: RENDERER,
      code: "export { ProxyCore } from '../../../proxy-core/src/node/core.js';",
      rule: IMPORTS,
    },
    { file: RENDERER, code: "export { x } from '@perlbal-desktop/proxy-core';", rule: IMPORTS },
    {
      file: RENDERER,
      code: "export { x } from '../../../proxy-core/src/common/../node/core.js';",
      rule: IMPORTS,
    },
    { file: RENDERER, code: "export { x } from '../../../main/src/preload.js';", rule: IMPORTS },
    { file: RENDERER, code: "export const fs = await import('node:fs');", rule: SYNTAX },
    { file: RENDERER, code: 'export const env = process.env.NODE_ENV;', rule: GLOBALS },
    { file: RENDERER, code: "export const b = Buffer.from('x');", rule: GLOBALS },
    {
      file: 'renderer/src/Thing.svelte',
      code: "<script lang=\"ts\">\n  import { readFileSync } from 'node:fs';\n  readFileSync('x');\n</script>\n",
      rule: IMPORTS,
    },
    {
      file: RENDERER,
      code: "export { parse } from '../../../proxy-core/src/common/config/parse.js';",
      rule: null,
    },
    {
      file: RENDERER,
      code: "export { mount } from 'svelte';\nexport const t = document.title;",
      rule: null,
    },
    {
      file: 'renderer/src/Thing.svelte',
      code: '<script lang="ts">\n  let { name }: { name: string } = $props();\n</script>\n\n<p>{name}</p>\n',
      rule: null,
    },
  ],
};

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: REPO_ROOT,
    overrideConfigFile: path.join(REPO_ROOT, 'eslint.config.js'),
  });
});

async function lint(file: string, code: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  if (result === undefined) throw new Error(`ESLint returned no result for ${file}`);
  return result;
}

const describeMessages = (result: ESLint.LintResult): string =>
  result.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`).join('\n') || '(none)';

for (const [folder, folderCases] of Object.entries(cases)) {
  describe(`layering: ${folder}`, () => {
    for (const c of folderCases) {
      const title = `${c.rule === null ? 'allows' : 'rejects'} in ${c.file}: ${c.code.split('\n').join(' ')}`;
      it(title, async () => {
        const result = await lint(c.file, c.code);
        if (c.rule === null) {
          expect(result.messages, describeMessages(result)).toEqual([]);
        } else {
          const hits = result.messages.filter((m) => m.ruleId === c.rule && m.severity === 2);
          expect(hits.length, describeMessages(result)).toBeGreaterThan(0);
        }
      });
    }
  });
}
