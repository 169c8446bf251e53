// Layer 2 as a client on the LAN sees it, with two `metallb-ts standalone --no-bgp` nodes (membership
// on) in namespaces "mtsyse-*": the elected node alone answers ARP and NDP, the election is the one
// the planner and `metallb-ts explain` compute, externalTrafficPolicy Local follows the endpoint, and
// a forged membership packet changes nothing but a counter.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seal } from '../../src/layer2/membership/wire.js';
import { Capture } from '../layer2/lab.js';
import { ML_PORT, METRICS_PORT, ndiscFromClient, nsExec } from '../lab/topology.js';
import { buildSite, ensureBuilt, type L2Service, type Site } from './site.js';

jest.setTimeout(180_000);

const V4: L2Service = { name: 'v4', ip: '198.51.100.5', endpointsOn: ['node-a', 'node-b'] };
const V6: L2Service = { name: 'v6', ip: '2001:db8::205', endpointsOn: ['node-a', 'node-b'] };
// 198.51.100.3 hashes to node-a first; the only endpoint on node-b must override that.
const LOCAL: L2Service = { name: 'loc', ip: '198.51.100.3', endpointsOn: ['node-b'], local: true };

let site: Site;

beforeAll(async () => {
  await ensureBuilt();
  site = await buildSite('mtsyse', [V4, V6, LOCAL]);
  await site.start();
}, 300_000);

afterAll(async () => {
  await site?.cleanup();
});

/** Every MAC that answered `count` ARP requests for ip from the client. */
async function arpMacs(ip: string, count = 3): Promise<string[]> {
  const out = await nsExec(site.topo.client, 'arping', ['-c', String(count), '-w', String(count + 1), '-I', 'eth0', ip], { reject: false });
  return [...new Set([...out.matchAll(/bytes from ([0-9a-f:]{17})/gi)].map((m) => m[1].toLowerCase()))];
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const macOf = (node: string) => site.topo.node(node).mac;

describe('layer 2 election seen from the client (mtsyse-*)', () => {
  test('the elected node alone answers ARP, and it is the node the planner and explain pick', async () => {
    const key = 'default/v4';
    const elected = await until('both planners agreeing on a winner', async () => {
      const a = site.winner('node-a', key);
      return a && a === site.winner('node-b', key) ? a : undefined;
    }, 10_000);
    expect(await site.explainWinner(key)).toBe(elected);
    const macs = await until('an ARP answer', async () => {
      const m = await arpMacs(V4.ip);
      return m.length ? m : undefined;
    }, 10_000);
    expect(macs).toEqual([macOf(elected)]);
  });

  test('the elected node alone answers NDP for the IPv6 Service', async () => {
    const key = 'default/v6';
    const elected = await until('a winner for v6', async () => site.winner('node-a', key), 10_000);
    expect(site.winner('node-b', key)).toBe(elected);
    expect(await site.explainWinner(key)).toBe(elected);
    const r = await until('a Neighbor Advertisement', async () => (await ndiscFromClient(site.topo, V6.ip)).mac, 10_000);
    expect(r).toBe(macOf(elected));
  });

  test('externalTrafficPolicy Local: the node with the endpoint owns the IP, and ownership follows the endpoint', async () => {
    const key = 'default/loc';
    expect(await until('a winner for loc', async () => site.winner('node-a', key), 10_000)).toBe('node-b');
    expect(await site.explainWinner(key)).toBe('node-b');
    expect(await until('node-b answering', async () => {
      const m = await arpMacs(LOCAL.ip, 1);
      return m.length ? m : undefined;
    }, 10_000)).toEqual([macOf('node-b')]);

    const cap = await Capture.start(site.topo.lab, site.topo.client, 'arp');
    site.putService({ ...LOCAL, endpointsOn: ['node-a'] });
    // node-a's takeover is announced by gratuitous ARP: the client sees it without asking
    const garp = await until('a gratuitous ARP from node-a', async () =>
      cap.lines.find((l) => l.toLowerCase().includes(macOf('node-a')) && l.includes(LOCAL.ip)), 10_000);
    await cap.stop();
    expect(garp).toMatch(/Request who-has 198\.51\.100\.3 .*tell 198\.51\.100\.3|Reply 198\.51\.100\.3 is-at/);
    expect(await site.explainWinner(key)).toBe('node-a');
    expect(await until('node-a alone answering', async () => {
      const m = await arpMacs(LOCAL.ip, 2);
      return m.length === 1 && m[0] === macOf('node-a') ? m : undefined;
    }, 10_000)).toEqual([macOf('node-a')]);
  });

  test('a forged membership packet (wrong key) saying the owner died is ignored and counted', async () => {
    const key = 'default/v4';
    const owner = site.winner('node-a', key)!;
    const other = owner === 'node-a' ? 'node-b' : 'node-a';
    const forged = seal({ type: 'gossip', from: owner, incarnation: 0x7ffffff, gossip: [{ state: 'dead', name: owner, incarnation: 0x7ffffff }] },
      new TextEncoder().encode('not-the-lab-secret-at-all'), Date.now(), Buffer.from('forged!!'));
    const metrics = () => nsExec(site.topo.node(other).ns, 'curl', ['-s', `http://127.0.0.1:${METRICS_PORT}/metrics`]);
    const unauthenticated = async () => Number(/metallb_membership_dropped_packets_total\{reason="unauthenticated"\} (\d+)/.exec(await metrics())?.[1] ?? NaN);
    const before = await unauthenticated();
    expect(before).toBe(0);
    // Only what follows the forged packet counts: a suspicion earlier in the run (a loaded CI machine
    // can stall a process for longer than the fast detection timings) says nothing about the forgery.
    const logsBefore = site.proc(other).logs.length;
    const file = join(site.workDir, 'forged.bin');
    writeFileSync(file, forged);
    // sent from the client, as any host on the LAN could
    await nsExec(site.topo.client, 'bash', ['-c', `cat ${file} > /dev/udp/${site.topo.node(other).ip4}/${ML_PORT}`]);

    const dropped = await until('the drop counted', async () => ((await unauthenticated()) >= 1 ? unauthenticated() : undefined), 5_000);
    expect(dropped).toBe(1);
    // Had it been believed, the other node would take the IP over within a few hundred ms.
    await new Promise((r) => setTimeout(r, 1000));
    expect(site.winner(other, key)).toBe(owner);
    expect(site.proc(other).logs.slice(logsBefore).some((l) => l.event === 'memberChanged' && l.member === owner && l.state === 'dead')).toBe(false);
    expect(await arpMacs(V4.ip, 2)).toEqual([macOf(owner)]);
  });
});
