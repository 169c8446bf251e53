// BGP intent for one node: what this node's FRR must do, independent of FRR syntax. The speaker
// planner produces it (pure); src/frr renders it to frr.conf and turns the difference between two
// intents into vtysh commands.
import type { BGPCommunity, BFDProfileConfig } from '../config/types.js';

export type NeighborFamily = 'ipv4' | 'ipv6' | 'dual';

/** One prefix sent to one neighbor, with its attributes. */
export interface AdvertisedPrefix {
  /** canonical "addr/len", already aggregated */
  prefix: string;
  family: 4 | 6;
  /** 0 = none */
  localPref: number;
  communities: BGPCommunity[];
  /** pool the prefix comes from; lets the renderer match pool ranges instead of single prefixes */
  pool: string;
}

export interface NeighborIntent {
  /** BGPPeer object name */
  peerName: string;
  /** upstream's neighbor ID: address (or interface), plus "-<vrf>" when a VRF is set */
  id: string;
  address?: string;
  iface?: string;
  /** numeric ASN, or "internal"/"external" */
  remoteAS: string;
  localASN: number;
  family: NeighborFamily;
  port: number;
  holdTime?: number;
  keepaliveTime?: number;
  connectTime?: number;
  password: string;
  sourceAddress?: string;
  ebgpMultiHop: boolean;
  gracefulRestart: boolean;
  /** BFD profile name; "" = no BFD */
  bfdProfile: string;
  disableConnectedCheck: boolean;
  /** sorted by prefix */
  advertisements: AdvertisedPrefix[];
}

/** A pool range this router may originate from, with the aggregation lengths in use. */
export interface PoolRange {
  pool: string;
  /** canonical CIDR of the pool */
  cidr: string;
  family: 4 | 6;
  /** prefix lengths the prefixes from this range have (aggregationLength / V6 of the ads) */
  lengths: number[];
}

export interface RouterIntent {
  asn: number;
  routerID: string;
  /** "" = default VRF */
  vrf: string;
  /** sorted by id */
  neighbors: NeighborIntent[];
  /** union of every neighbor's prefixes, sorted: the `network` lines */
  prefixes: string[];
  poolRanges: PoolRange[];
}

export type FRRLogLevel = 'debugging' | 'informational' | 'warnings' | 'error' | 'emergencies';

export interface NodeBGPIntent {
  hostname: string;
  logLevel: FRRLogLevel;
  /** sorted by asn, vrf */
  routers: RouterIntent[];
  /** sorted by name */
  bfdProfiles: BFDProfileConfig[];
  extras: string;
}
