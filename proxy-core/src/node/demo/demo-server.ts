/**
 * `perlbal-desktop --demo`: a tiny LiveJournal-like backend, so that a new user sees proxying
 * work without an LJ checkout. It answers as LiveJournal does behind Perlbal: pages directly,
 * userpics and uploaded photos with X-REPROXY-FILE, demo photos with X-REPROXY-URL, and an
 * upload form whose progress comes from Perlbal's upload tracker.
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { JournalStore, USERS, findUser, type Photo } from './journal-store.js';
import type { PageContext } from './layout.js';
import { boundaryOf, parseMultipart } from './multipart.js';
import { homePage, journalPage, notFoundPage, updatePage } from './pages.js';

export interface DemoOptions {
  host?: string;
  port: number;
  /** resources/demo: the userpics and photos. */
  assetsDir: string;
  /** Static servers tried first for X-REPROXY-URL (e.g. `http://127.0.0.1:8082/demo/`). */
  statBases?: string[];
}

export interface DemoServer {
  host: string;
  port: number;
  /** `host:port`. */
  hostport: string;
  close(): Promise<void>;
}

const MAX_BODY = 11 * 1024 * 1024;
const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.gif': 'image/gif', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };
const ASSET_NAME = /^[\w-]+\.(png|gif|jpe?g)$/;

type Reply = { status: number; headers?: Record<string, string>; body?: string | Buffer };

export async function startDemo(opts: DemoOptions): Promise<DemoServer> {
  const host = opts.host ?? '127.0.0.1';
  const store = new JournalStore();
  const uploads = new Uploads();
  const sockets = new Set<net.Socket>();
  let port = opts.port;
  const server = http.createServer((req, res) => {
    void route(req, { store, uploads, opts, self: `${host}:${port}` }).then(
      (reply) => send(res, reply),
      () => send(res, { status: 500, body: 'The demo backend failed on this request.\n' }),
    );
  });
  // Perlbal keeps bored backend connections with no idle limit of its own; don't drop them fast.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  port = (server.address() as net.AddressInfo).port;
  return {
    host,
    port,
    hostport: `${host}:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      uploads.removeAll();
    },
  };
}

function send(res: http.ServerResponse, r: Reply): void {
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : (r.body ?? Buffer.alloc(0));
  res.writeHead(r.status, { ...r.headers, 'Content-Length': String(body.length) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

const html = (body: string, status = 200): Reply => ({ status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body });

interface Scope {
  store: JournalStore;
  uploads: Uploads;
  opts: DemoOptions;
  /** This backend's own `host:port`. */
  self: string;
}

async function route(req: http.IncomingMessage, s: Scope): Promise<Reply> {
  const url = new URL(req.url === '*' ? '/' : (req.url ?? '/'), 'http://demo');
  const p = decodeURIComponent(url.pathname);
  const ctx: PageContext = { host: req.headers.host ?? s.self, backend: s.self };
  // verify_backend's `OPTIONS *` (and any OPTIONS): a plain 200, kept alive.
  if (req.method === 'OPTIONS') return { status: 200 };
  // Perlbal answers this itself when upload tracking is on; otherwise there is no progress.
  if (p === '/__upload_status') return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: '{}' };
  if (p === '/favicon.ico') return reproxyFile(path.resolve(s.opts.assetsDir, 'userpic-system.gif'));
  if (p === '/update.bml') return req.method === 'POST' ? postEntry(req, s, ctx) : html(updatePage(ctx));
  const asset = /^\/(userpic|stat|photo)\/(.+)$/.exec(p);
  if (asset) return assetReply(asset[1]!, asset[2]!, s);
  const journal = /^\/~(\w+)\/?$/.exec(p)?.[1] ?? (p === '/' ? subdomainUser(ctx.host) : undefined);
  const user = journal ? findUser(journal) : undefined;
  if (user) return html(journalPage(ctx, user, s.store.list(user.name)));
  if (p === '/') {
    const headers: Array<[string, string]> = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    return html(homePage(ctx, s.store.list(), { line: `${req.method} ${req.url} HTTP/${req.httpVersion}`, headers }));
  }
  return html(notFoundPage(ctx, p), 404);
}

/** `frank.lj.localhost` is frank's journal, as LiveJournal's user subdomains are. */
function subdomainUser(host: string): string | undefined {
  const first = host.split(':')[0]!.split('.')[0]!;
  return USERS.some((u) => u.name === first) ? first : undefined;
}

function assetReply(kind: string, name: string, s: Scope): Reply {
  if (kind === 'userpic') {
    const user = findUser(name);
    if (!user) return { status: 404 };
    return reproxyFile(path.resolve(s.opts.assetsDir, user.userpic));
  }
  if (kind === 'photo' && name.startsWith('upload/')) {
    const photo = s.uploads.get(name.slice('upload/'.length));
    return photo ? reproxyFile(photo.file, photo.type) : { status: 404 };
  }
  if (!ASSET_NAME.test(name)) return { status: 404 };
  const type = IMAGE_TYPES[path.extname(name)]!;
  if (kind === 'photo') {
    // LiveJournal hands photos to Perlbal as a list of URLs on its storage servers; the
    // last one here is this backend's own static path, so the list always has a live entry.
    const urls = [...(s.opts.statBases ?? []).map((b) => `${b}${name}`), `http://${s.self}/stat/${name}`];
    return { status: 200, headers: { 'Content-Type': type, 'X-REPROXY-URL': urls.join(' ') } };
  }
  try {
    return { status: 200, headers: { 'Content-Type': type }, body: fs.readFileSync(path.join(s.opts.assetsDir, name)) };
  } catch {
    return { status: 404 };
  }
}

