/**
 * In-memory stand-in for the parts of the `electron` module that main/src uses, for
 * `vi.mock('electron', ...)` (electron/fiddle tests/setup). Importing the real module in a test
 * would try to download the Electron binary (toolchain.md §2).
 */
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

export class FakeWebContents extends FakeEmitter {
  windowOpenHandler: Listener | undefined;
  setWindowOpenHandler(handler: Listener): void {
    this.windowOpenHandler = handler;
  }
}

let fakes = 0;

export function createFakeElectron() {
  // Nothing is written there unless a test opens a file; reading a missing folder gives defaults.
  const userData = path.join(os.tmpdir(), `pb-fake-userdata-${process.pid}-${++fakes}`);
  const app = Object.assign(new FakeEmitter(), {
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => Promise.resolve()),
    enableSandbox: vi.fn(),
    quit: vi.fn(),
    exit: vi.fn(),
    name: 'Perlbal Desktop',
    isPackaged: false,
    // A folder per fake under the temp folder, so settings never land in a real user-data folder.
    getPath: vi.fn((_name: string) => userData),
  });

  class BrowserWindow extends FakeEmitter {
    static readonly instances: BrowserWindow[] = [];
    static getAllWindows(): BrowserWindow[] {
      return BrowserWindow.instances;
    }
    readonly loadURL = vi.fn(() => Promise.resolve());
    readonly show = vi.fn();
    readonly focus = vi.fn();
    readonly restore = vi.fn();
    readonly isMinimized = vi.fn(() => false);
    readonly close = vi.fn();
    readonly webContents = Object.assign(new FakeWebContents(), {
      send: vi.fn(),
      reload: vi.fn(),
    });
    constructor(readonly options: Record<string, unknown>) {
      super();
      BrowserWindow.instances.push(this);
    }
  }

  const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
  const session = {
    defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() },
  };
  const contextBridge = { exposeInMainWorld: vi.fn() };
  const ipcMain = { handle: vi.fn() };
  const ipcRenderer = { invoke: vi.fn(() => Promise.resolve()), on: vi.fn() };
  const Menu = {
    buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
    setApplicationMenu: vi.fn(),
  };
  const dialog = {
    showOpenDialog: vi.fn(() => Promise.resolve({ canceled: true, filePaths: [] as string[] })),
    showSaveDialog: vi.fn(() => Promise.resolve({ canceled: true, filePath: undefined })),
    showErrorBox: vi.fn(),
    showMessageBox: vi.fn((..._args: unknown[]) => Promise.resolve({ response: 1 })),
  };
  const shell = { openPath: vi.fn(() => Promise.resolve('')) };
  return {
    app,
    BrowserWindow,
    protocol,
    session,
    contextBridge,
    ipcMain,
    ipcRenderer,
    Menu,
    dialog,
    shell,
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/**
 * A new fake for modules imported from now on. `vi.resetModules()` keeps mock factories' results,
 * so tests of modules that act at import time (main.ts, preload.ts) need a fresh fake and a
 * fresh module registry each time.
 */
export function freshFakeElectron(): FakeElectron {
  vi.resetModules();
  const fake = createFakeElectron();
  vi.doMock('electron', () => fake);
  return fake;
}
