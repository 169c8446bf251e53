// Builds the BGP intent of one node: which routers and neighbors its FRR runs and which prefixes,
// with which attributes, it sends to each neighbor. Pure: the same inputs give the same intent, sorted,
// so two intents can be compared and diffed.
import { compareIP, enclosingPrefix, formatPrefix, parsePrefix, type IP, type Prefix } from '../api/ip.js';
import { anySelectorMatches } from '../api/selector.js';
import type { BGPAdvertisementConfig, BGPCommunity, Config, Pool } from '../config/types.js';
import { adMatchesService, adSelectsNode, adTargetsPeer } from './advertisements.js';
import { peerProblems, neighborFromPeer, unusablePeer } from './neighbor.js';
import type { AdvertisedPrefix, FRRLogLevel, NeighborIntent, NodeBGPIntent, PoolRange, RouterIntent } from './types.js';

/** FRR's route-map `set community` carries at most this many communities per advertisement. */
export const MAX_COMMUNITIES = 63;

/** A Service this node announces by BGP (the planner decided it should). */
export interface AnnouncedService {
  /** "ns/name" */
  key: string;
  labels?: Record<string, string>;
  ips: IP[];
  pool: Pool;
}

export interface BGPIntentInput {
  config: Config;
  /** labels of this node's Node object (undefined when there is none) */
  nodeLabels?: Record<string, string>;
  hostname: string;
  logLevel: FRRLogLevel;
  services: readonly AnnouncedService[];
}

export interface BGPIntentResult {
  intent: NodeBGPIntent;
  /** problems that dropped an advertisement (too many communities), one line each */
  errors: string[];
  /** service key -> BGPPeer names that receive at least one of its prefixes from this node, sorted */
  peersByService: Map<string, string[]>;
}

interface PrefixAccumulator {
  ad: AdvertisedPrefix;
  prefix: Prefix;
  /** set once a second ad brings communities to the same prefix */
  merged: Map<string, BGPCommunity> | undefined;
  services: string[];
}

/** One prefix a Service makes through one ad on this node, before peers are considered. */
interface ServicePrefix {
  ad: BGPAdvertisementConfig;
  service: string;
  pool: string;
  prefix: Prefix;
  text: string;
}

export function buildNodeBGPIntent(input: BGPIntentInput): BGPIntentResult {
  const { config, nodeLabels } = input;
  const errors: string[] = [];
  const peersByService = new Map<string, Set<string>>();
  const routers = new Map<string, RouterIntent>();

  // Prefixes per Service are the same for every peer: compute them once (this is the hot path at
  // thousands of Services), then let each peer pick the ones aimed at it.
  const texts = new Map<string, string>();
  const items: ServicePrefix[] = [];
  for (const svc of input.services) {
    for (const ad of svc.pool.bgpAdvertisements) {
      if (!adSelectsNode(ad, nodeLabels) || !adMatchesService(ad, svc.labels)) continue;
      for (const ip of svc.ips) {
        const prefix = enclosingPrefix(ip, ip.family === 4 ? ad.aggregationLength : ad.aggregationLengthV6);
        items.push({ ad, service: svc.key, pool: svc.pool.name, prefix, text: prefixText(prefix, texts) });
      }
    }
  }

  // Peers of the same family that the same ads aim at get the same advertisements: compute them once
  // per such group (usually one group for all peers) and share the result.
  const usedAds = [...new Set(items.map((it) => it.ad))];
  const groups = new Map<string, AdGroup>();
  const peers = config.peers.filter((p) => anySelectorMatches(p.nodeSelectors, nodeLabels));
  for (const peer of peers) {
    const unusable = unusablePeer(peer);
    if (unusable) {
      errors.push(unusable);
      continue;
    }
    const neighbor = neighborFromPeer(peer);
    errors.push(...peerProblems(peer));
    const groupKey = `${neighbor.family}|${usedAds.map((ad) => (adTargetsPeer(ad, peer.name) ? '1' : '0')).join('')}`;
    let group = groups.get(groupKey);
    if (!group) groups.set(groupKey, (group = advertisementsFor(items, neighbor.family, peer.name)));
    neighbor.advertisements = [...group.ads];
    for (const t of group.tooMany) {
      errors.push(`BGPPeer/${peer.name}: prefix ${t.prefix}: max supported communities is ${MAX_COMMUNITIES}, got ${t.count}; not advertised`);
    }
    for (const s of group.services) {
      let set = peersByService.get(s);
      if (!set) peersByService.set(s, (set = new Set()));
      set.add(peer.name);
    }

    const key = `${peer.myASN}@${peer.routerID}@${peer.vrf}`;
    let router = routers.get(key);
    if (!router) {
      router = { asn: peer.myASN, routerID: peer.routerID, vrf: peer.vrf, neighbors: [], prefixes: [], poolRanges: [] };
      routers.set(key, router);
    }
    router.neighbors.push(neighbor);
  }

  const byText = new Map(items.map((it) => [it.text, it.prefix]));
  for (const r of routers.values()) {
    r.neighbors.sort((a, b) => cmpText(a.id, b.id) || cmpText(a.peerName, b.peerName));
    const all = new Set<string>();
    for (const n of r.neighbors) for (const a of n.advertisements) all.add(a.prefix);
    r.prefixes = [...all].sort((a, b) => comparePrefix(byText.get(a)!, byText.get(b)!));
    r.poolRanges = poolRanges(r, config, nodeLabels);
  }

  const sortedRouters = [...routers.values()].sort(
    (a, b) => a.asn - b.asn || cmpText(a.vrf, b.vrf) || cmpText(a.routerID, b.routerID),
  );
  return {
    intent: {
      hostname: input.hostname,
      logLevel: input.logLevel,
      routers: sortedRouters,
      bfdProfiles: [...config.bfdProfiles.values()].sort((a, b) => cmpText(a.name, b.name)),
      extras: config.bgpExtras ?? '',
    },
    errors,
    peersByService: new Map([...peersByService].map(([k, v]) => [k, [...v].sort(cmpText)])),
  };
}

