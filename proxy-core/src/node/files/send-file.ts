/**
 * Sending file bodies (Perlbal reproxy_fh / event_write_reproxy_fh). Files are already open
 * and validated when we get here. The first CHUNK bytes of the body (possibly spanning
 * several files of a `??` request) are read synchronously and leave in one write with the
 * head; the rest streams in CHUNK-sized reads that wait for the socket to drain, so memory
 * stays flat whatever the file size. Every descriptor is closed on every path, client aborts
 * included. Cached files (file-cache.ts) go out through sendBuffer instead.
 *
 * The start_send_file hook gets (client, transfer) once per file after the head is written
 * and may take over: it writes what it wants, moves `transfer.offset`, then calls
 * `transfer.resume()` (Perlbal Palimg). reproxy_fh_finished gets the same pair when a file
 * is done; a hook that returns true must call `transfer.finish()` itself.
 */
import fs from 'node:fs';
import type { ClientHTTPBase } from '../client/client-http-base.js';

/** One file (or a byte range of it) to send. */
export interface FileSegment {
  path: string;
  fd: number;
  /** First byte to send. */
  start: number;
  /** Number of bytes to send. */
  length: number;
}

/** Reads are at most this big; the first one shares its buffer with the head. */
const CHUNK = 512 * 1024;
/** Bodies above this are read into recycled CHUNK buffers. */
const POOLED_ABOVE = 64 * 1024;
/** Recycled buffers kept for later responses. */
const POOL_MAX = 8;

// Large buffers are recycled: a fresh 512 KiB allocation is an mmap whose pages fault in
// (and are zeroed) on first touch, which costs as much as the copy itself.
const pool: Buffer[] = [];

function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
}

function giveBuffer(buf: Buffer): void {
  if (pool.length < POOL_MAX) pool.push(buf);
}

/**
 * The file being sent, as start_send_file and reproxy_fh_finished hooks see it: from disk
 * (`fd` open) or from the file cache (`fd` is -1; a hook that reads the file itself must
 * leave such a transfer alone).
 */
export interface FileTransfer {
  readonly path: string;
  readonly fd: number;
  /** Next byte to send (Perlbal reproxy_file_offset); a hook may move it forward. */
  offset: number;
  /** One past the last byte to send. */
  readonly end: number;
  /** Continue sending from `offset` (after start_send_file took over). */
  resume(): void;
  /** This file is done: close it and go on (after reproxy_fh_finished took over). */
  finish(): void;
}

class SegmentTransfer implements FileTransfer {
  readonly path: string;
  readonly fd: number;
  offset: number;
  end: number;
  readonly #job: SendJob;

  constructor(job: SendJob, seg: FileSegment) {
    this.#job = job;
    this.path = seg.path;
    this.fd = seg.fd;
    this.offset = seg.start;
    this.end = seg.start + seg.length;
  }

  resume(): void {
    this.#job.pump();
  }

  finish(): void {
    this.#job.finishSegment();
  }
}

/**
 * Called instead of sending when the first read fails, with nothing written and every
 * descriptor closed: `err` is null when a file was shorter than its stat said (it changed
 * under us, so the caller may start over), else the read error.
 */
export type SendFailed = (err: NodeJS.ErrnoException | null) => void;

/** Write `head` and the segments' bytes, then finish the response. */
export function sendFiles(
  client: ClientHTTPBase,
  head: string,
  segments: FileSegment[],
  onFailed: SendFailed,
): void {
  new SendJob(client, segments).start(head, onFailed);
}

/** Close descriptors, ignoring errors (they are read-only). */
export function closeSegments(segments: readonly FileSegment[], from = 0): void {
  for (let i = from; i < segments.length; i++) {
    try {
      fs.closeSync(segments[i]!.fd);
    } catch {
      // already closed or invalid: nothing to release
    }
  }
}

class SendJob {
  readonly #client: ClientHTTPBase;
  readonly #segs: FileSegment[];
  /** Index of the current segment; segments before it are closed. */
  #idx = 0;
  #cur: SegmentTransfer | null = null;
  #reading = false;
  #ended = false;
  /** A recycled buffer still queued on the socket; free again at the next drain. */
  #held: Buffer | null = null;

