/**
 * A running pool of backend nodes (Perlbal::Pool): the `ip:port` list from POOL ADD, or from a
 * `nodefile` re-read when it changes (checked at most every 3 s, when a node is needed), the
 * per-node use counters shown by `show pool`, and random node choice (`balance_method` random,
 * the only method 1.80 has).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PoolModel } from '../../common/config/model.js';
import { nowSeconds } from '../util/clock.js';

const NODEFILE_RELOAD_SECONDS = 3;

export interface Node {
  ip: string;
  port: number;
  /** `ip:port`, the key used everywhere. */
  ipport: string;
}

export function parseNode(ipport: string): Node {
  const i = ipport.lastIndexOf(':');
  const ip = i === -1 ? ipport : ipport.slice(0, i);
  const port = i === -1 ? 80 : Number(ipport.slice(i + 1)) || 80;
  return { ip, port, ipport: `${ip}:${port}` };
}

/** Perlbal _parse_nodefile: every line with an IPv4 address (port 80 by default), `#` comments. */
export function parseNodefile(text: string): Node[] {
  const nodes: Node[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /(\d+\.\d+\.\d+\.\d+)(?::(\d+))?/.exec(raw.replace(/#.*/, ''));
    if (m) nodes.push(parseNode(`${m[1]}:${m[2] && m[2] !== '0' ? m[2] : 80}`));
  }
  return nodes;
}

export class Pool {
  readonly name: string;
  #model: PoolModel;
  nodes: Node[] = [];
  readonly nodeUsed = new Map<string, number>();
  /** `ip:port` of the current nodes, for membership checks on every backend reuse. */
  #members = new Set<string>();
  /** Services using this pool (Perlbal use_count); idle backends of an unused pool close. */
  useCount = 0;
  readonly #baseDir: string;
  #nodefileMtime = -1;
  #nodefileChecked = 0;

  constructor(model: PoolModel, baseDir: string) {
    this.name = model.name;
    this.#model = model;
    this.#baseDir = baseDir;
    this.#applyModel();
  }

  get model(): PoolModel {
    return this.#model;
  }

  /** A new config slice: POOL ADD / REMOVE and nodefile changes take effect now. */
  update(model: PoolModel): void {
    const prev = this.#model;
    this.#model = model;
    if (prev.nodefile !== model.nodefile || prev.nodes !== model.nodes) this.#applyModel();
  }

  #applyModel(): void {
    if (this.#model.nodefile) {
      this.#nodefileMtime = -1;
      this.#loadNodefile();
      this.#nodefileChecked = nowSeconds();
      return;
    }
    this.#setNodes(this.#model.nodes.map(parseNode));
  }

  #setNodes(nodes: Node[]): void {
    this.nodes = nodes;
    this.#members = new Set(nodes.map((n) => n.ipport));
    // Perlbal Pool::remove forgets a removed node's use counter.
    for (const ipport of this.nodeUsed.keys()) if (!this.#members.has(ipport)) this.nodeUsed.delete(ipport);
    for (const n of nodes) if (!this.nodeUsed.has(n.ipport)) this.nodeUsed.set(n.ipport, 0);
  }

  /** The nodefile's path, resolved against the config's folder; null without one. */
  get nodefilePath(): string | null {
    return this.#model.nodefile ? path.resolve(this.#baseDir, this.#model.nodefile) : null;
  }

  #loadNodefile(): void {
    const file = this.nodefilePath!;
    let mtime: number;
    try {
      mtime = fs.statSync(file).mtimeMs;
    } catch {
      return;
    }
    if (mtime === this.#nodefileMtime) return;
    this.#nodefileMtime = mtime;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return; // unreadable now; keep the last list
    }
    // Perlbal resets the use counters when the node list is re-read.
    this.nodeUsed.clear();
    this.#setNodes(parseNodefile(text));
  }

  /**
   * Perlbal get_backend_endpoint's reload rule: re-read the nodefile if it changed, checking
   * at most every 3 s. Perlbal checked only while picking a node for a new connection, which
   * never happens while the pool is empty (spawn_backends creates min(needed, node count)
   * connections), so a pool whose nodefile was empty stayed dead; the backend manager calls
   * this before deciding that the pool is empty, and before counting its nodes.
   */
  refreshNodefile(): void {
    if (!this.#model.nodefile) return;
    const now = nowSeconds();
    if (now <= this.#nodefileChecked + NODEFILE_RELOAD_SECONDS) return;
    this.#nodefileChecked = now;
    this.#loadNodefile();
  }

  /**
   * Perlbal get_backend_endpoint: re-check the nodefile if due, then a random node. `usable`
   * narrows the choice (nodes not failing, not already connecting); Perlbal picked from all
   * nodes and skipped a failing pick, which could leave a client waiting on a dead node's
   * one-second penalty while a live node sat idle.
   */
  pickNode(usable?: (ipport: string) => boolean): Node | null {
    this.refreshNodefile();
    const candidates = usable ? this.nodes.filter((n) => usable(n.ipport)) : this.nodes;
    if (candidates.length === 0) return null;
    return candidates[Math.floor(Math.random() * candidates.length)]!;
  }

  markNodeUsed(ipport: string): void {
    this.nodeUsed.set(ipport, (this.nodeUsed.get(ipport) ?? 0) + 1);
  }

  /** Whether `ip:port` is one of the pool's nodes now (POOL REMOVE and nodefile edits drop nodes). */
  hasNode(ipport: string): boolean {
    return this.#members.has(ipport);
  }
}