interface AdGroup {
  /** sorted by prefix */
  ads: AdvertisedPrefix[];
  /** Services with at least one prefix in ads */
  services: Set<string>;
  /** prefixes dropped for carrying too many communities */
  tooMany: { prefix: string; count: number }[];
}

/** The advertisements for neighbors of one family that `peerName`'s ads aim at. */
function advertisementsFor(items: readonly ServicePrefix[], family: NeighborIntent['family'], peerName: string): AdGroup {
  const acc = new Map<string, PrefixAccumulator>();
  for (const it of items) {
    if (!adTargetsPeer(it.ad, peerName) || !familyFits(family, it.prefix.family)) continue;
    const a = acc.get(it.text);
    if (!a) {
      // The common case, one ad per prefix, keeps the ad's (already sorted) community list as is.
      acc.set(it.text, {
        ad: { prefix: it.text, family: it.prefix.family, localPref: it.ad.localPref, communities: it.ad.communities, pool: it.pool },
        prefix: it.prefix, merged: undefined, services: [it.service],
      });
      continue;
    }
    // The same prefix from several ads: communities add up; validation keeps LOCAL_PREF
    // consistent, and should two still differ the higher one is kept, deterministically.
    a.ad.localPref = Math.max(a.ad.localPref, it.ad.localPref);
    if (it.ad.communities.length) {
      a.merged ??= new Map(a.ad.communities.map((c) => [c.text, c]));
      for (const c of it.ad.communities) a.merged.set(c.text, c);
    }
    a.services.push(it.service);
  }
  const group: AdGroup = { ads: [], services: new Set(), tooMany: [] };
  const kept: PrefixAccumulator[] = [];
  for (const a of acc.values()) {
    if (a.merged) a.ad.communities = [...a.merged.values()].sort((x, y) => cmpText(x.text, y.text));
    if (a.ad.communities.length > MAX_COMMUNITIES) {
      group.tooMany.push({ prefix: a.ad.prefix, count: a.ad.communities.length });
      continue;
    }
    kept.push(a);
    for (const s of a.services) group.services.add(s);
  }
  group.ads = kept.sort((x, y) => comparePrefix(x.prefix, y.prefix)).map((a) => a.ad);
  return group;
}

/** Canonical "addr/len"; IPv4 formatted inline (the common case, and formatting dominates at scale). */
function prefixText(p: Prefix, cache: Map<string, string>): string {
  if (p.family === 4) {
    const n = Number(p.network);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${p.length}`;
  }
  const key = `${p.network}/${p.length}`;
  let t = cache.get(key);
  if (t === undefined) cache.set(key, (t = formatPrefix(p)));
  return t;
}

function comparePrefix(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.length - b.length;
}

function familyFits(n: NeighborIntent['family'], family: 4 | 6): boolean {
  return n === 'dual' || (n === 'ipv4') === (family === 4);
}

/**
 * Every CIDR of every pool whose BGPAdvertisements select this node and reach a neighbor of this
 * router, with the aggregation lengths those ads use for the CIDR's family. It depends on the
 * configuration only, not on which Services exist, so a renderer matching `cidr ge L le L` needs no
 * policy change when a Service comes or goes.
 */
function poolRanges(router: RouterIntent, config: Config, nodeLabels: Record<string, string> | undefined): PoolRange[] {
  const peerNames = router.neighbors.map((n) => n.peerName);
  const out: PoolRange[] = [];
  for (const pool of [...config.pools.values()].sort((a, b) => cmpText(a.name, b.name))) {
    const ads = pool.bgpAdvertisements.filter(
      (ad) => adSelectsNode(ad, nodeLabels) && peerNames.some((p) => adTargetsPeer(ad, p)),
    );
    if (ads.length === 0) continue;
    const ranges = pool.cidrs.map((c) => ({
      pool: pool.name,
      cidr: formatPrefix(c.prefix),
      family: c.prefix.family,
      lengths: [...new Set(ads.map((ad) => (c.prefix.family === 4 ? ad.aggregationLength : ad.aggregationLengthV6)))].sort((x, y) => x - y),
    }));
    out.push(...ranges.sort((a, b) => comparePrefixText(a.cidr, b.cidr)));
  }
  return out;
}

/** IPv4 before IPv6, then by address, then by length: numeric, so 10.0.0.9 sorts before 10.0.0.10. */
export function comparePrefixText(a: string, b: string): number {
  const pa = parsePrefix(a);
  const pb = parsePrefix(b);
  if (!pa || !pb) return cmpText(a, b);
  return compareIP({ family: pa.family, value: pa.network }, { family: pb.family, value: pb.network }) || pa.length - pb.length;
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
