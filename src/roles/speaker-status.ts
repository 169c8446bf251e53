// From a node plan to what the speaker publishes about it: the ServiceBGPStatus / ServiceL2Status it
// should hold, and the announcements that just started (nodeAssigned events, and the L2 wins that
// trigger cleanup of other nodes' L2 objects). A protocol that is off on this node (--no-bgp,
// --no-layer2) announces nothing, so it publishes nothing. Pure apart from the memory of the last plan.
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
