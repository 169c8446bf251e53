// The two conditions the controller puts on every LoadBalancer Service it handles (beyond upstream,
// user pain P6 "why is my Service pending, who announces it"):
//
// - metallb.io/IPAllocated: True with the IPs and the pool, or False with the allocator's reason
//   (NoPoolsConfigured, PoolExhausted, RequestedIPNotInPool, SharingRefused, ...) and a message that
//   says what to change.
// - metallb.io/Announced: computed here, by the controller, from the pure node planner run for every
//   Node. Why here and not in the speakers: a condition is one slot on the Service; N speakers each
//   writing their own view into it would overwrite one another on every reconcile (and cost N writes
//   per change). One writer gives one stable answer. Per-node detail stays in ServiceBGPStatus and
//   ServiceL2Status, which the speakers write. The controller sees no membership, so its layer 2
//   election counts every Node as live (minus NetworkUnavailable and excluded ones), which is what
//   the speakers do while every speaker is up.
// Pure: no I/O.
import type { Condition } from '../api/meta.js';
import type { ConvergeResult } from '../controller/converge.js';
import type { NodePlan, ServiceDecision } from '../speaker/types.js';

export const IP_ALLOCATED = 'metallb.io/IPAllocated';
export const ANNOUNCED = 'metallb.io/Announced';
export const OUR_CONDITIONS = new Set([IP_ALLOCATED, ANNOUNCED]);

type Desired = Omit<Condition, 'lastTransitionTime'>;

const HINTS: Record<string, string> = {
  NoPoolsConfigured: 'create an IPAddressPool in the MetalLB namespace',
  PoolExhausted: 'free an address (delete a LoadBalancer Service) or add addresses to a pool\'s spec.addresses',
  NoPoolForFamily: 'add addresses of the Service\'s IP family to a pool, or change the Service\'s ipFamilies',
  NoEligiblePool: 'set autoAssign: true on a pool whose serviceAllocation admits the Service, or name a pool with the metallb.io/address-pool annotation',
  UnknownPool: 'fix the metallb.io/address-pool annotation to name an existing IPAddressPool',
  PoolNotAllowed: 'change the pool\'s spec.serviceAllocation (namespaces, serviceSelectors) or pick another pool',
  RequestedIPNotInPool: 'request an address inside an IPAddressPool, or add it to a pool',
  RequestedIPPoolMismatch: 'request an address of the annotated pool, or drop one of the two annotations',
  RequestedIPFamilyMismatch: 'request an address of the Service\'s IP family',
  InvalidRequestedIPs: 'fix metallb.io/loadBalancerIPs or spec.loadBalancerIP (one IP, or one per family)',
  SharingRefused: 'give both Services the same metallb.io/allow-shared-ip value (and the same backends for externalTrafficPolicy Local), or request another IP',
  PortInUse: 'use another port, or another IP, for one of the Services sharing this address',
  NotEnoughClusterIPs: 'RequireDualStack needs a ClusterIP of each family',
  InvalidClusterIPs: 'the Service\'s ClusterIPs must be one address or one per family',
};

export function allocatedCondition(r: ConvergeResult, generation?: number): Desired {
  const gen = generation === undefined ? {} : { observedGeneration: generation };
  if (r.ingressIPs.length > 0 && r.pool && !r.problem) {
    return { type: IP_ALLOCATED, status: 'True', reason: 'Allocated', message: `${r.ingressIPs.join(', ')} from IPAddressPool ${r.pool}`, ...gen };
  }
  const p: { reason: string; message: string; detail?: string } = r.problem ?? { reason: 'Pending', message: 'no IP allocated yet' };
  const hint = HINTS[p.reason];
  const have = r.ingressIPs.length > 0 ? ` (keeps ${r.ingressIPs.join(', ')} from ${r.pool})` : '';
  const message = `${p.message}${p.detail ? `: ${p.detail}` : ''}${have}${hint ? `; to fix: ${hint}` : ''}`;
  return { type: IP_ALLOCATED, status: 'False', reason: p.reason, message, ...gen };
}

/** Decisions of one Service on every node: [node, bgp, layer2]. */
export type NodeDecisions = Array<{ node: string; bgp?: ServiceDecision; layer2?: ServiceDecision }>;

