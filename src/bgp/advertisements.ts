// Which BGPAdvertisements of a pool apply to one Service on one node, and what prefix each one makes
// of a Service IP.
import { enclosingPrefix, formatPrefix, type IP } from '../api/ip.js';
import { anySelectorMatches } from '../api/selector.js';
import type { BGPAdvertisementConfig, Pool } from '../config/types.js';

type Labels = Record<string, string> | undefined;

/** Empty nodeSelectors = every node (a node without a Node object, as in standalone mode, has no labels). */
export function adSelectsNode(ad: BGPAdvertisementConfig, nodeLabels: Labels): boolean {
  return anySelectorMatches(ad.nodeSelectors, nodeLabels);
}

export function adMatchesService(ad: BGPAdvertisementConfig, serviceLabels: Labels): boolean {
  return anySelectorMatches(ad.serviceSelectors, serviceLabels);
}

/** An ad with an empty peers list goes to every peer; otherwise only to the BGPPeers it names. */
export function adTargetsPeer(ad: BGPAdvertisementConfig, peerName: string): boolean {
  return ad.peers.length === 0 || ad.peers.includes(peerName);
}

/** The pool's ads that select this node (the upstream "owner" test for BGP). */
export function adsForNode(pool: Pool, nodeLabels: Labels): BGPAdvertisementConfig[] {
  return pool.bgpAdvertisements.filter((ad) => adSelectsNode(ad, nodeLabels));
}

/** The ad's prefix for an IP: the IP masked to aggregationLength (IPv4) or aggregationLengthV6. */
export function adPrefix(ad: BGPAdvertisementConfig, ip: IP): string {
  return formatPrefix(enclosingPrefix(ip, ip.family === 4 ? ad.aggregationLength : ad.aggregationLengthV6));
}
