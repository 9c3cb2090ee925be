/**
 * The detail pane's body viewers: a JSON response opens pretty, the buttons switch to text
 * and hex, HTML shows as source and is never rendered, an image shows from a blob: URL, a
 * body cut by the cap says so, and a body that was not captured (or was dropped) says why.
 */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CapturedBody, RequestRecord } from '../../proxy-core/src/common/request-record.js';
import { toBase64 as base64Of } from '../../renderer/src/palette/source.js';
import RequestBodies from '../../renderer/src/views/requests/RequestBodies.svelte';
import { sampleRecord } from '../helpers/sample-records.js';

/** Just what the tests read of an element (the root tsconfig type-checks tests without DOM types). */
interface El {
  textContent: string | null;
  querySelectorAll(s: string): { length: number };
  getAttribute(name: string): string | null;
}

let root: { querySelector(s: string): El | null };
const show = (record: RequestRecord): void => {
  root = render(RequestBodies, { props: { record } }).container as unknown as typeof root;
};
const view = (kind: string): El | null => root.querySelector(`pre[data-view="${kind}"]`);

const body = (s: string | Uint8Array, over: Partial<CapturedBody> = {}): CapturedBody => {
  const bytes = typeof s === 'string' ? new TextEncoder().encode(s) : s;
  const n = bytes.length;
  return { base64: base64Of(bytes), size: n, captured: n, truncated: false, ...over };
};
const withResponse = (type: string, b: CapturedBody): RequestRecord =>
  sampleRecord({ responseHeaders: [['Content-Type', type]], responseBody: b });

beforeEach(() => {
  vi.stubGlobal(
    'URL',
    Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:test/1'), revokeObjectURL: vi.fn() }),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('RequestBodies', () => {
  it('shows a JSON response pretty, and switches to text and hex', async () => {
    show(withResponse('application/json', body('{"a":[1,2]}')));
    expect(view('json')?.textContent).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    await fireEvent.click(screen.getByRole('tab', { name: 'Text' }));
    expect(view('text')?.textContent).toBe('{"a":[1,2]}');
    await fireEvent.click(screen.getByRole('tab', { name: 'Hex' }));
    expect(view('hex')?.textContent).toMatch(/^00000000 {2}7b 22 61 22/);
  });

  it('shows JSON cut by the cap as text, and says it was cut', () => {
    show(withResponse('application/json', body('{"a":[1,', { size: 9000, truncated: true })));
    expect(screen.getByText(/Cut short: the capture kept the first 8 B of 8.8 KB/)).toBeTruthy();
    expect(screen.getByText(/Not complete JSON/)).toBeTruthy();
    expect(view('text')?.textContent).toBe('{"a":[1,');
  });

  it('shows HTML as source, never as markup', () => {
    const html = '<html><body><script>alert(1)</script><img src=x onerror=alert(2)></body></html>';
    show(withResponse('text/html', body(html)));
    expect(view('html')?.textContent).toBe(html);
    expect(root.querySelector('script, pre img')).toBeNull();
    expect(view('html')?.querySelectorAll('span.tag')).toHaveLength(7);
  });

  it('shows an image from a blob: URL', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    show(withResponse('image/png', body(png)));
    const img = screen.getByRole('img', { name: 'Response body (image/png)' }) as unknown as El;
    expect(img.getAttribute('src')).toBe('blob:test/1');
    expect(URL.createObjectURL).toHaveBeenCalledOnce();
  });

  it('shows the request body too, and says why a body is missing', () => {
    show(
      sampleRecord({
        requestHeaders: [['Content-Type', 'application/x-www-form-urlencoded']],
        requestBody: body('name=frank&x=1'),
        bytesIn: 14,
        bytesOut: 2048,
      }),
    );
    expect(screen.getByRole('region', { name: 'Request body' })).toBeTruthy();
    expect(view('text')?.textContent).toBe('name=frank&x=1');
    expect(screen.getByText(/Response body, 2.0 KB: not captured/)).toBeTruthy();
  });

  it('says bodies were dropped to keep the capture within its limit', () => {
    show(sampleRecord({ bytesOut: 10, bodiesDropped: true }));
    expect(screen.getByText(/dropped to keep the capture within its memory limit/)).toBeTruthy();
  });
});
