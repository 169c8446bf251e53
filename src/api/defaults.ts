// Defaults MetalLB applies when a field is absent (CRD defaults and the code's own fallbacks), in one
// place so the config builder, the webhook and the docs agree.

export const DEFAULTS = {
  /** IPAddressPool.spec.autoAssign */
  autoAssign: true,
  /** IPAddressPool.spec.avoidBuggyIPs */
  avoidBuggyIPs: false,
  /** BGPAdvertisement.spec.aggregationLength: no aggregation */
  aggregationLength: 32,
  /** BGPAdvertisement.spec.aggregationLengthV6: no aggregation */
  aggregationLengthV6: 128,
  /** BGPAdvertisement.spec.localPref: 0 means "do not set" */
  localPref: 0,
  /** BGPPeer.spec.peerPort (v1beta2 CRD default; v1beta1 has none, 0 means the same) */
  peerPort: 179,
  /** ServiceAllocation.priority: 0 means "no priority" (lowest) */
  priority: 0,
} as const;

/** The namespace MetalLB is usually installed in; only a default for tools, never assumed by the core. */
export const DEFAULT_METALLB_NAMESPACE = 'metallb-system';

/** Name and key of the ConfigMap whose text is appended to frr.conf. */
export const BGP_EXTRAS = { configMap: 'bgpextras', key: 'extras' } as const;

/** Secret type and key a BGPPeer passwordSecret must have. */
export const PASSWORD_SECRET = { type: 'kubernetes.io/basic-auth', key: 'password' } as const;

/** peerPort with the default applied (absent or 0 -> 179). */
export function peerPortOrDefault(port: number | undefined): number {
  return port === undefined || port === 0 ? DEFAULTS.peerPort : port;
}
