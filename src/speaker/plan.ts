// The speaker's node planner: from a snapshot and the validated config, what this node announces by
// BGP (the FRR intent) and by layer 2 (the IPs it answers ARP/NDP for), and for every Service and
// protocol, whether it is announced here and if not, why. Pure: no I/O, deterministic output.
import { SERVICE_NAME_LABEL, type EndpointSlice, type Node } from '../api/core.js';
import { compareIP, parseIP } from '../api/ip.js';
import { objectKey } from '../api/meta.js';
import { buildNodeBGPIntent, type AnnouncedService } from '../bgp/intent.js';
import { electL2, type CandidateCache } from '../layer2/election/elect.js';
import { frrLogLevel } from '../util/log.js';
import { decideBGP } from './bgp-decision.js';
import { classHandled, serviceIPs } from './service-ips.js';
import type { L2Announcement, NodePlan, PlanInput, ServiceDecision } from './types.js';

export type { L2Announcement, NodePlan, PlanInput, ServiceDecision } from './types.js';

export function planNode(input: PlanInput): NodePlan {
  const { config, snapshot, node: myNode } = input;
  const nodes = new Map<string, Node>(snapshot.nodes.map((n) => [n.metadata.name, n]));
  const me = nodes.get(myNode);
  const slicesBySvc = indexSlices(snapshot.endpointSlices);
  const decisions: ServiceDecision[] = [];
  const announced: AnnouncedService[] = [];
  const l2 = new Map<string, L2Announcement>();
  const candidateCache: CandidateCache = new Map();
  const memo = input.explain ? undefined : input.electionMemo;
  memo?.nextGeneration();

  for (const svc of snapshot.services) {
    if (!classHandled(svc, input.lbClass)) continue;
    const key = objectKey(svc);
    const hasStatus = (svc.status?.loadBalancer?.ingress ?? []).length > 0;
    // A non-LoadBalancer Service matters only while it still carries IPs (type just changed): withdraw.
    if (svc.spec.type !== 'LoadBalancer' && !hasStatus) continue;
    const s = serviceIPs(svc, config);
    if (!s.ok) {
      for (const protocol of ['bgp', 'layer2'] as const) {
        decisions.push({ service: key, protocol, announced: false, reason: s.reason, detail: s.detail, ips: s.texts });
      }
      continue;
    }
    const slices = slicesBySvc.get(key) ?? [];
    const base = { service: key, ips: s.texts, pool: s.pool.name };

    const b = decideBGP({ service: svc, pool: s.pool, slices, myNode, node: me, ignoreExcludeLB: input.ignoreExcludeLB });
    if (b.announce) {
      announced.push({ key, labels: svc.metadata.labels, ips: s.ips, pool: s.pool });
      decisions.push({ ...base, protocol: 'bgp', announced: true, peers: [] });
    } else {
      decisions.push({ ...base, protocol: 'bgp', announced: false, reason: b.reason, detail: b.detail });
    }

    const e = electL2({
      service: svc, firstIP: s.texts[0], pool: s.pool, slices, nodes, members: input.members,
      ignoreExcludeLB: input.ignoreExcludeLB, myNode, fullOrder: input.explain === true, cache: candidateCache, memo,
    });
    const l2d: ServiceDecision = { ...base, protocol: 'layer2', announced: e.announce, interfaces: e.interfaces };
    if (input.explain) l2d.candidates = e.order.map((o) => ({ node: o.name, score: o.score }));
    if (e.winner) l2d.winner = e.winner;
    if (!e.announce) {
      l2d.reason = e.reason;
      l2d.detail = e.detail;
    } else {
      s.ips.forEach((ip, i) => addL2(l2, s.texts[i], ip.family, key, e.interfaces));
    }
    decisions.push(l2d);
  }

  const bgp = buildNodeBGPIntent({
    config,
    nodeLabels: me?.metadata.labels,
    hostname: input.hostname ?? myNode,
    logLevel: input.frrLogLevel ?? frrLogLevel(input.logLevel ?? 'info'),
    services: announced,
  });
  for (const d of decisions) {
    if (d.protocol === 'bgp' && d.announced) d.peers = bgp.peersByService.get(d.service) ?? [];
  }
  decisions.sort((a, b) => cmp(a.service, b.service) || cmp(a.protocol, b.protocol));
  const announcements = [...l2.values()].sort((a, b) => compareIP(parseIP(a.ip)!, parseIP(b.ip)!));
  for (const a of announcements) a.serviceKeys.sort(cmp);
  return { node: myNode, bgp: bgp.intent, l2: announcements, decisions, errors: bgp.errors };
}

/** Service key -> sorted BGPPeer names, for each Service this node advertises to at least one peer (ServiceBGPStatus). */
export function bgpStatusPeers(plan: NodePlan): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of plan.decisions) {
    if (d.protocol === 'bgp' && d.announced && d.peers && d.peers.length > 0) out.set(d.service, d.peers);
  }
  return out;
}

function addL2(l2: Map<string, L2Announcement>, ip: string, family: 4 | 6, key: string, interfaces: string[] | 'all'): void {
  const cur = l2.get(ip);
  if (!cur) {
    l2.set(ip, { ip, family, serviceKeys: [key], interfaces: interfaces === 'all' ? 'all' : [...interfaces] });
    return;
  }
  if (!cur.serviceKeys.includes(key)) cur.serviceKeys.push(key);
  // Services sharing the IP may come from ads with different interface lists: announce on the union.
  if (cur.interfaces !== 'all') {
    cur.interfaces = interfaces === 'all' ? 'all' : [...new Set([...cur.interfaces, ...interfaces])].sort();
  }
}

function indexSlices(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svcName = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svcName) continue;
    const key = s.metadata.namespace ? `${s.metadata.namespace}/${svcName}` : svcName;
    if (!out.has(key)) out.set(key, []);
    out.get(key)!.push(s);
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
