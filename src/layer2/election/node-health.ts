// Node states that keep a node from announcing, by BGP and by layer 2 alike.
import type { Node } from '../../api/core.js';
import { LABEL } from '../../api/metallb.js';

/** The NetworkUnavailable condition is True: the node's network is not set up, do not send traffic there. */
export function networkUnavailable(node: Node | undefined): boolean {
  return (node?.status?.conditions ?? []).some((c) => c.type === 'NetworkUnavailable' && c.status === 'True');
}

/** The node carries node.kubernetes.io/exclude-from-external-load-balancers (any value counts). */
export function excludedFromLoadBalancers(node: Node | undefined): boolean {
  const labels = node?.metadata.labels;
  return !!labels && Object.prototype.hasOwnProperty.call(labels, LABEL.excludeFromLB);
}
