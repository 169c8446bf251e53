// NodeBGPIntent -> FrrModel: the whole FRR configuration of one node, in FRR's own spelling and order.
import { compareIP, parseIP, parsePrefix } from '../../api/ip.js';
import type { BFDProfileConfig } from '../../config/types.js';
import type { NeighborIntent, NodeBGPIntent, RouterIntent } from '../../bgp/types.js';
import {
  BFD_DEFAULTS,
  GLOBAL_LINES,
  ROUTER_FIXED_LINES,
  type AF,
  type BfdProfileModel,
  type FrrModel,
  type NeighborModel,
  type NeighborOption,
  type PrefixListModel,
  type RouteMapModel,
  type RouterModel,
} from './model.js';
import { neighborFamilies, routeMapInName, routeMapOutName, routerPolicy } from './policy.js';

const DEFAULT_BGP_PORT = 179;

/** FRR prints eBGP-only disable-connected-check; upstream sets it for single-hop IPv6 eBGP only. */
function wantsDisableConnectedCheck(n: NeighborIntent, routerASN: number): boolean {
  if (n.family !== 'ipv6' || n.ebgpMultiHop) return false;
  if (n.remoteAS === 'external') return true;
  if (n.remoteAS === 'internal') return false;
  return Number(n.remoteAS) !== routerASN;
}

/** The options of `neighbor <P> ...` in the order FRR 8.4 prints them. */
export function neighborOptions(n: NeighborIntent, routerASN: number, explicit = false): NeighborOption[] {
  const o: NeighborOption[] = [];
  o.push({ key: 'remote-as', text: `${n.iface ? 'interface ' : ''}remote-as ${n.remoteAS}` });
  if (n.localASN) o.push({ key: 'local-as', text: `local-as ${n.localASN} no-prepend replace-as` });
  if (n.bfdProfile) {
    o.push({ key: 'bfd', text: 'bfd' });
    o.push({ key: 'bfd profile', text: `bfd profile ${n.bfdProfile}` });
  }
  if (n.password) o.push({ key: 'password', text: `password ${n.password}` });
  // FRR hides the default port, so printing it would look like drift forever.
  if (n.port && (explicit || n.port !== DEFAULT_BGP_PORT)) o.push({ key: 'port', text: `port ${n.port}` });
  // `ebgp-multihop` without a count means 255, and FRR prints the count.
  if (n.ebgpMultiHop) o.push({ key: 'ebgp-multihop', text: 'ebgp-multihop 255' });
  if (wantsDisableConnectedCheck(n, routerASN)) o.push({ key: 'disable-connected-check', text: 'disable-connected-check' });
  if (n.sourceAddress) o.push({ key: 'update-source', text: `update-source ${n.sourceAddress}` });
  if (n.holdTime !== undefined && n.keepaliveTime !== undefined) {
    // FRR keeps at most a third of the hold time as keepalive (measured on 8.4: 5 10 -> 3 10,
    // 30 30 -> 10 30, 2 5 -> 1 5, 0 0 stays), and prints that: render the same, or it reads as drift.
    const keepalive = Math.min(n.keepaliveTime, Math.floor(n.holdTime / 3));
    o.push({ key: 'timers', text: `timers ${keepalive} ${n.holdTime}` });
  }
  if (n.connectTime !== undefined) o.push({ key: 'timers connect', text: `timers connect ${n.connectTime}` });
  if (n.gracefulRestart) o.push({ key: 'graceful-restart', text: 'graceful-restart' });
  return o;
}

function neighborModel(n: NeighborIntent, routerASN: number, explicit: boolean): NeighborModel {
  const name = n.iface || n.address || n.id;
  const af: NeighborModel['af'] = {};
  for (const fam of neighborFamilies(n)) af[fam] = { routeMapIn: routeMapInName(n), routeMapOut: routeMapOutName(n) };
  return { name, iface: Boolean(n.iface), options: neighborOptions(n, routerASN, explicit), af };
}

