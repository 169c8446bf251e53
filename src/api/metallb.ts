// MetalLB custom resources (group metallb.io). Field names are the JSON names of the CRDs, so a
// MetalLB user's YAML loads unchanged. Defaults live in defaults.ts, not here.
import type { Condition, KubeObject, LabelSelector } from './meta.js';

export const GROUP = 'metallb.io';

// ---- IPAddressPool (v1beta1) -------------------------------------------------------------
export interface ServiceAllocation {
  priority?: number;
  namespaces?: string[];
  namespaceSelectors?: LabelSelector[];
  serviceSelectors?: LabelSelector[];
}

export interface IPAddressPoolSpec {
  addresses: string[];
  autoAssign?: boolean;
  avoidBuggyIPs?: boolean;
  serviceAllocation?: ServiceAllocation;
}

export interface IPAddressPoolStatus {
  assignedIPv4: number;
  assignedIPv6: number;
  availableIPv4: number;
  availableIPv6: number;
}

export interface IPAddressPool extends KubeObject {
  kind: 'IPAddressPool';
  spec: IPAddressPoolSpec;
  status?: IPAddressPoolStatus;
}

// ---- BGPAdvertisement (v1beta1) ----------------------------------------------------------
export interface BGPAdvertisementSpec {
  aggregationLength?: number;
  aggregationLengthV6?: number;
  localPref?: number;
  communities?: string[];
  ipAddressPools?: string[];
  ipAddressPoolSelectors?: LabelSelector[];
  nodeSelectors?: LabelSelector[];
  peers?: string[];
  serviceSelectors?: LabelSelector[];
}

export interface BGPAdvertisement extends KubeObject {
  kind: 'BGPAdvertisement';
  spec: BGPAdvertisementSpec;
}

// ---- L2Advertisement (v1beta1) -----------------------------------------------------------
export interface PreferredNodeSelector {
  weight: number;
  preference: LabelSelector;
}

export interface L2AdvertisementSpec {
  ipAddressPools?: string[];
  ipAddressPoolSelectors?: LabelSelector[];
  nodeSelectors?: LabelSelector[];
  interfaces?: string[];
  serviceSelectors?: LabelSelector[];
  preferredNodeSelectors?: PreferredNodeSelector[];
}

export interface L2Advertisement extends KubeObject {
  kind: 'L2Advertisement';
  spec: L2AdvertisementSpec;
}

// ---- BGPPeer (v1beta2 storage; v1beta1 served) -------------------------------------------
export interface SecretReference {
  name?: string;
  namespace?: string;
}

/** BGPPeer as stored (v1beta2). Durations are Go duration strings ("90s", "1m30s"). */
export interface BGPPeerSpec {
  myASN: number;
  peerASN?: number;
  dynamicASN?: 'internal' | 'external' | string;
  localASN?: number;
  peerAddress?: string;
  interface?: string;
  sourceAddress?: string;
  peerPort?: number;
  holdTime?: string;
  keepaliveTime?: string;
  connectTime?: string;
  routerID?: string;
  nodeSelectors?: LabelSelector[];
  password?: string;
  passwordSecret?: SecretReference;
  bfdProfile?: string;
  enableGracefulRestart?: boolean;
  ebgpMultiHop?: boolean;
  vrf?: string;
  disableMP?: boolean;
  dualStackAddressFamily?: boolean;
}

export interface BGPPeer extends KubeObject {
  kind: 'BGPPeer';
  spec: BGPPeerSpec;
}

/** v1beta1's legacy node selector shape. */
export interface LegacyNodeSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values: string[] }[];
}

/** BGPPeer v1beta1: fewer fields (no vrf, no passwordSecret, nothing added since). */
export interface BGPPeerV1beta1Spec extends Pick<BGPPeerSpec, 'myASN' | 'peerASN' | 'peerAddress' | 'sourceAddress' | 'peerPort' | 'holdTime'
  | 'keepaliveTime' | 'routerID' | 'password' | 'bfdProfile' | 'ebgpMultiHop'> {
  nodeSelectors?: LegacyNodeSelector[];
}

// ---- BFDProfile (v1beta1) ----------------------------------------------------------------
export interface BFDProfileSpec {
  receiveInterval?: number;
  transmitInterval?: number;
  detectMultiplier?: number;
  echoInterval?: number;
  echoMode?: boolean;
  passiveMode?: boolean;
  minimumTtl?: number;
}

export interface BFDProfile extends KubeObject {
  kind: 'BFDProfile';
  spec: BFDProfileSpec;
}

// ---- Community (v1beta1) -----------------------------------------------------------------
export interface CommunityAlias {
  name: string;
  value: string;
}

export interface Community extends KubeObject {
  kind: 'Community';
  spec: { communities?: CommunityAlias[] };
}

// ---- Status kinds written by the product -------------------------------------------------
export interface ServiceL2Status extends KubeObject {
  kind: 'ServiceL2Status';
  spec?: Record<string, never>;
  status?: {
    node?: string;
    serviceName?: string;
    serviceNamespace?: string;
    interfaces?: { name: string }[];
  };
}

export interface ServiceBGPStatus extends KubeObject {
  kind: 'ServiceBGPStatus';
  spec?: Record<string, never>;
  status?: {
    node?: string;
    serviceName?: string;
    serviceNamespace?: string;
    peers?: string[];
  };
}

export type ConfigurationResult = 'Valid' | 'Invalid' | 'Unknown';

export interface ConfigurationState extends KubeObject {
  kind: 'ConfigurationState';
  spec?: Record<string, never>;
  status?: {
    result?: ConfigurationResult;
    errorSummary?: string;
    conditions?: Condition[];
  };
}

export type MetalLBObject =
  | IPAddressPool
  | BGPAdvertisement
  | L2Advertisement
  | BGPPeer
  | BFDProfile
  | Community
  | ServiceL2Status
  | ServiceBGPStatus
  | ConfigurationState;

// ---- Annotations and labels --------------------------------------------------------------
export const ANNOTATION = {
  addressPool: 'metallb.io/address-pool',
  loadBalancerIPs: 'metallb.io/loadBalancerIPs',
  allowSharedIP: 'metallb.io/allow-shared-ip',
  allocatedFromPool: 'metallb.io/ip-allocated-from-pool',
} as const;

export const DEPRECATED_ANNOTATION = {
  addressPool: 'metallb.universe.tf/address-pool',
  loadBalancerIPs: 'metallb.universe.tf/loadBalancerIPs',
  allowSharedIP: 'metallb.universe.tf/allow-shared-ip',
} as const;

export const LABEL = {
  excludeFromLB: 'node.kubernetes.io/exclude-from-external-load-balancers',
  node: 'metallb.io/node',
  serviceName: 'metallb.io/service-name',
  serviceNamespace: 'metallb.io/service-namespace',
  componentType: 'metallb.io/component-type',
  nodeName: 'metallb.io/node-name',
} as const;
