/**
 * Queues at run time (Perlbal::Plugin::Queues, listed by t/50-plugins): each request a
 * backend gets says how many clients still wait in the normal and high-priority queues, and
 * how long the oldest has waited.
 */
import { describe, expect, it } from 'vitest';
import { queuedProxy, sentHeader } from './queued-proxy.js';

const get = (uri: string): string => `GET ${uri} HTTP/1.0\r\n\r\n`;

describe('Queues', () => {
  it('sends zero counts when nobody waits', async () => {
    const q = await queuedProxy('queues');
    q.release();
    expect((await q.send(get('/status'))).status).toBe(200);
    const [req] = q.received();
    expect(
      ['X-Queue-Count', 'X-Queue-Age', 'X-HP-Queue-Count', 'X-HP-Queue-Age'].map((h) =>
        sentHeader(req!, h),
      ),
    ).toEqual(['0', '0', '0', '0']);
  });

  it('counts the clients still waiting behind each request, high priority first', async () => {
    const q = await queuedProxy('queues, highpri');
    const answers = [q.send(get('/a')), q.send(get('/b'))];
    await q.waitQueued({ normal: 2 });
    answers.push(q.send(get('/login.bml')));
    await q.waitQueued({ normal: 2, highpri: 1 });
    q.release();
    for (const a of answers) expect((await a).status).toBe(200);
    const seen = q
      .received()
      .map((r) => [r.uri, sentHeader(r, 'X-Queue-Count'), sentHeader(r, 'X-HP-Queue-Count')]);
    expect(seen[0]).toEqual(['/login.bml', '2', '0']);
    expect(seen.slice(1).map((s) => s[1])).toEqual(['1', '0']);
    for (const r of q.received())
      expect(Number(sentHeader(r, 'X-Queue-Age'))).toBeGreaterThanOrEqual(0);
  });

  it('adds its headers before the service HEADER rules apply', async () => {
    const q = await queuedProxy('queues', '  HEADER proxy remove X-Queue-Age');
    q.release();
    await q.send(get('/status'));
    const [req] = q.received();
    expect(sentHeader(req!, 'X-Queue-Count')).toBe('0');
    expect(sentHeader(req!, 'X-Queue-Age')).toBeUndefined();
  });
});
