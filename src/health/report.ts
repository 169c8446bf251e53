// What `metallb-ts status` shows, the same for a standalone host and for a cluster: pools, Services
// (IPs, pool, announced where or why not), BGP sessions and layer 2 owners, plus the list of
// problems (anything down or pending) that decides the exit code. Pure: the gatherers fill it in.
import type { Reason } from '../speaker/types.js';

export interface PoolRow {
  name: string;
  /** addresses in use */
  used: number;
  /** free addresses per family (decimal strings: an IPv6 pool may exceed 2^53) */
  freeIPv4: string;
  freeIPv6: string;
}

export interface Announcement {
  node: string;
  protocol: 'bgp' | 'layer2';
  /** bgp: BGPPeer names */
  peers?: string[];
  /** layer2: interfaces, when restricted */
  interfaces?: string[];
}

/**
 * ok: announced (from this host, or in a cluster from some node); elsewhere: a standalone host that
 * leaves it to another host on purpose (layer 2 owner elsewhere, endpoints only elsewhere); pending:
 * no IP yet; down: has an IP that nobody announces.
 */
export type ServiceState = 'ok' | 'elsewhere' | 'pending' | 'down';

export interface ServiceRow {
  /** "ns/name" */
  name: string;
  ips: string[];
  pool?: string;
  state: ServiceState;
  announcedBy: Announcement[];
  /** why not announced (or not here), in words, with the upstream reason name when there is one */
  why?: string;
}

export interface PeerRow {
  /** the speaker's node (cluster) or this host */
  node: string;
  /** the BGPPeer's name; undefined when FRR has a neighbor no BGPPeer explains */
  name?: string;
  /** address, or interface for an unnumbered peer */
  address: string;
  vrf: string;
  /** FRR's BGP state, "not in FRR", or "not read" (FRR was not asked) */
  state: string;
  /** undefined when FRR was not read */
  up?: boolean;
  uptimeMs: number;
  prefixesSent: number;
  /** BFD session state; undefined when the peer has no BFD */
  bfd?: 'up' | 'down';
}

export interface Layer2Row {
  service: string;
  ips: string[];
  owner: string;
  interfaces?: string[];
}

export interface ConfigRow {
  /** "this host", "controller", "speaker-<node>" */
  component: string;
  valid: boolean;
  errors: string[];
}

export interface StatusReport {
  mode: 'standalone' | 'cluster';
  /** standalone: this host's Node name; cluster: the MetalLB namespace */
  scope: string;
  configs: ConfigRow[];
  pools: PoolRow[];
  services: ServiceRow[];
  peers: PeerRow[];
  layer2: Layer2Row[];
  /** parts that could not be read (FRR unreachable, a speaker without exec), one line each */
  unread: string[];
  /** anything down or pending, one line each; empty = healthy (exit 0) */
  problems: string[];
}

/** Reasons that mean another node announces (or may announce) the Service: not a fault of this host. */
export const ELSEWHERE_REASONS: ReadonlySet<Reason> = new Set<Reason>(['notOwner', 'noLocalEndpoints', 'nodeNetworkUnavailable', 'nodeLabeledExcludeBalancers']);

/** The problems of a report: every line that makes `status` exit 1. Pure. */
export function problemsOf(r: Omit<StatusReport, 'problems'>): string[] {
  const out: string[] = [];
  for (const c of r.configs) {
    if (!c.valid) out.push(`configuration (${c.component}) invalid: ${c.errors.length ? c.errors.join('; ') : 'no detail'}`);
  }
  for (const s of r.services) {
    if (s.state === 'pending') out.push(`Service ${s.name}: no IP: ${s.why ?? 'not allocated yet'}`);
    else if (s.state === 'down') out.push(`Service ${s.name} (${s.ips.join(', ')}): not announced: ${s.why ?? 'no node announces it'}`);
  }
  for (const p of r.peers) {
    const who = `BGP peer ${p.name ?? p.address}${p.name ? ` (${p.address})` : ''} on ${p.node}`;
    if (p.up === false) out.push(`${who}: session ${p.state}`);
    else if (p.bfd === 'down') out.push(`${who}: BFD down`);
  }
  out.push(...r.unread.map((u) => `not read: ${u}`));
  return out;
}

export function finish(r: Omit<StatusReport, 'problems'>): StatusReport {
  return { ...r, problems: problemsOf(r) };
}
