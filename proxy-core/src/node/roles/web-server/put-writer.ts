/**
 * Streams a PUT body into its file (Perlbal put_writeout / put_close / put_check_md5).
 * Writes go through the thread pool one at a time, each taking everything that arrived
 * meanwhile; reading pauses while more than HIGH_WATER bytes wait, so a fast client can't
 * fill memory. With Content-MD5 the body goes to a temp file that is renamed into place only
 * when the digest matches (201), and unlinked otherwise (400).
 */
import fs from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import type { BodySink, ClientHTTPBase } from '../../client/client-http-base.js';

/** Perlbal stops reading past 1 MiB of unwritten data. */
const HIGH_WATER = 1024 * 1024;

export interface PutFile {
  fd: number;
  /** The path written to (the temp file with MD5). */
  path: string;
  /** With MD5: where the temp file goes when the digest matches. */
  finalPath: string | null;
}

export class PutWriter implements BodySink {
  readonly #client: ClientHTTPBase;
  readonly #file: PutFile;
  readonly #hash: Hash | null;
  readonly #maxChunked: number;
  #pos = 0;
  #received = 0;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #inFlight: Buffer | null = null;
  #paused = false;
  #ended = false;
  /** The client went away, or we gave up: release the file once no write is in flight. */
  #dead = false;
  #released = false;

  /** `maxChunked` > 0 limits a chunked body (max_chunked_request_size). */
  constructor(client: ClientHTTPBase, file: PutFile, maxChunked: number) {
    this.#client = client;
    this.#file = file;
    this.#hash = file.finalPath !== null ? createHash('md5') : null;
    this.#maxChunked = maxChunked;
    client.onClose = this.#onClientClose;
  }

  data(chunk: Buffer): boolean {
    if (this.#dead) return true;
    this.#received += chunk.length;
    if (this.#maxChunked > 0 && this.#received > this.#maxChunked) {
      // Perlbal closes with no response; what was written so far stays on disk.
      this.#dead = true;
      this.#client.close('chunked_put_too_large');
      return false;
    }
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#inFlight === null) this.#flush();
    if (this.#pendingBytes < HIGH_WATER) return true;
    this.#paused = true;
    return false;
  }

  end(): void {
    this.#ended = true;
    if (this.#inFlight === null && !this.#dead) this.#flush();
  }

  #flush(): void {
    if (this.#pendingBytes === 0) {
      if (this.#ended) this.#finish();
      return;
    }
    const data = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#paused) {
      this.#paused = false;
      this.#client.resumeBody();
    }
    // A put_writeout hook that returns true has taken care of this data (Perlbal).
    if (this.#client.service.hooks.run('put_writeout', this.#client, data)) return this.#flush();
    this.#hash?.update(data);
    this.#write(data);
  }

  #write(data: Buffer): void {
    this.#inFlight = data;
    fs.write(this.#file.fd, data, 0, data.length, this.#pos, this.#onWritten);
  }

  #onWritten = (err: NodeJS.ErrnoException | null, n: number): void => {
    const data = this.#inFlight!;
    this.#inFlight = null;
    if (this.#dead) return this.#release();
    if (err) return this.#fail('Error saving file', err);
    this.#pos += n;
    if (n < data.length) return this.#write(data.subarray(n));
    this.#flush();
  };

  #finish(): void {
    const client = this.#client;
    client.onClose = null;
    this.#released = true;
    try {
      fs.closeSync(this.#file.fd);
    } catch (e) {
      return this.#fail('Error saving file', e as NodeJS.ErrnoException);
    }
    if (this.#hash === null) return client.sendResponse(200);
    this.#checkMd5(this.#hash.digest('base64').replace(/=+$/, ''));
  }

  #checkMd5(actual: string): void {
    const client = this.#client;
    const { path, finalPath } = this.#file;
    const expect = (client.reqHeaders!.header('Content-MD5') ?? '').replace(/=+\s*$/, '');
    if (actual === expect) {
      try {
        fs.renameSync(path, finalPath!);
      } catch (e) {
        return systemError(client, 'Error renaming file', e as NodeJS.ErrnoException);
      }
      return client.sendResponse(201);
    }
    try {
      fs.unlinkSync(path);
    } catch (e) {
      return systemError(client, 'Error unlinking file', e as NodeJS.ErrnoException);
    }
    client.sendResponse(400, `Content-MD5 mismatch, expected: ${expect} actual: ${actual}`);
  }

  #fail(msg: string, err: NodeJS.ErrnoException): void {
    this.#dead = true;
    this.#release();
    this.#client.onClose = null;
    systemError(this.#client, msg, err);
  }

  #onClientClose = (): void => {
    this.#dead = true;
    if (this.#inFlight === null) this.#release();
  };

  /** Close the file; an unfinished MD5 temp file is removed (Perlbal left it behind). */
  #release(): void {
    if (this.#released) return;
    this.#released = true;
    try {
      fs.closeSync(this.#file.fd);
    } catch {
      // nothing more to release
    }
    if (this.#file.finalPath !== null) fs.rm(this.#file.path, { force: true }, () => {});
  }
}

/** Perlbal system_error: log, then a 500 with the message. */
export function systemError(client: ClientHTTPBase, msg: string, err: NodeJS.ErrnoException): void {
  client.core.log('warning', `system error: ${msg} (${err.code ?? err.message})`);
  client.sendResponse(500, msg);
}
