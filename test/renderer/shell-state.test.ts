/**
 * What the Shell keeps across views and guards (jsdom, a scripted CoreClient): the config
 * editor's unsaved text survives a trip to another view, and is guarded by beforeunload in a
 * browser and by the desktop bridge's unsaved question in the app; Apply shows the core's plan
 * and applies only on confirmation; the request inspector loads once and keeps its pins and
 * filter; saved filters go through the core's settings (and leave localStorage); turning on
 * HTTPS leaves the config marked unsaved, with a Save.
 */
import { EditorView } from '@codemirror/view';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CoreClient, CoreEventMap } from '../../proxy-core/src/common/api/index.js';
import type { RequestSummary } from '../../proxy-core/src/common/inspector/request-summary.js';
import Shell from '../../renderer/src/Shell.svelte';
import './editor/jsdom-layout.js';

// jsdom has no ResizeObserver (the request list binds its height through one).
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

const TEXT = 'CREATE SERVICE web\n  SET role = web_server\n  SET docroot = /srv\nENABLE web\n';
const HTTPS_TEXT = `${TEXT}CREATE SERVICE ssl_web\n  SET role = web_server\n  SET enable_ssl = on\nENABLE ssl_web\n`;

const summary = (id: number, uri: string): RequestSummary => ({
  id,
  startedAt: 0,
  client: '127.0.0.1:5000',
  method: 'GET',
  host: 'www.lj.localhost',
  uri,
  status: 200,
  service: 'web',
  totalMs: 1,
  bytesOut: 10,
  reproxied: false,
  tags: [],
});

function fakeClient() {
  const listeners = new Map<string, (p: unknown) => void>();
  let settings = { savedFilters: [] as string[] };
  const client = {
    getStatus: vi.fn(() => new Promise(() => undefined)),
    getConfig: vi.fn(() =>
      Promise.resolve({ text: TEXT, file: '/a/perlbal.conf', liveChanges: false }),
    ),
    planConfig: vi.fn(() =>
      Promise.resolve({
        ok: true,
        diagnostics: [],
        changes: [{ kind: 'service-changed', name: 'web', detail: 'docroot /srv -> /www' }],
      }),
    ),
    applyConfig: vi.fn(() => Promise.resolve({ changes: [], diagnostics: [] })),
    saveConfig: vi.fn((t: string) => Promise.resolve({ file: '/a/perlbal.conf', bytes: t.length })),
    listRequests: vi.fn(() =>
      Promise.resolve({
        summaries: [summary(1, '/one'), summary(2, '/two')],
        captured: 2,
        evicted: 0,
        limits: { maxRecords: 100_000, maxBytes: 1 },
      }),
    ),
    getRequestDetail: vi.fn(() => new Promise(() => undefined)),
    getSettings: vi.fn(() => Promise.resolve(settings)),
    saveSettings: vi.fn((s: typeof settings) => Promise.resolve((settings = s))),
    getHttpsStatus: vi.fn(() => new Promise(() => undefined)),
    enableHttps: vi.fn(() =>
      Promise.resolve({
        authority: 'created',
        certificate: 'created',
        reasons: [],
        service: 'added',
        serviceName: 'ssl_web',
        changes: [{ kind: 'service-added', name: 'ssl_web', detail: 'web_server' }],
        text: HTTPS_TEXT,
        explanation: 'A TLS web_server on the same docroot.',
        status: { certDir: '/c', service: null, notes: [], missingHosts: [], trustSteps: [] },
      }),
    ),
    on: vi.fn((event: string, fn: (p: unknown) => void) => {
      listeners.set(event, fn);
      return () => listeners.delete(event);
    }),
  };
  const emit = <E extends keyof CoreEventMap>(event: E, payload: CoreEventMap[E]) =>
    listeners.get(event)?.(payload);
  return { client, emit };
}

function mount(kind: 'ws' | 'ipc' = 'ws') {
  const fake = fakeClient();
  render(Shell, {
    props: {
      connection: {
        client: fake.client as unknown as CoreClient,
        kind,
        onLost: () => undefined,
      },
      shell: 'Desktop shell',
    },
  });
  return fake;
}

/** The page's document (the Node-side type check of the tests has no DOM lib). */
const page = globalThis as unknown as {
  document: { querySelector(s: string): unknown };
  localStorage: {
    setItem(k: string, v: string): void;
    getItem(k: string): string | null;
    clear(): void;
  };
  dispatchEvent(e: Event): boolean;
};
const doc = page.document;
const localStorage = page.localStorage;
type Input = { value: string };

function editorView(): EditorView {
  const host = doc.querySelector('.editor-host') as {
    shadowRoot: { querySelector(s: string): unknown };
  };
  const content = host.shadowRoot.querySelector('.cm-content');
  return EditorView.findFromDOM(content as never)!;
}

function type(text: string): void {
  const view = editorView();
  view.dispatch({
    changes: { from: view.state.doc.length, insert: text },
    userEvent: 'input.type',
  });
}

const go = (name: RegExp | string) => fireEvent.click(screen.getByRole('button', { name }));

async function openConfig(): Promise<void> {
  await go(/^Config/);
  await screen.findByRole('button', { name: 'Apply' });
}

afterEach(() => {
  delete (globalThis as { perlbalDesktop?: unknown }).perlbalDesktop;
  localStorage.clear();
});

