/**
 * `perlbal-desktop cert ...` as users run it (the built CLI): one-step create with names from
 * the config, reuse of the authority, no overwrite without --force, renewal when a name is
 * missing or expiry is near, show's report and exit codes, trust-help, --help and bad arguments.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureCertificates } from '../../../proxy-core/src/node/certs/ensure-certs.js';
import { ljConf, runCli, tempDir } from './cert-helpers.js';

const read = (dir: string, f: string): string => fs.readFileSync(path.join(dir, f), 'utf8');

describe('cert create', () => {
  it('takes the names from the config and says what it made and how to use it', async () => {
    const { base, certs } = tempDir();
    const conf = ljConf(base);
    const r = await runCli(['cert', 'create', '--config', conf, '--out', certs]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Certificate folder: ${certs}`);
    expect(r.stdout).toMatch(/Authority: +ca\.pem created \(key ca-key\.pem, mode 0600\)/);
    expect(r.stdout).toMatch(/Server certificate: cert\.pem created/);
    expect(r.stdout).toContain(
      'Names:              *.lj.localhost, lj.localhost, stat.lj.localhost, localhost, 127.0.0.1, ::1',
    );
    expect(r.stdout).toContain(
      `Names from:         ${conf} (VHOST *.lj.localhost, VHOST stat.lj.localhost, listen 127.0.0.1:8080)`,
    );
    expect(r.stdout).toMatch(/a\.b\.lj\.localhost .* one level only/);
    expect(r.stdout).toContain(`SET ssl_cert_file = ${path.join(certs, 'cert.pem')}`);
    expect(r.stdout).toContain(`SET ssl_key_file  = ${path.join(certs, 'key.pem')}`);
    expect(r.stdout).toMatch(/Trusted by this machine: (no|can't tell) .*cert trust-help/);
    expect(fs.statSync(path.join(certs, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(certs, 'ca-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('keeps everything on a second run, and reuses the authority', async () => {
    const { base, certs } = tempDir();
    const conf = ljConf(base);
    await runCli(['cert', 'create', '-c', conf, '-o', certs]);
    const before = ['ca.pem', 'ca-key.pem', 'cert.pem', 'key.pem'].map((f) => read(certs, f));
    const r = await runCli(['cert', 'create', '--config=' + conf, '--out=' + certs]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Authority: +ca\.pem reused/);
    expect(r.stdout).toMatch(/cert\.pem kept, it covers every name/);
    expect(['ca.pem', 'ca-key.pem', 'cert.pem', 'key.pem'].map((f) => read(certs, f))).toEqual(
      before,
    );
  });

  it('renews the server certificate when the config uses a new host, keeping the authority and old names', async () => {
    const { base, certs } = tempDir();
    await runCli(['cert', 'create', '--hosts', 'extra.test', '--out', certs]);
    const ca = read(certs, 'ca.pem');
    const conf = ljConf(base, ['www.dw.localhost']);
    const r = await runCli(['cert', 'create', '--config', conf, '--out', certs]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /cert\.pem renewed: it doesn't cover \*\.lj\.localhost, lj\.localhost, stat\.lj\.localhost, www\.dw\.localhost/,
    );
    expect(r.stdout).toContain('Kept from the previous certificate: extra.test');
    expect(read(certs, 'ca.pem')).toBe(ca);
    const sans = execFileSync('openssl', [
      'x509',
      '-noout',
      '-ext',
      'subjectAltName',
      '-in',
      path.join(certs, 'cert.pem'),
    ]).toString();
    expect(sans).toContain('DNS:www.dw.localhost');
    expect(sans).toContain('DNS:extra.test');
  });

  it('renews a server certificate that expires within 30 days', async () => {
    const { certs } = tempDir();
    const longAgo = new Date(Date.now() - 380 * 24 * 60 * 60 * 1000);
    await ensureCertificates({ dir: certs, hosts: ['a.test'], now: longAgo });
    const ca = read(certs, 'ca.pem');
    const r = await runCli(['cert', 'create', '--hosts', 'a.test', '--out', certs]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cert\.pem renewed: it expires in 1[56] days/);
    expect(read(certs, 'ca.pem')).toBe(ca);
    const show = await runCli(['cert', 'show', '--hosts', 'a.test', '--out', certs]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/\(39[67] days left\)/);
  });

  it("doesn't overwrite a certificate that isn't ours without --force, and does with it", async () => {
    const { certs } = tempDir();
    fs.mkdirSync(certs);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        path.join(certs, 'key.pem'),
        '-out',
        path.join(certs, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=mine',
      ],
      { stdio: 'ignore' },
    );
    const mine = read(certs, 'cert.pem');
    const r = await runCli(['cert', 'create', '--hosts', 'a.test', '--out', certs]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${path.join(certs, 'cert.pem')} was not issued by ${path.join(certs, 'ca.pem')}. Nothing was changed. Run again with --force`,
    );
    expect(fs.readdirSync(certs).sort()).toEqual(['cert.pem', 'key.pem']);
    expect(read(certs, 'cert.pem')).toBe(mine);
    const forced = await runCli(['cert', 'create', '--hosts', 'a.test', '--out', certs, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/cert\.pem replaced/);
    expect(read(certs, 'cert.pem')).not.toBe(mine);
  });

  it('refuses to replace an authority whose key is missing, unless --force', async () => {
    const { certs } = tempDir();
    await runCli(['cert', 'create', '--hosts', 'a.test', '--out', certs]);
    fs.rmSync(path.join(certs, 'ca-key.pem'));
    const ca = read(certs, 'ca.pem');
    const r = await runCli(['cert', 'create', '--hosts', 'a.test', '--out', certs]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /ca\.pem is there but .*ca-key\.pem is not\. Nothing was changed\. Run again with --force to replace the authority/,
    );
    expect(read(certs, 'ca.pem')).toBe(ca);
    const forced = await runCli(['cert', 'create', '--hosts', 'a.test', '--out', certs, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/ca\.pem replaced/);
    expect(read(certs, 'ca.pem')).not.toBe(ca);
  });

  it('refuses a bad host name and writes nothing; leaves out *.localhost with a reason', async () => {
    const { certs } = tempDir();
    const bad = await runCli(['cert', 'create', '--hosts', 'ok.test,a.*.test', '--out', certs]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      "'a.*.test' can't be on a certificate: a wildcard must be the whole first label, as in *.lj.localhost\n",
    );
    expect(fs.existsSync(certs)).toBe(false);
    const wild = await runCli([
      'cert',
      'create',
      '--hosts',
      '*.localhost,app.localhost',
      '--out',
      certs,
    ]);
    expect(wild.code).toBe(0);
    expect(wild.stdout).toContain('Names:              app.localhost, localhost, 127.0.0.1, ::1');
    expect(wild.stdout).toMatch(
      /Left out \*\.localhost: browsers refuse a wildcard right under a top-level name/,
    );
  });

  it('uses $XDG_CONFIG_HOME/perlbal-desktop/certs when --out is not given', async () => {
    const { base } = tempDir();
    const r = await runCli(['cert', 'create', '--hosts', 'a.test'], { XDG_CONFIG_HOME: base });
    expect(r.code).toBe(0);
    expect(fs.readdirSync(path.join(base, 'perlbal-desktop', 'certs')).sort()).toEqual([
      'ca-key.pem',
      'ca.pem',
      'cert.pem',
      'key.pem',
      'names.json',
    ]);
  });
});

describe('cert show', () => {
  it('exits 1 when there is nothing, 0 when all is well, 3 when renewal is needed', async () => {
    const { base, certs } = tempDir();
    const none = await runCli(['cert', 'show', '--out', certs]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      `No certificate authority in ${certs}. Make one with: perlbal-desktop cert create`,
    );
    const conf = ljConf(base);
    await runCli(['cert', 'create', '--config', conf, '--out', certs]);
    const ok = await runCli(['cert', 'show', '--config', conf, '--out', certs]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /Authority \(.*ca\.pem\)\n {2}Subject: {2}O=Perlbal Desktop local CA/,
    );
    expect(ok.stdout).toContain(
      '  Names:    *.lj.localhost, lj.localhost, stat.lj.localhost, localhost, 127.0.0.1, ::1',
    );
    expect(ok.stdout).toMatch(/SHA-256: +([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(ok.stdout).toMatch(/Trusted: +(no|can't tell)/);
    expect(ok.stdout).toContain('Key:      key.pem matches, mode 0600');
    expect(ok.stdout).toContain('Issued by ca.pem: yes');
    expect(ok.stdout).toContain('Renewal: nothing to renew.');
    const grown = ljConf(base, ['www.dw.localhost']);
    const stale = await runCli(['cert', 'show', '--config', grown, '--out', certs]);
    expect(stale.code).toBe(3);
    expect(stale.stdout).toContain(
      `Covers the names wanted: no, missing www.dw.localhost (VHOST www.dw.localhost in ${grown})`,
    );
    expect(stale.stdout).toContain(
      `Renewal: needed, it doesn't cover www.dw.localhost. Run: perlbal-desktop cert create --out "${certs}"`,
    );
  });

  it('without --config or --hosts, checks the names create was given (names.json)', async () => {
    const { base, certs } = tempDir();
    const made = await runCli(['cert', 'create', '--out', certs, '--hosts', 'foo.test,*.lj.localhost']);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('Names:              foo.test, *.lj.localhost, localhost, 127.0.0.1, ::1');
    expect(JSON.parse(read(certs, 'names.json'))).toEqual({ config: null, hosts: ['foo.test', '*.lj.localhost'] });
    const shown = await runCli(['cert', 'show', '--out', certs]);
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Covers the names wanted: yes');
    expect(shown.stdout).toContain(
      'Names wanted from: --hosts foo.test,*.lj.localhost (as recorded in names.json by cert create)',
    );
    // create again with no names: the same request, nothing to do.
    const again = await runCli(['cert', 'create', '--out', certs]);
    expect(again.stdout).toMatch(/cert\.pem kept, it covers every name/);
    // Names asked for explicitly replace the record; each missing name says where it comes from.
    const conf = ljConf(base);
    const other = await runCli(['cert', 'show', '--out', certs, '--config', conf, '--hosts', 'bar.test']);
    expect(other.code).toBe(3);
    expect(other.stdout).toContain(
      `Covers the names wanted: no, missing lj.localhost (VHOST *.lj.localhost in ${conf}), bar.test (--hosts)`,
    );
    // A recorded config is read again: a host added to it since is missing.
    await runCli(['cert', 'create', '--out', certs, '--config', conf]);
    ljConf(base, ['www.dw.localhost']);
    const grown = await runCli(['cert', 'show', '--out', certs]);
    expect(grown.code).toBe(3);
    expect(grown.stdout).toContain(`missing www.dw.localhost (VHOST www.dw.localhost in ${conf})`);
    expect(grown.stdout).toContain(`Names wanted from: ${conf} (VHOST`);
  });

  it('reports a tool variable that points at the authority', async () => {
    const { certs } = tempDir();
    await runCli(['cert', 'create', '--hosts', 'a.test', '--out', certs]);
    const ca = path.join(certs, 'ca.pem');
    const r = await runCli(['cert', 'show', '--hosts', 'a.test', '--out', certs], {
      NODE_EXTRA_CA_CERTS: ca,
    });
    expect(r.stdout).toContain(`NODE_EXTRA_CA_CERTS=${ca} holds the authority`);
  });
});

describe('cert trust-help', () => {
  it("prints this machine's steps and the tool variables with the authority's path", async () => {
    const { certs } = tempDir();
    await runCli(['cert', 'create', '--hosts', 'stat.lj.localhost', '--out', certs]);
    const ca = path.join(certs, 'ca.pem');
    const r = await runCli(['cert', 'trust-help', '--out', certs]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Trusting the authority ${ca} (SHA-256 `);
    expect(r.stdout).toContain(`export NODE_EXTRA_CA_CERTS="${ca}"`);
    expect(r.stdout).toContain(`curl --cacert "${ca}" https://stat.lj.localhost:8443/`);
    expect(r.stdout).toContain(`export REQUESTS_CA_BUNDLE="${ca}"`);
    expect(r.stdout).toContain(`export PERL_LWP_SSL_CA_FILE="${ca}"`);
    expect(r.stdout).toContain(`git config --global http.sslCAInfo "${ca}"`);
    expect(r.stdout).toMatch(
      /certutil -d sql:\$HOME\/\.pki\/nssdb -A -t "C,," -n "Perlbal Desktop CA \S+"/,
    );
  });

  it('--platform all gives every platform, --platform NAME one, a bad name exits 2', async () => {
    const { certs } = tempDir();
    await runCli(['cert', 'create', '--hosts', 'a.test', '--out', certs]);
    const ca = path.join(certs, 'ca.pem');
    const all = await runCli(['cert', 'trust-help', '--out', certs, '--platform', 'all']);
    for (const want of [
      `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain "${ca}"`,
      'sudo update-ca-certificates',
      'sudo update-ca-trust extract',
      `sudo trust anchor --store "${ca}"`,
      `certutil -user -addstore Root "${ca}"`,
      "certutil.exe -user -addstore Root 'C:\\Users\\Public\\perlbal-desktop-ca.crt'",
      'security.enterprise_roots.enabled = true',
      'Trust this CA to identify websites',
    ]) {
      expect(all.stdout).toContain(want);
    }
    const mac = await runCli(['cert', 'trust-help', '--out', certs, '--platform=macos']);
    expect(mac.stdout).toContain('macOS');
    expect(mac.stdout).not.toContain('update-ca-certificates');
    const bad = await runCli(['cert', 'trust-help', '--out', certs, '--platform', 'amiga']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Unknown platform: amiga \(macos, debian/);
  });
});

describe('cert arguments', () => {
  it('shows help for cert and each command, exit 0', async () => {
    const overview = await runCli(['cert']);
    expect(overview.code).toBe(0);
    expect(overview.stdout).toMatch(/^Usage: perlbal-desktop cert <command>/);
    for (const cmd of ['create', 'show', 'trust-help']) {
      const r = await runCli(['cert', cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: perlbal-desktop cert ${cmd}`));
      expect(r.stdout).toContain('perlbal-desktop/certs');
    }
    const main = await runCli(['--help']);
    expect(main.stderr).toContain('perlbal-desktop cert create|show|trust-help');
  });

  it('exits 2 with the usage on an unknown command or option', async () => {
    const cmd = await runCli(['cert', 'frob']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(
      /^Unknown cert command: frob \(create, show or trust-help\)\nUsage: perlbal-desktop cert/,
    );
    const opt = await runCli(['cert', 'show', '--force']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(
      /^Unknown option for cert show: --force\nUsage: perlbal-desktop cert show/,
    );
    const missing = await runCli(['cert', 'create', '--out']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Option out requires an argument/);
  });
});
