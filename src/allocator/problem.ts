// Why an allocation did not happen: upstream's message text (what events and logs show) plus a
// machine-readable reason that a Service condition can carry (beyond upstream).

export type ProblemReason =
  /** no IPAddressPool is configured at all */
  | 'NoPoolsConfigured'
  /** the Service has no ClusterIP, so its IP family is unknown */
  | 'NoClusterIP'
  /** RequireDualStack with fewer than two ClusterIPs */
  | 'NotEnoughClusterIPs'
  /** ClusterIPs that do not make one family or a dual-stack pair */
  | 'InvalidClusterIPs'
  /** the loadBalancerIPs annotation / spec.loadBalancerIP cannot be used as written */
  | 'InvalidRequestedIPs'
  /** the requested IPs are of another family than the Service */
  | 'RequestedIPFamilyMismatch'
  /** the requested IPs are in no pool (or only as .0/.255 of an avoidBuggyIPs pool) */
  | 'RequestedIPNotInPool'
  /** requested IPs and the address-pool annotation name different pools */
  | 'RequestedIPPoolMismatch'
  /** the pool's serviceAllocation (namespaces / serviceSelectors) does not admit the Service */
  | 'PoolNotAllowed'
  /** the address-pool annotation names a pool that does not exist */
  | 'UnknownPool'
  /** the candidate pools have addresses of the family, but none free for this Service */
  | 'PoolExhausted'
  /** no candidate pool has addresses of the Service's family */
  | 'NoPoolForFamily'
  /** no pool may be used automatically for this Service (autoAssign, serviceAllocation) */
  | 'NoEligiblePool'
  /** the address is used by a Service that does not share it with this one */
  | 'SharingRefused'
  /** the address is shared, but another Service already uses this protocol/port on it */
  | 'PortInUse'
  /** an allocator invariant failed */
  | 'InternalError';

export interface Problem {
  reason: ProblemReason;
  /** upstream's error text */
  message: string;
  /** extra explanation for people (which pools were considered and why they did not fit) */
  detail?: string;
}

export type Result<T> = ({ ok: true } & T) | { ok: false; problem: Problem };

export function fail(reason: ProblemReason, message: string, detail?: string): { ok: false; problem: Problem } {
  return { ok: false, problem: detail === undefined ? { reason, message } : { reason, message, detail } };
}

/** Go's %q of a string (close enough for IPs, keys and names). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's %q of a []string or []net.IP: ["a" "b"]. */
export function goQuoteList(items: readonly string[]): string {
  return `[${items.map(goQuote).join(' ')}]`;
}
