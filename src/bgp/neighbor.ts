// One BGPPeer as a neighbor of this node's FRR, without its advertisements.
import { canonicalIP, parseIP } from '../api/ip.js';
import type { PeerConfig } from '../config/types.js';
import type { NeighborFamily, NeighborIntent } from './types.js';

/** Upstream's neighbor ID: the address (or interface for unnumbered), plus "-<vrf>" when a VRF is set. */
export function neighborID(peer: PeerConfig): string {
  const base = peer.address ? (canonicalIP(peer.address) ?? peer.address) : (peer.iface ?? '');
  return peer.vrf ? `${base}-${peer.vrf}` : base;
}

/** Unnumbered sessions and dualStackAddressFamily carry both families; otherwise the address decides. */
export function neighborFamily(peer: PeerConfig): NeighborFamily {
  if (peer.iface || peer.dualStackAddressFamily) return 'dual';
  return parseIP(peer.address ?? '')?.family === 6 ? 'ipv6' : 'ipv4';
}

export function remoteAS(peer: PeerConfig): string {
  return peer.dynamicASN ?? String(peer.peerASN);
}

/**
 * FRR refuses an eBGP session to a next hop that is not on a connected network; a single-hop IPv6
 * eBGP peer is usually reached over a link-local or a routed global address, so upstream turns the
 * check off exactly then: IPv6-only family, no ebgp-multihop, and eBGP (dynamic "external" or a peer
 * ASN different from ours). Never for dual or unnumbered sessions.
 */
export function disableConnectedCheck(peer: PeerConfig): boolean {
  if (neighborFamily(peer) !== 'ipv6' || peer.ebgpMultiHop) return false;
  if (peer.dynamicASN) return peer.dynamicASN === 'external';
  return peer.peerASN !== peer.myASN;
}

/** The session is iBGP: dynamic "internal", or the same ASN on both sides. */
export function isIBGP(peer: PeerConfig): boolean {
  if (peer.dynamicASN) return peer.dynamicASN === 'internal';
  return peer.peerASN === peer.myASN;
}

/**
 * Why FRR would refuse this peer's `local-as` (measured on FRR 8.4), or undefined when it takes it:
 * only on eBGP sessions ("Local-AS allowed only for EBGP peers"), never equal to our own ASN ("Cannot
 * have local-as same as BGP AS number") nor to the peer's ("AS specified for local as is the same as the
 * remote as"). A refused line fails the whole apply, so the speaker leaves local-as out and says so.
 */
export function localASNProblem(peer: PeerConfig): string | undefined {
  if (!peer.localASN) return undefined;
  let why: string | undefined;
  if (isIBGP(peer)) why = `FRR allows local-as only on eBGP sessions and this one is iBGP (${peer.dynamicASN ? 'dynamicASN internal' : 'peerASN equals myASN'})`;
  else if (peer.localASN === peer.myASN) why = 'it equals myASN, which FRR refuses';
  else if (!peer.dynamicASN && peer.localASN === peer.peerASN) why = 'it equals peerASN, which FRR refuses';
  return why && `BGPPeer/${peer.name}: spec.localASN ${peer.localASN} is ignored: ${why}; remove spec.localASN or correct the ASNs`;
}

/**
 * Problems the speaker works around on this peer, as plan errors. `ebgp-multihop` on an iBGP session
 * is dropped without a word: FRR ignores it silently (iBGP is multi-hop anyway), and keeping it would
 * read as drift forever.
 */
export function peerProblems(peer: PeerConfig): string[] {
  const p = localASNProblem(peer);
  return p ? [p] : [];
}

/**
 * A peer FRR cannot configure at all. FRR takes the MD5 password as one word: with whitespace in it the
 * `neighbor ... password` line is refused and the apply fails. Leaving the session out is the safe
 * choice (without the password the router would refuse it anyway, and the other peers keep working).
 */
export function unusablePeer(peer: PeerConfig): string | undefined {
  if (/\s/.test(peer.password)) {
    return `BGPPeer/${peer.name}: the password contains whitespace, which FRR cannot take (it reads the password as one word); session not configured: use a password without spaces`;
  }
  return undefined;
}

export function neighborFromPeer(peer: PeerConfig): NeighborIntent {
  const ibgp = isIBGP(peer);
  const n: NeighborIntent = {
    peerName: peer.name,
    id: neighborID(peer),
    remoteAS: remoteAS(peer),
    localASN: localASNProblem(peer) ? 0 : peer.localASN,
    family: neighborFamily(peer),
    port: peer.port,
    password: peer.password,
    ebgpMultiHop: peer.ebgpMultiHop && !ibgp,
    gracefulRestart: peer.enableGracefulRestart,
    bfdProfile: peer.bfdProfile,
    disableConnectedCheck: disableConnectedCheck(peer),
    advertisements: [],
  };
  if (peer.address) n.address = canonicalIP(peer.address) ?? peer.address;
  if (peer.iface) n.iface = peer.iface;
  if (peer.holdTime !== undefined) n.holdTime = peer.holdTime;
  if (peer.keepaliveTime !== undefined) n.keepaliveTime = peer.keepaliveTime;
  if (peer.connectTime !== undefined) n.connectTime = peer.connectTime;
  if (peer.sourceAddress) n.sourceAddress = canonicalIP(peer.sourceAddress) ?? peer.sourceAddress;
  return n;
}
