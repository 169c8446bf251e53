// Prometheus metrics of the membership protocol, registered on the registry the caller passes.
import { Counter, Gauge, type Registry } from 'prom-client';
import { DROP_REASONS, type MembershipObserver, type MemberState } from './types.js';

export interface MembershipMetrics {
  observer: MembershipObserver;
  /** the gauges read member states and the number of members holding another key at scrape time */
  setSource(states: () => MemberState[], mismatches?: () => number): void;
}

export function createMembershipMetrics(registry: Registry): MembershipMetrics {
  let source: () => MemberState[] = () => [];
  let mismatchSource: () => number = () => 0;
  new Gauge({
    name: 'metallb_membership_key_mismatch_members',
    help: 'Known members whose membership packets fail authentication at this speaker (they hold another membership key)',
    registers: [registry],
    collect() {
      this.set(mismatchSource());
    },
  });
  new Gauge({
    name: 'metallb_membership_members',
    help: 'Members of the layer 2 membership by state as seen by this speaker (itself counted alive)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts: Record<MemberState, number> = { alive: 0, suspect: 0, dead: 0 };
      for (const s of source()) counts[s]++;
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  const probes = new Counter({
    name: 'metallb_membership_probes_total',
    help: 'Probes (direct pings, one per protocol period) sent by this speaker',
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'metallb_membership_dropped_packets_total',
    help: 'Membership packets dropped: malformed, unauthenticated (wrong key or forged), stale (outside the time window), replayed',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of DROP_REASONS) dropped.inc({ reason }, 0);
  const failures = new Counter({
    name: 'metallb_membership_member_failures_total',
    help: 'Times this speaker marked a member dead',
    registers: [registry],
  });
  return {
    observer: {
      probe: () => probes.inc(),
      drop: (reason) => dropped.inc({ reason }),
      failure: () => failures.inc(),
    },
    setSource(states, mismatches) {
      source = states;
      if (mismatches) mismatchSource = mismatches;
    },
  };
}
