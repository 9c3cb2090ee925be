/**
 * AccessControl against the real Perlbal 1.80: the same requests to services with ip rules,
 * a deny policy and use_observed_ip, the same answers back; `plugins` and `dumpconfig` list
 * the plugin and its rules the same way. (Netmask rules need Net::Netmask, which Debian's
 * Perlbal package lacks: plugins-netmask.test.ts runs them with it.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ManageClient } from '../helpers/manage-client.js';
import { havePerlbal, manageBoth, sendBoth, startBoth, type Server } from './harness.js';

const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-acl-'));
fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hello world\n');

const web = (name: string, body: string): string => `
CREATE SERVICE ${name}
  SET role = web_server
  SET listen = 127.0.0.1:{{port:${name}}}
  SET docroot = ${docroot}
  SET persist_client = on
  SET plugins = AccessControl
${body}
ENABLE ${name}
`;

const CONFIG = `
LOAD AccessControl
${web('denied', '  ACCESS DENY IP 127.0.0.1')}
${web('first', '  ACCESS ALLOW IP 127.0.0.1\n  ACCESS DENY IP 127.0.0.1\n  ACCESS POLICY DENY')}
${web('policy', '  ACCESS ALLOW IP 127.1.1.1\n  ACCESS POLICY DENY')}
${web('observed', '  SET always_trusted = on\n  SET observed.accesscontrol.use_observed_ip = 1\n  ACCESS DENY IP 127.0.0.1')}
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

const SERVICES = ['denied', 'first', 'policy', 'observed'];

describe.runIf(havePerlbal())('AccessControl vs Perlbal 1.80', () => {
  let servers: { perlbal: Server; ours: Server };

  beforeEach(async () => {
    servers = await startBoth(CONFIG, ['mgmt', ...SERVICES]);
  });

  const same = async (service: string, request: string) => {
    const r = await sendBoth(servers, service, request);
    expect(r.ours, `${service}: ${JSON.stringify(request)}`).toEqual(r.perlbal);
    return r.ours;
  };

  it('answers the same 403 "Access denied." and lets allowed requests through', async () => {
    const get = 'GET /hello.txt HTTP/1.0\r\n\r\n';
    expect((await same('denied', get))[0]!.statusLine).toMatch(/^HTTP\/1\.0 403/);
    expect((await same('first', get))[0]!.statusLine).toMatch(/^HTTP\/1\.0 200/);
    expect((await same('policy', get))[0]!.statusLine).toMatch(/^HTTP\/1\.0 403/);
    // Keep-alive is kept after a 403, as Perlbal's send_response does.
    await same('denied', 'GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    await same('denied', 'HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n');
  });

  it('judges the observed IP of a trusted upstream with use_observed_ip', async () => {
    const r = await same('observed', 'GET /hello.txt HTTP/1.0\r\nX-Forwarded-For: 1.1.1.1\r\n\r\n');
    expect(r[0]!.statusLine).toMatch(/ 200 /);
    await same(
      'observed',
      'GET /hello.txt HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1, 1.1.1.1\r\n\r\n',
    );
    await same('observed', 'GET /hello.txt HTTP/1.0\r\n\r\n');
  });

  it('lists the plugin and dumps its rules as Perlbal does', async () => {
    const sessions: { perlbal: ManageClient; ours: ManageClient } = {
      perlbal: await servers.perlbal.manage(),
      ours: await servers.ours.manage(),
    };
    const plugins = await manageBoth(sessions, servers, 'plugins');
    expect([...plugins.ours].sort()).toEqual([...plugins.perlbal].sort());
    const dump = await manageBoth(sessions, servers, 'dumpconfig', 'drain');
    const blocks = (lines: string[]): string[] =>
      lines
        .join('\n')
        .split('\n\n')
        .map((b) => b.trim())
        .filter(Boolean)
        .sort();
    expect(blocks(dump.ours)).toEqual(blocks(dump.perlbal));
  });
});
