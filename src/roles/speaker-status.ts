// From a node plan to what the speaker publishes about it: the ServiceBGPStatus / ServiceL2Status it
// should hold, and the announcements that just started (nodeAssigned events, and the L2 wins that
// trigger cleanup of other nodes' L2 objects). A protocol that is off on this node (--no-bgp,
// --no-layer2) announces nothing, so it publishes nothing. Pure apart from the memory of the last plan.
import { parseIP, type IP } from '../api/ip.js';
import type { Config } from '../config/types.js';
import { poolFor } from '../speaker/service-ips.js';
import type { NodePlan } from '../speaker/types.js';
import type { DesiredAnnounceStatus } from '../status/kube-announce-status.js';

export interface PublishedPlan {
  statuses: DesiredAnnounceStatus[];
  /** announcements that started (or changed IPs) since the previous plan */
  started: Array<{ service: string; protocol: 'bgp' | 'layer2' }>;
  /** Services whose layer 2 election this node newly won */
  wonL2: string[];
}

export class SpeakerPublisher {
  private previous = new Map<string, string>(); // "protocol|service" -> ips

  constructor(private readonly enabled: { bgp: boolean; layer2: boolean }) {}

  publish(plan: NodePlan): PublishedPlan {
    const statuses: DesiredAnnounceStatus[] = [];
    const started: PublishedPlan['started'] = [];
    const wonL2: string[] = [];
    const now = new Map<string, string>();
    for (const d of plan.decisions) {
      if (!d.announced || !(d.protocol === 'bgp' ? this.enabled.bgp : this.enabled.layer2)) continue;
      const key = `${d.protocol}|${d.service}`;
      const ips = d.ips.join(',');
      now.set(key, ips);
      if (this.previous.get(key) !== ips) {
        started.push({ service: d.service, protocol: d.protocol });
        if (d.protocol === 'layer2') wonL2.push(d.service);
      }
      if (d.protocol === 'bgp') statuses.push({ kind: 'bgp', service: d.service, peers: [...(d.peers ?? [])].sort() });
      else statuses.push({ kind: 'l2', service: d.service, ...(Array.isArray(d.interfaces) ? { interfaces: [...d.interfaces].sort() } : {}) });
    }
    this.previous = now;
    return { statuses, started, wonL2 };
  }
}

/**
 * Services this node announces now whose IPs no pool of `next` contains. Upstream refuses such a
 * configuration ("service has no configuration under new config") until the controller has moved
 * those Services, so an announced IP is never left without a pool.
 */
export function orphanedByConfig(plan: NodePlan | undefined, next: Config): string[] {
  const out = new Set<string>();
  for (const d of plan?.decisions ?? []) {
    if (!d.announced) continue;
    const ips = d.ips.map((t) => parseIP(t));
    if (ips.some((ip) => ip === undefined) || !poolFor(next, ips as IP[])) out.add(d.service);
  }
  return [...out].sort();
}