/** FRR sorts neighbors: interface (unnumbered) ones first, then IPv4, then IPv6 by address value. */
export function compareNeighbors(a: { name: string; iface: boolean }, b: { name: string; iface: boolean }): number {
  if (a.iface !== b.iface) return a.iface ? -1 : 1;
  const ia = parseIP(a.name);
  const ib = parseIP(b.name);
  if (ia && ib) return compareIP(ia, ib);
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** FRR prints `network` lines in table order: by address, then by length. */
export function comparePrefixText(a: string, b: string): number {
  const pa = parsePrefix(a);
  const pb = parsePrefix(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  if (pa.network !== pb.network) return pa.network < pb.network ? -1 : 1;
  return pa.length - pb.length;
}

/** Sorts prefix texts in FRR's table order, parsing each once. */
export function sortPrefixTexts(texts: string[]): string[] {
  const keyed = texts.map((t) => ({ t, p: parsePrefix(t) }));
  keyed.sort((a, b) => {
    if (!a.p || !b.p) return a.t < b.t ? -1 : a.t > b.t ? 1 : 0;
    if (a.p.network !== b.p.network) return a.p.network < b.p.network ? -1 : 1;
    return a.p.length - b.p.length;
  });
  return keyed.map((k) => k.t);
}

function routerModel(r: RouterIntent, explicit: boolean): RouterModel {
  const networks: Record<AF, string[]> = { 4: [], 6: [] };
  for (const p of r.prefixes) networks[p.includes(':') ? 6 : 4].push(p);
  networks[4] = sortPrefixTexts(networks[4]);
  networks[6] = sortPrefixTexts(networks[6]);
  return {
    asn: r.asn,
    vrf: r.vrf,
    lines: [...(r.routerID ? [`bgp router-id ${r.routerID}`] : []), ...ROUTER_FIXED_LINES],
    neighbors: r.neighbors.map((n) => neighborModel(n, r.asn, explicit)).sort(compareNeighbors),
    networks,
  };
}

/** Drops values equal to FRR's defaults (FRR would not print them), unless explicit. */
export function bfdProfileModel(p: BFDProfileConfig, explicit = false): BfdProfileModel {
  const keep = (v: number | undefined, def: number): number | undefined => (v === undefined || (!explicit && v === def) ? undefined : v);
  const m: BfdProfileModel = { name: p.name, passiveMode: Boolean(p.passiveMode), echoMode: Boolean(p.echoMode) };
  const set = <K extends keyof BfdProfileModel>(k: K, v: BfdProfileModel[K] | undefined): void => {
    if (v !== undefined) m[k] = v;
  };
  set('detectMultiplier', keep(p.detectMultiplier, BFD_DEFAULTS.detectMultiplier));
  set('transmitInterval', keep(p.transmitInterval, BFD_DEFAULTS.transmitInterval));
  set('receiveInterval', keep(p.receiveInterval, BFD_DEFAULTS.receiveInterval));
  set('echoTransmitInterval', keep(p.echoInterval, BFD_DEFAULTS.echoTransmitInterval));
  set('echoReceiveInterval', keep(p.echoInterval, BFD_DEFAULTS.echoReceiveInterval));
  set('minimumTtl', keep(p.minimumTtl, BFD_DEFAULTS.minimumTtl));
  return m;
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function buildModel(intent: NodeBGPIntent, opts: { explicit?: boolean } = {}): FrrModel {
  const explicit = opts.explicit === true;
  const lists = new Map<string, PrefixListModel>();
  const maps = new Map<string, RouteMapModel>();
  for (const r of intent.routers) {
    const pol = routerPolicy(r);
    for (const l of pol.prefixLists) lists.set(l.name, l);
    for (const m of pol.routeMaps) maps.set(m.name, m);
  }
  const routers = intent.routers.map((r) => routerModel(r, explicit)).sort((a, b) => {
    if (a.vrf !== b.vrf) return a.vrf === '' ? -1 : b.vrf === '' ? 1 : a.vrf < b.vrf ? -1 : 1;
    return a.asn - b.asn;
  });
  return {
    hostname: intent.hostname,
    logLevel: intent.logLevel,
    ...(explicit ? { explicit } : {}),
    globals: [...GLOBAL_LINES],
    debug: intent.logLevel === 'debugging',
    routers,
    prefixLists: [...lists.values()].sort((a, b) => a.family - b.family || byName(a, b)),
    routeMaps: [...maps.values()].sort(byName),
    bfdProfiles: intent.bfdProfiles.map((p) => bfdProfileModel(p, explicit)).sort(byName),
    extras: intent.extras,
  };
}
