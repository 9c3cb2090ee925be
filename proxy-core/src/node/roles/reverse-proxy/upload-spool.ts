/**
 * A request body spooled to a file before a backend is asked for (Perlbal ClientProxy
 * buffered_upload_update, continue_buffered_upload and purge_buffered_upload): written one
 * write at a time, read back to the backend with its flow control, and removed on every
 * ending. File names are Perlbal's: `<service>-<listen>-client-<fd>-<random>`, mode 0644.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClientHTTPBase } from '../../client/client-http-base.js';
import type { BackendHTTP } from '../../proxy/backend-http.js';

/** Perlbal stops reading from the client while this much waits for the disk. */
const HIGH_WATER = 1024 * 1024;
/** Read size when sending the file (Perlbal's READ_SIZE); at most one read is in memory. */
const SEND_CHUNK = 128 * 1024;
/** O_EXCL: a name clash picks a new random suffix instead of truncating (see below). */
const OPEN_FLAGS = fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_RDWR;
const OPEN_TRIES = 5;

export interface SpoolEvents {
  /** The backlog fell below the high-water mark: reading from the client may go on. */
  resume(): void;
  /** The file could not be opened, written or read; the spool is already purged. */
  failed(message: string): void;
}

/** Where spool files go: buffer_uploads_path (relative to the config), else the OS temp dir. */
export function spoolDir(client: ClientHTTPBase): string {
  const svc = client.service;
  const dir = svc.path('buffer_uploads_path');
  if (dir !== null) return dir;
  const tmp = os.tmpdir();
  if (!svc.scratch.has('spool-dir-noted')) {
    svc.scratch.set('spool-dir-noted', true);
    client.core.log(
      'info',
      `service '${svc.name}': buffer_uploads_path is not set; request bodies are spooled in ${tmp}`,
    );
  }
  return tmp;
}

export class UploadSpool {
  readonly #dir: string;
  readonly #stem: string;
  readonly #events: SpoolEvents;
  /** The file's path once it exists (it is created with the first bytes). */
  path: string | null = null;
  #fd: number | null = null;
  /** An open, write or read is in flight; a purge waits for it. */
  #busy = false;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #written = 0;
  #paused = false;
  #onFinished: ((written: number) => void) | null = null;
  #purged = false;

  /** `stem` is the name without its random suffix (`svc-listen-client-fd`). */
  constructor(dir: string, stem: string, events: SpoolEvents) {
    this.#dir = dir;
    this.#stem = stem;
    this.#events = events;
  }

  /** Bytes on disk so far. */
  get written(): number {
    return this.#written;
  }

  /** Queue bytes for the disk; false asks the caller to stop reading until `resume`. */
  write(chunk: Buffer): boolean {
    if (this.#purged) return true;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    this.#pump();
    if (this.#pendingBytes < HIGH_WATER) return true;
    this.#paused = true;
    return false;
  }

  /** Call `done` with the byte count once everything queued is on disk. */
  finish(done: (written: number) => void): void {
    this.#onFinished = done;
    this.#pump();
  }

  #pump(): void {
    if (this.#busy || this.#purged) return;
    if (this.#pendingBytes > 0) {
      if (this.#fd === null) return this.#open(OPEN_TRIES);
      return this.#writeOut();
    }
    const done = this.#onFinished;
    this.#onFinished = null;
    // A zero-length body never creates a file (Perlbal's 0-length chunked upload).
    done?.(this.#written);
  }

  #open(tries: number): void {
    const file = path.join(this.#dir, `${this.#stem}-${Math.floor(Math.random() * 0xffffffff)}`);
    this.#busy = true;
    // Perlbal opens with O_TRUNC; with a shared temp dir, O_EXCL makes sure we never truncate
    // someone else's file or write through a symlink planted under a guessed name.
    fs.open(file, OPEN_FLAGS, 0o644, (err, fd) => {
      this.#busy = false;
      if (err && this.#purged) return;
      if (err?.code === 'EEXIST' && tries > 1) return this.#open(tries - 1);
      if (err)
        return this.#fail(`Failure to open ${file} for buffered upload output: ${err.message}`);
      this.#fd = fd;
      this.path = file;
      if (this.#purged) return this.#release();
      this.#pump();
    });
  }

  #writeOut(): void {
    const data = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#paused) {
      this.#paused = false;
      this.#events.resume();
    }
    this.#busy = true;
    fs.write(this.#fd!, data, 0, data.length, this.#written, (err, n) => {
      this.#busy = false;
      if (this.#purged) return this.#release();
      if (err)
        return this.#fail(
          `Error writing buffered upload: ${err.message}. Tried to do ${data.length} bytes at ${this.#written}.`,
        );
      this.#written += n;
      if (n < data.length) {
        this.#pending.unshift(data.subarray(n));
        this.#pendingBytes += data.length - n;
      }
      this.#pump();
    });
  }

  /**
   * Send the whole file to `be` after its request head (Perlbal sendfile()s it); `done` runs
   * when the last byte has been handed to the backend socket. Stops quietly if the spool is
   * purged or the backend closes meanwhile (their own paths clean up).
   */
  sendTo(be: BackendHTTP, done: () => void): void {
    let pos = 0;
    const step = (): void => {
      if (this.#purged || be.closed) return;
      if (pos >= this.#written) return done();
      const buf = Buffer.allocUnsafe(Math.min(SEND_CHUNK, this.#written - pos));
      this.#busy = true;
      fs.read(this.#fd!, buf, 0, buf.length, pos, (err, n) => {
        this.#busy = false;
        if (this.#purged) return this.#release();
        if (err || n === 0)
          return this.#fail(
            `Error reading buffered upload ${this.path}: ${err?.message ?? 'file shorter than written'}`,
          );
        pos += n;
        if (be.writeBody(buf.subarray(0, n))) step();
        else be.onceDrained(step);
      });
    };
    step();
  }

  /** Close and delete the file (idempotent); waits for an operation in flight. */
  purge(): void {
    if (this.#purged) return;
    this.#purged = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#onFinished = null;
    if (!this.#busy) this.#release();
  }

  #release(): void {
    const fd = this.#fd;
    const file = this.path;
    this.#fd = null;
    if (fd === null) return;
    fs.close(fd, () => {
      // Perlbal only warns when the unlink fails; the file is left for a cleaner.
      if (file !== null) fs.unlink(file, () => {});
    });
  }

  #fail(message: string): void {
    this.purge();
    this.#events.failed(message);
  }
}
