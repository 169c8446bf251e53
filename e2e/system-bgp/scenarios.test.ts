// BGP end to end through the real product: `bin/metallb-ts standalone` on two node namespaces, each
// driving its own FRR, peered with real FRR routers (topology in lab.ts). Every scenario edits the
// shared config folder and checks the routers' RIBs, sessions and BFD peers. The scenarios run in
// order on one lab (setting it up is the slow part); each leaves the folder as the next expects.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  NODE_V4, NODE_V6, RTR_B_LOOPBACK, ROUTER_BFD, Standalone,
  bfdPeers, buildSystem, ribUnder, ensureBuilt, neighbors, putFile, putFixture, removeFile, ribPaths, serviceYaml, sleep,
  waitEstablished, waitPaths, waitUntil, type NeighborState, type System,
} from './lab.js';

let sys: System;
const sa = new Map<string, Standalone>();
const n1 = () => sa.get('node1')!;
const n2 = () => sa.get('node2')!;

/** The IPs a node's standalone gave a Service (from its assignments.json). */
function ipOf(node: Standalone, svc: string): string {
  const a = node.assignments()[`default/${svc}`];
  if (!a) throw new Error(`${node.node} has no assignment for default/${svc}`);
  return a.ips[0];
}

async function waitAssigned(node: Standalone, svc: string): Promise<string> {
  await waitUntil(`${node.node} assigns default/${svc}`, async () => node.assignments()[`default/${svc}`] !== undefined);
  return ipOf(node, svc);
}

const host = (ip: string) => `${ip}/${ip.includes(':') ? 128 : 32}`;
const fromPeers = (paths: { peer: string }[]) => paths.map((p) => p.peer).sort();

/** Every session the routers hold, to prove later that nothing was reset. */
async function allSessions(): Promise<Record<string, NeighborState>> {
  const out: Record<string, NeighborState> = {};
  for (const [name, r] of [['a', sys.a], ['b', sys.b!], ['c', sys.c!]] as const) {
    for (const [addr, s] of Object.entries(await neighbors(r))) if (s.bgpState === 'Established') out[`${name}/${addr}`] = s;
  }
  return out;
}

beforeAll(async () => {
  const bin = await ensureBuilt();
  sys = await buildSystem('mtbgp', { nodes: ['node1', 'node2'], routers: ['b', 'c'], secure: true });
  putFixture(sys, 'base');
  putFile(sys, 'svc-v4', serviceYaml({ name: 'svc-v4', endpointNodes: ['node1', 'node2'] }));
  for (const node of ['node1', 'node2']) {
    const s = new Standalone(sys, node, bin);
    sa.set(node, s);
    await s.start();
  }
}, 120_000);

afterAll(async () => {
  for (const s of sa.values()) await s.stop().catch(() => undefined);
  await sys?.lab.cleanup();
});

