// "Why is my Service (not) announced?": runs the node planner on every node for one Service and
// gathers, for people and machines, which nodes announce it, how and to whom, and why the others
// do not. Pure; src/cli/explain.ts does the loading and printing.
import type { Service } from '../api/core.js';
import { enclosingPrefix, parseIP, prefixContains } from '../api/ip.js';
import { objectKey } from '../api/meta.js';
import type { Snapshot } from '../api/snapshot.js';
import { buildNodeBGPIntent } from '../bgp/intent.js';
import type { AdvertisedPrefix, NodeBGPIntent } from '../bgp/types.js';
import type { Config } from '../config/types.js';
import { planNode } from './plan.js';
import { classHandled } from './service-ips.js';
import type { NodePlan, PlanInput, Reason } from './types.js';

export type AllocationEntry = { ips: string[]; pool: string } | { error: string };

export interface ExplainInput {
  config: Config;
  snapshot: Snapshot;
  /** "ns/name" */
  service: string;
  /** nodes to plan; default every Node of the snapshot */
  nodes?: string[];
  /** allocateAll's answer: fills the status of Services that have no IP yet */
  allocation?: ReadonlyMap<string, AllocationEntry>;
  options?: Pick<PlanInput, 'lbClass' | 'ignoreExcludeLB' | 'members' | 'logLevel'>;
}

export interface PeerAdvertisement {
  peer: string;
  /** the peer's address, or its interface when unnumbered (the VRF is in `vrf`, not appended here) */
  neighbor: string;
  remoteAS: string;
  vrf: string;
  prefixes: { prefix: string; localPref: number; communities: string[] }[];
}

export interface NodeVerdict {
  node: string;
  announced: boolean;
  reason?: Reason;
  detail?: string;
}

export interface ServiceExplanation {
  service: string;
  found: boolean;
  /** false when MetalLB leaves the Service alone (not a LoadBalancer, other class); see note */
  handled: boolean;
  note?: string;
  ips: string[];
  pool?: string;
  /** where the IPs come from: the Service status, or the allocator run now */
  ipSource?: 'status' | 'allocator';
  allocationError?: string;
  /** set when no node can announce for a reason that is the Service's own (no IP, IP outside pools) */
  withdrawn?: { reason: Reason; detail: string };
  bgp: (NodeVerdict & { peers: PeerAdvertisement[] })[];
  layer2: (NodeVerdict & { interfaces?: string[] | 'all' })[];
  layer2Winner?: string;
  layer2Order?: { node: string; score: number }[];
  errors: string[];
}

const withdrawReasons = new Set<Reason>(['notLoadBalancer', 'noIPAllocated', 'invalidIP', 'ipNotAllowed']);

/** A copy of the snapshot where Services without status IPs carry the allocator's answer. */
export function withAllocatedStatus(snapshot: Snapshot, allocation: ReadonlyMap<string, AllocationEntry>): Snapshot {
  const services = snapshot.services.map((svc): Service => {
    const has = (svc.status?.loadBalancer?.ingress ?? []).some((i) => i.ip);
    const a = allocation.get(objectKey(svc));
    if (has || !a || !('ips' in a)) return svc;
    return { ...svc, status: { ...svc.status, loadBalancer: { ingress: a.ips.map((ip) => ({ ip })) } } };
  });
  return { ...snapshot, services };
}

export function explainService(input: ExplainInput): ServiceExplanation {
  const out: ServiceExplanation = { service: input.service, found: false, handled: false, ips: [], bgp: [], layer2: [], errors: [] };
  const svc = input.snapshot.services.find((s) => objectKey(s) === input.service);
  if (!svc) {
    out.note = `no Service ${input.service} in the given objects`;
    return out;
  }
  out.found = true;
  const opts = input.options ?? {};
  if (!classHandled(svc, opts.lbClass)) {
    out.note = svc.spec.loadBalancerClass
      ? `the Service has loadBalancerClass ${svc.spec.loadBalancerClass}; this MetalLB handles ${opts.lbClass ? `class ${opts.lbClass}` : 'only Services without a class'} (--lb-class)`
      : `the Service has no loadBalancerClass; this MetalLB handles only class ${opts.lbClass} (--lb-class)`;
    return out;
  }
  const hadStatus = (svc.status?.loadBalancer?.ingress ?? []).some((i) => i.ip);
  if (svc.spec.type !== 'LoadBalancer' && !hadStatus) {
    out.note = `the Service is of type ${svc.spec.type ?? 'ClusterIP'}; MetalLB handles only type LoadBalancer`;
    return out;
  }
  out.handled = true;
  const alloc = input.allocation?.get(input.service);
  if (alloc && 'error' in alloc && !hadStatus) out.allocationError = alloc.error;
  const snapshot = relevantPart(input.allocation ? withAllocatedStatus(input.snapshot, input.allocation) : input.snapshot, input);
  const nodeNames = input.nodes ?? snapshot.nodes.map((n) => n.metadata.name).sort();

  for (const node of nodeNames) {
    const plan = planNode({ ...opts, config: input.config, snapshot, node, explain: true });
    const [bgp, l2] = (['bgp', 'layer2'] as const).map((p) => plan.decisions.find((d) => d.service === input.service && d.protocol === p));
    if (!bgp || !l2) continue;
    if (!out.ips.length && bgp.ips.length) {
      out.ips = bgp.ips;
      out.ipSource = hadStatus ? 'status' : 'allocator';
    }
    if (bgp.pool) out.pool = bgp.pool;
    if (bgp.reason && withdrawReasons.has(bgp.reason)) {
      out.withdrawn = { reason: bgp.reason, detail: bgp.detail ?? '' };
      continue;
    }
    out.bgp.push({ ...verdict(node, bgp), peers: bgp.announced ? peerAdvertisements(plan, input, snapshot, node) : [] });
    out.layer2.push({ ...verdict(node, l2), interfaces: l2.interfaces });
    // A node left out before the election (e.g. no L2Advertisement selects it) knows no order or
    // winner: keep what the nodes that ran it found.
    if (l2.candidates?.length) out.layer2Order = l2.candidates;
    if (l2.winner) out.layer2Winner = l2.winner;
    out.errors.push(...plan.errors.map((e) => `node ${node}: ${e}`));
  }
  return out;
}

