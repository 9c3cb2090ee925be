/**
 * Hardening: a generated traversal matrix (every spelling of `..` times every spelling of `/`,
 * one to three levels up, plus absolute paths to the canary) against GET, HEAD, PUT, DELETE,
 * `??` concatenation and palimg, with restrict_symlinks on. 18-web-server-traversal and
 * palimg-paths hold the hand-picked cases; this crosses them. Nothing outside the docroot is
 * read, written or removed: the canaries' bytes never come back and the tree outside is as
 * it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { encodePng, prng, randomPalette, randomPixels } from '../../helpers/palimg-images.js';
import { listTree, makeDocroot, SECRET, webConf } from '../../fixtures/docroot/build.js';
import { exchange } from './wire.js';

const DOTS = [
  '..',
  '%2e%2e',
  '%2E%2e',
  '.%2e',
  '%2e.',
  '%252e%252e',
  '%c0%ae%c0%ae',
  '%e0%80%ae%e0%80%ae',
  '..%00',
  '%2e%2e%00',
];
const SEPS = ['/', '%2f', '%2F', '\\', '%5c', '%252f', '%c0%af'];

/** `/<dots><sep>` one to three times, then the target. */
function climbs(target: string): string[] {
  const out: string[] = [];
  for (const dots of DOTS) {
    for (const sep of SEPS) {
      for (let depth = 1; depth <= 3; depth++)
        out.push(`/${`${dots}${sep}`.repeat(depth)}${target}`);
    }
  }
  return out;
}

it('no spelling of a path leading out reads, writes or removes anything outside the docroot', async () => {
  const d = makeDocroot();
  // A palette PNG outside, so palimg has something it could recolour if it ever got there.
  const rand = prng(7);
  const canaryPng = encodePng({
    width: 4,
    height: 4,
    palette: randomPalette(rand, 4),
    pixels: randomPixels(rand, 4, 4, 4),
  });
  fs.writeFileSync(path.join(d.outside, 'img.png'), canaryPng);
  const pb = await startCore(
    `LOAD palimg\n${webConf(d.docroot, ['enable_put = on', 'enable_delete = on', 'enable_concatenate_get = on', 'restrict_symlinks = on', 'plugins = palimg'])}`,
  );
  const port = pb.port('web');
  const outsideBefore = listTree(d.outside);
  const baseBefore = listTree(d.base).filter((p) => !p.startsWith('docroot'));
  const absolute = [d.outside, d.base].flatMap((dir) => [
    `/${dir}/secret.txt`,
    `/${dir.replaceAll('/', '%2f')}%2fsecret.txt`,
  ]);
  const reads = [
    ...climbs('secret.txt'),
    ...climbs('outside/secret.txt'),
    ...absolute,
    '/link-out.txt',
    '/outdir/secret.txt',
  ];
  const evil = `pb-evil-${process.pid}.txt`;

  const requests: string[] = [];
  for (const uri of reads) {
    requests.push(`GET ${uri} HTTP/1.0\r\n\r\n`, `HEAD ${uri} HTTP/1.0\r\n\r\n`);
    // DELETE of the link itself is below; it removes the link, never its target.
    if (uri !== '/link-out.txt') requests.push(`DELETE ${uri} HTTP/1.0\r\n\r\n`);
    requests.push(`GET /sub/??${uri.slice(1)},a.css HTTP/1.0\r\n\r\n`);
  }
  for (const uri of [
    ...climbs(evil),
    ...climbs(`outside/${evil}`),
    `/${d.outside}/${evil}`,
    `/outdir/${evil}`,
  ]) {
    requests.push(`PUT ${uri} HTTP/1.0\r\nContent-Length: 5\r\n\r\nPWNED`);
  }
  for (const uri of [...climbs('outside/img.png'), `/${d.outside}/img.png`, '/outdir/img.png']) {
    requests.push(`GET /palimg${uri}/ptff8000 HTTP/1.0\r\n\r\n`);
  }

  const canaryTail = canaryPng.subarray(-24);
  for (const req of requests) {
    const res = await exchange(port, Buffer.from(req, 'latin1'), 3000);
    const label = `${JSON.stringify(req.slice(0, 120))} -> ${JSON.stringify(res.text.slice(0, 80))}`;
    expect(res.closed, label).toBe(true);
    expect(res.status >= 200 && res.status < 300, label).toBe(false);
    expect(res.text, label).not.toContain('TOP SECRET');
    expect(res.bytes.includes(canaryTail), label).toBe(false);
  }

  // unlink() never follows a link: deleting the link inside the docroot leaves its target.
  await exchange(port, Buffer.from('DELETE /link-out.txt HTTP/1.0\r\n\r\n'));
  expect(listTree(d.outside)).toEqual(outsideBefore);
  expect(listTree(d.base).filter((p) => !p.startsWith('docroot'))).toEqual(baseBefore);
  expect(fs.readFileSync(path.join(d.outside, 'secret.txt'), 'utf8')).toBe(SECRET);
  expect(fs.readFileSync(path.join(d.base, 'secret.txt'), 'utf8')).toBe(SECRET);
  expect(fs.readFileSync(path.join(d.outside, 'img.png')).equals(canaryPng)).toBe(true);
  expect(fs.existsSync(path.join(path.dirname(d.base), evil))).toBe(false);
});