describe('BGP through the product (standalone + FRR)', () => {
  it('MD5 password from a basic-auth Secret: both nodes establish with router A, which requires it', async () => {
    await waitEstablished(sys.a, NODE_V4.node1);
    await waitEstablished(sys.a, NODE_V4.node2);
    const ip = ipOf(n1(), 'svc-v4');
    expect(ipOf(n2(), 'svc-v4')).toBe(ip);
    const paths = await waitPaths(sys.a, host(ip), (p) => p.length === 2);
    expect(fromPeers(paths)).toEqual([NODE_V4.node1, NODE_V4.node2]);
    // the password never reaches the logs
    expect(JSON.stringify(n1().logs)).not.toContain('md5-from-secret');
  }, 40_000);

  it('BFD up with the profile: the router sees the BFDProfile timers, not its own', async () => {
    let peers = await bfdPeers(sys.a);
    await waitUntil('BFD up for both nodes', async () => {
      peers = await bfdPeers(sys.a);
      return [NODE_V4.node1, NODE_V4.node2].every((a) => peers.find((p) => p.peer === a)?.status === 'up');
    }, 30_000, 200);
    for (const addr of [NODE_V4.node1, NODE_V4.node2]) {
      const p = peers.find((x) => x.peer === addr)!;
      expect(p['remote-receive-interval']).toBe(900);
      expect(p['remote-transmit-interval']).toBe(900);
      expect(p['remote-detect-multiplier']).toBe(4);
    }
    expect(ROUTER_BFD.multiplier).not.toBe(4);
  }, 40_000);

  it('eBGP multihop to router B on port 180 (two hops away); peer nodeSelectors: only node1 peers', async () => {
    await waitEstablished(sys.b!, NODE_V4.node1);
    const ip = ipOf(n1(), 'svc-v4');
    const paths = await waitPaths(sys.b!, host(ip), (p) => p.length === 1);
    expect(paths[0].peer).toBe(NODE_V4.node1);
    // node2 is not selected by peer-b: its FRR has no such neighbor and router B never saw it
    expect(Object.keys(await neighbors(sys.nodes.get('node2')!.frr))).not.toContain(RTR_B_LOOPBACK);
    expect(Object.keys(await neighbors(sys.nodes.get('node1')!.frr))).toContain(RTR_B_LOOPBACK);
    const b = (await neighbors(sys.b!))[NODE_V4.node2];
    expect(b.bgpState).not.toBe('Established');
    expect(b.connectionsEstablished).toBe(0);
  }, 40_000);

  it('iBGP router C learns the Service with both nodes as paths', async () => {
    await waitEstablished(sys.c!, NODE_V4.node1);
    await waitEstablished(sys.c!, NODE_V4.node2);
    const paths = await waitPaths(sys.c!, host(ipOf(n1(), 'svc-v4')), (p) => p.length === 2);
    expect(fromPeers(paths)).toEqual([NODE_V4.node1, NODE_V4.node2]);
  }, 40_000);

  it('IPv6 peer with IPv6 prefixes', async () => {
    putFile(sys, 'svc-v6', serviceYaml({ name: 'svc-v6', family: 6, endpointNodes: ['node2'] }));
    const ip = await waitAssigned(n1(), 'svc-v6');
    expect(ip).toMatch(/^2001:db8:5::/);
    await waitEstablished(sys.a, NODE_V6.node1);
    await waitEstablished(sys.a, NODE_V6.node2);
    const paths = await waitPaths(sys.a, host(ip), (p) => p.length === 2);
    expect(fromPeers(paths)).toEqual([NODE_V6.node1, NODE_V6.node2].sort());
    // and not over the IPv4 sessions (no dual-stack address family asked for)
    expect((await ribPaths(sys.c!, host(ip)).catch(() => []))).toEqual([]);
  }, 40_000);

  it('the seed\'s advanced example: /32 with localPref 100 + NO_ADVERTISE, /30 aggregate with 8000:800', async () => {
    putFixture(sys, 'seed-advanced');
    const ip = await waitAssigned(n1(), 'seed-adv');
    expect(ip).toBe('203.0.113.200');
    // iBGP router C carries LOCAL_PREF
    const host32 = await waitPaths(sys.c!, '203.0.113.200/32', (p) => p.length === 2);
    for (const p of host32) {
      expect(p.localPref).toBe(100);
      expect(p.communities).toEqual(['no-advertise']);
    }
    const agg = await waitPaths(sys.c!, '203.0.113.200/30', (p) => p.length === 2);
    for (const p of agg) expect(p.communities).toEqual(['8000:800']);
    // eBGP router A gets both prefixes with their communities
    const a32 = await waitPaths(sys.a, '203.0.113.200/32', (p) => p.length === 2);
    expect(a32.every((p) => p.communities.join() === 'no-advertise')).toBe(true);
    const a30 = await waitPaths(sys.a, '203.0.113.200/30', (p) => p.length === 2);
    expect(a30.every((p) => p.communities.join() === '8000:800')).toBe(true);

    // 100 is also iBGP's default: an edited localPref must reach the router, so it is really carried
    const t0 = performance.now();
    putFixture(sys, 'seed-advanced', (t) => t.replace('localPref: 100', 'localPref: 250'));
    await waitPaths(sys.c!, '203.0.113.200/32', (p) => p.length === 2 && p.every((x) => x.localPref === 250));
    const t1 = performance.now();
    putFixture(sys, 'seed-advanced');
    await waitPaths(sys.c!, '203.0.113.200/32', (p) => p.length === 2 && p.every((x) => x.localPref === 100));
    process.stdout.write(`seed: localPref edit reached router C in ${Math.round(t1 - t0)} ms, revert in ${Math.round(performance.now() - t1)} ms\n`);
  }, 40_000);

  it('advertisement peers: only router B (peer-b) gets the pool', async () => {
    putFixture(sys, 'peers-only');
    const ip = await waitAssigned(n1(), 'to-b');
    const paths = await waitPaths(sys.b!, host(ip), (p) => p.length === 1);
    expect(paths[0].peer).toBe(NODE_V4.node1);
    await sleep(1000); // the same apply would have sent it to A and C: give them time to show it
    expect(await ribPaths(sys.a, host(ip))).toEqual([]);
    expect(await ribPaths(sys.c!, host(ip))).toEqual([]);
  }, 40_000);

  it('a large community of the advertisement (large:64512:7:9) reaches the router', async () => {
    const paths = await waitPaths(sys.b!, host(ipOf(n1(), 'to-b')), (p) => p.length === 1);
    expect(paths[0].largeCommunities).toEqual(['64512:7:9']);
  }, 20_000);

  it('externalTrafficPolicy Local: announced only by the node with a local endpoint, follows the endpoint', async () => {
    putFile(sys, 'svc-local', serviceYaml({ name: 'svc-local', local: true, endpointNodes: ['node1'] }));
    const ip = await waitAssigned(n1(), 'svc-local');
    await waitPaths(sys.a, host(ip), (p) => p.length === 1 && p[0].peer === NODE_V4.node1);
    await n2().waitLog('noLocalEndpoints', () => {
      const d = (n2().status().decisions as Array<{ service: string; protocol: string; reason?: string }>)
        .find((x) => x.service === 'default/svc-local' && x.protocol === 'bgp');
      return d?.reason === 'noLocalEndpoints';
    });
    // the endpoint moves to node2
    putFile(sys, 'svc-local', serviceYaml({ name: 'svc-local', local: true, endpointNodes: ['node2'] }));
    await waitPaths(sys.a, host(ip), (p) => p.length === 1 && p[0].peer === NODE_V4.node2);
    // no endpoint at all: nobody announces
    putFile(sys, 'svc-local', serviceYaml({ name: 'svc-local', local: true, endpointNodes: [] }));
    await waitPaths(sys.a, host(ip), (p) => p.length === 0);
  }, 40_000);

  it('Service deleted -> withdrawn from every router, logged as serviceWithdrawn', async () => {
    putFile(sys, 'svc-gone', serviceYaml({ name: 'svc-gone', endpointNodes: ['node1'] }));
    const ip = await waitAssigned(n1(), 'svc-gone');
    await waitPaths(sys.a, host(ip), (p) => p.length === 2);
    await waitPaths(sys.c!, host(ip), (p) => p.length === 2);
    const from = n1().logs.length;
    removeFile(sys, 'svc-gone');
    await waitPaths(sys.a, host(ip), (p) => p.length === 0);
    await waitPaths(sys.c!, host(ip), (p) => p.length === 0);
    await waitPaths(sys.b!, host(ip), (p) => p.length === 0);
    const w = await n1().waitLog('serviceWithdrawn', (l) => l.event === 'serviceWithdrawn' && l.service === 'default/svc-gone', 5000, from);
    expect(w.reason).toBe('serviceDeleted');
    expect(n1().assignments()['default/svc-gone']).toBeUndefined();
  }, 40_000);

  it('invalid config (an overlapping pool) is logged with the object name; the routes stay', async () => {
    const ip = ipOf(n1(), 'svc-v4');
    const before = await allSessions();
    const from = n1().logs.length;
    let ip2 = '';
    putFixture(sys, 'overlapping-pool');
    try {
      const err = await n1().waitLog('config error', (l) => l.level === 'error' && String(l.error ?? '').includes('overlaps-default'), 10_000, from);
      expect(err.error).toContain('overlaps-default');
      await waitUntil('status.json says the config is invalid', async () => n1().status().configValid === false);
      await sleep(500);
      expect(await ribPaths(sys.a, host(ip))).toHaveLength(2);
      expect(await ribPaths(sys.c!, '203.0.113.200/30')).toHaveLength(2);
      // a Service added meanwhile is still served with the last good config
      putFile(sys, 'svc-during', serviceYaml({ name: 'svc-during', endpointNodes: ['node1'] }));
      ip2 = await waitAssigned(n1(), 'svc-during');
      await waitPaths(sys.a, host(ip2), (p) => p.length === 2);
    } finally {
      removeFile(sys, 'overlapping-pool'); // the next scenarios need a valid folder, also after a failure
    }
    removeFile(sys, 'svc-during');
    await waitPaths(sys.a, host(ip2), (p) => p.length === 0);
    await waitUntil('config valid again', async () => n1().status().configValid === true);
    expect(await allSessions()).toEqual(before);
  }, 40_000);

  it('restart of standalone keeps every IP (assignments.json) and the sessions', async () => {
    const before = n1().assignments();
    const ip = before['default/svc-v4'].ips[0];
    const node1Sessions = async () => Object.fromEntries(Object.entries(await allSessions()).filter(([k]) => k.endsWith(`/${NODE_V4.node1}`)));
    const sessionsBefore = await node1Sessions();
    expect(Object.keys(sessionsBefore)).toHaveLength(3);
    await n1().stop();
    // While node1 is down a Service that sorts first arrives: a fresh allocation could hand it
    // svc-v4's address; the persisted one must not.
    putFile(sys, 'aaa-first', serviceYaml({ name: 'aaa-first', endpointNodes: ['node2'] }));
    const ipNew = await waitAssigned(n2(), 'aaa-first');
    await n1().start();
    await waitAssigned(n1(), 'aaa-first');
    const after = n1().assignments();
    for (const [k, v] of Object.entries(before)) expect(after[k]).toEqual(v);
    expect(after['default/aaa-first'].ips[0]).toBe(ipNew);
    expect(ipNew).not.toBe(ip);
    await waitEstablished(sys.a, NODE_V4.node1);
    await waitEstablished(sys.b!, NODE_V4.node1);
    await waitEstablished(sys.c!, NODE_V4.node1);
    // FRR kept running: the restarted product found its config in place and reset nothing
    expect(await node1Sessions()).toEqual(sessionsBefore);
    await waitPaths(sys.a, host(ipNew), (p) => p.length === 2);
    await waitPaths(sys.a, host(ip), (p) => p.length === 2);
    expect(await n1().metrics()).toMatch(/metallb_bgp_session_up\{peer="198\.51\.100\.1(:179)?",vrf="default"\} 1/);
    removeFile(sys, 'aaa-first');
    await waitPaths(sys.a, host(ipNew), (p) => p.length === 0);
  }, 60_000);

  it('hitless: 100 Services added then removed as files; no session reset, every prefix comes and goes', async () => {
    putFixture(sys, 'hitless-pool');
    await sleep(300);
    const before = await allSessions();
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(7);
    const name = (i: number) => `hl-${String(i).padStart(3, '0')}`;
    const prefix = (i: number) => `192.0.2.${128 + i}/32`; // the pool hands out addresses in order
    const tStart = performance.now();
    for (let i = 0; i < 100; i++) {
      putFile(sys, name(i), serviceYaml({ name: name(i), pool: 'hitless', ip: `192.0.2.${128 + i}`, endpointNodes: ['node1'] }));
      await sleep(60); // about the files source's settle time: many separate reloads and applies
    }
    const t0 = performance.now();
    await waitUntil('all 100 prefixes at router A from both nodes', async () => {
      const rib = await ribUnder(sys.a, '192.0.2.128/25');
      return Array.from({ length: 100 }, (_, i) => rib.get(prefix(i))).every((n) => n === 2);
    }, 60_000, 200);
    const added = performance.now() - t0;
    for (const i of [0, 57, 99]) expect(await ribPaths(sys.a, prefix(i))).toHaveLength(2);
    expect(await ribPaths(sys.c!, prefix(0))).toEqual([]); // peers: [peer-a]
    const t1 = performance.now();
    for (let i = 0; i < 100; i++) {
      removeFile(sys, name(i));
      await sleep(60);
    }
    await waitUntil('all 100 prefixes withdrawn', async () => (await ribUnder(sys.a, '192.0.2.128/25')).size === 0, 60_000, 200);
    for (const i of [0, 57, 99]) expect(await ribPaths(sys.a, prefix(i))).toEqual([]);
    process.stdout.write(`hitless: adds written over ${Math.round(t0 - tStart)} ms, all present ${Math.round(added)} ms later; removals written and all gone in ${Math.round(performance.now() - t1)} ms\n`);
    expect(await allSessions()).toEqual(before);
    const bfd = await bfdPeers(sys.a);
    expect(bfd.filter((p) => p.status === 'up').map((p) => p.peer).sort()).toEqual([NODE_V4.node1, NODE_V4.node2]);
  }, 120_000);
});