describe('the Shell keeps what views hold', () => {
  it('keeps unsaved config edits through a trip to another view', async () => {
    mount();
    await openConfig();
    type('# mine\n');
    await screen.findByText(/Unsaved changes/);
    await go('Status');
    expect(doc.querySelector('.editor-host')).toBeNull();
    // The nav says there is something unsaved even from another view.
    expect(screen.getByRole('button', { name: /^Config/ }).querySelector('.dot')).not.toBeNull();
    await openConfig();
    expect(editorView().state.doc.toString()).toBe(`${TEXT}# mine\n`);
    expect(screen.getByText(/Unsaved changes/)).toBeTruthy();
  });

  it('asks before a browser reload while edits are unsaved, not otherwise', async () => {
    mount('ws');
    await openConfig();
    const clean = new Event('beforeunload', { cancelable: true });
    page.dispatchEvent(clean);
    expect(clean.defaultPrevented).toBe(false);
    type('# mine\n');
    const dirty = new Event('beforeunload', { cancelable: true });
    page.dispatchEvent(dirty);
    expect(dirty.defaultPrevented).toBe(true);
  });

  it("answers the desktop app's unsaved question through the bridge", async () => {
    let answer: (() => boolean) | undefined;
    (globalThis as { perlbalDesktop?: unknown }).perlbalDesktop = {
      version: '1',
      files: {
        open: vi.fn(),
        saveAs: vi.fn(),
        onMenu: () => () => undefined,
        onUnsavedQuery: (fn: () => boolean) => ((answer = fn), () => undefined),
      },
    };
    mount('ipc');
    await openConfig();
    expect(answer?.()).toBe(false);
    type('# mine\n');
    await waitFor(() => expect(answer?.()).toBe(true));
  });

  it('shows what Apply will change first, and applies only when confirmed', async () => {
    const { client } = mount();
    await openConfig();
    await go('Apply');
    const dialog = await screen.findByRole('dialog', { name: 'Apply these changes?' });
    expect(client.planConfig).toHaveBeenCalledWith(TEXT);
    expect(dialog.textContent).toContain('service web changed: docroot /srv -> /www');
    expect(client.applyConfig).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(client.applyConfig).not.toHaveBeenCalled();

    await go('Apply');
    await screen.findByRole('dialog');
    const confirm = screen
      .getAllByRole('button', { name: 'Apply' })
      .find((b) => b.closest('[role=dialog]'))!;
    await fireEvent.click(confirm);
    await waitFor(() => expect(client.applyConfig).toHaveBeenCalledWith(TEXT));
    expect(await screen.findByText('Applied')).toBeTruthy();
  });

  it('says why, with the line, when the core would refuse the config', async () => {
    const { client } = mount();
    client.planConfig.mockResolvedValueOnce({
      ok: false,
      changes: [],
      diagnostics: [
        {
          code: 'unknown_tunable',
          severity: 'error',
          message: "'rol' is not a tunable",
          span: { line: 2, column: 7 },
        },
      ],
    } as never);
    await openConfig();
    await go('Apply');
    expect(await screen.findByText(/the proxy would refuse this config/)).toBeTruthy();
    expect(screen.getByRole('button', { name: /Line 2, column 7/ })).toBeTruthy();
    expect(client.applyConfig).not.toHaveBeenCalled();
  });

  it('loads the inspector once, and keeps its filter and pins through view switches', async () => {
    const { client, emit } = mount();
    await go('Requests');
    await screen.findByText('/one');
    const box = screen.getByRole('searchbox', { name: 'Filter requests' });
    await fireEvent.input(box, { target: { value: 'path:/one' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Pin request 1' }));
    await go('Status');
    emit('requests', { summaries: [summary(3, '/three')], dropped: 0 });
    await go('Requests');
    expect((screen.getByRole('searchbox') as unknown as Input).value).toBe('path:/one');
    // The pinned strip holds it, and its row says so.
    const pins = screen.getAllByRole('button', { name: 'Pin request 1' });
    expect(pins.length).toBe(2);
    expect(pins.every((p) => p.getAttribute('aria-pressed') === 'true')).toBe(true);
    expect(client.listRequests).toHaveBeenCalledTimes(1);
    await fireEvent.input(screen.getByRole('searchbox'), { target: { value: '' } });
    // A summary that arrived while the view was hidden is in the list.
    expect(await screen.findByText('/three')).toBeTruthy();
  });

  it('keeps saved filters through the core, moving old localStorage ones there once', async () => {
    localStorage.setItem(
      'perlbal-desktop.inspector.saved-filters',
      JSON.stringify(['status>=500']),
    );
    const { client } = mount();
    await waitFor(() =>
      expect(client.saveSettings).toHaveBeenCalledWith({ savedFilters: ['status>=500'] }),
    );
    expect(localStorage.getItem('perlbal-desktop.inspector.saved-filters')).toBeNull();
    await go('Requests');
    await fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'method:POST' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save filter' }));
    await waitFor(() =>
      expect(client.saveSettings).toHaveBeenLastCalledWith({
        savedFilters: ['status>=500', 'method:POST'],
      }),
    );
    const list = screen.getByRole('combobox', { name: 'Saved filters' });
    expect(list.textContent).toContain('method:POST');
  });

  it('marks the config unsaved after HTTPS is turned on, and saves it from there', async () => {
    const { client } = mount();
    await go('HTTPS');
    await fireEvent.click(screen.getByRole('button', { name: 'Turn on HTTPS' }));
    expect(await screen.findByText(/not saved to the file yet/)).toBeTruthy();
    expect(screen.getByRole('button', { name: /^Config/ }).querySelector('.dot')).not.toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Save config' }));
    await waitFor(() => expect(client.saveConfig).toHaveBeenCalledWith(HTTPS_TEXT));
    expect(await screen.findByText(/saved to the file\./)).toBeTruthy();
    await openConfig();
    expect(editorView().state.doc.toString()).toBe(HTTPS_TEXT);
    expect(screen.queryByText(/Unsaved changes/)).toBeNull();
  });
});
