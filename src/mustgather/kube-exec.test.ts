// kubePodExec against a small WebSocket server speaking the Kubernetes exec channel protocol
// (v4.channel.k8s.io: one byte of channel, then data; 1 stdout, 2 stderr, 3 status as V1Status JSON).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { kubePodExec } from './kube-exec.js';

interface Ws {
  protocol: string;
  send(data: Buffer): void;
  close(): void;
}
interface WsServerCtor {
  new (opts: { server: Server; handleProtocols: (p: Set<string>) => string }): { on(ev: 'connection', fn: (ws: Ws, req: IncomingMessage) => void): void; close(): void };
}

let server: Server;
let wss: { close(): void };
let kc: KubeConfig;
const requests: Array<{ path: string; command: string[]; container: string | null; protocol: string }> = [];

const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);

beforeAll(async () => {
  // ws has no bundled types here; it is client-node's own WebSocket library.
  const { WebSocketServer } = (await import('ws' as string)) as { WebSocketServer: WsServerCtor };
  server = createServer((_req, res) => res.writeHead(404).end());
  const s = new WebSocketServer({ server, handleProtocols: () => 'v4.channel.k8s.io' });
  wss = s;
  s.on('connection', (ws, req) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const command = url.searchParams.getAll('command');
    requests.push({ path: url.pathname, command, container: url.searchParams.get('container'), protocol: ws.protocol });
    if (command[0] === 'vtysh') {
      ws.send(frame(1, 'BGP router identifier 192.0.2.1\n'));
      ws.send(frame(1, 'Neighbor 192.0.2.2\n'));
      ws.send(frame(2, 'note on stderr\n'));
      ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Success' })));
    } else {
      ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] } })));
    }
    setTimeout(() => ws.close(), 10);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
});

afterAll(async () => {
  wss?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('kubePodExec', () => {
  it('runs the command in the named container and returns stdout, stderr and exit code 0', async () => {
    const r = await kubePodExec(kc)('metallb-system', 'speaker-abc', 'frr', ['vtysh', '-c', 'show bgp summary']);
    expect(r).toEqual({ stdout: 'BGP router identifier 192.0.2.1\nNeighbor 192.0.2.2\n', stderr: 'note on stderr\n', code: 0 });
    expect(requests[0]).toEqual({ path: '/api/v1/namespaces/metallb-system/pods/speaker-abc/exec', command: ['vtysh', '-c', 'show bgp summary'],
      container: 'frr', protocol: 'v4.channel.k8s.io' });
  });

  it('reports the command\'s exit code from the status channel', async () => {
    const r = await kubePodExec(kc)('metallb-system', 'speaker-abc', 'frr', ['sh', '-c', 'exit 3']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });
});
