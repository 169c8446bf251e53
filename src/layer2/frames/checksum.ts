// The Internet checksum (RFC 1071) and the ICMPv6 checksum over the IPv6 pseudo-header (RFC 8200 §8.1).
import { ipv6Bytes, NEXT_HEADER_ICMPV6 } from './ipv6.js';

/** One's-complement sum folded to 16 bits, before the final inversion. */
function onesSum(parts: Buffer[]): number {
  let sum = 0;
  for (const b of parts) {
    let i = 0;
    for (; i + 1 < b.length; i += 2) sum += (b[i] << 8) | b[i + 1];
    if (i < b.length) sum += b[i] << 8; // odd length: pad with a zero byte
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function pseudoHeader(src: string, dst: string, length: number): Buffer {
  const ph = Buffer.alloc(40);
  ipv6Bytes(src).copy(ph, 0);
  ipv6Bytes(dst).copy(ph, 16);
  ph.writeUInt32BE(length, 32);
  ph[39] = NEXT_HEADER_ICMPV6;
  return ph;
}

/** The checksum to store in an ICMPv6 message whose checksum field is zero. */
export function icmpv6Checksum(src: string, dst: string, message: Buffer): number {
  const c = ~onesSum([pseudoHeader(src, dst, message.length), message]) & 0xffff;
  return c;
}

/** True when a received message (checksum field filled in) verifies. */
export function icmpv6ChecksumValid(src: string, dst: string, message: Buffer): boolean {
  return onesSum([pseudoHeader(src, dst, message.length), message]) === 0xffff;
}
