/**
 * A management-port client (what Perlbal::Test's manage / manage_multi do): send a line,
 * read the reply. Works against ours and the real Perlbal.
 */
import net from 'node:net';

export class ManageClient {
  readonly #sock: net.Socket;
  #buf = '';
  #waiters: Array<() => void> = [];
  closed = false;

  private constructor(sock: net.Socket) {
    this.#sock = sock;
    sock.setEncoding('latin1');
    sock.on('data', (c: string) => {
      this.#buf += c;
      this.#wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    sock.on('error', () => {});
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<ManageClient> {
    const sock = net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    return new ManageClient(sock);
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  async #waitFor(pred: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (this.closed) return;
      if (Date.now() > deadline) throw new Error(`timed out; buffered ${JSON.stringify(this.#buf)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  send(raw: string): void {
    this.#sock.write(raw);
  }

  /** Send `cmd` and read one line (Perlbal::Test manage). */
  async line(cmd: string, timeoutMs = 3000): Promise<string> {
    this.send(`${cmd}\r\n`);
    await this.#waitFor(() => this.#buf.includes('\r\n'), timeoutMs);
    const i = this.#buf.indexOf('\r\n');
    if (i === -1) return '';
    const l = this.#buf.slice(0, i);
    this.#buf = this.#buf.slice(i + 2);
    return l;
  }

  /** Send `cmd` and read lines up to and including a `.` line or an `ERROR` line. */
  async multi(cmd: string, timeoutMs = 3000): Promise<string[]> {
    this.send(`${cmd}\r\n`);
    const lines: string[] = [];
    for (;;) {
      await this.#waitFor(() => this.#buf.includes('\r\n'), timeoutMs);
      const i = this.#buf.indexOf('\r\n');
      if (i === -1) return lines;
      const l = this.#buf.slice(0, i);
      this.#buf = this.#buf.slice(i + 2);
      lines.push(l);
      if (l === '.' || l.startsWith('ERROR')) return lines;
    }
  }

  /** Whatever arrives within `ms` (for commands with no output). */
  async drain(ms = 150): Promise<string> {
    await new Promise((r) => setTimeout(r, ms));
    const b = this.#buf;
    this.#buf = '';
    return b;
  }

  close(): void {
    this.#sock.destroy();
  }
}