/** Index the plans of every node by Service (one pass over the plans). */
export function decisionsByService(plans: NodePlan[]): Map<string, NodeDecisions> {
  const out = new Map<string, NodeDecisions>();
  for (const plan of plans) {
    const mine = new Map<string, { node: string; bgp?: ServiceDecision; layer2?: ServiceDecision }>();
    for (const d of plan.decisions) {
      let e = mine.get(d.service);
      if (!e) {
        e = { node: plan.node };
        mine.set(d.service, e);
        const list = out.get(d.service) ?? [];
        list.push(e);
        out.set(d.service, list);
      }
      e[d.protocol] = d;
    }
  }
  return out;
}

export function announcedCondition(per: NodeDecisions | undefined, nodeCount: number, generation?: number): Desired {
  const gen = generation === undefined ? {} : { observedGeneration: generation };
  if (nodeCount === 0) return { type: ANNOUNCED, status: 'False', reason: 'NoNodes', message: 'the cluster has no Node objects', ...gen };
  const list = per ?? [];
  const bgpNodes = list.filter((e) => e.bgp?.announced).map((e) => e.node).sort();
  const l2Nodes = list.filter((e) => e.layer2?.announced).map((e) => e.node).sort();
  if (bgpNodes.length > 0 || l2Nodes.length > 0) {
    const parts: string[] = [];
    if (bgpNodes.length > 0) {
      const peers = [...new Set(list.flatMap((e) => (e.bgp?.announced ? e.bgp.peers ?? [] : [])))].sort();
      parts.push(`by BGP from node${bgpNodes.length > 1 ? 's' : ''} ${bgpNodes.join(',')}${peers.length ? ` to peer${peers.length > 1 ? 's' : ''} ${peers.join(',')}` : ''}`);
    }
    if (l2Nodes.length > 0) parts.push(`by layer 2 from node ${l2Nodes.join(',')}`);
    return { type: ANNOUNCED, status: 'True', reason: bgpNodes.length > 0 && l2Nodes.length > 0 ? 'BGPAndLayer2' : bgpNodes.length > 0 ? 'BGP' : 'Layer2', message: `announced ${parts.join('; ')}`, ...gen };
  }
  if (list.length === 0) return { type: ANNOUNCED, status: 'False', reason: 'NoIPAllocated', message: 'not announced: the Service has no IP yet', ...gen };
  const words = (p: 'bgp' | 'layer2') => {
    // Nodes grouped by reason, so "notOwner on 9 nodes" reads as one clause.
    const groups = new Map<string, string[]>();
    for (const e of list) {
      const d = e[p];
      if (!d) continue;
      const k = `${d.reason ?? 'unknown'}${d.detail ? ` (${d.detail})` : ''}`;
      groups.set(k, [...(groups.get(k) ?? []), e.node]);
    }
    return [...groups].map(([k, nodes]) => `${k} on ${nodes.length === nodeCount ? 'every node' : `node${nodes.length > 1 ? 's' : ''} ${nodes.sort().join(',')}`}`).join(', ');
  };
  const first = list[0].bgp?.reason ?? list[0].layer2?.reason ?? 'notAnnounced';
  const reason = first.charAt(0).toUpperCase() + first.slice(1);
  return { type: ANNOUNCED, status: 'False', reason, message: `not announced: BGP: ${words('bgp')}; layer 2: ${words('layer2')}`, ...gen };
}

/** Others' conditions kept; ours replaced; lastTransitionTime kept while the status stays the same. */
export function mergeConditions(existing: Condition[] | undefined, ours: Desired[], now: string): Condition[] {
  const keep = (existing ?? []).filter((c) => !OUR_CONDITIONS.has(c.type));
  const mine = ours.map((d): Condition => {
    const before = existing?.find((c) => c.type === d.type);
    return { ...d, lastTransitionTime: before && before.status === d.status && before.lastTransitionTime ? before.lastTransitionTime : now };
  });
  return [...keep, ...mine];
}

/** Conditions compared without their times. */
export function conditionsFingerprint(cs: Condition[] | undefined): string {
  return JSON.stringify((cs ?? []).map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '', c.observedGeneration ?? null]));
}
