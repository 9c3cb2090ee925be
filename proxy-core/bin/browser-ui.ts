/**
 * `--ui`: the desktop UI in a plain browser. The CLI's core gets the same CoreApi the
 * Electron app uses, served with the built renderer by node/ui-server on 127.0.0.1; the URL
 * printed carries the token the page must present. Everything stops with the core.
 */
import type { ProxyCore } from '../src/node/core.js';
import type { CaptureLimits } from '../src/common/inspector/capture-api.js';
import { createInProcessApi } from '../src/node/api/in-process-api.js';
import { checkRendererBuilt } from '../src/node/ui-server/static-files.js';
import { startUiServer, type UiServer } from '../src/node/ui-server/ui-server.js';

export { checkRendererBuilt };

export async function startBrowserUi(
  core: ProxyCore,
  opts: {
    text: string;
    file: string;
    rendererDir: string;
    version: string;
    /** Request inspector capture limits (`--capture-*`). */
    capture?: Partial<CaptureLimits>;
  },
): Promise<UiServer> {
  const api = createInProcessApi(core, { text: opts.text, file: opts.file, capture: opts.capture });
  const ui = await startUiServer({ api, rendererDir: opts.rendererDir, version: opts.version });
  const stop = (): void => {
    void ui.close().finally(() => api.dispose());
  };
  core.once('exit', stop);
  core.once('stopped', stop);
  return ui;
}

/** The banner line: the URL to open (with its token, which is why it is printed only here). */
export function describeBrowserUi(ui: UiServer): string {
  return `  UI (browser mode): ${ui.url}`;
}