  constructor(client: ClientHTTPBase, segs: FileSegment[]) {
    this.#client = client;
    this.#segs = segs;
  }

  start(head: string, onFailed: SendFailed): void {
    const client = this.#client;
    client.state = 'xfer_disk';
    const hooks = client.service.hooks;
    if (hooks.has('start_send_file') || hooks.has('reproxy_fh_finished')) {
      client.onClose = this.#abort;
      client.write(head);
      return this.#nextSegment();
    }
    let total = 0;
    for (const s of this.#segs) total += s.length;
    const headLen = Buffer.byteLength(head);
    let buf: Buffer;
    let pooled: Buffer | null = null;
    if (total > POOLED_ABOVE && headLen < CHUNK / 2) {
      pooled = takeBuffer();
      buf = pooled.subarray(0, Math.min(CHUNK, headLen + total));
    } else {
      buf = Buffer.allocUnsafe(headLen + Math.min(total, CHUNK));
    }
    buf.write(head, 0);
    let filled: boolean;
    try {
      filled = this.#fillSync(buf, headLen);
    } catch (e) {
      closeSegments(this.#segs, this.#idx);
      return onFailed(e as NodeJS.ErrnoException);
    }
    if (!filled) {
      closeSegments(this.#segs, this.#idx);
      return onFailed(null);
    }
    client.onClose = this.#abort;
    this.#send(buf, pooled);
  }

  /** Write `view` (of the recycled buffer `pooled`, if any) and continue when there is room. */
  #send(view: Buffer, pooled: Buffer | null): void {
    const client = this.#client;
    const ok = client.write(view);
    // Once nothing is queued, the kernel has the bytes and the buffer can be reused.
    if (pooled !== null) {
      if (client.writeBufferSize === 0) giveBuffer(pooled);
      else if (!ok) this.#held = pooled;
    }
    if (ok) this.pump();
    else client.onDrain(this.pump);
  }

  /** Fill `buf` from `off` across segments; false if a file came up short. */
  #fillSync(buf: Buffer, off: number): boolean {
    while (off < buf.length) {
      const seg = this.#segs[this.#idx]!;
      this.#cur ??= new SegmentTransfer(this, seg);
      const cur = this.#cur;
      const want = Math.min(cur.end - cur.offset, buf.length - off);
      const n = want > 0 ? fs.readSync(cur.fd, buf, off, want, cur.offset) : 0;
      if (n === 0 && want > 0) return false;
      off += n;
      cur.offset += n;
      if (cur.offset >= cur.end) this.#closeCurrent();
    }
    return true;
  }

  #closeCurrent(): void {
    const seg = this.#segs[this.#idx];
    this.#cur = null;
    this.#idx++;
    if (seg) closeSegments([seg]);
  }

