/**
 * `perlbal-desktop --demo --access-log` on a copy of the bundled config with free ports: the
 * demo journal answers through the selector, userpics and photos arrive by reproxying, the
 * front page shows palimg's recoloured images from web_stat, an entry can be posted, each
 * request prints an access-log line, a taken node is reported and left alone, and the demo
 * backend stops with the CLI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../conformance/harness.js';
import { header, rawOne } from '../../helpers/raw-http.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(ROOT, 'proxy-core/bin/perlbal-desktop.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children.length = 0;
});

interface DefaultConf {
  file: string;
  /** Original port in resources/perlbal.conf -> the free port it moved to. */
  ports: Map<string, number>;
}

/** resources/perlbal.conf with every port moved to a free one (and its docroot next to it). */
async function defaultConf(): Promise<DefaultConf> {
  const text = fs.readFileSync(path.join(ROOT, 'resources/perlbal.conf'), 'utf8');
  const ports = new Map<string, number>();
  for (const p of ['8080', '8065', '7002', '8081']) ports.set(p, await freePort());
  const moved = text.replace(/127\.0\.0\.1:(8080|8065|7002|8081)\b/g, (_, p: string) => `127.0.0.1:${ports.get(p)}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-demo-'));
  fs.cpSync(path.join(ROOT, 'resources/docroot'), path.join(dir, 'docroot'), { recursive: true });
  const file = path.join(dir, 'perlbal.conf');
  fs.writeFileSync(file, moved);
  return { file, ports };
}

async function startCli(args: string[]): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`not running: ${out}`)), 15_000);
    child.stdout!.on('data', () => {
      if (out.includes('Running.')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`exited: ${out}`)));
  });
  return { child, out: () => out };
}

/** Bounded wait for the CLI to print a line matching `re`. */
async function waitForOutput(out: () => string, re: RegExp): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const m = re.exec(out());
    if (m) return m[0];
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no line matching ${re}; output:\n${out()}`);
}

const get = (port: number, uri: string, host = 'www.lj.localhost'): ReturnType<typeof rawOne> =>
  rawOne(port, `GET ${uri} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`, 1000);

