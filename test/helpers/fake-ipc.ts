/**
 * An in-memory ipcMain / ipcRenderer pair with Electron's semantics where the bridge depends
 * on them: `invoke` reaches the one `handle`r of its channel with an event carrying the sender
 * frame's URL and the sender webContents; arguments and answers go through structuredClone,
 * as Electron's serialisation does (functions and class instances do not survive).
 */
type Handler = (event: FakeInvokeEvent, ...args: unknown[]) => unknown;
type Listener = (event: unknown, message: unknown) => void;

export interface FakeInvokeEvent {
  senderFrame: { url: string } | null;
  sender: FakeWebContents;
}

export class FakeWebContents {
  destroyed = false;
  readonly #listeners = new Map<string, Listener[]>();

  send(channel: string, message: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const copy = structuredClone(message);
    // Electron delivers asynchronously, on the renderer's own turn.
    setImmediate(() => {
      for (const l of this.#listeners.get(channel) ?? []) l({}, copy);
    });
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  addListener(channel: string, l: Listener): void {
    this.#listeners.set(channel, [...(this.#listeners.get(channel) ?? []), l]);
  }
}

export function createIpcPair(frameUrl: string) {
  const handlers = new Map<string, Handler>();
  const contents = new FakeWebContents();
  const ipcMain = {
    handle(channel: string, handler: Handler): void {
      if (handlers.has(channel))
        throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, handler);
    },
  };
  const ipcRenderer = {
    async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      const h = handlers.get(channel);
      if (!h) throw new Error(`No handler registered for '${channel}'`);
      const result = await h(
        { senderFrame: { url: frameUrl }, sender: contents },
        ...structuredClone(args),
      );
      return structuredClone(result);
    },
    on(channel: string, listener: Listener): void {
      contents.addListener(channel, listener);
    },
  };
  return { ipcMain, ipcRenderer, contents };
}