  /** Read and write the next chunk of the current segment (or move on). */
  pump = (): void => {
    const client = this.#client;
    if (client.closed) return this.#abort();
    if (this.#reading || this.#ended) return;
    if (this.#held !== null && client.writeBufferSize === 0) {
      giveBuffer(this.#held);
      this.#held = null;
    }
    const cur = this.#cur;
    if (cur === null) return this.#nextSegment();
    const remain = cur.end - cur.offset;
    if (remain <= 0) return this.finishSegment();
    const buf = takeBuffer();
    this.#reading = true;
    fs.read(cur.fd, buf, 0, Math.min(remain, CHUNK), cur.offset, this.#onRead);
  };

  #onRead = (err: NodeJS.ErrnoException | null, n: number, buf: Buffer): void => {
    this.#reading = false;
    const client = this.#client;
    if (client.closed || this.#ended) {
      giveBuffer(buf);
      return this.#abort();
    }
    const cur = this.#cur!;
    if (err || n === 0) {
      // The file shrank or failed after the head went out: all we can do is close.
      giveBuffer(buf);
      client.core.log(
        'warning',
        `file read failed for ${cur.path}: ${err ? err.code : 'short file'}`,
      );
      this.#abort();
      return client.close('file_read_error');
    }
    cur.offset += n;
    this.#send(n < buf.length ? buf.subarray(0, n) : buf, buf);
  };

  finishSegment(): void {
    const cur = this.#cur;
    if (cur && this.#client.service.hooks.run('reproxy_fh_finished', this.#client, cur)) return;
    this.#closeCurrent();
    this.#nextSegment();
  }

  #nextSegment(): void {
    const client = this.#client;
    if (client.closed) return this.#abort();
    if (this.#idx >= this.#segs.length) return this.#done();
    const cur = (this.#cur = new SegmentTransfer(this, this.#segs[this.#idx]!));
    if (client.service.hooks.run('start_send_file', client, cur)) return;
    this.pump();
  }

  #done(): void {
    this.#ended = true;
    const client = this.#client;
    client.onClose = null;
    client.responseDone();
  }

  /** The client went away (or a read failed): release what is still open. */
  #abort = (): void => {
    if (this.#ended) return;
    // A read in flight still uses its descriptor; its callback comes back here.
    if (this.#reading) return;
    this.#ended = true;
    closeSegments(this.#segs, this.#idx);
    this.#idx = this.#segs.length;
    this.#cur = null;
  };
}

/** Bodies up to this size are copied next to the head; larger ones go out by writev. */
const COPY_UNDER = 16 * 1024;

/**
 * Send `head` and an in-memory body (`body`, bytes `start` to `start + length` of the cached
 * file `path`) and finish the response. With start_send_file or reproxy_fh_finished hooks
 * (Stats, Palimg), they run as for a file from disk.
 */
export function sendBuffer(client: ClientHTTPBase, head: string, path: string, body: Buffer): void {
  client.state = 'xfer_disk';
  const hooks = client.service.hooks;
  if (hooks.has('start_send_file') || hooks.has('reproxy_fh_finished')) {
    client.write(head);
    return new CachedTransfer(client, path, body).start();
  }
  let ok: boolean;
  if (body.length <= COPY_UNDER) {
    const headLen = Buffer.byteLength(head);
    const buf = Buffer.allocUnsafe(headLen + body.length);
    buf.write(head, 0);
    body.copy(buf, headLen);
    ok = client.write(buf);
  } else {
    // Corked, the two writes leave in one writev and the cached body is not copied.
    client.socket.cork();
    client.write(head);
    ok = client.write(body);
    client.socket.uncork();
  }
  // One response in flight per connection: a pipelining client that doesn't read waits.
  if (ok) client.responseDone();
  else client.onDrain(() => client.responseDone());
}

/** A cached body sent with the file hooks run around it, as SendJob runs them. */
class CachedTransfer implements FileTransfer {
  readonly fd = -1;
  offset = 0;
  readonly end: number;
  readonly path: string;
  readonly client: ClientHTTPBase;
  readonly body: Buffer;
  #done = false;

  constructor(client: ClientHTTPBase, path: string, body: Buffer) {
    this.client = client;
    this.path = path;
    this.body = body;
    this.end = body.length;
  }

  start(): void {
    if (this.client.service.hooks.run('start_send_file', this.client, this)) return;
    this.resume();
  }

  resume(): void {
    const client = this.client;
    if (client.closed) return;
    const ok = this.offset < this.end ? client.write(this.body.subarray(this.offset)) : true;
    this.offset = this.end;
    if (ok) this.#finished();
    else client.onDrain(() => this.#finished());
  }

  #finished(): void {
    if (this.client.closed) return;
    if (this.client.service.hooks.run('reproxy_fh_finished', this.client, this)) return;
    this.finish();
  }

  finish(): void {
    if (this.#done || this.client.closed) return;
    this.#done = true;
    this.client.responseDone();
  }
}

/**
 * Read a whole file of `size` bytes synchronously. Null when it turned out shorter (it
 * changed under us); throws on open or read errors.
 */
export function readWhole(path: string, size: number): Buffer | null {
  const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const buf = Buffer.allocUnsafeSlow(size);
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, buf, got, size - got, got);
      if (n === 0) return null;
      got += n;
    }
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}
