/**
 * `--daemon`. Perlbal loads its config and binds its ports, then forks, so a config that can't
 * start fails in the foreground with its error and a non-zero status. Node can't fork, so the
 * parent starts a detached copy of itself (new session, working directory `/`, no terminal)
 * with a pipe on fd 3: the copy sends its start-up output through it, then either "started"
 * or its errors, and the parent prints them and exits 0 or 1 accordingly.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { StartupOutput } from './start-config.js';

/** Tells a copy started by `runDaemon` which fd leads back to its parent. */
const PIPE_ENV = 'PERLBAL_DESKTOP_DAEMON_FD';

type Message = { out: string } | { err: string } | { ready: number };

/** In the detached copy: start-up output goes to the parent until `ready()`. */
export class DaemonPipe implements StartupOutput {
  #fd: number | null;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** The pipe to the parent if this process is a `--daemon` copy (and forget it in env). */
  static fromEnv(): DaemonPipe | null {
    const fd = process.env[PIPE_ENV];
    if (fd === undefined) return null;
    delete process.env[PIPE_ENV];
    return /^\d+$/.test(fd) ? new DaemonPipe(Number(fd)) : null;
  }

  out(line: string): void {
    this.#send({ out: line });
  }

  err(line: string): void {
    this.#send({ err: line });
  }

  /** Started: the parent exits 0; nothing more goes through the pipe. */
  ready(): void {
    this.#send({ ready: process.pid });
    this.close();
  }

  close(): void {
    if (this.#fd === null) return;
    try {
      fs.closeSync(this.#fd);
    } catch {
      /* already gone */
    }
    this.#fd = null;
  }

  #send(msg: Message): void {
    if (this.#fd === null) return;
    try {
      fs.writeSync(this.#fd, `${JSON.stringify(msg)}\n`);
    } catch {
      // The parent is gone (interrupted): carry on without it.
      this.#fd = null;
    }
  }
}

/**
 * The parent: start `args` detached, relay its start-up output to `io`, and resolve to the
 * exit status for this process (0 once the copy runs, 1 if it stopped).
 */
export function runDaemon(args: string[], io: StartupOutput): Promise<number> {
  const script = path.resolve(process.argv[1]!);
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    cwd: '/',
    env: { ...process.env, [PIPE_ENV]: '3' },
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(e.message));
    child.once('exit', (code, signal) =>
      resolve(signal ? `signal ${signal}` : `exit status ${code}`),
    );
  });
  return new Promise((resolve) => {
    let ready = false;
    let reported = false;
    const pipe = child.stdio[3] as NodeJS.ReadableStream | undefined;
    if (!pipe) return resolve(1);
    const lines = readline.createInterface({ input: pipe, crlfDelay: Infinity });
    lines.on('line', (text) => {
      const msg = JSON.parse(text) as Message;
      if ('out' in msg) io.out(msg.out);
      else if ('err' in msg) {
        reported = true;
        io.err(msg.err);
      } else {
        ready = true;
        io.out(`Running in the background, pid ${msg.ready}.`);
      }
    });
    lines.on('close', () => {
      if (ready) {
        child.unref();
        return resolve(0);
      }
      void exited.then((how) => {
        // A SHUTDOWN line in the config ends it cleanly, as it ends Perlbal before the fork.
        if (how === 'exit status 0') return resolve(0);
        if (!reported) io.err(`The background process stopped while starting (${how}).`);
        resolve(1);
      });
    });
  });
}
