// What the lab router (FRR) knows, read through vtysh JSON: sessions, BFD peers, routes.
import type { FrrInstance } from '../harness/frr.js';

export interface Session {
  neighbor: string;
  state: string;
  established: number;
  dropped: number;
}

export interface RoutePath {
  from: string;
  nexthop: string;
  localPref?: number;
  communities: string;
  best: boolean;
}

export async function sessions(router: FrrInstance): Promise<Session[]> {
  const j = await router.json<Record<string, { bgpState?: string; connectionsEstablished?: number; connectionsDropped?: number }>>('show bgp neighbors json');
  return Object.entries(j)
    .filter(([k]) => /^[0-9a-f.:]+$/i.test(k))
    .map(([neighbor, n]) => ({ neighbor, state: n.bgpState ?? '?', established: n.connectionsEstablished ?? 0, dropped: n.connectionsDropped ?? 0 }))
    .sort((a, b) => a.neighbor.localeCompare(b.neighbor));
}

export async function bfdPeers(router: FrrInstance): Promise<{ peer: string; status: string }[]> {
  const j = await router.json<Array<{ peer: string; status: string }>>('show bfd peers json');
  return j.map((p) => ({ peer: p.peer, status: p.status })).sort((a, b) => a.peer.localeCompare(b.peer));
}

interface FrrPath {
  locPrf?: number;
  community?: { string?: string };
  nexthops?: { ip?: string }[];
  peer?: { peerId?: string };
  bestpath?: { overall?: boolean };
}

/** The router's BGP paths for one prefix (empty when it has none). */
export async function paths(router: FrrInstance, prefix: string): Promise<RoutePath[]> {
  const afi = prefix.includes(':') ? 'ipv6' : 'ipv4';
  const j = await router.json<{ paths?: FrrPath[] }>(`show bgp ${afi} unicast ${prefix} json`);
  return (j.paths ?? []).map((p) => ({
    from: p.peer?.peerId ?? '?',
    nexthop: p.nexthops?.[0]?.ip ?? '?',
    localPref: p.locPrf,
    communities: p.community?.string ?? '',
    best: p.bestpath?.overall === true,
  })).sort((a, b) => a.from.localeCompare(b.from));
}

/** Every prefix in the router's IPv4 BGP table. */
export async function prefixes(router: FrrInstance): Promise<string[]> {
  const j = await router.json<{ routes?: Record<string, unknown> }>('show bgp ipv4 unicast json');
  return Object.keys(j.routes ?? {}).sort();
}
