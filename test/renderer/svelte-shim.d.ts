/**
 * Lets the root, Node-side `tsc -p tsconfig.json` accept `.svelte` imports in these tests.
 * svelte-check (renderer/tsconfig.json) resolves the real components and ignores this.
 */
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<Record<string, unknown>>;
  export default component;
}
