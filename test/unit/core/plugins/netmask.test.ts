/**
 * The netmask parser against Net::Netmask 2.0002's new2 (what Perlbal calls for
 * trusted_upstream_proxies and ACCESS ... NETMASK). Every expected value below was produced
 * by the real module (Debian's libnet-netmask-perl): the result as it stringifies, or its
 * errstr. The conformance suite checks the same forms through the real Perlbal.
 */
import { describe, expect, it } from 'vitest';
import { parseNetmask, readNetmask } from '../../../../proxy-core/src/common/config/netmask.js';

const NET_NETMASK: Array<[string, ReturnType<typeof readNetmask>]> = [
  ['127.0.0.0/8', { ok: true, value: '127.0.0.0/8' }],
  ['127.0.0.0/255.0.0.0', { ok: true, value: '127.0.0.0/8' }],
  ['127.0.0.0:255.0.0.0', { ok: true, value: '127.0.0.0/8' }],
  ['127.0.0.0#0.255.255.255', { ok: true, value: '127.0.0.0/8' }],
  ['127.0.0.0-127.0.0.255', { ok: true, value: '127.0.0.0/24' }],
  ['127.0.0.0 - 127.0.0.255', { ok: true, value: '127.0.0.0/24' }],
  ['127.0.0.0-127.0.0.254', { ok: false, error: 'could not find exact fit for 127.0.0.0-127.0.0.254' }],
  ['127.0.0.1-127.0.0.2', { ok: false, error: 'could not find exact fit for 127.0.0.1-127.0.0.2' }],
  ['127.0.0.2-127.0.0.3', { ok: true, value: '127.0.0.2/31' }],
  ['127.0.0.5-127.0.0.4', { ok: false, error: 'could not find exact fit for 127.0.0.5-127.0.0.4' }],
  ['0.0.0.0-255.255.255.255', { ok: true, value: '0.0.0.0/0' }],
  ['300.0.0.0-300.0.0.1', { ok: false, error: 'illegal dotted quad: 300.0.0.0-300.0.0.1' }],
  ['2001:db8::/32', { ok: true, value: '2001:db8::/32' }],
  ['2001:DB8::/32', { ok: false, error: 'could not parse 2001:DB8::/32' }],
  ['127', { ok: false, error: 'could not parse 127' }],
  ['10.0', { ok: false, error: 'could not parse 10.0' }],
  ['10.0.0', { ok: false, error: 'could not parse 10.0.0' }],
  ['10.0.0/24', { ok: false, error: 'could not parse 10.0.0/24' }],
  ['default', { ok: true, value: '0.0.0.0/0' }],
  ['any', { ok: true, value: '0.0.0.0/0' }],
  ['default6', { ok: true, value: '::/0' }],
  ['any6', { ok: true, value: '::/0' }],
  ['127.0.0.1/33', { ok: false, error: 'illegal number of bits: 33' }],
  ['300.0.0.1/33', { ok: false, error: 'illegal number of bits: 33' }],
  ['010.0.0.0/8', { ok: false, error: 'could not parse 010.0.0.0/8' }],
  ['127.1.2.3/8', { ok: true, value: '127.0.0.0/8' }],
  ['::1', { ok: true, value: '::1/128' }],
  ['fe80::1%eth0', { ok: false, error: 'could not parse fe80::1%eth0' }],
  ['::ffff:1.2.3.4', { ok: false, error: 'could not parse ::ffff:1.2.3.4' }],
  ['2001:db8::1/129', { ok: false, error: 'illegal number of bits: 129' }],
  ['127.0.0.0/08', { ok: true, value: '127.0.0.0/08' }],
  ['127.0.0.0/00', { ok: true, value: '0.0.0.0/00' }],
  ['127.0.0.0/0', { ok: true, value: '0.0.0.0/0' }],
  ['127.0.0.0/255.0.255.0', { ok: false, error: 'illegal netmask: 255.0.255.0' }],
  ['2001:0db8:0:0:1:0:0:1/128', { ok: true, value: '2001:db8::1:0:0:1/128' }],
  ['1:0:2:3:4:5:6:7', { ok: true, value: '1::2:3:4:5:6:7/128' }],
  ['1:2:3:4:5:6:7:8', { ok: true, value: '1:2:3:4:5:6:7:8/128' }],
  ['ffff::/1', { ok: true, value: '8000::/1' }],
  ['2001:db8::/032', { ok: true, value: '2001:db8::/032' }],
  ['::/0', { ok: true, value: '::/0' }],
  ['::', { ok: true, value: '::/128' }],
  [':/8', { ok: false, error: 'could not parse :/8' }],
  ['a:b', { ok: false, error: 'could not parse a:b' }],
  ['256.1.1.1', { ok: false, error: 'could not parse 256.1.1.1' }],
  ['1.2.3.4#255.255.255.255', { ok: true, value: '0.0.0.0/0' }],
  ['1.2.3.4#0.0.0.0', { ok: true, value: '1.2.3.4/32' }],
  ['1.2.3.4:0.0.0.0', { ok: true, value: '0.0.0.0/0' }],
  ['1.2.3.4:255.255.255.255', { ok: true, value: '1.2.3.4/32' }],
  ['1.2.3.4/255.255.255.254', { ok: true, value: '1.2.3.4/31' }],
  ['1.2.3.4#0.0.0.1', { ok: true, value: '1.2.3.4/31' }],
  ['1:2:3:4:5:6:7:0/112', { ok: true, value: '1:2:3:4:5:6:7::/112' }],
  ['0:0:1:0:0:0:1:0', { ok: true, value: '0:0:1::1:0/128' }],
  ['0:0:0:1:0:0:0:1', { ok: true, value: '::1:0:0:0:1/128' }],
  ['fe80::/10', { ok: true, value: 'fe80::/10' }],
  [' 127.0.0.0', { ok: false, error: 'could not parse  127.0.0.0' }],
  ['127.0.0.0 ', { ok: false, error: 'could not parse 127.0.0.0 ' }],
  ['DEFAULT', { ok: false, error: 'could not parse DEFAULT' }],
  ['127.0.0.1/32', { ok: true, value: '127.0.0.1/32' }],
  ['127.168.1.77/26', { ok: true, value: '127.168.1.64/26' }],
];

describe('netmask parsing (Net::Netmask->new2)', () => {
  it.each(NET_NETMASK)('%j', (text, expected) => {
    expect(readNetmask(text)).toEqual(expected);
    expect(parseNetmask(text)).toBe(expected.ok ? expected.value : undefined);
  });

  // Net::Netmask reads any hex-and-colon text as IPv6 and makes something of it; here only
  // valid addresses pass (docs/compatibility.md).
  it.each([
    ['1::2::3', '1::2/128'],
    [':::', '::/128'],
    ['1:2:', '1:2::/128'],
    ['12345::/16', '2345::/16'],
    ['1:2:3:4:5:6:7:8:9', '2:3:4:5:6:7:8:9/128'],
    ['1:2:3:4:5:6:7:8::', '1:2:3:4:5:6:7:8/128'],
  ])('refuses the malformed IPv6 %j (Net::Netmask: %s)', (text) => {
    expect(readNetmask(text)).toEqual({ ok: false, error: `could not parse ${text}` });
  });
});
