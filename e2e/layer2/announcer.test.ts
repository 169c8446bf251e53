// Real packets through a veth pair: the Announcer runs in the node namespace (announcer-runner), the
// client namespace asks with arping and ndisc6 and watches with tcpdump.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';

import { buildRunner, buildTopology, Capture, nsExec, RunnerProcess, waitFor, type L2Topology } from './lab.js';

jest.setTimeout(60_000);

let topo: L2Topology;
let runner: RunnerProcess;

beforeAll(async () => {
  const runnerJs = await buildRunner(process.cwd());
  topo = await buildTopology('mtl2');
  runner = await RunnerProcess.start(topo.lab, topo.node, runnerJs, { RESCAN_MS: '1000' });
});

afterAll(async () => {
  await topo?.lab.cleanup();
});

async function arping(ip: string): Promise<{ ok: boolean; out: string }> {
  const out = await nsExec(topo.client, 'arping', ['-c', '1', '-w', '1', '-I', 'eth0', ip], { reject: false });
  return { ok: / bytes from /.test(out), out };
}

async function ndisc(ip: string): Promise<string> {
  return nsExec(topo.client, 'ndisc6', ['-1', '-r', '1', '-w', '1000', ip, 'eth0'], { reject: false });
}

describe('layer 2 announcer on a real link', () => {
  test('responders opened on eth0 (ARP and NDP), none on lo', async () => {
    const r = await runner.command<{ ok: boolean; responders: string[] }>({ responders: true });
    expect(r.responders).toEqual(['arp/eth0', 'ndp/eth0']);
  });

  test('arping gets the node MAC for an announced IPv4, no answer for an unannounced one', async () => {
    await runner.command({ set: [{ ip: '192.0.2.100', interfaces: 'all' }] });
    const yes = await arping('192.0.2.100');
    expect(yes.out).toContain(`bytes from ${topo.nodeMac} (192.0.2.100)`);
    const no = await arping('192.0.2.99');
    expect(no.ok).toBe(false);
    const m = await runner.command<{ ok: boolean; metrics: string }>({ metrics: true });
    expect(m.metrics).toMatch(/metallb_layer2_requests_received\{ip="192\.0\.2\.100"\} [1-9]/);
    expect(m.metrics).toMatch(/metallb_layer2_responses_sent\{ip="192\.0\.2\.100"\} [1-9]/);
    expect(m.metrics).not.toContain('192.0.2.99');
  });

  test('ndisc6 gets a Neighbor Advertisement with the node MAC for an announced IPv6', async () => {
    await runner.command({ set: [{ ip: '192.0.2.100', interfaces: 'all' }, { ip: '2001:db8::100', interfaces: ['eth0'] }] });
    const out = await ndisc('2001:db8::100');
    expect(out.toLowerCase()).toContain(`target link-layer address: ${topo.nodeMac}`);
    expect(await ndisc('2001:db8::99')).not.toMatch(/Target link-layer address/i);
  });

  test('an advertisement limited to another interface is not answered here', async () => {
    await runner.command({ set: [{ ip: '192.0.2.100', interfaces: ['eth1'] }] });
    expect((await arping('192.0.2.100')).ok).toBe(false);
  });

  test('a newly announced IP sends a gratuitous burst that moves a stale client entry to this node', async () => {
    // The client still believes the IPs live at a dead node's MAC, as after a failover.
    const dead = '02:00:00:00:de:ad';
    await nsExec(topo.client, 'ip', ['neigh', 'replace', '192.0.2.101', 'lladdr', dead, 'dev', 'eth0', 'nud', 'stale']);
    await nsExec(topo.client, 'ip', ['-6', 'neigh', 'replace', '2001:db8::101', 'lladdr', dead, 'dev', 'eth0', 'nud', 'stale']);
    const cap = await Capture.start(topo.lab, topo.client, 'arp or (icmp6 and ip6[40] == 136)');
    const t0 = Date.now();
    await runner.command({ set: [{ ip: '192.0.2.101', interfaces: 'all' }, { ip: '2001:db8::101', interfaces: 'all' }] });
    await new Promise((r) => setTimeout(r, 6500));
    await cap.stop();
    const garp = cap.lines.filter((l) => l.includes(topo.nodeMac) && /192\.0\.2\.101.*tell 192\.0\.2\.101|Reply 192\.0\.2\.101 is-at/.test(l));
    const una = cap.lines.filter((l) => l.includes(topo.nodeMac) && / > ff02::1: ICMP6, neighbor advertisement, tgt is 2001:db8::101,/.test(l));
    // 5 rounds: request + reply per IPv4 round, one unsolicited NA per IPv6 round.
    expect(garp).toHaveLength(10);
    expect(una).toHaveLength(5);
    const times = garp.filter((l) => l.includes('Request')).map((l) => Number(l.split(' ')[0]));
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThan(1.0);
    expect(times[0] * 1000 - t0).toBeLessThan(1000);
    const neigh4 = await nsExec(topo.client, 'ip', ['neigh', 'show', '192.0.2.101', 'dev', 'eth0']);
    const neigh6 = await nsExec(topo.client, 'ip', ['-6', 'neigh', 'show', '2001:db8::101', 'dev', 'eth0']);
    expect(neigh4).toContain(topo.nodeMac);
    expect(neigh6).toContain(topo.nodeMac);
    const m = await runner.command<{ ok: boolean; metrics: string }>({ metrics: true });
    expect(m.metrics).toContain('metallb_layer2_gratuitous_sent{ip="192.0.2.101"} 10');
    expect(m.metrics).toContain('metallb_layer2_gratuitous_sent{ip="2001:db8::101"} 5');
  });

  test('the node joins the solicited-node group of an announced IPv6 and leaves it on withdrawal', async () => {
    const maddr = () => nsExec(topo.node, 'ip', ['maddr', 'show', 'dev', 'eth0']);
    await runner.command({ set: [{ ip: '2001:db8::1:4567', interfaces: 'all' }] });
    expect(await maddr()).toContain('link  33:33:ff:01:45:67');
    await runner.command({ set: [] });
    expect(await maddr()).not.toContain('33:33:ff:01:45:67');
  });

  test('a link that goes down loses its responders at the next scan and gets them back when up', async () => {
    await runner.command({ set: [{ ip: '192.0.2.102', interfaces: 'all' }] });
    const responders = async () => (await runner.command<{ ok: boolean; responders: string[] }>({ responders: true })).responders;
    await nsExec(topo.node, 'ip', ['link', 'set', 'eth0', 'down']);
    await waitFor(async () => (await responders()).length === 0, 5000, 'responders closed after link down');
    await nsExec(topo.node, 'ip', ['link', 'set', 'eth0', 'up']);
    await waitFor(async () => (await responders()).join() === 'arp/eth0,ndp/eth0', 8000, 'responders reopened after link up');
    expect((await arping('192.0.2.102')).out).toContain(`bytes from ${topo.nodeMac} (192.0.2.102)`);
  });

  test('withdrawing stops the answers, IPv4 and IPv6', async () => {
    await runner.command({ set: [{ ip: '192.0.2.100', interfaces: 'all' }, { ip: '2001:db8::100', interfaces: 'all' }] });
    expect((await arping('192.0.2.100')).ok).toBe(true);
    await runner.command({ set: [] });
    expect((await arping('192.0.2.100')).ok).toBe(false);
    expect(await ndisc('2001:db8::100')).not.toMatch(/Target link-layer address/i);
  });

  test('the runner exits cleanly when told to stop (sockets closed, no handle left)', async () => {
    await runner.stop();
    expect(runner.child.exitCode).toBe(0);
  });
});

