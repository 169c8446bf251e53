// BGPPeer conversion between v1beta1 (still served) and v1beta2 (storage), as the conversion webhook
// does it. v1beta1 has a legacy node selector type with a free-form operator string; v1beta2 uses
// metav1.LabelSelector. Fields that v1beta1 lacks (vrf, passwordSecret and the newer ones) are dropped
// both ways: the API server prunes them from a v1beta1 object before it converts it.
//
// Timers: upstream (metallb/metallb api/v1beta1/bgppeer_conversion.go) turns an absent v1beta1
// holdTime or keepaliveTime into an explicit 0s, so a v1beta1 peer without timers runs with both at 0
// and one with only a keepalive is refused; here an absent timer stays absent (FRR's defaults, or
// derived from the other timer). docs/differences.md says why.
import type { LabelSelector, SelectorOperator } from './meta.js';
import type { BGPPeer, BGPPeerSpec, BGPPeerV1beta1Spec, LegacyNodeSelector } from './metallb.js';
import { V1BETA1_FIELDS } from './schema/bgppeer.js';

export const BGPPEER_V1BETA1 = 'metallb.io/v1beta1';
export const BGPPEER_V1BETA2 = 'metallb.io/v1beta2';

export interface BGPPeerV1beta1 {
  apiVersion: typeof BGPPEER_V1BETA1;
  kind: 'BGPPeer';
  metadata: BGPPeer['metadata'];
  spec: BGPPeerV1beta1Spec;
}

/** Fields both versions share, copied as they are (v1beta1's fields but its nodeSelectors). */
const SHARED_FIELDS = V1BETA1_FIELDS.filter((f) => f !== 'nodeSelectors');

export function legacySelectorToLabelSelector(s: LegacyNodeSelector): LabelSelector {
  const out: LabelSelector = {};
  if (s.matchLabels !== undefined) out.matchLabels = { ...s.matchLabels };
  if (s.matchExpressions !== undefined) {
    out.matchExpressions = s.matchExpressions.map((e) => ({
      key: e.key,
      // v1beta1 accepted any string; an unknown operator is reported when the selector is validated.
      operator: e.operator as SelectorOperator,
      values: e.values === undefined ? undefined : [...e.values],
    }));
  }
  return out;
}

export function labelSelectorToLegacySelector(s: LabelSelector): LegacyNodeSelector {
  const out: LegacyNodeSelector = {};
  if (s.matchLabels !== undefined) out.matchLabels = { ...s.matchLabels };
  if (s.matchExpressions !== undefined) {
    out.matchExpressions = s.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, values: [...(e.values ?? [])] }));
  }
  return out;
}

export function bgpPeerV1beta1ToV1beta2(p: BGPPeerV1beta1): BGPPeer {
  const src = (p.spec ?? {}) as BGPPeerV1beta1Spec & Record<string, unknown>;
  const spec: Record<string, unknown> = {};
  for (const f of SHARED_FIELDS) if (src[f] !== undefined) spec[f] = src[f];
  if (src.nodeSelectors !== undefined) spec.nodeSelectors = (src.nodeSelectors ?? []).map(legacySelectorToLabelSelector);
  // v1beta1 allowed port 0 meaning "the default"; v1beta2's schema starts at 1 with default 179.
  if (spec.peerPort === 0) delete spec.peerPort;
  return { apiVersion: BGPPEER_V1BETA2, kind: 'BGPPeer', metadata: { ...p.metadata }, spec: spec as unknown as BGPPeerSpec };
}

export function bgpPeerV1beta2ToV1beta1(p: BGPPeer): BGPPeerV1beta1 {
  const src = (p.spec ?? {}) as BGPPeerSpec & Record<string, unknown>;
  const spec: Record<string, unknown> = {};
  for (const f of SHARED_FIELDS) if (src[f] !== undefined) spec[f] = src[f];
  if (src.nodeSelectors !== undefined) spec.nodeSelectors = (src.nodeSelectors ?? []).map(labelSelectorToLegacySelector);
  return { apiVersion: BGPPEER_V1BETA1, kind: 'BGPPeer', metadata: { ...p.metadata }, spec: spec as unknown as BGPPeerV1beta1Spec };
}
