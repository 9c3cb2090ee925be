/**
 * Palimg against the real Perlbal 1.80 plugin (`LOAD palimg`, String::CRC32 installed):
 * the same generated palette PNGs and GIFs (some with an editor's gAMA/cHRM/sRGB/tEXt chunks
 * before PLTE, as LiveJournal's own) served by both, over many random valid specs
 * (seeded, so a failure repeats), must come back with the same status and the same bytes.
 * Where the original is broken (palimg-spec section 6) the test states both answers: Perlbal's
 * 200 followed by an error page, and our clean response.
 */
import { describe, expect, it } from 'vitest';
import { havePerlbal, startOurs, startPerlbal, type Server } from './harness.js';
import { parseResponses, rawRequest, type ParsedResponse } from '../helpers/raw-http.js';
import { makePalimgDocroot, validImages } from '../helpers/palimg-docroot.js';
import { prng } from '../helpers/palimg-images.js';

const template = (docroot: string): string => `
SERVER aio_mode = none
LOAD palimg
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:{{port:web}}
  SET docroot = ${docroot}
  SET plugins = palimg
  SET dirindexing = 0
ENABLE web
`;

type Both = { perlbal: Server; ours: Server };

async function start(): Promise<Both> {
  // Two identical docroots, generated from the same seeds, with the same mtimes.
  const a = makePalimgDocroot();
  const b = makePalimgDocroot();
  const [perlbal, ours] = await Promise.all([
    startPerlbal(template(a.docroot), ['web']),
    startOurs(template(b.docroot)),
  ]);
  return { perlbal, ours };
}

interface Answer {
  responses: ParsedResponse[];
  raw: Buffer;
}

async function ask(s: Server, uri: string, method = 'GET'): Promise<Answer> {
  const r = await rawRequest(s.port('web'), `${method} ${uri} HTTP/1.0\r\n\r\n`);
  return { responses: parseResponses(r.bytes, [method === 'HEAD']), raw: r.bytes };
}

async function askBoth(
  servers: Both,
  uri: string,
  method = 'GET',
): Promise<{ perlbal: Answer; ours: Answer }> {
  const [perlbal, ours] = await Promise.all([
    ask(servers.perlbal, uri, method),
    ask(servers.ours, uri, method),
  ]);
  return { perlbal, ours };
}

/** Headers both send (Date varies; ETag is ours only; Accept-Ranges Perlbal's only). */
function sharedHeaders(res: ParsedResponse): Array<[string, string]> {
  return res.headers.filter(([k]) => !['date', 'etag', 'accept-ranges'].includes(k.toLowerCase()));
}

// ---- random valid specs ---------------------------------------------------------------------

