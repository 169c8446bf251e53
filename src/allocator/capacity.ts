// Pool capacity as upstream counts it (spec 3.7): every address of each CIDR, network and
// broadcast included; a CIDR of 2^62 addresses or more makes its family "infinite" (MaxInt64);
// avoidBuggyIPs removes the .0/.255 addresses. Unlike upstream, sums saturate at MaxInt64 instead
// of overflowing when a huge IPv6 range is followed by another one.
import { type Family, familyBits } from '../api/ip.js';
import type { Pool } from '../config/types.js';

export const MAX_INT64 = (1n << 63n) - 1n;

export interface PoolCapacity {
  ipv4: bigint;
  ipv6: bigint;
  total: bigint;
}

const saturate = (v: bigint): bigint => (v > MAX_INT64 ? MAX_INT64 : v);

export function poolCapacity(pool: Pool): PoolCapacity {
  const sums: Record<Family, bigint> = { 4: 0n, 6: 0n };
  for (const { prefix } of pool.cidrs) {
    const hostBits = familyBits(prefix.family) - prefix.length;
    if (hostBits >= 62) {
      sums[prefix.family] = MAX_INT64;
      continue;
    }
    let size = 1n << BigInt(hostBits);
    if (pool.avoidBuggyIPs && prefix.family === 4) size -= buggyCount(prefix.network, prefix.length, size);
    sums[prefix.family] = saturate(sums[prefix.family] + size);
  }
  return { ipv4: sums[4], ipv6: sums[6], total: saturate(sums[4] + sums[6]) };
}

/** .0 and .255 addresses inside an IPv4 CIDR. */
function buggyCount(network: bigint, length: number, size: bigint): bigint {
  if (length <= 24) return (1n << BigInt(24 - length)) * 2n;
  // A /32 is one address: count it once (upstream counts it twice and goes negative).
  if (size === 1n) return isBuggyIPv4(network) ? 1n : 0n;
  let n = 0n;
  if (isBuggyIPv4(network)) n++;
  if (isBuggyIPv4(network + size - 1n)) n++;
  return n;
}

/** IPv4 addresses ending in .0 or .255 confuse the smurf protection of some CPE firmwares. */
export function isBuggyIPv4(v: bigint): boolean {
  const last = v & 0xffn;
  return last === 0n || last === 255n;
}
