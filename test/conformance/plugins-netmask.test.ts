/**
 * Netmasks against the real Perlbal 1.80 with Net::Netmask (`ACCESS ... NETMASK` and
 * `trusted_upstream_proxies`): the same forms accepted or refused with the same text, the
 * same `dumpconfig` stringification, and the same requests allowed or denied.
 *
 * Debian's perlbal package does not pull in Net::Netmask. CI installs libnet-netmask-perl
 * (.ci/run). Without it, point NET_NETMASK_PERL5LIB at an unpacked copy, for example:
 *   cd /tmp && apt-get download libnet-netmask-perl && dpkg -x libnet-netmask-perl_*.deb nm
 *   NET_NETMASK_PERL5LIB=/tmp/nm/usr/share/perl5 npx vitest run test/conformance/plugins-netmask.test.ts
 * The real Perlbal then gets it on its PERL5LIB; nothing is installed system-wide.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { havePerlbal, manageBoth, sendBoth, startBoth, type Server } from './harness.js';

const EXTRA_LIB = process.env['NET_NETMASK_PERL5LIB'];

/**
 * PERL5LIB for the real Perlbal ('' when Net::Netmask is installed), or null: then the cases
 * skip themselves locally, but in CI (which installs it) that is an error, as for Perlbal.
 */
function netmaskPerl5lib(): string | null {
  const lib = [EXTRA_LIB, process.env['PERL5LIB']].filter(Boolean).join(':');
  const r = spawnSync('perl', ['-MNet::Netmask', '-e', '1'], {
    env: { ...process.env, PERL5LIB: lib },
    stdio: 'ignore',
  });
  if (r.status === 0) return lib;
  const ci = process.env['CI'];
  if (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false') {
    throw new Error(
      'Net::Netmask is missing, and CI is set: apt-get install libnet-netmask-perl (.ci/run ' +
        'installs it), or set NET_NETMASK_PERL5LIB. Unset CI to skip these cases locally.',
    );
  }
  return null;
}

const PERL5LIB = havePerlbal() ? netmaskPerl5lib() : null;

const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-netmask-'));
fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hello world\n');

const web = (name: string, body: string): string => `
CREATE SERVICE ${name}
  SET role = web_server
  SET listen = 127.0.0.1:{{port:${name}}}
  SET docroot = ${docroot}
  SET plugins = AccessControl
${body}
ENABLE ${name}
`;

/** Each service allows only its netmask: 200 when the peer 127.0.0.1 matches, else 403. */
const ALLOW_ONLY: Record<string, string> = {
  quadmask: '127.0.0.0/255.0.0.0',
  colonmask: '127.0.0.1:255.255.255.0',
  range: '127.0.0.0-127.0.0.255',
  otherrange: '127.0.1.0-127.0.1.255',
  zerobits: '127.0.0.1/08',
  anyv4: 'default',
  anyv6: '::/0',
};

