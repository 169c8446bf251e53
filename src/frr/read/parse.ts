// Pure parsers of FRR 8.4's vtysh JSON into the values behind upstream's metallb_bgp_* / metallb_bfd_*
// metrics (spec 6.4). Labels: BGP peer = "<neighbor>:<portForeign>" (FRR reports -1 while no
// connection is up, as upstream exports it), BFD peer = the peer address, vrf = FRR's VRF name.
// Fix of upstream's quirk: an unnumbered neighbor is keyed by its interface name, not an IP; upstream
// then fails the whole BGP collection, here it is exported under its interface name.

export interface BgpNeighborStats {
  peer: string;
  vrf: string;
  up: boolean;
  /** FRR's neighbor key: the address, or the interface of an unnumbered neighbor */
  neighbor: string;
  /** FRR's bgpState: Established, Active, Connect, Idle, OpenSent, OpenConfirm */
  state: string;
  /** time since the session came up; 0 while it is not Established */
  uptimeMs: number;
  /** the BFD session FRR keeps for this neighbor; undefined without BFD */
  bfd?: 'up' | 'down';
  announcedPrefixes: number;
  opensSent: number;
  opensReceived: number;
  notificationsSent: number;
  updatesSent: number;
  updatesReceived: number;
  keepalivesSent: number;
  keepalivesReceived: number;
  routeRefreshSent: number;
  totalSent: number;
  totalReceived: number;
}

export interface BfdPeerStats {
  peer: string;
  vrf: string;
  up: boolean;
  controlPacketInput: number;
  controlPacketOutput: number;
  echoPacketInput: number;
  echoPacketOutput: number;
  sessionUpEvents: number;
  sessionDownEvents: number;
  zebraNotifications: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export class FrrJSONError extends Error {
  constructor(what: string, detail: string) {
    super(`unexpected JSON from "${what}": ${detail}`);
    this.name = 'FrrJSONError';
  }
}

/**
 * VRF names, sorted ("default" for the default VRF), from `show bgp vrfs json` ({"vrfs": {...}}) or
 * upstream's `show bgp vrf all json` (VRF names at the top level). The reader uses the first: the
 * second carries the whole IPv6 table, megabytes at thousands of prefixes.
 */
export function parseBgpVrfs(json: unknown): string[] {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new FrrJSONError('show bgp vrfs json', 'not an object');
  const vrfs = (json as Record<string, unknown>).vrfs;
  return Object.keys(vrfs && typeof vrfs === 'object' ? vrfs : json).sort();
}

/** `show bgp vrf <vrf> neighbors json` -> one entry per neighbor, sorted by peer label. */
export function parseBgpNeighbors(json: unknown, vrf: string): BgpNeighborStats[] {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new FrrJSONError(`show bgp vrf ${vrf} neighbors json`, 'not an object');
  const out: BgpNeighborStats[] = [];
  for (const [key, raw] of Object.entries(json as Record<string, unknown>)) {
    const n = obj(raw);
    // FRR adds non-neighbor keys in some versions (e.g. "vrfId" / "vrfName" at the top level).
    if (!('bgpState' in n)) continue;
    const ms = obj(n.messageStats);
    let announced = 0;
    for (const af of Object.values(obj(n.addressFamilyInfo))) announced += num(obj(af).sentPrefixCounter);
    const bfdStatus = obj(n.peerBfdInfo).status;
    out.push({
      peer: `${key}:${typeof n.portForeign === 'number' ? n.portForeign : 0}`,
      vrf,
      up: n.bgpState === 'Established',
      neighbor: key,
      state: String(n.bgpState),
      uptimeMs: n.bgpState === 'Established' ? num(n.bgpTimerUpMsec) : 0,
      ...(typeof bfdStatus === 'string' ? { bfd: bfdStatus.toLowerCase() === 'up' ? 'up' as const : 'down' as const } : {}),
      announcedPrefixes: announced,
      opensSent: num(ms.opensSent),
      opensReceived: num(ms.opensRecv),
      notificationsSent: num(ms.notificationsSent),
      updatesSent: num(ms.updatesSent),
      updatesReceived: num(ms.updatesRecv),
      keepalivesSent: num(ms.keepalivesSent),
      keepalivesReceived: num(ms.keepalivesRecv),
      routeRefreshSent: num(ms.routeRefreshSent),
      totalSent: num(ms.totalSent),
      totalReceived: num(ms.totalRecv),
    });
  }
  return out.sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}

/** `show bfd vrf <vrf> peers json` + `... peers counters json` -> one entry per BFD peer. */
export function parseBfdPeers(peersJSON: unknown, countersJSON: unknown, vrf: string): BfdPeerStats[] {
  if (!Array.isArray(peersJSON)) throw new FrrJSONError(`show bfd vrf ${vrf} peers json`, 'not an array');
  if (!Array.isArray(countersJSON)) throw new FrrJSONError(`show bfd vrf ${vrf} peers counters json`, 'not an array');
  // A peer is identified by address, local address and interface (a multihop and a single-hop
  // session to the same address are two peers).
  const id = (p: Record<string, unknown>): string => `${String(p.peer)}|${String(p.local ?? '')}|${String(p.interface ?? '')}`;
  const counters = new Map(countersJSON.map((c) => [id(obj(c)), obj(c)]));
  const out: BfdPeerStats[] = [];
  for (const raw of peersJSON) {
    const p = obj(raw);
    if (typeof p.peer !== 'string') continue;
    const c = counters.get(id(p)) ?? {};
    out.push({
      peer: p.peer,
      vrf,
      up: p.status === 'up',
      controlPacketInput: num(c['control-packet-input']),
      controlPacketOutput: num(c['control-packet-output']),
      echoPacketInput: num(c['echo-packet-input']),
      echoPacketOutput: num(c['echo-packet-output']),
      sessionUpEvents: num(c['session-up']),
      sessionDownEvents: num(c['session-down']),
      zebraNotifications: num(c['zebra-notifications']),
    });
  }
  return out.sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}

/** Daemons the FRR container must run (upstream's liveness list). */
export const REQUIRED_DAEMONS = ['bfdd', 'bgpd', 'staticd', 'watchfrr', 'zebra'];

/** `show daemons` text -> the required daemons that are missing. */
export function missingDaemons(showDaemons: string, required: string[] = REQUIRED_DAEMONS): string[] {
  const running = new Set(showDaemons.split(/\s+/).filter(Boolean));
  return required.filter((d) => !running.has(d));
}
