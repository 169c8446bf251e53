// Failover as a client sees it: two nodes on one bridge, the client talks to the service IP through
// its own neighbour cache; the announcing node dies and the other takes over. The client must move
// to the new node's MAC from the gratuitous burst alone, without asking again.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { buildBridgeTopology, buildRunner, nsExec, RunnerProcess, waitFor, type BridgeTopology } from './lab.js';

jest.setTimeout(60_000);

let topo: BridgeTopology;
let runnerJs: string;
const IP4 = '192.0.2.120';
const IP6 = '2001:db8::120';

beforeAll(async () => {
  runnerJs = await buildRunner(process.cwd());
  topo = await buildBridgeTopology('mtl2', 'f', 2);
});

afterAll(async () => {
  await topo?.lab.cleanup();
});

/** The client sends a UDP datagram: its kernel resolves the address as any application would. */
async function touch(ip: string): Promise<void> {
  await nsExec(topo.client, 'bash', ['-c', `echo x > /dev/udp/${ip}/9`], { reject: false });
}

async function neighbour(ip: string): Promise<string> {
  return nsExec(topo.client, 'ip', [...(ip.includes(':') ? ['-6'] : []), 'neigh', 'show', ip, 'dev', 'eth0']);
}

describe('layer 2 failover between two nodes', () => {
  test('the client follows the IP to the surviving node from gratuitous ARP and unsolicited NA', async () => {
    const [n1, n2] = topo.nodes;
    const r1 = await RunnerProcess.start(topo.lab, n1.ns, runnerJs);
    const r2 = await RunnerProcess.start(topo.lab, n2.ns, runnerJs);
    await r1.command({ set: [{ ip: IP4, interfaces: 'all' }, { ip: IP6, interfaces: 'all' }] });
    await r2.command({ set: [] });

    await touch(IP4);
    await touch(IP6);
    await waitFor(async () => (await neighbour(IP4)).includes(n1.mac) && (await neighbour(IP6)).includes(n1.mac), 3000, 'client resolving to node 1');
    // Past the client's neighbour locktime (1 s), so a gratuitous update is not ignored as a duplicate.
    await new Promise((r) => setTimeout(r, 1200));

    // Node 1 dies without a word; node 2 wins the election and announces.
    process.kill(r1.child.pid!, 'SIGKILL');
    const t0 = Date.now();
    await r2.command({ set: [{ ip: IP4, interfaces: 'all' }, { ip: IP6, interfaces: 'all' }] });
    await waitFor(async () => (await neighbour(IP4)).includes(n2.mac), 3000, 'IPv4 neighbour entry moving to node 2');
    const v4ms = Date.now() - t0;
    await waitFor(async () => (await neighbour(IP6)).includes(n2.mac), 3000, 'IPv6 neighbour entry moving to node 2');
    const v6ms = Date.now() - t0;
    // The first round is sent at once: the move is visible long before the burst ends.
    expect(v4ms).toBeLessThan(1500);
    expect(v6ms).toBeLessThan(1500);
    process.stdout.write(`failover visible at the client after ${v4ms} ms (IPv4), ${v6ms} ms (IPv6)\n`);

    // And new requests are answered by node 2 only.
    const out = await nsExec(topo.client, 'arping', ['-c', '2', '-w', '2', '-I', 'eth0', IP4], { reject: false });
    expect(out).toContain(`bytes from ${n2.mac}`);
    expect(out).not.toContain(n1.mac);
    await r2.stop();
  });
});
