// A node FRR (driven by the applier, bgpd -p 0 like the sidecar) and an external router FRR (listening),
// in two namespaces joined by a veth. With `peers` > 1 the node opens one session per router address,
// each from its own source address, so the router sees `peers` distinct neighbors.
//
//   node  198.51.100.101..(100+peers)  <-- veth -->  router 198.51.100.1..peers       (family 4)
//   node  2001:db8::101..               <-- veth -->  router 2001:db8::1..            (family 6)
//
// Services are /32s of 203.0.113.0/24 (at most 254), or /128s of 2001:db8:5::/64 for family 6
// (documentation ranges only).
import type { NodeBGPIntent, NeighborIntent } from '../../src/bgp/types.js';
import type { BFDProfileConfig } from '../../src/config/types.js';
import { startFrr, type FrrInstance } from '../harness/frr.js';
import { nsExec, type Lab } from '../harness/netns.js';

export const NODE_ASN = 64512;
export const ROUTER_ASN = 64513;
export const POOL4 = '203.0.113.0/24';
export const POOL6 = '2001:db8:5::/64';

export interface PairOptions {
  peers?: number;
  password?: string;
  /** BFD profile used by both sides; relaxed timers keep CI stable */
  bfd?: BFDProfileConfig;
  /** name suffix, to run several pairs in one Lab */
  tag?: string;
  /** session and Service family; default 4 */
  family?: 4 | 6;
}

export interface Pair {
  node: FrrInstance;
  router: FrrInstance;
  nodeAddrs: string[];
  routerAddrs: string[];
  opts: PairOptions;
}

/** The i-th Service prefix (0-based). */
export function servicePrefix(family: 4 | 6, i: number): string {
  if (family === 4) {
    if (i > 253) throw new Error('at most 254 IPv4 Services in 203.0.113.0/24: use family 6');
    return `203.0.113.${i + 1}/32`;
  }
  return `2001:db8:5::${(i + 1).toString(16)}/128`;
}

export async function startPair(lab: Lab, opts: PairOptions = {}): Promise<Pair> {
  const peers = opts.peers ?? 1;
  const tag = opts.tag ?? '';
  const nodeNs = await lab.addNamespace(`node${tag}`);
  const routerNs = await lab.addNamespace(`rtr${tag}`);
  const v6 = opts.family === 6;
  const nodeAddrs = Array.from({ length: peers }, (_, i) => (v6 ? `2001:db8::${(0x101 + i).toString(16)}` : `198.51.100.${101 + i}`));
  const routerAddrs = Array.from({ length: peers }, (_, i) => (v6 ? `2001:db8::${(1 + i).toString(16)}` : `198.51.100.${1 + i}`));
  const len = v6 ? 64 : 24;
  await lab.link({ ns: nodeNs, ifname: 'eth0', addrs: nodeAddrs.map((a) => `${a}/${len}`) }, { ns: routerNs, ifname: 'eth0', addrs: routerAddrs.map((a) => `${a}/${len}`) });
  // The node FRR learns nothing (inbound denied), so the router needs no route back: same subnet.
  const node = await startFrr(lab, { ns: nodeNs, listen: false });
  const router = await startFrr(lab, { ns: routerNs, listen: true });
  const bfd = opts.bfd;
  const lines = [
    `router bgp ${ROUTER_ASN}`,
    // An IPv6-only namespace has no IPv4 address FRR could take as router-id.
    'bgp router-id 192.0.2.254',
    'no bgp ebgp-requires-policy',
    'no bgp default ipv4-unicast',
    ...nodeAddrs.flatMap((a) => [
      `neighbor ${a} remote-as ${NODE_ASN}`,
      ...(opts.password ? [`neighbor ${a} password ${opts.password}`] : []),
      ...(bfd ? [`neighbor ${a} bfd`, `neighbor ${a} bfd profile ${bfd.name}`] : []),
    ]),
    `address-family ${v6 ? 'ipv6' : 'ipv4'} unicast`,
    ...nodeAddrs.map((a) => `neighbor ${a} activate`),
    'exit-address-family',
    'exit',
  ];
  if (bfd) {
    lines.unshift('bfd', `profile ${bfd.name}`, `receive-interval ${bfd.receiveInterval}`, `transmit-interval ${bfd.transmitInterval}`, `detect-multiplier ${bfd.detectMultiplier ?? 3}`, 'exit', 'exit');
  }
  await router.configure(lines);
  return { node, router, nodeAddrs, routerAddrs, opts };
}

/** The node's intent: one neighbor per router address, all getting `services` Service /32s. */
export function pairIntent(p: Pair, services: number, firstService = 0): NodeBGPIntent {
  const family = p.opts.family ?? 4;
  const ads = Array.from({ length: services }, (_, i) => ({ prefix: servicePrefix(family, firstService + i), family, localPref: 0, communities: [], pool: 'pool' }));
  const neighbors: NeighborIntent[] = p.routerAddrs.map((addr, i) => ({
    peerName: `router-${i}`,
    id: addr,
    address: addr,
    remoteAS: String(ROUTER_ASN),
    localASN: 0,
    family: family === 4 ? 'ipv4' : 'ipv6',
    port: 179,
    password: p.opts.password ?? '',
    sourceAddress: p.routerAddrs.length > 1 ? p.nodeAddrs[i] : undefined,
    ebgpMultiHop: false,
    gracefulRestart: false,
    bfdProfile: p.opts.bfd?.name ?? '',
    disableConnectedCheck: false,
    advertisements: ads,
  }));
  return {
    hostname: 'node',
    logLevel: 'informational',
    routers: [{ asn: NODE_ASN, routerID: family === 4 ? p.nodeAddrs[0] : '192.0.2.1', vrf: '', neighbors, prefixes: ads.map((a) => a.prefix), poolRanges: [{ pool: 'pool', cidr: family === 4 ? POOL4 : POOL6, family, lengths: [family === 4 ? 32 : 128] }] }],
    bfdProfiles: p.opts.bfd ? [p.opts.bfd] : [],
    extras: '',
  };
}

export interface RouterNeighborState {
  bgpState: string;
  connectionsEstablished: number;
  connectionsDropped: number;
}

/** The router's view of every node session. */
export async function routerSessions(p: Pair): Promise<Map<string, RouterNeighborState>> {
  const j = await p.router.json<Record<string, RouterNeighborState>>('show bgp neighbors json');
  const out = new Map<string, RouterNeighborState>();
  for (const a of p.nodeAddrs) {
    const n = j[a];
    out.set(a, { bgpState: n?.bgpState ?? 'absent', connectionsEstablished: n?.connectionsEstablished ?? 0, connectionsDropped: n?.connectionsDropped ?? 0 });
  }
  return out;
}

/** How many paths the router has for a prefix (0 = not in its RIB). */
export async function routerPaths(p: Pair, prefix: string): Promise<number> {
  const afi = prefix.includes(':') ? 'ipv6' : 'ipv4';
  const j = await p.router.json<{ paths?: unknown[] }>(`show bgp ${afi} unicast ${prefix} json`);
  return j.paths?.length ?? 0;
}

export async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs: number, stepMs = 20): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await fn()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export async function bfdUp(f: FrrInstance): Promise<number> {
  const peers = await f.json<Array<{ status: string }>>('show bfd peers json');
  return peers.filter((x) => x.status === 'up').length;
}

export { nsExec };
