// The FRR configuration as data: what render() prints, what parse() reads back from
// `show running-config`, and what diff() compares. Every field holds what FRR itself would print:
// defaults are absent (FRR hides them), values are in FRR's spelling (e.g. `ebgp-multihop 255`), so a
// model built from an intent and one parsed from a running FRR compare equal when nothing drifted.
import type { FRRLogLevel } from '../../bgp/types.js';

export type AF = 4 | 6;

/**
 * One `neighbor <P> <key...>` line. `key` is what identifies the option for a `no` command
 * (`password`, `timers connect`, ...); `text` is the full option as printed after the neighbor name.
 */
export interface NeighborOption {
  key: string;
  text: string;
}

export interface NeighborAF {
  /** route-map names; absent = none */
  routeMapIn?: string;
  routeMapOut?: string;
}

export interface NeighborModel {
  /** address or interface name: the `<P>` of `neighbor <P> ...` */
  name: string;
  /** unnumbered (`neighbor <iface> interface remote-as ...`) */
  iface: boolean;
  /** in FRR's print order; the first is always remote-as */
  options: NeighborOption[];
  /** activated address families */
  af: Partial<Record<AF, NeighborAF>>;
}

export interface RouterModel {
  asn: number;
  /** "" = default VRF */
  vrf: string;
  /** router-level lines after `router bgp`, in FRR's print order (router-id first) */
  lines: string[];
  /** in FRR's print order: interfaces, then IPv4, then IPv6 addresses */
  neighbors: NeighborModel[];
  /** `network` lines per family, sorted */
  networks: Record<AF, string[]>;
}

export interface PrefixListEntry {
  seq: number;
  action: 'permit' | 'deny';
  /** "addr/len" or "any" */
  prefix: string;
  ge?: number;
  le?: number;
}

export interface PrefixListModel {
  name: string;
  family: AF;
  /** sorted by seq */
  entries: PrefixListEntry[];
}

export interface RouteMapEntry {
  action: 'permit' | 'deny';
  seq: number;
  /** `match ip address prefix-list X` (4) / `match ipv6 address prefix-list X` (6) */
  match?: { family: AF; list: string };
  onMatchNext: boolean;
  /** `set community A:B additive` (one entry may set several, space separated like FRR prints) */
  community?: string;
  largeCommunity?: string;
  localPref?: number;
}

export interface RouteMapModel {
  name: string;
  /** sorted by seq */
  entries: RouteMapEntry[];
}

/** A BFD profile with FRR's defaults removed (absent = FRR default). */
export interface BfdProfileModel {
  name: string;
  detectMultiplier?: number;
  transmitInterval?: number;
  receiveInterval?: number;
  passiveMode: boolean;
  echoMode: boolean;
  echoTransmitInterval?: number;
  echoReceiveInterval?: number;
  minimumTtl?: number;
}

export interface FrrModel {
  hostname: string;
  /**
   * true: also print values the user set that equal FRR's defaults (port 179, BFD 300 ms, the
   * debugging log level), as upstream's file shows them. For people (`render frr`); the applier,
   * diff and drift check use the canonical form (false), which is what FRR itself prints.
   */
  explicit?: boolean;
  /** '' = no `log stdout` line (a fresh FRR) */
  logLevel: FRRLogLevel | '';
  /** global one-liners the product sets (GLOBAL_LINES) that FRR holds; always all of them when built */
  globals: string[];
  /** the 13 debug lines upstream adds at the debugging level */
  debug: boolean;
  /** default VRF first, then by VRF name */
  routers: RouterModel[];
  /** sorted: IPv4 lists then IPv6 lists, each by name */
  prefixLists: PrefixListModel[];
  /** sorted by name */
  routeMaps: RouteMapModel[];
  /** sorted by name */
  bfdProfiles: BfdProfileModel[];
  /** raw text appended verbatim (bgpextras); not parsed back */
  extras: string;
}

/** FRR 8.4's BFD profile defaults: values equal to these are never printed by FRR. */
export const BFD_DEFAULTS = {
  detectMultiplier: 3,
  transmitInterval: 300,
  receiveInterval: 300,
  echoTransmitInterval: 50,
  echoReceiveInterval: 50,
  minimumTtl: 254,
} as const;

/**
 * How long bgpd waits after a route-map or prefix-list change before re-running the policies and
 * sending updates. FRR's default of 5 s made every localPref, community or per-peer exception change
 * reach the routers about 5 s late. Measured on FRR 8.4.4 (e2e/frr/policy-latency.test.ts): 0 does not
 * mean "at once", it means "never": the change waits for a `clear bgp ... soft out`; 1 s (the smallest
 * value that still sends updates) brought a localPref change to the router in about 1.2 s. The timer
 * restarts on every change, so a batch applied in one go is still evaluated once, after the last line.
 */
export const ROUTE_MAP_DELAY_SECONDS = 1;
/** FRR prints it after `log timestamp precision 3`, hides it at the default (5) and drops it on `no`. */
export const ROUTE_MAP_DELAY_LINE = `bgp route-map delay-timer ${ROUTE_MAP_DELAY_SECONDS}`;

