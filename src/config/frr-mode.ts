// The FRR-mode pair rules (spec 2.1): FRR runs one `router bgp` per VRF on a node, so peers that select
// a common node must agree on routerID (any VRF) and on myASN (same VRF), and cannot be the same
// neighbor twice. Checked on the CRs as written, before they are parsed, as upstream does.
import type { Node } from '../api/core.js';
import type { BGPPeer } from '../api/metallb.js';
import type { Problems } from './problems.js';
import { intersects, selectedNodes } from './nodes.js';

export function checkFRRPeersCompatible(peers: BGPPeer[], nodes: Node[], p: Problems): void {
  const sets = peers.map((peer) => selectedNodes(nodes, peer.spec?.nodeSelectors));
  // Each peer is told about each rule once, against the first peer it conflicts with.
  const told = new Set<string>();
  const once = (peer: number, rule: string): boolean => {
    const k = `${peer}/${rule}`;
    if (told.has(k)) return false;
    told.add(k);
    return true;
  };
  for (let i = 0; i < peers.length; i++) {
    for (let j = i + 1; j < peers.length; j++) {
      // Upstream: with no Nodes known, all peers are assumed to share one.
      if (nodes.length > 0 && !intersects(sets[i], sets[j])) continue;
      const a = peers[i].spec ?? ({} as BGPPeer['spec']);
      const b = peers[j].spec ?? ({} as BGPPeer['spec']);
      const an = peers[i].metadata.name;
      const bn = peers[j].metadata.name;
      const r = p.for('BGPPeer', bn);
      if ((a.routerID ?? '') !== (b.routerID ?? '') && once(j, 'routerID')) {
        r.error(
          `peer ${bn} has RouterID different from ${an}, in FRR mode peers selecting the same node must all have the same RouterID` +
            ` (${show(b.routerID)} vs ${show(a.routerID)}: set the same spec.routerID, or give them disjoint nodeSelectors)`,
          'spec.routerID',
        );
      }
      if (identifier(a) === identifier(b) && once(j, 'duplicate')) {
        r.error(
          `peer ${bn} already exists, FRR mode doesn't support duplicate BGPPeers selecting the same node (same as ${an}:` +
            ` delete one of them, or give them disjoint nodeSelectors or different VRFs)`,
          b.peerAddress ? 'spec.peerAddress' : 'spec.interface',
        );
      }
      if (a.myASN !== b.myASN && (a.vrf ?? '') === (b.vrf ?? '') && once(j, 'myASN')) {
        r.error(
          `peer ${bn} has myAsn different from ${an}, in FRR mode peers selecting the same node must have the same myAsn within the same VRF` +
            ` (${JSON.stringify(b.myASN)} vs ${JSON.stringify(a.myASN)}: set the same spec.myASN, or give them disjoint nodeSelectors or different VRFs)`,
          'spec.myASN',
        );
      }
    }
  }
}

/** upstream's PeerIdentifier: address or interface, plus "-<vrf>" when a VRF is set. */
function identifier(s: BGPPeer['spec']): string {
  const base = s.peerAddress || s.interface || '';
  return s.vrf ? `${base}-${s.vrf}` : base;
}

function show(v: string | undefined): string {
  return v ? JSON.stringify(v) : 'unset';
}
