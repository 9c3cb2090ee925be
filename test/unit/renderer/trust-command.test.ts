/**
 * Which trust-step lines get a Copy button, and what it copies: the command only, without
 * the label in front or the note behind. Run on the real steps trust-help.ts writes.
 */
import { describe, expect, it } from 'vitest';
import { trustSections } from '../../../proxy-core/src/node/certs/trust-help.js';
import { trustCommand } from '../../../renderer/src/lib/trust-command.js';

const sections = trustSections({
  caFile: '/c/ca.pem',
  caName: 'Perlbal Desktop CA',
  thumbprint: 'AB12',
  exampleUrl: 'https://localhost:8443/',
});
const line = (id: string, start: string) =>
  sections.find((s) => s.id === id)!.lines.find((l) => l.startsWith(start))!;

describe('trustCommand', () => {
  it('strips labels and trailing notes', () => {
    expect(trustCommand(line('debian', 'check:'))).toBe(
      'openssl verify -CApath /etc/ssl/certs "/c/ca.pem"',
    );
    expect(trustCommand(line('tools', 'Node.js:'))).toBe('export NODE_EXTRA_CA_CERTS="/c/ca.pem"');
    expect(trustCommand(line('windows', 'certutil'))).toBe(
      'certutil -user -addstore Root "/c/ca.pem"',
    );
    expect(trustCommand(line('tools', 'git:'))).toBe(
      'git config --global http.https://localhost:8443/.sslCAInfo "/c/ca.pem"',
    );
  });

  it('offers nothing to copy on prose lines', () => {
    expect(trustCommand(line('chrome-linux', 'needs certutil'))).toBeNull();
    expect(trustCommand(line('tools', 'Every variable'))).toBeNull();
    expect(trustCommand(line('firefox', 'Any platform'))).toBeNull();
  });

  it('gives every platform at least one command', () => {
    for (const s of sections)
      expect(
        s.lines.some((l) => trustCommand(l) !== null),
        s.id,
      ).toBe(true);
  });
});
