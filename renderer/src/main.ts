/**
 * Renderer boot: pick the transport (IPC inside Electron, the WebSocket in a plain browser;
 * house style B3), start connecting, and mount the app, which shows progress and problems.
 */
import { mount } from 'svelte';
import App from './App.svelte';
import { chooseTransport } from './api/choose-transport.js';
import { connect } from './api/connect.js';
import { readDesktopInfo } from './lib/desktop.js';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');

const transport = chooseTransport(window);
mount(App, {
  target,
  props: {
    desktop: readDesktopInfo(window),
    connection: transport.kind === 'none' ? null : connect(transport),
    problem: transport.kind === 'none' ? transport.reason : null,
  },
});
