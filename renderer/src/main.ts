/**
 * Renderer boot: read the optional desktop bridge and mount the app. Later this picks the
 * CoreClient (IPC inside Electron, WebSocket in a plain browser; house style B3).
 */
import { mount } from 'svelte';
import App from './App.svelte';
import { readDesktopInfo } from './lib/desktop.js';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');

mount(App, { target, props: { desktop: readDesktopInfo(window) } });
