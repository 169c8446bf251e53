// What the speaker planner takes and gives: the agreed interface between the speaker loop, the FRR
// applier, the layer 2 announcer, the status writers and `metallb-ts explain`.
import type { Snapshot } from '../api/snapshot.js';
import type { FRRLogLevel, NodeBGPIntent } from '../bgp/types.js';
import type { Config } from '../config/types.js';
import type { ElectionMemo } from '../layer2/election/memo.js';
import type { LogLevel } from '../util/log.js';

export interface PlanInput {
  config: Config;
  snapshot: Snapshot;
  /** the node this speaker runs on */
  node: string;
  /** FRR `hostname`; defaults to the node name */
  hostname?: string;
  /** the speaker's --log-level, mapped to FRR's level; default info */
  logLevel?: LogLevel;
  /** FRR level override (env FRR_LOGGING_LEVEL) */
  frrLogLevel?: FRRLogLevel;
  /** live speakers (membership); undefined when membership is off: every Node counts as live */
  members?: ReadonlySet<string>;
  /** --lb-class: handle only Services of this class; unset: only Services without a class */
  lbClass?: string;
  /** --ignore-exclude-lb */
  ignoreExcludeLB?: boolean;
  /** include each layer 2 election's ranked candidates in the decisions (explain); costs a sort per Service */
  explain?: boolean;
  /** the speaker's memory of layer 2 winners between plans (same results, fewer hashes); not used with explain */
  electionMemo?: ElectionMemo;
}

/** Reasons a Service is not announced at all (upstream's serviceWithdrawn reasons). */
export type WithdrawReason = 'notLoadBalancer' | 'noIPAllocated' | 'invalidIP' | 'ipNotAllowed';
export type BGPReason =
  | 'notOwner'
  | 'noMatchingAdvertisement'
  | 'conflictingAdvertisements'
  | 'nodeNetworkUnavailable'
  | 'nodeLabeledExcludeBalancers'
  | 'noLocalEndpoints'
  | 'noEndpoints';
export type L2Reason = 'notOwner' | 'noMatchingAdvertisement' | 'sharedIPWithServiceSelector';
export type Reason = WithdrawReason | BGPReason | L2Reason;
export type Protocol = 'bgp' | 'layer2';

export interface ServiceDecision {
  /** "ns/name" */
  service: string;
  protocol: Protocol;
  announced: boolean;
  /** upstream reason name when not announced */
  reason?: Reason;
  /** the same in plain words, naming the objects involved */
  detail?: string;
  /** canonical status IPs (raw text when they do not parse) */
  ips: string[];
  pool?: string;
  /** bgp: BGPPeer names the Service's prefixes go to from this node, sorted */
  peers?: string[];
  /** layer2: interfaces this node announces on (when it wins, or would if it won) */
  interfaces?: string[] | 'all';
  /** layer2: the election winner; with PlanInput.explain also the ranked candidates and their preference scores */
  winner?: string;
  candidates?: { node: string; score: number }[];
}

/** One IP this node answers ARP/NDP for. */
export interface L2Announcement {
  ip: string;
  family: 4 | 6;
  /** Services using the IP (shared IPs have several), sorted */
  serviceKeys: string[];
  interfaces: string[] | 'all';
}

export interface NodePlan {
  node: string;
  bgp: NodeBGPIntent;
  /** sorted by family then address */
  l2: L2Announcement[];
  /** sorted by service, then protocol */
  decisions: ServiceDecision[];
  /** problems that dropped part of the plan (e.g. too many communities), one line each */
  errors: string[];
}
