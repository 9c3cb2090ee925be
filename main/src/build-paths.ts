/**
 * Where the built preload and renderer sit relative to the built main bundle. electron-vite
 * writes out/main/index.js, out/preload/index.cjs and out/renderer/; the same layout holds
 * inside app.asar after packaging.
 */
import path from 'node:path';

export interface BuildPaths {
  readonly preload: string;
  readonly rendererDir: string;
}

export function resolveBuildPaths(mainDir: string): BuildPaths {
  return {
    preload: path.join(mainDir, '..', 'preload', 'index.cjs'),
    rendererDir: path.join(mainDir, '..', 'renderer'),
  };
}