/**
 * Global lines every MetalLB frr.conf carries (upstream's header plus the route-map delay), tracked so
 * a fresh FRR, or a bgpd restarted alone, gets them.
 */
export const GLOBAL_LINES = ['log timestamp precision 3', ROUTE_MAP_DELAY_LINE, 'ip nht resolve-via-default', 'ipv6 nht resolve-via-default'];

/** The router-level lines every MetalLB router carries, in FRR's print order (after router-id). */
export const ROUTER_FIXED_LINES = [
  'no bgp ebgp-requires-policy',
  'no bgp default ipv4-unicast',
  'bgp graceful-restart preserve-fw-state',
  'no bgp network import-check',
];

/** The debug lines of the debugging log level, as FRR prints them. */
export const DEBUG_LINES = [
  'debug zebra events',
  'debug zebra kernel',
  'debug zebra rib',
  'debug zebra nht',
  'debug zebra nexthop',
  'debug bgp keepalives',
  'debug bgp neighbor-events',
  'debug bgp nht',
  'debug bgp updates in',
  'debug bgp updates out',
  'debug bgp zebra',
  'debug bfd peer',
  'debug bfd zebra',
  'debug bfd network',
];

export function routerKey(r: { asn: number; vrf: string }): string {
  return r.vrf ? `${r.asn} vrf ${r.vrf}` : `${r.asn}`;
}

export function routerHeader(r: { asn: number; vrf: string }): string {
  return `router bgp ${routerKey(r)}`;
}

export function prefixListLine(l: PrefixListModel, e: PrefixListEntry): string {
  const fam = l.family === 4 ? 'ip' : 'ipv6';
  let s = `${fam} prefix-list ${l.name} seq ${e.seq} ${e.action} ${e.prefix}`;
  if (e.ge !== undefined) s += ` ge ${e.ge}`;
  if (e.le !== undefined) s += ` le ${e.le}`;
  return s;
}

/** The lines inside a route-map entry, in FRR's print order. */
export function routeMapEntryLines(e: RouteMapEntry): string[] {
  const out: string[] = [];
  if (e.match) out.push(`match ${e.match.family === 4 ? 'ip' : 'ipv6'} address prefix-list ${e.match.list}`);
  if (e.onMatchNext) out.push('on-match next');
  if (e.community) out.push(`set community ${e.community} additive`);
  if (e.largeCommunity) out.push(`set large-community ${e.largeCommunity} additive`);
  if (e.localPref !== undefined) out.push(`set local-preference ${e.localPref}`);
  return out;
}

/** The lines inside `profile <name>`, in FRR's print order. */
export function bfdProfileLines(p: BfdProfileModel): string[] {
  const out: string[] = [];
  if (p.detectMultiplier !== undefined) out.push(`detect-multiplier ${p.detectMultiplier}`);
  if (p.transmitInterval !== undefined) out.push(`transmit-interval ${p.transmitInterval}`);
  if (p.receiveInterval !== undefined) out.push(`receive-interval ${p.receiveInterval}`);
  if (p.passiveMode) out.push('passive-mode');
  if (p.echoMode) out.push('echo-mode');
  if (p.echoTransmitInterval !== undefined) out.push(`echo transmit-interval ${p.echoTransmitInterval}`);
  if (p.echoReceiveInterval !== undefined) out.push(`echo receive-interval ${p.echoReceiveInterval}`);
  if (p.minimumTtl !== undefined) out.push(`minimum-ttl ${p.minimumTtl}`);
  return out;
}

export function logLine(level: FRRLogLevel | '', explicit = false): string {
  if (level === '') return 'no log stdout';
  if (explicit) return `log stdout ${level}`;
  // stdout logs at debugging by default, and FRR hides the default level.
  return level === 'debugging' ? 'log stdout' : `log stdout ${level}`;
}

/** What a freshly started FRR holds: nothing. */
export function emptyModel(): FrrModel {
  return { hostname: '', logLevel: '', globals: [], debug: false, routers: [], prefixLists: [], routeMaps: [], bfdProfiles: [], extras: '' };
}

/** Well-known communities FRR 8.4 prints by name (measured: `set community 65535:65282` reads back as `no-advertise`). */
export const WELL_KNOWN_COMMUNITIES: Record<string, string> = {
  internet: '0:0',
  'graceful-shutdown': '65535:0',
  'accept-own': '65535:1',
  'route-filter-translated-v4': '65535:2',
  'route-filter-v4': '65535:3',
  'route-filter-translated-v6': '65535:4',
  'route-filter-v6': '65535:5',
  'llgr-stale': '65535:6',
  'no-llgr': '65535:7',
  'accept-own-nexthop': '65535:8',
  blackhole: '65535:666',
  'no-export': '65535:65281',
  'no-advertise': '65535:65282',
  'local-AS': '65535:65283',
  'no-peer': '65535:65284',
};

/** A `set community` value list with FRR's names turned back into numbers. */
export function communityNumbers(value: string): string {
  return value.split(' ').map((t) => WELL_KNOWN_COMMUNITIES[t] ?? t).join(' ');
}
