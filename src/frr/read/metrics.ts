// prom-client collector for upstream's FRR metrics (spec 6.4): same names, types and labels. Each
// scrape reads FRR once (shared by every metric of the scrape), then sets the series from scratch so
// a neighbor that went away disappears. FRR's counters are absolute, so counters are reset and
// set to FRR's value at each scrape.
import { Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from '../../util/log.js';
import type { VtyshRunner } from '../vtysh.js';
import type { BfdPeerStats, BgpNeighborStats } from './parse.js';
import { readFrrState, type FrrState } from './reader.js';

/** the numeric fields: the values exported as metrics */
type BgpField = { [K in keyof BgpNeighborStats]-?: BgpNeighborStats[K] extends number ? K : never }[keyof BgpNeighborStats];
type BfdField = Exclude<keyof BfdPeerStats, 'peer' | 'vrf' | 'up'>;

const BGP_GAUGES: Array<[string, string, BgpField | 'up']> = [
  ['metallb_bgp_session_up', 'BGP session state (1 is up, 0 is down)', 'up'],
  ['metallb_bgp_announced_prefixes_total', 'Number of prefixes currently being advertised on the BGP session', 'announcedPrefixes'],
];
const BGP_COUNTERS: Array<[string, string, BgpField]> = [
  ['metallb_bgp_opens_sent', 'Number of BGP open messages sent', 'opensSent'],
  ['metallb_bgp_opens_received', 'Number of BGP open messages received', 'opensReceived'],
  ['metallb_bgp_notifications_sent', 'Number of BGP notification messages sent', 'notificationsSent'],
  ['metallb_bgp_updates_total', 'Number of BGP UPDATE messages sent', 'updatesSent'],
  ['metallb_bgp_updates_total_received', 'Number of BGP UPDATE messages received', 'updatesReceived'],
  ['metallb_bgp_keepalives_sent', 'Number of BGP keepalive messages sent', 'keepalivesSent'],
  ['metallb_bgp_keepalives_received', 'Number of BGP keepalive messages received', 'keepalivesReceived'],
  ['metallb_bgp_route_refresh_sent', 'Number of BGP route refresh messages sent', 'routeRefreshSent'],
  ['metallb_bgp_total_sent', 'Number of all BGP messages sent', 'totalSent'],
  ['metallb_bgp_total_received', 'Number of all BGP messages received', 'totalReceived'],
];
const BFD_COUNTERS: Array<[string, string, BfdField]> = [
  ['metallb_bfd_control_packet_input', 'Number of received BFD control packets', 'controlPacketInput'],
  ['metallb_bfd_control_packet_output', 'Number of sent BFD control packets', 'controlPacketOutput'],
  ['metallb_bfd_echo_packet_input', 'Number of received BFD echo packets', 'echoPacketInput'],
  ['metallb_bfd_echo_packet_output', 'Number of sent BFD echo packets', 'echoPacketOutput'],
  ['metallb_bfd_session_up_events', 'Number of BFD session up events', 'sessionUpEvents'],
  ['metallb_bfd_session_down_events', 'Number of BFD session down events', 'sessionDownEvents'],
  ['metallb_bfd_zebra_notifications', 'Number of BFD zebra notifications', 'zebraNotifications'],
];

export interface FrrCollectorOptions {
  vtysh: VtyshRunner;
  registry: Registry;
  logger?: Logger;
  /** a scrape's FRR state is reused for this long (several metrics, one read); default 1000 ms */
  cacheMs?: number;
}

/** Registers every metallb_bgp_* and metallb_bfd_* metric; values are read from FRR at scrape time. */
export function registerFrrMetrics(opts: FrrCollectorOptions): { read: () => Promise<FrrState> } {
  const cacheMs = opts.cacheMs ?? 1000;
  let inflight: Promise<FrrState> | undefined;
  let at = 0;
  const read = (): Promise<FrrState> => {
    if (inflight && performance.now() - at < cacheMs) return inflight;
    at = performance.now();
    inflight = readFrrState(opts.vtysh).then((s) => {
      for (const e of s.errors) opts.logger?.error({ op: 'frr-metrics', error: e }, 'reading FRR state failed');
      return s;
    });
    return inflight;
  };
  const labelNames = ['peer', 'vrf'] as const;

  for (const [name, help, field] of BGP_GAUGES) {
    new Gauge({
      name, help, labelNames, registers: [opts.registry],
      async collect() {
        const s = await read();
        this.reset();
        for (const n of s.bgp) this.set({ peer: n.peer, vrf: n.vrf }, field === 'up' ? Number(n.up) : n[field]);
      },
    });
  }
  for (const [name, help, field] of BGP_COUNTERS) {
    new Counter({
      name, help, labelNames, registers: [opts.registry],
      async collect() {
        const s = await read();
        this.reset();
        for (const n of s.bgp) this.inc({ peer: n.peer, vrf: n.vrf }, n[field]);
      },
    });
  }
  new Gauge({
    name: 'metallb_bfd_session_up', help: 'BFD session state (1 is up, 0 is down)', labelNames, registers: [opts.registry],
    async collect() {
      const s = await read();
      this.reset();
      for (const p of s.bfd) this.set({ peer: p.peer, vrf: p.vrf }, Number(p.up));
    },
  });
  for (const [name, help, field] of BFD_COUNTERS) {
    new Counter({
      name, help, labelNames, registers: [opts.registry],
      async collect() {
        const s = await read();
        this.reset();
        for (const p of s.bfd) this.inc({ peer: p.peer, vrf: p.vrf }, p[field]);
      },
    });
  }
  return { read };
}
