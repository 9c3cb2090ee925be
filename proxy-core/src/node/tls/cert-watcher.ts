/**
 * Watches certificate and key files and calls back once things settle (debounced), so a
 * renewed certificate is picked up without a restart. The folders are watched rather than the
 * files: tools replace a certificate by writing a new file and renaming it over the old one,
 * and a watch on the old file would see nothing after the rename.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Writing a key and a certificate takes two writes: wait until both have landed. */
export const RELOAD_DEBOUNCE_MS = 200;

export class CertWatcher {
  readonly #watchers: fs.FSWatcher[] = [];
  readonly #onChange: () => void;
  readonly #debounceMs: number;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  /** `files`: watched by name in their folders; `dirs`: any change inside counts. */
  constructor(
    files: readonly string[],
    dirs: readonly string[],
    onChange: () => void,
    debounceMs = RELOAD_DEBOUNCE_MS,
  ) {
    this.#onChange = onChange;
    this.#debounceMs = debounceMs;
    const wanted = new Map<string, Set<string> | 'all'>();
    for (const d of dirs) wanted.set(d, 'all');
    for (const f of files) {
      const dir = path.dirname(f);
      const names = wanted.get(dir);
      if (names === 'all') continue;
      wanted.set(dir, (names ?? new Set()).add(path.basename(f)));
    }
    for (const [dir, names] of wanted) this.#watchDir(dir, names);
  }

  #watchDir(dir: string, names: Set<string> | 'all'): void {
    try {
      const w = fs.watch(dir, { persistent: false }, (_event, name) => {
        if (names === 'all' || name === null || names.has(String(name))) this.#schedule();
      });
      // A folder that goes away (or an inotify limit) must not take the server down; the
      // certificate in use stays, and the next config apply sets up a new watch.
      w.on('error', () => w.close());
      this.#watchers.push(w);
    } catch {
      /* the folder is gone or can't be watched: nothing to reload from */
    }
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#closed) this.#onChange();
    }, this.#debounceMs);
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const w of this.#watchers) w.close();
  }
}