const CONFIG = `
SERVER aio_mode = none
LOAD AccessControl
${Object.entries(ALLOW_ONLY)
  .map(([name, mask]) => web(name, `  ACCESS POLICY DENY\n  ACCESS ALLOW NETMASK ${mask}`))
  .join('')}
${web('trusted', '  SET trusted_upstream_proxies = 127.0.0.0 - 127.0.0.255, fe80::/10\n  SET trusted.accesscontrol.use_observed_ip = 1\n  ACCESS DENY IP 127.0.0.1')}
${web('untrusted', '  SET trusted_upstream_proxies = ::/0\n  SET untrusted.accesscontrol.use_observed_ip = 1\n  ACCESS DENY IP 127.0.0.1')}
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

const SERVICES = [...Object.keys(ALLOW_ONLY), 'trusted', 'untrusted'];

// The real Perlbal inherits this process's environment.
const savedPerl5lib = process.env['PERL5LIB'];
beforeAll(() => {
  if (PERL5LIB) process.env['PERL5LIB'] = PERL5LIB;
});
afterAll(() => {
  if (savedPerl5lib === undefined) delete process.env['PERL5LIB'];
  else process.env['PERL5LIB'] = savedPerl5lib;
});

describe.runIf(PERL5LIB !== null)('netmasks vs Perlbal 1.80 with Net::Netmask', () => {
  let servers: { perlbal: Server; ours: Server };

  beforeEach(async () => {
    servers = await startBoth(CONFIG, ['mgmt', ...SERVICES]);
  });

  const sessions = async () => ({
    perlbal: await servers.perlbal.manage(),
    ours: await servers.ours.manage(),
  });

  it('allows and denies the same requests for every form', async () => {
    const get = 'GET /hello.txt HTTP/1.0\r\n\r\n';
    const status: Record<string, string> = {};
    for (const name of Object.keys(ALLOW_ONLY)) {
      const r = await sendBoth(servers, name, get);
      expect(r.ours, name).toEqual(r.perlbal);
      status[name] = r.perlbal[0]!.statusLine;
    }
    expect(status).toEqual({
      quadmask: 'HTTP/1.0 200 OK',
      colonmask: 'HTTP/1.0 200 OK',
      range: 'HTTP/1.0 200 OK',
      otherrange: 'HTTP/1.0 403 Forbidden',
      zerobits: 'HTTP/1.0 200 OK',
      anyv4: 'HTTP/1.0 200 OK',
      anyv6: 'HTTP/1.0 403 Forbidden',
    });
  });

  it('trusts X-Forwarded-For from trusted_upstream_proxies written in any form', async () => {
    const xff = 'GET /hello.txt HTTP/1.0\r\nX-Forwarded-For: 1.1.1.1\r\n\r\n';
    const trusted = await sendBoth(servers, 'trusted', xff);
    expect(trusted.ours).toEqual(trusted.perlbal);
    expect(trusted.perlbal[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    const untrusted = await sendBoth(servers, 'untrusted', xff);
    expect(untrusted.ours).toEqual(untrusted.perlbal);
    expect(untrusted.perlbal[0]!.statusLine).toBe('HTTP/1.0 403 Forbidden');
  });

  it('accepts and refuses the same ACCESS NETMASK values, and dumps them the same way', async () => {
    const s = await sessions();
    expect(await manageBoth(s, servers, 'CREATE SERVICE probe', 'line')).toEqual({
      perlbal: ['OK'],
      ours: ['OK'],
    });
    for (const line of [
      'SET role = web_server',
      'SET plugins = AccessControl',
      'ACCESS ALLOW NETMASK 127.1.2.3/255.255.0.0',
      'ACCESS ALLOW NETMASK 127.2.0.0:255.255.0.0',
      'ACCESS ALLOW NETMASK 127.3.0.0-127.3.0.255',
      'ACCESS ALLOW NETMASK 1.2.3.4/255.255.255.254',
      'ACCESS ALLOW NETMASK 127.4.0.0/08',
      'ACCESS ALLOW NETMASK 127.168.1.77/26',
      // The line is lower-cased before it is read, so upper-case IPv6 works here.
      'ACCESS ALLOW NETMASK 2001:DB8:0:0:1:0:0:1/128',
      'ACCESS ALLOW NETMASK fe80::/10',
      'ACCESS ALLOW NETMASK ::1',
      'ACCESS ALLOW NETMASK 1:0:2:3:4:5:6:7',
      'ACCESS ALLOW NETMASK any',
      'ACCESS ALLOW NETMASK default6',
      'ACCESS DENY NETMASK 127',
      'ACCESS DENY NETMASK 10.0',
      'ACCESS DENY NETMASK 10.0.0/24',
      'ACCESS DENY NETMASK 010.0.0.0/8',
      'ACCESS DENY NETMASK 127.0.0.0/33',
      'ACCESS DENY NETMASK 127.0.0.0/255.0.255.0',
      'ACCESS DENY NETMASK 127.0.0.1-127.0.0.2',
      'ACCESS DENY NETMASK 2001:db8::1/129',
      'ACCESS DENY NETMASK ::ffff:1.2.3.4',
    ]) {
      const out = await manageBoth(s, servers, line, 'line');
      expect(out.ours, line).toEqual(out.perlbal);
    }
    // Only the probe's block: Perlbal prints a trusted_upstream_proxies list as ARRAY(0x...).
    const dump = await manageBoth(s, servers, 'dumpconfig', 'drain');
    const probe = (lines: string[]): string | undefined =>
      lines
        .join('\n')
        .split('\n\n')
        .find((b) => b.startsWith('CREATE SERVICE probe'));
    expect(probe(dump.ours)).toBe(probe(dump.perlbal));
    expect(probe(dump.perlbal)).toContain('ACCESS ALLOW NETMASK 2001:db8::1:0:0:1/128');
  });

  it('accepts and refuses the same trusted_upstream_proxies values, with the same errors', async () => {
    const s = await sessions();
    await manageBoth(s, servers, 'USE trusted', 'line');
    for (const value of [
      '127.0.0.0/8, 127.1.0.0:255.255.0.0',
      '127.0.0.0 - 127.0.0.3, fe80::/10, default',
      '127.0.0.0/08',
      '127',
      '127.0.0.0/33',
      '127.0.0.0/255.0.255.0',
      '127.0.0.1 - 127.0.0.2',
      '300.0.0.0-300.0.0.1',
      '2001:DB8::/32',
      'nonsense',
    ]) {
      const line = `SET trusted_upstream_proxies = ${value}`;
      const out = await manageBoth(s, servers, line, 'line');
      expect(out.ours, line).toEqual(out.perlbal);
    }
  });
});

describe.runIf(PERL5LIB !== null)('netmasks: deliberate differences', () => {
  it('malformed IPv6 text is refused (Net::Netmask makes an address of it)', async () => {
    const servers = await startBoth(
      `LOAD AccessControl\nCREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:{{port:mgmt}}\nENABLE mgmt\n`,
      ['mgmt'],
    );
    const s = { perlbal: await servers.perlbal.manage(), ours: await servers.ours.manage() };
    for (const line of ['CREATE SERVICE w', 'SET role = web_server']) {
      await manageBoth(s, servers, line, 'line');
    }
    const out = await manageBoth(s, servers, 'ACCESS ALLOW NETMASK 1::2::3', 'line');
    expect(out).toEqual({ perlbal: ['OK'], ours: ['ERROR: Error parsing netmask'] });
  });
});
