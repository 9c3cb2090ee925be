/**
 * AccessControl's config side: a QUEUE_LOW rule on a service that isn't a reverse_proxy is
 * accepted with a warning whichever comes first, the rule or `SET role` (Perlbal accepts it
 * and crashes at the first matching request), so Perlbal's `dumpconfig` output, which writes
 * the rules after the role, loads again, and so does our own dump. NETMASK values take every
 * Net::Netmask form and print as it stringifies them.
 */
import { describe, expect, it } from 'vitest';
import {
  checkConfig,
  dump,
  dumpconfigPerlbal,
  print,
  type ConfigDiagnostic,
} from '../../../../proxy-core/src/common/config/index.js';
import { fixtureEnv } from '../../../helpers/config-fixtures.js';

const env = fixtureEnv({});
const load = (text: string) => checkConfig(text, env);
/** Config-file checks that don't concern a service block (nothing listens, DISABLE twice). */
const WHOLE_FILE = ['nothing_enabled', 'already_disabled'];
const own = (ds: ConfigDiagnostic[]) => ds.filter((d) => !WHOLE_FILE.includes(d.code));
const codes = (ds: ConfigDiagnostic[]) =>
  own(ds).map((d) => `${d.severity}:${d.code}@${d.span.line}`);
const errors = (ds: ConfigDiagnostic[]) => own(ds).filter((d) => d.severity === 'error');

const BEFORE_ROLE = `LOAD AccessControl
CREATE SERVICE w
  ACCESS QUEUE_LOW IP 127.0.0.1
  ACCESS DENY NETMASK 127.0.0.0/255.0.0.0
  SET role = web_server
  SET plugins = AccessControl
`;

const AFTER_ROLE = `LOAD AccessControl
CREATE SERVICE w
  SET role = web_server
  SET plugins = AccessControl
  ACCESS QUEUE_LOW IP 127.0.0.1
  ACCESS DENY NETMASK 127.0.0.0/255.0.0.0
`;

describe('ACCESS QUEUE_LOW outside a reverse_proxy', () => {
  it('warns at SET role when the rule came first, and at the rule when the role did', () => {
    const before = load(BEFORE_ROLE);
    expect(codes(before.diagnostics)).toEqual(['warning:queue_low_not_proxy@5']);
    const after = load(AFTER_ROLE);
    expect(codes(after.diagnostics)).toEqual(['warning:queue_low_not_proxy@5']);
    expect(after.model.services[0]!.pluginConfig).toEqual(before.model.services[0]!.pluginConfig);
    expect(before.model.services[0]!.pluginConfig['accesscontrol']).toEqual({
      policy: 'allow',
      rules: [
        { action: 'queue_low', type: 'ip', value: '127.0.0.1' },
        { action: 'deny', type: 'netmask', value: '127.0.0.0/8' },
      ],
      useObservedIp: false,
    });
  });

  it('no warning on a reverse_proxy, or when the role changes to one', () => {
    const proxy = load(BEFORE_ROLE.replace('web_server', 'reverse_proxy'));
    expect(codes(proxy.diagnostics)).toEqual([]);
    const changed = load(`${AFTER_ROLE}  SET role = reverse_proxy\n`);
    expect(codes(changed.diagnostics)).toEqual(['warning:queue_low_not_proxy@5']);
  });

  it("Perlbal's dumpconfig output loads again, with the same rules", () => {
    const first = load(BEFORE_ROLE);
    const dumped = dumpconfigPerlbal(first.model).join('\n');
    expect(dumped).toMatch(/SET role = web_server\n(.*\n)* {2}ACCESS QUEUE_LOW IP 127\.0\.0\.1\n/);
    const again = load(`LOAD AccessControl\n${dumped}\n`);
    expect(errors(again.diagnostics)).toEqual([]);
    expect(codes(again.diagnostics)).toContain('warning:queue_low_not_proxy@5');
    expect(again.model.services[0]!.pluginConfig).toEqual(first.model.services[0]!.pluginConfig);
  });

  it('our own dump prints the rules after the role and loads again', () => {
    const first = load(BEFORE_ROLE);
    const text = print(dump(first.model));
    expect(text).not.toContain('reverse_proxy');
    const again = load(text);
    expect(errors(again.diagnostics)).toEqual([]);
    expect(again.model.services).toEqual(first.model.services);
  });
});

describe('ACCESS ... NETMASK and trusted_upstream_proxies values', () => {
  it('take every Net::Netmask form and keep its stringification', () => {
    const r = load(`LOAD AccessControl
CREATE SERVICE w
  SET role = web_server
  SET plugins = AccessControl
  ACCESS ALLOW NETMASK 127.1.2.3/255.255.0.0
  ACCESS ALLOW NETMASK 127.2.0.0:255.255.0.0
  ACCESS ALLOW NETMASK 127.3.0.0-127.3.0.255
  ACCESS ALLOW NETMASK 2001:DB8::1/32
  ACCESS ALLOW NETMASK 127.4.0.0/08
  ACCESS DENY NETMASK any6
  SET trusted_upstream_proxies = 127.0.0.0 - 127.0.0.3, fe80::/10, default
`);
    expect(errors(r.diagnostics)).toEqual([]);
    const svc = r.model.services[0]!;
    expect(dumpconfigPerlbal(r.model).filter((l) => l.includes('ACCESS'))).toEqual([
      '  ACCESS ALLOW NETMASK 127.1.0.0/16',
      '  ACCESS ALLOW NETMASK 127.2.0.0/16',
      '  ACCESS ALLOW NETMASK 127.3.0.0/24',
      // The ACCESS line is lower-cased before it is read, as in Perlbal.
      '  ACCESS ALLOW NETMASK 2001:db8::/32',
      '  ACCESS ALLOW NETMASK 127.0.0.0/08',
      '  ACCESS DENY NETMASK ::/0',
      '  ACCESS POLICY ALLOW',
    ]);
    expect(svc.tunables['trusted_upstream_proxies']).toEqual([
      '127.0.0.0/30',
      'fe80::/10',
      '0.0.0.0/0',
    ]);
  });

  it.each([
    ['127', 'could not parse 127'],
    ['10.0', 'could not parse 10.0'],
    ['127.0.0.0/33', 'illegal number of bits: 33'],
    ['127.0.0.0/255.0.255.0', 'illegal netmask: 255.0.255.0'],
    ['127.0.0.1-127.0.0.2', 'could not find exact fit for 127.0.0.1-127.0.0.2'],
    // After `=` the case is kept, and Net::Netmask reads only lower-case IPv6.
    ['2001:DB8::/32', 'could not parse 2001:DB8::/32'],
  ])('refuse %j with Net::Netmask’s error', (value, error) => {
    const tup = load(
      `CREATE SERVICE w\n  SET role = reverse_proxy\n  SET trusted_upstream_proxies = ${value}\n`,
    );
    expect(tup.diagnostics.find((d) => d.severity === 'error')).toMatchObject({
      code: 'invalid_netmask',
      perlbal: `Error defining trusted upstream proxies: ${error}`,
    });
    if (value.includes('DB8')) return;
    const access = load(
      `LOAD AccessControl\nCREATE SERVICE w\n  SET role = web_server\n  ACCESS DENY NETMASK ${value}\n`,
    );
    expect(access.diagnostics.find((d) => d.severity === 'error')).toMatchObject({
      code: 'invalid_netmask',
      perlbal: 'Error parsing netmask',
    });
  });
});