const hex = (rand: () => number, digits: number): string =>
  Array.from({ length: digits }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');

/** A spec Perlbal accepts: gradient, tint with one or two colours, or 1-6 explicit entries. */
function randomSpec(rand: () => number): string {
  const form = Math.floor(rand() * 4);
  if (form === 0) {
    const i1 = Math.floor(rand() * 256);
    let i2 = Math.floor(rand() * 256);
    if (i2 === i1) i2 = (i1 + 1 + Math.floor(rand() * 255)) % 256;
    // Small ranges too, so the endpoints often fall inside small palettes.
    if (rand() < 0.5) i2 = Math.min(255, i1 + 1 + Math.floor(rand() * 8));
    const idx = (i: number): string => i.toString(16).padStart(2, '0');
    return `g${idx(i1)}${hex(rand, 6)}${idx(i2)}${hex(rand, 6)}`;
  }
  if (form === 1) return `t${hex(rand, 6)}`;
  if (form === 2) return `t${hex(rand, 12)}`;
  const n = 1 + Math.floor(rand() * 6);
  return Array.from({ length: n }, () => hex(rand, 7)).join('');
}

/** Images the original handles correctly (its PLTE lies within its 2048-byte window). */
const IMAGES = Object.keys(validImages()).filter((n) => n !== 'late-plte.png');
const CASES = 200;

describe.runIf(havePerlbal())('palimg vs Perlbal 1.80', () => {
  it(`${CASES} random valid specs over PNGs and GIFs of 2 to 256 colours: identical bytes`, async () => {
    const servers = await start();
    const rand = prng(20261125);
    for (let i = 0; i < CASES; i++) {
      const image = IMAGES[i % IMAGES.length]!;
      const uri = `/palimg/${image}/p${randomSpec(rand)}`;
      const { perlbal, ours } = await askBoth(servers, uri);
      expect(perlbal.responses, `${uri}: Perlbal answered once`).toHaveLength(1);
      expect(ours.responses, uri).toHaveLength(1);
      const [p, o] = [perlbal.responses[0]!, ours.responses[0]!];
      expect(o.statusLine, uri).toBe(p.statusLine);
      expect(sharedHeaders(o), uri).toEqual(sharedHeaders(p));
      expect(o.body.equals(p.body), `${uri}: body bytes`).toBe(true);
    }
  });

  // LiveJournal's images came from editors that put gAMA, cHRM, sRGB, pHYs, tIME and tEXt
  // between IHDR and PLTE; the PLTE must be found behind them and only it rewritten.
  it.each(['photoshop4.png', 'gimp16.png', 'pngcrush256.png'])(
    '%s (ancillary chunks before PLTE): identical bytes for tints, gradients and entries',
    async (image) => {
      const servers = await start();
      for (const spec of ['tff8000', 't336699ffffff', 'g00ff00000fffffff', '0abcdef3123456']) {
        const uri = `/palimg/${image}/p${spec}`;
        const { perlbal, ours } = await askBoth(servers, uri);
        expect(perlbal.responses, uri).toHaveLength(1);
        const [p, o] = [perlbal.responses[0]!, ours.responses[0]!];
        expect(p.status, uri).toBe(200);
        expect(o.statusLine, uri).toBe(p.statusLine);
        expect(o.body.equals(p.body), `${uri}: body bytes`).toBe(true);
      }
    },
  );

  it('the header differences are exactly ETag added and Accept-Ranges dropped', async () => {
    const servers = await start();
    const { perlbal, ours } = await askBoth(servers, '/palimg/pal4.png/ptff8000');
    const names = (r: Answer): string[] => r.responses[0]!.headers.map(([k]) => k);
    expect(names(perlbal)).toEqual([
      'Date',
      'Server',
      'Last-Modified',
      'Accept-Ranges',
      'Content-Type',
      'Content-Length',
      'Connection',
    ]);
    expect(names(ours)).toEqual([
      'Date',
      'Server',
      'Last-Modified',
      'ETag',
      'Content-Type',
      'Content-Length',
      'Connection',
    ]);
  });

  it.each([
    ['a plain image', '/palimg/pal4.png'],
    ['a plain image with a query string', '/palimg/pal16.gif?v=1655'],
    ['`/p` with no spec (static lookup)', '/palimg/pal4.png/p'],
    ['another suffix (static lookup)', '/palimg/pal4.png/x'],
    ['a missing image', '/palimg/missing.png/ptff8000'],
    ['`/../`', '/palimg/../secret.png/ptff8000'],
    ['`%2e%2e`', '/palimg/%2e%2e/secret.png/ptff8000'],
  ])('same answer for %s', async (_what, uri) => {
    const servers = await start();
    const { perlbal, ours } = await askBoth(servers, uri);
    expect(ours.responses).toHaveLength(1);
    expect(perlbal.responses).toHaveLength(1);
    const [p, o] = [perlbal.responses[0]!, ours.responses[0]!];
    expect(o.statusLine).toBe(p.statusLine);
    expect(o.headers.filter(([k]) => k !== 'Date')).toEqual(
      p.headers.filter(([k]) => k !== 'Date'),
    );
    expect(o.body.equals(p.body)).toBe(true);
  });

  // Perlbal sends its 200 head, then decides, then appends an error page (palimg-spec 3.4).
  it.each([
    ['an invalid spec', '/palimg/pal4.png/ptFF8000', 404],
    ['a query string after the spec', '/palimg/pal4.png/ptff8000?v=1', 200],
    ['a non-palette PNG', '/palimg/truecolour.png/ptff8000', 404],
    ['a truncated GIF', '/palimg/short.gif/ptff8000', 404],
    ['a PLTE past 2048 bytes', '/palimg/late-plte.png/ptff8000', 200],
    ['7 explicit entries (S2 palimg_modify)', `/palimg/pal16.png/p${'0123456'.repeat(7)}`, 200],
    ['an empty file (Perlbal appends a 500)', '/palimg/empty.png/ptff8000', 404],
  ])(
    '%s (%s): Perlbal sends 200 then an error page; ours answers %i, once',
    async (_what, uri, status) => {
      const servers = await start();
      const { perlbal, ours } = await askBoth(servers, uri);
      expect(perlbal.responses[0]!.status).toBe(200);
      expect(perlbal.raw.toString('latin1')).toMatch(
        /HTTP\/1\.0 (404 Not Found|500 Internal Server Error)/,
      );
      expect(ours.responses).toHaveLength(1);
      expect(ours.responses[0]!.status).toBe(status);
    },
  );

  it('HEAD with an invalid spec: Perlbal 200 (never validated), ours 404 like GET', async () => {
    const servers = await start();
    const { perlbal, ours } = await askBoth(servers, '/palimg/pal4.png/pZZ', 'HEAD');
    expect(perlbal.responses[0]!.status).toBe(200);
    expect(ours.responses[0]!.status).toBe(404);
  });

  it('.jpg with a valid spec: Perlbal serves it unchanged, ours 404; .PNG: Perlbal raw text/plain, ours recoloured', async () => {
    const servers = await start();
    const jpg = await askBoth(servers, '/palimg/photo.jpg/ptff8000');
    expect(jpg.perlbal.responses[0]!.status).toBe(200);
    expect(jpg.ours.responses[0]!.status).toBe(404);
    const upper = await askBoth(servers, '/palimg/upper.PNG/ptff8000');
    const ct = (a: Answer): string | undefined =>
      a.responses[0]!.headers.find(([k]) => k === 'Content-Type')?.[1];
    expect(ct(upper.perlbal)).toBe('text/plain');
    expect(ct(upper.ours)).toBe('image/png');
    expect(upper.ours.responses[0]!.body.equals(upper.perlbal.responses[0]!.body)).toBe(false);
  });
});
