// Who announces a Service's IP by layer 2 (ARP/NDP): every speaker evaluates this independently and
// deterministically from the same inputs, and only the winner answers for the IP.
import type { EndpointSlice, Node, Service } from '../../api/core.js';
import { ANNOTATION, DEPRECATED_ANNOTATION } from '../../api/metallb.js';
import { anySelectorMatches, selectorMatches } from '../../api/selector.js';
import type { L2AdvertisementConfig, Pool } from '../../config/types.js';
import { anyServingEndpoint, nodesWithServingEndpoint } from './endpoints.js';
import { excludedFromLoadBalancers, networkUnavailable } from './node-health.js';
import type { ElectionMemo } from './memo.js';
import { electionHash, electionOrder, type RankedNode } from './order.js';

export type L2Reason = 'notOwner' | 'noMatchingAdvertisement' | 'sharedIPWithServiceSelector';

/** Why a node is not among the candidates of an election. */
export type NotCandidateReason =
  | 'notMember' // no live speaker there (membership) or no Node object known
  | 'networkUnavailable'
  | 'excludedFromLoadBalancers'
  | 'notSelected' // no L2Advertisement applying to the service selects it
  | 'noLocalEndpoint'; // externalTrafficPolicy Local and no serving endpoint there

export interface L2ElectionInput {
  service: Service;
  /** canonical text of status.loadBalancer.ingress[0].ip: one election for both families */
  firstIP: string;
  pool: Pool;
  /** the Service's EndpointSlices */
  slices: readonly EndpointSlice[];
  /** every Node known, by name (this node counts as known even without a Node object) */
  nodes: ReadonlyMap<string, Node>;
  /** live speakers (membership); undefined when membership is off: every known Node is live */
  members?: ReadonlySet<string>;
  ignoreExcludeLB?: boolean;
  myNode: string;
  /** false: compute only the winner (no ranked order); default true */
  fullOrder?: boolean;
  /** per-plan candidate cache (see CandidateCache) */
  cache?: CandidateCache;
  /** winners remembered between plans; used when fullOrder is false */
  memo?: ElectionMemo;
}

export interface L2Election {
  announce: boolean;
  reason?: L2Reason;
  /** plain words for people */
  detail?: string;
  winner?: string;
  /** ranked candidates, winner first (empty when fullOrder is false) */
  order: RankedNode[];
  /** nodes left out of the election and why */
  notCandidates: { node: string; reason: NotCandidateReason }[];
  /** the ads applying to the service (pool ads matching its labels) */
  ads: L2AdvertisementConfig[];
  /** where this node would announce: union over the ads selecting it; 'all' when one of them lists none */
  interfaces: string[] | 'all';
}

/** The Service asks to share its IP (either annotation key, non-empty value). */
export function allowsSharedIP(svc: Service): boolean {
  const a = svc.metadata.annotations ?? {};
  return !!(a[ANNOTATION.allowSharedIP] || a[DEPRECATED_ANNOTATION.allowSharedIP]);
}

/** The pool's L2Advertisements that apply to this Service (serviceSelectors empty or matching). */
export function l2AdsForService(pool: Pool, svc: Service): L2AdvertisementConfig[] {
  return pool.l2Advertisements.filter((ad) => anySelectorMatches(ad.serviceSelectors, svc.metadata.labels));
}

function adSelectsNode(ad: L2AdvertisementConfig, node: Node | undefined): boolean {
  return !!node && anySelectorMatches(ad.nodeSelectors, node.metadata.labels);
}

/** Interfaces to announce from on `node`: union over the ads selecting it; any ad without a list means all. */
export function interfacesFor(ads: readonly L2AdvertisementConfig[], node: Node | undefined): string[] | 'all' {
  const out = new Set<string>();
  for (const ad of ads) {
    if (!adSelectsNode(ad, node)) continue;
    if (ad.interfaces.length === 0) return 'all';
    for (const i of ad.interfaces) out.add(i);
  }
  return [...out].sort();
}

/**
 * Preference score per node: each ad scores only the nodes its own nodeSelectors select, weights add
 * up within an ad and across the ads applying to the service.
 */
export function preferenceScores(ads: readonly L2AdvertisementConfig[], nodes: Iterable<Node>): Map<string, number> {
  const scores = new Map<string, number>();
  for (const node of nodes) {
    let score = 0;
    for (const ad of ads) {
      if (!adSelectsNode(ad, node)) continue;
      for (const p of ad.preferredNodeSelectors) {
        if (selectorMatches(p.preference, node.metadata.labels)) score += p.weight;
      }
    }
    if (score) scores.set(node.metadata.name, score);
  }
  return scores;
}

/** Per-plan cache: Services with the same pool, applying ads and endpoint nodes share one candidate set. */
export type CandidateCache = Map<string, CandidateSet>;

interface CandidateSet {
  /** sorted */
  names: string[];
  notCandidates: L2Election['notCandidates'];
  scores: Map<string, number>;
  scoresKey: string;
  /** interned id in the memo (the cache lives for one plan, with one memo) */
  setId?: number;
}

