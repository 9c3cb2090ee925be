/**
 * The glue from the core API's applyConfig / saveConfig to the editor's callbacks.
 */
import { describe, expect, it } from 'vitest';
import { applyWith, describeChange, saveWith } from '../../../renderer/src/editor/core-adapter.js';
import { checkConfig, permissiveEnv } from '../../../renderer/src/editor/config-lib.js';

describe('core adapter', () => {
  it('describes each change for people', () => {
    expect(describeChange({ kind: 'service-changed', name: 'web', detail: 'listen a -> b' })).toBe(
      'service web changed: listen a -> b',
    );
    expect(describeChange({ kind: 'pool-added', name: 'p', detail: '' })).toBe('pool p added');
    expect(describeChange({ kind: 'server-changed', name: '', detail: 'aio_mode none' })).toBe(
      'server changed: aio_mode none',
    );
  });

  it('turns an accepted apply into its changes and warnings', async () => {
    const { diagnostics } = checkConfig('CREATE SERVICE x\nENABLE x\n', permissiveEnv);
    const onApply = applyWith(async () => ({
      changes: [{ kind: 'service-added', name: 'x', detail: '' }],
      diagnostics,
    }));
    const outcome = await onApply('...');
    expect(outcome.ok).toBe(true);
    expect(outcome.changes).toEqual(['service x added']);
    expect(outcome.warnings?.[0]).toMatch(/^line 2, column 1: Service 'x' has no role/);
  });

  it("shows a refused config's errors with their line and column", async () => {
    const { diagnostics } = checkConfig('CREATE SERVICE x\nSET rol = web_server\n', permissiveEnv);
    const onApply = applyWith(async () => {
      throw {
        code: 'PB_ERR_CONFIG_INVALID',
        message: 'The configuration has errors',
        details: { diagnostics },
      };
    });
    const outcome = await onApply('...');
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/^line 2, column 5: 'rol' is not a tunable/);
  });

  it('passes any other rejection on as its message', async () => {
    const onApply = applyWith(async () => {
      throw Object.assign(new Error("Can't listen on 127.0.0.1:80: in use"), {
        code: 'PB_ERR_LISTEN_IN_USE',
      });
    });
    expect(await onApply('...')).toEqual({
      ok: false,
      error: "Can't listen on 127.0.0.1:80: in use",
    });
  });

  it('reports where the core saved', async () => {
    const onSave = saveWith(async () => ({ file: '/etc/perlbal/perlbal.conf' }));
    expect(await onSave('text', undefined)).toEqual({ fileName: '/etc/perlbal/perlbal.conf' });
  });
});
