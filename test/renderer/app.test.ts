/**
 * The app frame: without a core it says how to get one; with a connection it shows the
 * views; a refused connection shows the server's sentence. No inline styles (CSP).
 */
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.svelte';

describe('App', () => {
  it('names the app and, without a core, shows how to start one with --ui', () => {
    render(App, { props: { problem: 'No token: open the URL' } });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Perlbal Desktop');
    expect(screen.getByText('npx perlbal-desktop --ui')).toBeTruthy();
    expect(screen.getByText('No token: open the URL')).toBeTruthy();
  });

  it('reports the desktop shell version when the bridge is there', () => {
    render(App, { props: { desktop: { version: '1.2.3' } } });
    expect(screen.getByText('Desktop shell 1.2.3')).toBeTruthy();
  });

  it('says it runs in browser mode without the bridge', () => {
    render(App, { props: {} });
    expect(screen.getByText(/Browser mode/)).toBeTruthy();
  });

  it('shows why a connection was refused', async () => {
    const refused = Promise.reject(new Error('The UI server refused the token.'));
    render(App, { props: { connection: refused } });
    expect(await screen.findByText('The UI server refused the token.')).toBeTruthy();
  });

  it('renders no inline style attributes, which the CSP (style-src self) would block', () => {
    const { container } = render(App, { props: {} });
    expect(container.querySelector('[style]')).toBeNull();
  });
});
