/**
 * The request inspector's state against a scripted CoreClient: the first load of the list and a
 * filter typed while it is still on its way (the load can take a second with 100,000 requests
 * captured) both count; the load is not thrown away.
 */
import { expect, it, vi } from 'vitest';
import type { CoreClient } from '../../proxy-core/src/common/api/index.js';
import type { RequestList } from '../../proxy-core/src/common/inspector/capture-api.js';
import type { RequestSummary } from '../../proxy-core/src/common/inspector/request-summary.js';
import { InspectorState } from '../../renderer/src/views/requests/inspector-state.svelte.js';

const summary = (id: number, uri: string, status = 200): RequestSummary => ({
  id,
  startedAt: 0,
  client: '127.0.0.1:5000',
  method: 'GET',
  host: 'www.lj.localhost',
  uri,
  status,
  service: 'web',
  totalMs: 1,
  bytesOut: 10,
  reproxied: false,
  tags: [],
});

it('keeps the first load when a filter is typed before it arrives', async () => {
  let answer: (l: RequestList) => void = () => undefined;
  const client = {
    listRequests: vi.fn(() => new Promise<RequestList>((r) => (answer = r))),
    getStatus: vi.fn(() => new Promise(() => undefined)),
    getSettings: vi.fn(() => Promise.resolve({ savedFilters: [] })),
    on: vi.fn(() => () => undefined),
  } as unknown as CoreClient;
  const state = new InspectorState(client);
  const started = state.start();
  await state.setFilter('status>=400');
  answer({
    summaries: [summary(1, '/ok'), summary(2, '/missing', 404), summary(3, '/broken', 502)],
    captured: 3,
    evicted: 0,
    bytes: 0,
    limits: { maxRecords: 100_000, maxBytes: 1, maxBodyBytes: 0 },
  });
  await started;
  expect(state.allRows().map((s) => s.id)).toEqual([1, 2, 3]);
  expect(state.rows.map((s) => s.uri)).toEqual(['/missing', '/broken']);
});
