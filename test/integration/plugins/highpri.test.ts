/**
 * Highpri at run time (Perlbal::Plugin::Highpri, listed by t/50-plugins): requests whose URI
 * matches uri_pattern (LiveJournal's protocol and login URLs by default) or whose Host matches
 * host_pattern wait in the high-priority queue and are served first; `patterns` prints them.
 */
import { describe, expect, it } from 'vitest';
import { queuedProxy } from './queued-proxy.js';

const get = (uri: string, host = 'www.example.com'): string =>
  `GET ${uri} HTTP/1.0\r\nHost: ${host}\r\n\r\n`;

describe('Highpri', () => {
  it('serves the default LiveJournal URIs before requests queued earlier', async () => {
    const q = await queuedProxy('highpri');
    const answers = [q.send(get('/a')), q.send(get('/interface/flat?x=1'))];
    await q.waitQueued({ normal: 2 });
    answers.push(q.send(get('/interface/xmlrpc')));
    await q.waitQueued({ normal: 2, highpri: 1 });
    q.release();
    for (const a of answers) expect((await a).status).toBe(200);
    expect(q.received()[0]!.uri).toBe('/interface/xmlrpc');
  });

  it('matches host_pattern, and undef turns uri_pattern off', async () => {
    const q = await queuedProxy(
      'highpri',
      '  SET proxy.highpri.host_pattern = ^vip\\.\n  SET proxy.highpri.uri_pattern = undef',
    );
    const answers = [q.send(get('/login.bml')), q.send(get('/x', 'vip.example.com'))];
    await q.waitQueued({ normal: 1, highpri: 1 });
    q.release();
    for (const a of answers) expect((await a).status).toBe(200);
    expect(q.received()[0]!.uri).toBe('/x');
  });

  it('prints the patterns and follows changes from the management port', async () => {
    const q = await queuedProxy('highpri');
    const m = await q.pb.manage();
    expect(await m.multi('patterns')).toEqual([
      'High priority pattern buffer:',
      'SET proxy.highpri.uri_pattern = ^(?:/interface/(?:xmlrpc|flat)|/login\\.bml)$',
      'SET proxy.highpri.host_pattern = undef',
      '.',
    ]);
    m.send('SET proxy.highpri.uri_pattern = ^/urgent\r\n');
    await m.drain();
    expect((await m.multi('patterns'))[1]).toBe('SET proxy.highpri.uri_pattern = ^/urgent');
    const answers = [q.send(get('/login.bml'))];
    await q.waitQueued({ normal: 1 });
    answers.push(q.send(get('/urgent/now')));
    await q.waitQueued({ normal: 1, highpri: 1 });
    q.release();
    for (const a of answers) expect((await a).status).toBe(200);
    expect(q.received()[0]!.uri).toBe('/urgent/now');
  });
});
