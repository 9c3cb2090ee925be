/**
 * Waiting for a backend (inventory 7.4): high_priority_cookie and its contents put a request in
 * the high-priority queue, which is served first unless queue relief (queue_relief_size,
 * queue_relief_chance) lets a long normal queue go ahead. The requests queue up for real:
 * the backend holds its verify_backend answers until the test releases them.
 */
import { describe, expect, it } from 'vitest';
import { queuedProxy, type QueuedProxy } from '../plugins/queued-proxy.js';

const get = (uri: string, cookie?: string): string =>
  `GET ${uri} HTTP/1.0\r\n${cookie === undefined ? '' : `Cookie: ${cookie}\r\n`}\r\n`;

type Queued = 'normal' | 'highpri';

/**
 * Send the requests one by one, each waiting in the queue it names before the next is sent
 * (so the arrival order is the one written), then release the backend; the order served.
 */
async function servedOrder(q: QueuedProxy, requests: Array<[uri: string, queue: Queued, cookie?: string]>) {
  const pending: Array<ReturnType<QueuedProxy['send']>> = [];
  const counts = { normal: 0, highpri: 0 };
  for (const [uri, queue, cookie] of requests) {
    pending.push(q.send(get(uri, cookie)));
    counts[queue]++;
    await q.waitQueued(counts);
  }
  q.release();
  for (const res of await Promise.all(pending)) expect(res.status).toBe(200);
  return q.received().map((r) => r.uri);
}

const COOKIE = '  SET high_priority_cookie = vip\n  SET high_priority_cookie_contents = yes';

describe('high_priority_cookie', () => {
  it('a request whose cookie contains the contents is served before the normal queue', async () => {
    const q = await queuedProxy('', COOKIE);
    const order = await servedOrder(
      q,
      [
        ['/n1', 'normal'],
        ['/n2', 'normal', 'vip=no'],
        // Perlbal splits cookies on `;\s+` and URL-decodes: "oh yes" contains "yes".
        ['/high', 'highpri', 'other=1; vip=oh%20yes'],
        // No space after the `;`: Perlbal reads one cookie named `a=1;vip`, so not high.
        ['/n3', 'normal', 'a=1;vip=yes'],
      ],
    );
    expect(order).toEqual(['/high', '/n1', '/n2', '/n3']);
  });

  it('without high_priority_cookie_contents every request is high priority (Perlbal index($x, undef))', async () => {
    const q = await queuedProxy('', '  SET high_priority_cookie = vip');
    const order = await servedOrder(q, [
      ['/a', 'highpri'],
      ['/b', 'highpri', 'vip=whatever'],
    ]);
    expect(order).toEqual(['/a', '/b']);
  });
});

describe('queue relief', () => {
  const requests: Array<[string, Queued, string?]> = [
    ['/n1', 'normal'],
    ['/n2', 'normal'],
    ['/n3', 'normal'],
    ['/high', 'highpri', 'vip=yes'],
  ];

  it('queue_relief_chance 100: while the normal queue holds queue_relief_size, it goes first', async () => {
    const q = await queuedProxy('', `${COOKIE}\n  SET queue_relief_size = 2\n  SET queue_relief_chance = 100`);
    // Picks: normal holds 3 (>= 2): n1; holds 2: n2; holds 1: high first again; then n3.
    expect(await servedOrder(q, requests)).toEqual(['/n1', '/n2', '/high', '/n3']);
  });

  it('queue_relief_chance 0, or a queue shorter than queue_relief_size: high priority first', async () => {
    const never = await queuedProxy('', `${COOKIE}\n  SET queue_relief_size = 2\n  SET queue_relief_chance = 0`);
    expect(await servedOrder(never, requests)).toEqual(['/high', '/n1', '/n2', '/n3']);
    const short = await queuedProxy('', `${COOKIE}\n  SET queue_relief_size = 4\n  SET queue_relief_chance = 100`);
    expect(await servedOrder(short, requests)).toEqual(['/high', '/n1', '/n2', '/n3']);
  });
});
