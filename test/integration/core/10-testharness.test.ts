/**
 * Port of Perlbal's t/10-testharness.t: a config holding only a management service starts,
 * and the management port answers `proc` with this process's pid (the core runs in-process).
 */
import { expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';

const MGMT_ONLY = `
CREATE SERVICE mgmt
SET mgmt.listen = 127.0.0.1:0
SET mgmt.role = management
ENABLE mgmt
`;

it('starts with only a management service and answers proc', async () => {
  const pb = await startCore(MGMT_ONLY);
  const m = await pb.manage();
  const lines = await m.multi('proc');
  expect(lines).toContain(`pid: ${process.pid}`);
  expect(lines.at(-1)).toBe('.');
  expect(lines.some((l) => /^reqs: \d+ \(\+\d+\)$/.test(l))).toBe(true);
});
