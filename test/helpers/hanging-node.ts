/**
 * A node on 127.0.0.1 whose connects never complete: a socket listening with a backlog of 0
 * that never accepts, its one queue slot taken by a filler connection, so the kernel drops
 * every further SYN and a connect waits until the connector gives up. Node accepts whatever
 * it listens on, so the listener is a small Perl program (perl-base is always installed).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { onTestFinished } from 'vitest';

const LISTENER = [
  'use Socket;',
  '$| = 1;',
  'socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!";',
  'bind($s, pack_sockaddr_in(0, inet_aton("127.0.0.1"))) or die "bind: $!";',
  'listen($s, 0) or die "listen: $!";',
  'my ($port) = unpack_sockaddr_in(getsockname($s));',
  'print "$port\\n";',
  'sleep 600;',
].join(' ');

export interface HangingNode {
  readonly hostport: string;
}

export async function startHangingNode(): Promise<HangingNode> {
  const child = spawn('perl', ['-e', LISTENER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
  const filler = net.connect(port, '127.0.0.1');
  filler.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    filler.once('connect', resolve);
    filler.once('error', reject);
  });
  onTestFinished(() => {
    filler.destroy();
    child.kill();
  });
  return { hostport: `127.0.0.1:${port}` };
}
