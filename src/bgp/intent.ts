// Builds the BGP intent of one node: which routers and neighbors its FRR runs and which prefixes,
// with which attributes, it sends to each neighbor. Pure: the same inputs give the same intent, sorted,
// so two intents can be compared and diffed.
import { compareIP, formatPrefix, parsePrefix, type IP } from '../api/ip.js';
import { anySelectorMatches } from '../api/selector.js';
import type { BGPCommunity, Config, Pool } from '../config/types.js';
import { adMatchesService, adPrefix, adSelectsNode, adTargetsPeer } from './advertisements.js';
import { neighborFromPeer } from './neighbor.js';
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
  communities: Map<string, BGPCommunity>;
  services: Set<string>;
}

export function buildNodeBGPIntent(input: BGPIntentInput): BGPIntentResult {
  const { config, nodeLabels } = input;
  const errors: string[] = [];
  const peersByService = new Map<string, Set<string>>();
  const routers = new Map<string, RouterIntent>();

  const peers = config.peers.filter((p) => anySelectorMatches(p.nodeSelectors, nodeLabels));
  for (const peer of peers) {
    const neighbor = neighborFromPeer(peer);
    const acc = new Map<string, PrefixAccumulator>();
    for (const svc of input.services) {
      for (const ad of svc.pool.bgpAdvertisements) {
        if (!adSelectsNode(ad, nodeLabels) || !adMatchesService(ad, svc.labels) || !adTargetsPeer(ad, peer.name)) continue;
        for (const ip of svc.ips) {
          if (!familyFits(neighbor, ip)) continue;
          const prefix = adPrefix(ad, ip);
          let a = acc.get(prefix);
          if (!a) {
            a = { ad: { prefix, family: ip.family, localPref: 0, communities: [], pool: svc.pool.name }, communities: new Map(), services: new Set() };
            acc.set(prefix, a);
          }
          // The same prefix from several ads: communities add up; validation keeps LOCAL_PREF
          // consistent, and should two still differ the higher one is kept, deterministically.
          a.ad.localPref = Math.max(a.ad.localPref, ad.localPref);
          for (const c of ad.communities) a.communities.set(c.text, c);
          a.services.add(svc.key);
        }
      }
    }
    for (const a of acc.values()) {
      if (a.communities.size > MAX_COMMUNITIES) {
        errors.push(`BGPPeer/${peer.name}: prefix ${a.ad.prefix}: max supported communities is ${MAX_COMMUNITIES}, got ${a.communities.size}; not advertised`);
        continue;
      }
      a.ad.communities = [...a.communities.values()].sort((x, y) => cmpText(x.text, y.text));
      neighbor.advertisements.push(a.ad);
      for (const s of a.services) {
        if (!peersByService.has(s)) peersByService.set(s, new Set());
        peersByService.get(s)!.add(peer.name);
      }
    }
    neighbor.advertisements.sort((x, y) => comparePrefixText(x.prefix, y.prefix));

    const key = `${peer.myASN}@${peer.routerID}@${peer.vrf}`;
    let router = routers.get(key);
    if (!router) {
      router = { asn: peer.myASN, routerID: peer.routerID, vrf: peer.vrf, neighbors: [], prefixes: [], poolRanges: [] };
      routers.set(key, router);
    }
    router.neighbors.push(neighbor);
  }

  for (const r of routers.values()) {
    r.neighbors.sort((a, b) => cmpText(a.id, b.id) || cmpText(a.peerName, b.peerName));
    const all = new Map<string, AdvertisedPrefix>();
    for (const n of r.neighbors) for (const a of n.advertisements) all.set(a.prefix, a);
    r.prefixes = [...all.keys()].sort(comparePrefixText);
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

function familyFits(n: NeighborIntent, ip: IP): boolean {
  return n.family === 'dual' || (n.family === 'ipv4') === (ip.family === 4);
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