describe('perlbal-desktop --demo', () => {
  it('serves the demo journal through the selector, reproxies its images, and logs each request', async () => {
    const { file, ports } = await defaultConf();
    const sel = ports.get('8080')!;
    const node = ports.get('8081')!;
    const { out } = await startCli(['--config', file, '--demo', '--access-log']);
    expect(out()).toContain(`demo backend on 127.0.0.1:${node} for web_proxy: try http://www.lj.localhost:${sel}/`);

    const home = await get(sel, '/');
    expect(home.status).toBe(200);
    expect(header(home, 'Content-Type')).toBe('text/html; charset=utf-8');
    expect(home.body.toString()).toContain('Recent entries');
    // The page shows what the backend received: Perlbal's rewritten request.
    expect(home.body.toString()).toContain('X-Proxy-Capabilities: reproxy-file');
    const line = await waitForOutput(out, /^127\.0\.0\.1 "GET http:\/\/www\.lj\.localhost:\d+\/ HTTP\/1\.1" 200 \d+ [\d.]+ms .*$/m);
    expect(line).toMatch(new RegExp(`ms ss>web_proxy>127\\.0\\.0\\.1:${node}$`));

    const userpic = await get(sel, '/userpic/frank');
    expect(userpic.status).toBe(200);
    expect(header(userpic, 'Content-Type')).toBe('image/png');
    expect(userpic.body.equals(fs.readFileSync(path.join(ROOT, 'resources/demo/userpic-frank.png')))).toBe(true);
    const photo = await get(sel, '/photo/photo-mountains.png');
    expect(photo.status).toBe(200);
    expect(photo.body.equals(fs.readFileSync(path.join(ROOT, 'resources/demo/photo-mountains.png')))).toBe(true);
    await waitForOutput(out, /"GET http:\/\/www\.lj\.localhost:\d+\/photo\/photo-mountains\.png HTTP\/1\.1" 200 .*>reproxy$/m);

    const journal = await get(sel, '/', 'frank.lj.localhost');
    expect(journal.body.toString()).toContain('<h1>Frank&#39;s journal</h1>');
  });

  it('shows palimg: the front page links recoloured images that web_stat serves', async () => {
    const { file, ports } = await defaultConf();
    const sel = ports.get('8080')!;
    await startCli(['--config', file, '--demo']);
    const home = (await get(sel, '/')).body.toString();
    expect(home).toContain('Recoloured images (palimg)');
    const urls = [...home.matchAll(/<img src="http:\/\/stat\.lj\.localhost:(\d+)(\/palimg\/[^"]+)"/g)];
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const [, port, uri] of urls) {
      expect(Number(port)).toBe(sel);
      const res = await get(sel, uri!, 'stat.lj.localhost');
      expect(res.status, uri).toBe(200);
      const name = /^\/palimg\/(\w+\.(png|gif))/.exec(uri!)!;
      expect(header(res, 'Content-Type'), uri).toBe(`image/${name[2]}`);
      const original = fs.readFileSync(path.join(ROOT, 'resources/docroot/palimg', name[1]!));
      // Same size (only the palette is rewritten); other bytes unless the URL has no spec.
      expect(res.body.length, uri).toBe(original.length);
      expect(res.body.equals(original), uri).toBe(uri === `/palimg/${name[1]}`);
    }
  });

  it('takes a posted entry with a photo, shown afterwards from the uploaded file', async () => {
    const { file, ports } = await defaultConf();
    const sel = ports.get('8080')!;
    await startCli(['--config', file, '--demo']);
    const png = fs.readFileSync(path.join(ROOT, 'resources/demo/userpic-frank.png'));
    const b = 'XyZzy';
    const form = Buffer.concat([
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="user"\r\n\r\nfrank\r\n--${b}\r\nContent-Disposition: form-data; name="subject"\r\n\r\nHello from a test\r\n`),
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="photo"; filename="goat.png"\r\nContent-Type: image/png\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${b}--\r\n`),
    ]);
    const head = `POST /update.bml?client_up_sess=test12345 HTTP/1.1\r\nHost: www.lj.localhost:${sel}\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary=${b}\r\nContent-Length: ${form.length}\r\n\r\n`;
    const posted = await rawOne(sel, Buffer.concat([Buffer.from(head), form]), 1000);
    expect(posted.status).toBe(303);
    expect(header(posted, 'Location')).toBe('/~frank/');
    const journal = await get(sel, '/~frank/');
    expect(journal.body.toString()).toContain('Hello from a test');
    const src = /src="(\/photo\/upload\/\d+)"/.exec(journal.body.toString())?.[1];
    expect(src).toBeDefined();
    const photo = await get(sel, src!);
    expect(photo.body.equals(png)).toBe(true);
  });

  it('leaves a taken node alone and says who holds it; the demo stops with the CLI', async () => {
    const { file, ports } = await defaultConf();
    const node = ports.get('8081')!;
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(node, '127.0.0.1', r));
    try {
      const first = await startCli(['--config', file, '--demo']);
      expect(first.out()).toContain(`demo: not started on 127.0.0.1:${node} (for web_proxy): another program already listens there`);
      const gone = new Promise((r) => first.child.on('exit', r));
      first.child.kill('SIGKILL');
      await gone;
    } finally {
      squatter.close();
    }
    // A pool node that is one of our own listeners is named by its service.
    const mgmt = ports.get('8065')!;
    const onMgmt = fs.readFileSync(file, 'utf8').replace(`POOL web_proxy_pool ADD 127.0.0.1:${node}`, `POOL web_proxy_pool ADD 127.0.0.1:${mgmt}`);
    const file2 = path.join(path.dirname(file), 'on-mgmt.conf');
    fs.writeFileSync(file2, onMgmt);
    const { child, out } = await startCli(['--config', file2, '--demo']);
    expect(out()).toContain(`demo: not started on 127.0.0.1:${mgmt} (for web_proxy): service 'mgmt' already listens there`);
    child.kill('SIGKILL');
    // And a started demo backend goes away with a SIGTERM'd CLI.
    const { file: file3, ports: ports3 } = await defaultConf();
    const third = await startCli(['--config', file3, '--demo']);
    const demoPort = ports3.get('8081')!;
    const exited = new Promise<number | null>((r) => third.child.on('exit', (code) => r(code)));
    third.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(demoPort, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(false)));
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
