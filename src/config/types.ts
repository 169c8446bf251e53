// The validated configuration: what config.build produces from a Snapshot and what the allocator,
// the speaker planner and the webhook consume. Everything is parsed and resolved here, so consumers
// never re-parse strings.
import type { Family, Prefix } from '../api/ip.js';
import type { LabelSelector } from '../api/meta.js';
import type { BFDProfileSpec, PreferredNodeSelector } from '../api/metallb.js';

/** One problem with the configuration, always naming the object. */
export interface ConfigError {
  kind: string;
  name: string;
  /** JSON path of the field inside the object, when it helps (e.g. "spec.addresses[1]") */
  field?: string;
  message: string;
  /**
   * A reference that may resolve later (missing Secret, BFDProfile, community alias). Admission accepts
   * these; at run time they still make the configuration invalid.
   */
  transient?: boolean;
}

/** `<Kind>/<name>: <message>` — the one line format used by the CLI, logs and status. */
export function formatConfigError(e: ConfigError): string {
  return `${e.kind}/${e.name}: ${e.field ? `${e.field}: ` : ''}${e.message}`;
}

export interface PoolCIDR {
  prefix: Prefix;
  /** index of the spec.addresses entry it came from (a range yields several CIDRs) */
  entry: number;
}

export interface ServiceAllocationConfig {
  /** 0 = no priority (lowest) */
  priority: number;
  /** namespaces + namespaces resolved from namespaceSelectors; empty = any namespace */
  namespaces: Set<string>;
  /** any must match the Service's labels; empty = any service */
  serviceSelectors: LabelSelector[];
  /**
   * True when spec.serviceAllocation lists namespaces or namespaceSelectors, even if the selectors
   * match no Namespace yet. The allocator then admits only the namespaces in `namespaces` (none
   * when it is empty) instead of reading the empty set as "any namespace".
   */
  namespaceRestricted?: boolean;
}

export interface Pool {
  name: string;
  cidrs: PoolCIDR[];
  families: Set<Family>;
  autoAssign: boolean;
  avoidBuggyIPs: boolean;
  /** present when spec.serviceAllocation is set (an empty one matches every service) */
  serviceAllocation?: ServiceAllocationConfig;
  labels: Record<string, string>;
  bgpAdvertisements: BGPAdvertisementConfig[];
  l2Advertisements: L2AdvertisementConfig[];
}

export type BGPCommunity =
  | { kind: 'standard'; high: number; low: number; text: string }
  | { kind: 'large'; global: number; local1: number; local2: number; text: string };

export interface BGPAdvertisementConfig {
  name: string;
  aggregationLength: number;
  aggregationLengthV6: number;
  /** 0 = unset */
  localPref: number;
  /** aliases resolved; sorted by text */
  communities: BGPCommunity[];
  /** empty = every node */
  nodeSelectors: LabelSelector[];
  /** BGPPeer object names; empty = every peer */
  peers: string[];
  /** empty = every service */
  serviceSelectors: LabelSelector[];
}

export interface L2AdvertisementConfig {
  name: string;
  /** empty = every node */
  nodeSelectors: LabelSelector[];
  /** empty = all interfaces */
  interfaces: string[];
  serviceSelectors: LabelSelector[];
  preferredNodeSelectors: PreferredNodeSelector[];
}

export interface PeerConfig {
  name: string;
  myASN: number;
  /** 0 when dynamicASN is used */
  peerASN: number;
  dynamicASN?: 'internal' | 'external';
  localASN: number;
  address?: string;
  iface?: string;
  sourceAddress?: string;
  port: number;
  /** whole seconds; undefined when neither hold nor keepalive was given */
  holdTime?: number;
  keepaliveTime?: number;
  connectTime?: number;
  routerID: string;
  /** empty = every node */
  nodeSelectors: LabelSelector[];
  /** resolved from password or the basic-auth Secret; never logged */
  password: string;
  bfdProfile: string;
  enableGracefulRestart: boolean;
  ebgpMultiHop: boolean;
  vrf: string;
  dualStackAddressFamily: boolean;
}

export interface BFDProfileConfig extends BFDProfileSpec {
  name: string;
}

export interface Config {
  /** by name */
  pools: Map<string, Pool>;
  peers: PeerConfig[];
  bfdProfiles: Map<string, BFDProfileConfig>;
  /** alias name -> community */
  communityAliases: Map<string, BGPCommunity>;
  /** raw text of the bgpextras ConfigMap, appended to frr.conf */
  bgpExtras?: string;
}

export type BuildResult = { ok: true; config: Config; warnings: string[] } | { ok: false; errors: ConfigError[] };

export interface BuildOptions {
  /**
   * When set, BGPPeers and BGPAdvertisements whose nodeSelectors do not select this node are dropped
   * before validation (the speaker's per-node view, upstream behaviour).
   */
  node?: string;
  /** Admission ignores references that may resolve later (Secrets, BFD profiles, aliases). */
  ignoreTransient?: boolean;
  /** The namespace MetalLB runs in: Secrets and ConfigMaps are read only there. */
  namespace?: string;
}