/**
 * One explanation from per-node ones (each node planned with its own validated configuration, when
 * the cluster-wide one is invalid); `problems` are the nodes that could not be planned.
 */
export function mergeExplanations(service: string, parts: ServiceExplanation[], problems: string[]): ServiceExplanation {
  const out: ServiceExplanation = { service, found: false, handled: false, ips: [], bgp: [], layer2: [], errors: [] };
  for (const p of parts) {
    out.found ||= p.found;
    if (!p.handled) {
      if (p.note) out.note = p.note;
      continue;
    }
    out.handled = true;
    if (!out.ips.length && p.ips.length) {
      out.ips = p.ips;
      if (p.ipSource) out.ipSource = p.ipSource;
    }
    for (const k of ['pool', 'allocationError', 'withdrawn', 'layer2Winner', 'layer2Order'] as const) {
      const v = p[k];
      if (v !== undefined && !(Array.isArray(v) && v.length === 0)) Object.assign(out, { [k]: v });
    }
    out.bgp.push(...p.bgp);
    out.layer2.push(...p.layer2);
    out.errors.push(...p.errors);
  }
  out.errors.push(...problems);
  if (!out.handled && !out.note && problems.length) out.note = `no node could be planned: ${problems.join(' | ')}`;
  return out;
}

/**
 * The snapshot reduced to what can change this Service's answer: its own decisions never depend on
 * other Services, and the attributes of its prefixes only on Services whose IPs fall inside them
 * (an aggregate shared with a neighbour). Keeps explain fast on clusters with thousands of Services.
 */
function relevantPart(snapshot: Snapshot, input: ExplainInput): Snapshot {
  const svc = snapshot.services.find((s) => objectKey(s) === input.service);
  const ips = (svc?.status?.loadBalancer?.ingress ?? []).map((i) => parseIP(i.ip ?? '')).filter((ip) => ip !== undefined);
  const pools = [...input.config.pools.values()].filter((p) => ips.some((ip) => p.cidrs.some((c) => prefixContains(c.prefix, ip))));
  const aggregates = pools.flatMap((p) => p.bgpAdvertisements).flatMap((ad) =>
    ips.map((ip) => enclosingPrefix(ip, ip.family === 4 ? ad.aggregationLength : ad.aggregationLengthV6)));
  const keep = (s: Service): boolean => objectKey(s) === input.service || (s.status?.loadBalancer?.ingress ?? []).some((i) => {
    const ip = parseIP(i.ip ?? '');
    return !!ip && aggregates.some((a) => prefixContains(a, ip));
  });
  return { ...snapshot, services: snapshot.services.filter(keep) };
}

function verdict(node: string, d: { announced: boolean; reason?: Reason; detail?: string }): NodeVerdict {
  const v: NodeVerdict = { node, announced: d.announced };
  if (d.reason) v.reason = d.reason;
  if (d.detail) v.detail = d.detail;
  return v;
}

/** The prefixes this Service makes on one node, per peer, with the attributes the peer really gets. */
function peerAdvertisements(plan: NodePlan, input: ExplainInput, snapshot: Snapshot, node: string): PeerAdvertisement[] {
  const svc = snapshot.services.find((s) => objectKey(s) === input.service)!;
  const dec = plan.decisions.find((d) => d.service === input.service && d.protocol === 'bgp')!;
  const pool = input.config.pools.get(dec.pool ?? '');
  if (!pool) return [];
  const nodeLabels = snapshot.nodes.find((n) => n.metadata.name === node)?.metadata.labels;
  // The Service alone tells which prefixes are its own; the full intent tells their merged attributes.
  const alone = buildNodeBGPIntent({
    config: input.config, nodeLabels, hostname: node, logLevel: plan.bgp.logLevel,
    services: [{ key: input.service, labels: svc.metadata.labels, ips: dec.ips.map((t) => parseIP(t)!), pool }],
  }).intent;
  const full = neighborAds(plan.bgp);
  const out: PeerAdvertisement[] = [];
  for (const r of alone.routers) {
    for (const n of r.neighbors) {
      if (n.advertisements.length === 0) continue;
      const merged = full.get(`${r.asn}|${r.vrf}|${n.id}`);
      out.push({
        peer: n.peerName, neighbor: n.address ?? n.iface ?? n.id, remoteAS: n.remoteAS, vrf: r.vrf,
        prefixes: n.advertisements.map((a) => {
          const m = merged?.get(a.prefix) ?? a;
          return { prefix: a.prefix, localPref: m.localPref, communities: m.communities.map((c) => c.text) };
        }),
      });
    }
  }
  return out.sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}

function neighborAds(intent: NodeBGPIntent): Map<string, Map<string, AdvertisedPrefix>> {
  const out = new Map<string, Map<string, AdvertisedPrefix>>();
  for (const r of intent.routers) {
    for (const n of r.neighbors) out.set(`${r.asn}|${r.vrf}|${n.id}`, new Map(n.advertisements.map((a) => [a.prefix, a])));
  }
  return out;
}
