// Layer 2 failover with real `metallb-ts standalone --no-bgp` processes (namespaces "mtsysf-*"): the
// owner of a Service IP dies (SIGKILL) or loses its link; membership notices, the other node wins the
// election and the client learns the new MAC from the gratuitous ARP / unsolicited NA alone.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Capture } from '../layer2/lab.js';
import { arpingFromClient, nsExec } from '../lab/topology.js';
import { buildSite, ensureBuilt, type L2Service, type Site } from './site.js';

jest.setTimeout(180_000);

const V4: L2Service = { name: 'v4', ip: '198.51.100.6', endpointsOn: ['node-a', 'node-b'] };
// two IPs the election gives to the same node (node-b: sha256 of node#ip), so one failure moves both
const V6: L2Service = { name: 'v6', ip: '2001:db8::207', endpointsOn: ['node-a', 'node-b'] };

let site: Site;

beforeAll(async () => {
  await ensureBuilt();
  site = await buildSite('mtsysf', [V4, V6]);
  await site.start();
}, 300_000);

afterAll(async () => {
  await site?.cleanup();
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number, step = 20): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, step));
  }
}

const mac = (n: string) => site.topo.node(n).mac;
const neighbour = (ip: string) => nsExec(site.topo.client, 'ip', [...(ip.includes(':') ? ['-6'] : []), 'neigh', 'show', ip, 'dev', 'eth0']);

/** The current owner, once both planners agree and the client resolves the IP to it. */
async function settledOwner(): Promise<string> {
  const owner = await until('both planners agreeing', async () => {
    const a = site.winner('node-a', 'default/v4');
    return a && a === site.winner('node-b', 'default/v4') ? a : undefined;
  }, 20_000);
  expect(site.winner('node-a', 'default/v6')).toBe(owner); // both IPs on one node, as chosen above
  // the client talks to both IPs, so its kernel holds neighbour entries a GARP / NA can update
  await until(`the client resolving to ${owner}`, async () => {
    for (const ip of [V4.ip, V6.ip]) await nsExec(site.topo.client, 'bash', ['-c', `echo x > /dev/udp/${ip}/9`], { reject: false });
    return (await neighbour(V4.ip)).includes(mac(owner)) && (await neighbour(V6.ip)).includes(mac(owner)) ? true : undefined;
  }, 10_000, 200).catch(async (e: Error) => {
    throw new Error(`${e.message}; client neighbours: ${await neighbour(V4.ip)} / ${await neighbour(V6.ip)}; owner MAC ${mac(owner)}`);
  });
  await new Promise((r) => setTimeout(r, 1100)); // past the neighbour locktime (1 s): a GARP is taken
  return owner;
}

/** Waits for the survivor's takeover as the client sees it: its GARP, its NA, and the moved entries. */
async function expectTakeover(cap: Capture, survivor: string): Promise<void> {
  const m = mac(survivor);
  await until(`a gratuitous ARP for ${V4.ip} from ${survivor}`, async () => cap.lines.find((l) => l.toLowerCase().includes(m) && l.includes(V4.ip)), 10_000);
  await until(`an unsolicited NA for ${V6.ip} from ${survivor}`, async () =>
    cap.lines.find((l) => l.toLowerCase().includes(m) && /neighbor advertisement/i.test(l) && l.includes(V6.ip)), 10_000);
  // moved from the gratuitous frames alone: nothing asked in between
  expect(await until('the IPv4 entry moving', async () => ((await neighbour(V4.ip)).includes(m) ? true : undefined), 3_000)).toBe(true);
  expect(await until('the IPv6 entry moving', async () => ((await neighbour(V6.ip)).includes(m) ? true : undefined), 3_000)).toBe(true);
  expect((await arpingFromClient(site.topo, V4.ip)).mac).toBe(m);
}

describe('layer 2 failover seen from the client (mtsysf-*)', () => {
  test('the owner\'s standalone is SIGKILLed: the other node takes over and the client follows its GARP', async () => {
    const owner = await settledOwner();
    const survivor = owner === 'node-a' ? 'node-b' : 'node-a';
    const cap = await Capture.start(site.topo.lab, site.topo.client, 'arp or icmp6');
    const from = site.proc(survivor).logs.length;
    site.proc(owner).kill('SIGKILL');
    await expectTakeover(cap, survivor);
    await cap.stop();
    const dead = await site.proc(survivor).waitLog((l) => l.event === 'memberChanged' && l.member === owner, 5_000, 'memberChanged', from);
    expect(dead.state).toBe('dead');
    expect(site.winner(survivor, 'default/v4')).toBe(survivor);

    // The node comes back: membership re-admits it and the election gives it its IP back.
    const back = site.proc(survivor).logs.length;
    site.topo.startStandalone(owner);
    await site.proc(survivor).waitLog((l) => l.event === 'memberChanged' && l.member === owner && l.state === 'alive', 30_000, 'the node back', back);
    expect(await until('the IP back at its owner', async () => ((await arpingFromClient(site.topo, V4.ip)).mac === mac(owner) ? true : undefined), 15_000, 200)).toBe(true);
  });

  let flapped = '';

  test('the owner\'s link goes down: the other node takes over and the client follows its GARP', async () => {
    const owner = await settledOwner();
    const survivor = owner === 'node-a' ? 'node-b' : 'node-a';
    const cap = await Capture.start(site.topo.lab, site.topo.client, 'arp or icmp6');
    await nsExec(site.topo.node(owner).ns, 'ip', ['link', 'set', 'eth0', 'down']);
    flapped = owner;
    try {
      await expectTakeover(cap, survivor);
    } finally {
      await cap.stop();
      await nsExec(site.topo.node(owner).ns, 'ip', ['link', 'set', 'eth0', 'up']);
    }
  });

  test('the link comes back: one node answers again, the elected one', async () => {
    expect(flapped).not.toBe('');
    let last = '';
    expect(await until('one answer again, from the elected node', async () => {
      const out = await nsExec(site.topo.client, 'arping', ['-c', '2', '-w', '3', '-I', 'eth0', V4.ip], { reject: false });
      const macs = [...new Set([...out.matchAll(/bytes from ([0-9a-f:]{17})/gi)].map((m) => m[1].toLowerCase()))];
      last = `answers from ${macs.map((m) => site.topo.nodeByMac(m)).join(',') || 'nobody'}; winners a=${site.winner('node-a', 'default/v4')} b=${site.winner('node-b', 'default/v4')}`;
      return macs.length === 1 && macs[0] === mac(flapped) ? true : undefined;
    }, 25_000, 200).catch((e: Error) => {
      throw new Error(`${e.message}: ${last}; ${flapped} logs: ${JSON.stringify(site.proc(flapped).logs.slice(-4))}`);
    })).toBe(true);
  });
});
