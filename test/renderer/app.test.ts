/**
 * The placeholder screen: says what the app is, how to run the core headless, and whether the
 * desktop bridge is present.
 */
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.svelte';

describe('App', () => {
  it('names the app and shows the headless command', () => {
    render(App, { props: {} });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Perlbal Desktop');
    expect(screen.getByText('npx perlbal-desktop')).toBeTruthy();
    expect(screen.getAllByRole('listitem').length).toBeGreaterThanOrEqual(3);
  });

  it('reports the desktop shell version when the bridge is there', () => {
    render(App, { props: { desktop: { version: '1.2.3' } } });
    expect(screen.getByText('Desktop shell 1.2.3')).toBeTruthy();
  });

  it('says it runs in browser mode without the bridge', () => {
    render(App, { props: {} });
    expect(screen.getByText(/Browser mode/)).toBeTruthy();
  });

  it('renders no inline style attributes, which the CSP (style-src self) would block', () => {
    const { container } = render(App, { props: {} });
    expect(container.querySelector('[style]')).toBeNull();
  });
});
