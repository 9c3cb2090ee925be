/**
 * Options for the one application window. Kept out of main.ts so the security flags are asserted
 * by a unit test without Electron; the type-only import keeps the option names checked against
 * Electron's own definitions.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export function createMainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'Perlbal Desktop',
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    backgroundColor: '#0f172a',
    webPreferences: {
      preload: preloadPath,
      // The renderer is untrusted UI code: no Node, its own JS world, and the OS sandbox.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Dropping a file on the window would otherwise navigate to it.
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}
