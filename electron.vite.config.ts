/**
 * electron-vite build of the desktop app: main (ES module, Electron >= 28 loads it natively),
 * preload (CommonJS: a sandboxed preload cannot be an ES module, toolchain.md gotcha 7) and the
 * Svelte renderer. Everything lands in out/, which electron-builder packs into app.asar.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rollupOptions: { input: { index: resolve(root, 'main/src/main.ts') } },
    },
  },
  preload: {
    define: { __PERLBAL_DESKTOP_VERSION__: JSON.stringify(pkg.version) },
    build: {
      outDir: resolve(root, 'out/preload'),
      rollupOptions: {
        input: { index: resolve(root, 'main/src/preload.ts') },
        // .cjs because the root package.json says "type": "module".
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [svelte({ configFile: false })],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
