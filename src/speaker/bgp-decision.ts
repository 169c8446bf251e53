// Should this node announce a Service by BGP? Checked in upstream's order; the first failing check
// names the reason.
import type { EndpointSlice, Node, Service } from '../api/core.js';
import { adMatchesService, adsForNode } from '../bgp/advertisements.js';
import { findConflictingAds } from '../bgp/conflicts.js';
import type { Pool } from '../config/types.js';
import { hasHealthyAddress } from '../layer2/election/endpoints.js';
import { excludedFromLoadBalancers, networkUnavailable } from '../layer2/election/node-health.js';
import type { BGPReason } from './types.js';

export interface BGPDecisionInput {
  service: Service;
  pool: Pool;
  slices: readonly EndpointSlice[];
  myNode: string;
  /** this node's Node object, when known */
  node?: Node;
  ignoreExcludeLB?: boolean;
}

export type BGPDecision = { announce: true } | { announce: false; reason: BGPReason; detail: string };

export function decideBGP(input: BGPDecisionInput): BGPDecision {
  const { service: svc, pool, myNode, node } = input;
  const labels = node?.metadata.labels;
  const mine = adsForNode(pool, labels);
  if (mine.length === 0) {
    const detail = pool.bgpAdvertisements.length === 0
      ? `pool ${pool.name} has no BGPAdvertisement`
      : `no BGPAdvertisement of pool ${pool.name} selects node ${myNode} (nodeSelectors)`;
    return { announce: false, reason: 'notOwner', detail };
  }
  const ads = mine.filter((ad) => adMatchesService(ad, svc.metadata.labels));
  if (ads.length === 0) {
    return {
      announce: false, reason: 'noMatchingAdvertisement',
      detail: `no BGPAdvertisement of pool ${pool.name} on node ${myNode} selects this Service (serviceSelectors)`,
    };
  }
  const conflict = findConflictingAds(pool, ads);
  if (conflict) {
    const [a, b] = conflict;
    return {
      announce: false, reason: 'conflictingAdvertisements',
      detail: `BGPAdvertisements ${a.name} (localPref ${a.localPref}) and ${b.name} (localPref ${b.localPref}) both apply to this Service with the same aggregation and peers; give them the same localPref`,
    };
  }
  if (networkUnavailable(node)) {
    return { announce: false, reason: 'nodeNetworkUnavailable', detail: `node ${myNode} has condition NetworkUnavailable=True` };
  }
  if (!input.ignoreExcludeLB && excludedFromLoadBalancers(node)) {
    return {
      announce: false, reason: 'nodeLabeledExcludeBalancers',
      detail: `node ${myNode} is labelled node.kubernetes.io/exclude-from-external-load-balancers`,
    };
  }
  if (svc.spec.externalTrafficPolicy === 'Local' && !hasHealthyAddress(input.slices, myNode)) {
    return {
      announce: false, reason: 'noLocalEndpoints',
      detail: `externalTrafficPolicy is Local and no serving endpoint of the Service runs on node ${myNode}`,
    };
  }
  if (!hasHealthyAddress(input.slices)) {
    return { announce: false, reason: 'noEndpoints', detail: 'the Service has no serving endpoint on any node' };
  }
  return { announce: true };
}