/** An empty answer telling Perlbal to send the file itself (needs enable_reproxy). */
function reproxyFile(file: string, type = IMAGE_TYPES[path.extname(file)] ?? 'application/octet-stream'): Reply {
  return { status: 200, headers: { 'Content-Type': type, 'X-REPROXY-FILE': file } };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) return null;
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

async function postEntry(req: http.IncomingMessage, s: Scope, ctx: PageContext): Promise<Reply> {
  const boundary = boundaryOf(req.headers['content-type']);
  const body = await readBody(req);
  if (!body) return html(updatePage(ctx, 'That upload is larger than 10 MiB.'), 413);
  if (!boundary) return html(updatePage(ctx, 'The form must be sent as multipart/form-data.'), 400);
  const parts = parseMultipart(body, boundary);
  const field = (n: string): string => parts.find((p) => p.name === n && p.filename === undefined)?.data.toString('utf8').trim() ?? '';
  const user = findUser(field('user'));
  if (!user) return html(updatePage(ctx, 'Pick a journal to post to.'), 400);
  const file = parts.find((p) => p.name === 'photo' && p.filename && p.data.length > 0);
  let photo: Photo | undefined;
  if (file) {
    if (!file.type || !Object.values(IMAGE_TYPES).includes(file.type)) return html(updatePage(ctx, 'Photos must be PNG, GIF or JPEG.'), 400);
    photo = s.uploads.save(file.data, file.type);
  }
  const subject = field('subject').slice(0, 200);
  const event = field('event');
  if (!subject && !event && !photo) return html(updatePage(ctx, 'Write something, or attach a photo.'), 400);
  s.store.add({ user: user.name, subject, body: event, ...(photo ? { photo } : {}) });
  return { status: 303, headers: { Location: `/~${user.name}/`, 'Content-Type': 'text/plain' }, body: 'Posted.\n' };
}

/** Uploaded photos, one file each in a temporary folder made on first use. */
class Uploads {
  #dir: string | null = null;
  readonly #files = new Map<string, { file: string; type: string }>();

  save(data: Buffer, type: string): Photo {
    this.#dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'perlbal-demo-'));
    const id = `${this.#files.size + 1}`;
    const ext = Object.entries(IMAGE_TYPES).find(([, t]) => t === type)?.[0] ?? '.bin';
    const file = path.join(this.#dir, `photo-${id}${ext}`);
    fs.writeFileSync(file, data);
    this.#files.set(id, { file, type });
    return { kind: 'upload', name: id, type };
  }

  get(id: string): { file: string; type: string } | undefined {
    return this.#files.get(id);
  }

  removeAll(): void {
    if (this.#dir) fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}