function candidateSet(input: L2ElectionInput, nodes: ReadonlyMap<string, Node>, ads: L2AdvertisementConfig[]): CandidateSet {
  const local = input.service.spec.externalTrafficPolicy === 'Local' ? nodesWithServingEndpoint(input.slices) : undefined;
  const key = `${input.pool.name}\u0000${ads.map((a) => a.name).join(',')}\u0000${local ? [...local].sort().join(',') : '*'}`;
  const hit = input.cache?.get(key);
  if (hit) return hit;
  const names: string[] = [];
  const notCandidates: L2Election['notCandidates'] = [];
  const all = new Set<string>([...nodes.keys(), ...(input.members ?? [])]);
  for (const name of [...all].sort()) {
    const node = nodes.get(name);
    let why: NotCandidateReason | undefined;
    if (!node || (input.members && !input.members.has(name))) why = 'notMember';
    else if (networkUnavailable(node)) why = 'networkUnavailable';
    else if (!input.ignoreExcludeLB && excludedFromLoadBalancers(node)) why = 'excludedFromLoadBalancers';
    else if (!ads.some((ad) => adSelectsNode(ad, node))) why = 'notSelected';
    else if (local && !local.has(name)) why = 'noLocalEndpoint';
    if (why) notCandidates.push({ node: name, reason: why });
    else names.push(name);
  }
  const scores = preferenceScores(ads, names.map((n) => nodes.get(n)!));
  const scoresKey = [...scores].map(([n, w]) => `${n}=${w}`).join(',');
  const set = { names, notCandidates, scores, scoresKey };
  input.cache?.set(key, set);
  return set;
}

export function electL2(input: L2ElectionInput): L2Election {
  const { service: svc, pool, myNode } = input;
  // The speaker knows its own node exists even without a Node object (standalone hosts): it then has no labels.
  let nodes = input.nodes;
  if (!nodes.has(myNode)) {
    nodes = new Map(nodes).set(myNode, { apiVersion: 'v1', kind: 'Node', metadata: { name: myNode } });
  }
  const ads = l2AdsForService(pool, svc);
  const me = nodes.get(myNode);
  const base = { order: [] as RankedNode[], notCandidates: [] as L2Election['notCandidates'], ads, interfaces: interfacesFor(ads, me) };

  if (!anyServingEndpoint(input.slices)) {
    return { ...base, announce: false, reason: 'notOwner', detail: 'the Service has no serving endpoint on any node' };
  }
  if (allowsSharedIP(svc) && ads.some((ad) => ad.serviceSelectors.length > 0)) {
    const names = ads.filter((ad) => ad.serviceSelectors.length > 0).map((ad) => ad.name).join(', ');
    return {
      ...base, announce: false, reason: 'sharedIPWithServiceSelector',
      detail: `the Service sets allow-shared-ip and L2Advertisement ${names} selects it by serviceSelectors; remove one of the two`,
    };
  }
  if (!ads.some((ad) => adSelectsNode(ad, me))) {
    const detail = pool.l2Advertisements.length === 0
      ? `pool ${pool.name} has no L2Advertisement`
      : ads.length === 0
        ? `no L2Advertisement of pool ${pool.name} selects this Service (serviceSelectors)`
        : `no L2Advertisement of pool ${pool.name} applying to this Service selects node ${myNode} (nodeSelectors)`;
    return { ...base, announce: false, reason: 'noMatchingAdvertisement', detail };
  }

  const set = candidateSet(input, nodes, ads);
  base.notCandidates = set.notCandidates;
  let winner: string | undefined;
  if (input.fullOrder === false && input.memo) {
    set.setId ??= input.memo.setId(set.names);
    winner = input.memo.winner(input.firstIP, set.setId, set.scores, set.scoresKey);
  } else if (input.fullOrder === false) {
    winner = bestOf(set.names, input.firstIP, set.scores);
  } else {
    base.order = electionOrder(set.names, input.firstIP, set.scores);
    winner = base.order[0]?.name;
  }
  if (winner !== undefined && winner === myNode) return { ...base, winner, announce: true };
  const mine = base.notCandidates.find((c) => c.node === myNode);
  const detail = winner === undefined
    ? 'no node is eligible to announce'
    : mine
      ? `node ${myNode} is not a candidate (${notCandidateWords[mine.reason]}); node ${winner} announces`
      : `node ${winner} won the election`;
  const out: L2Election = { ...base, announce: false, reason: 'notOwner', detail };
  if (winner !== undefined) out.winner = winner;
  return out;
}

/** The winner alone: one hash per candidate, no sort. */
function bestOf(names: readonly string[], ip: string, scores: ReadonlyMap<string, number>): string | undefined {
  let best: { name: string; score: number; hash: Buffer } | undefined;
  for (const name of names) {
    const score = scores.get(name) ?? 0;
    if (best && score < best.score) continue;
    const hash = electionHash(name, ip);
    if (!best || score > best.score || Buffer.compare(hash, best.hash) < 0) best = { name, score, hash };
  }
  return best?.name;
}

export const notCandidateWords: Record<NotCandidateReason, string> = {
  notMember: 'no live speaker',
  networkUnavailable: 'condition NetworkUnavailable is True',
  excludedFromLoadBalancers: 'labelled node.kubernetes.io/exclude-from-external-load-balancers',
  notSelected: 'no applying L2Advertisement selects it',
  noLocalEndpoint: 'externalTrafficPolicy is Local and no serving endpoint runs there',
};
