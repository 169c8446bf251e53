// IPAddressPool.status from the allocator's counters (spec 1.1, 3.7).
import type { IPAddressPoolStatus } from '../api/metallb.js';
import type { PoolStats } from './allocator.js';

/**
 * The largest JS number that is still a valid int64 once written as JSON. MaxInt64 itself turns
 * into 9223372036854775808 as a double, which the API server's int64 decoding rejects; counters
 * of huge IPv6 pools saturate here instead (2^63 - 1024).
 */
export const MAX_JSON_INT64 = 9223372036854774784;

export function int64ForJSON(v: bigint): number {
  return v >= BigInt(MAX_JSON_INT64) ? MAX_JSON_INT64 : Number(v);
}

export function ipAddressPoolStatus(s: PoolStats): IPAddressPoolStatus {
  return {
    assignedIPv4: s.inUseIPv4,
    assignedIPv6: s.inUseIPv6,
    availableIPv4: int64ForJSON(s.availableIPv4),
    availableIPv6: int64ForJSON(s.availableIPv6),
  };
}
