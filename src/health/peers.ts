// BGP sessions for `metallb-ts status`: the BGPPeers that select a node, joined with what that node's
// FRR reports (state, uptime, prefixes sent, BFD). Pure.
import { canonicalIP } from '../api/ip.js';
import type { PeerConfig } from '../config/types.js';
import type { BgpNeighborStats } from '../frr/read/parse.js';
import type { PeerRow } from './report.js';

export interface ConfiguredPeer {
  name: string;
  /** the peer address, or the interface of an unnumbered peer */
  address: string;
  /** FRR's VRF name ("default" for none) */
  vrf: string;
}

export function configuredPeers(peers: PeerConfig[]): ConfiguredPeer[] {
  return peers.map((p) => ({ name: p.name, address: p.address ?? p.iface ?? '', vrf: p.vrf || 'default' }));
}

const key = (vrf: string, address: string) => `${vrf}|${canonicalIP(address) ?? address}`;

/**
 * One row per configured peer (state "not in FRR" when FRR lacks it) plus one per FRR neighbor no
 * BGPPeer explains. `frr` undefined: FRR was not read; the rows say so and count as neither up nor down.
 * `configured` undefined: the configuration could not be read; FRR's neighbors are listed unnamed.
 */
export function peerRows(node: string, configured: ConfiguredPeer[] | undefined, frr: BgpNeighborStats[] | undefined): PeerRow[] {
  const byKey = new Map((frr ?? []).map((n) => [key(n.vrf, n.neighbor), n]));
  const rows: PeerRow[] = [];
  const row = (name: string | undefined, address: string, vrf: string, n: BgpNeighborStats | undefined): PeerRow => {
    if (!frr) return { node, name, address, vrf, state: 'not read', uptimeMs: 0, prefixesSent: 0 };
    if (!n) return { node, name, address, vrf, state: 'not in FRR', up: false, uptimeMs: 0, prefixesSent: 0 };
    return { node, name, address, vrf, state: n.state, up: n.up, uptimeMs: n.uptimeMs, prefixesSent: n.announcedPrefixes, ...(n.bfd ? { bfd: n.bfd } : {}) };
  };
  for (const p of configured ?? []) {
    const k = key(p.vrf, p.address);
    rows.push(row(p.name, p.address, p.vrf, byKey.get(k)));
    byKey.delete(k);
  }
  for (const n of byKey.values()) rows.push(row(undefined, n.neighbor, n.vrf, n));
  return rows;
}
