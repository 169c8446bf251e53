// IP addresses and prefixes as bigints: one representation for the whole core, so IPv6 /64 pools
// are plain arithmetic. Parsing and formatting go through ipaddr.js (pure, no I/O).
import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

export interface IP {
  family: Family;
  value: bigint;
}

export interface Prefix {
  family: Family;
  /** network address (host bits cleared) */
  network: bigint;
  length: number;
}

export const familyBits = (f: Family): number => (f === 4 ? 32 : 128);

/** Strict parse of a single address; returns undefined when it is not one. IPv4-mapped IPv6 stays IPv6. */
export function parseIP(text: string): IP | undefined {
  const s = text.trim();
  if (!s || s.includes('/') || s.includes('%')) return undefined;
  // Only text without ':' can be dotted IPv4; skipping the IPv4 attempt for IPv6 text matters
  // because ipaddr.js answers it by throwing and catching an exception (slow in hot loops).
  if (!s.includes(':') && ipaddr.IPv4.isValidFourPartDecimal(s)) {
    const bytes = ipaddr.IPv4.parse(s).toByteArray();
    return { family: 4, value: bytesToBigint(bytes) };
  }
  if (s.includes(':') && ipaddr.IPv6.isValid(s)) {
    return { family: 6, value: bytesToBigint(ipaddr.IPv6.parse(s).toByteArray()) };
  }
  return undefined;
}

/** Parses "addr/len"; host bits are dropped as Go's net.ParseCIDR does. */
export function parsePrefix(text: string): Prefix | undefined {
  const s = text.trim();
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const lenText = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(lenText)) return undefined;
  const length = Number(lenText);
  if (length > familyBits(ip.family)) return undefined;
  return { family: ip.family, network: ip.value & prefixMask(ip.family, length), length };
}

export function prefixMask(f: Family, length: number): bigint {
  const bits = BigInt(familyBits(f));
  const all = (1n << bits) - 1n;
  return all ^ ((1n << (bits - BigInt(length))) - 1n);
}

export function prefixSize(p: Prefix): bigint {
  return 1n << BigInt(familyBits(p.family) - p.length);
}

export function prefixLast(p: Prefix): bigint {
  return p.network + prefixSize(p) - 1n;
}

export function prefixContains(p: Prefix, ip: IP): boolean {
  return p.family === ip.family && (ip.value & prefixMask(p.family, p.length)) === p.network;
}

/** True when either prefix contains the other (upstream's overlap test). */
export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  if (a.family !== b.family) return false;
  const len = Math.min(a.length, b.length);
  const m = prefixMask(a.family, len);
  return (a.network & m) === (b.network & m);
}

/** The prefix of the given length that holds ip (aggregation). */
export function enclosingPrefix(ip: IP, length: number): Prefix {
  return { family: ip.family, network: ip.value & prefixMask(ip.family, length), length };
}

/** Minimal list of prefixes covering [start, end] (both inclusive, same family). */
export function rangeToPrefixes(family: Family, start: bigint, end: bigint): Prefix[] {
  const out: Prefix[] = [];
  const bits = familyBits(family);
  let cur = start;
  while (cur <= end) {
    let len = bits;
    // Grow the block while it stays aligned and inside the range.
    while (len > 0) {
      const size = 1n << BigInt(bits - len + 1);
      if (cur % size !== 0n || cur + size - 1n > end) break;
      len--;
    }
    out.push({ family, network: cur, length: len });
    cur += 1n << BigInt(bits - len);
  }
  return out;
}

export function formatIP(ip: IP): string {
  const bytes = bigintToBytes(ip.value, ip.family === 4 ? 4 : 16);
  return ipaddr.fromByteArray(bytes).toString();
}

export function formatPrefix(p: Prefix): string {
  return `${formatIP({ family: p.family, value: p.network })}/${p.length}`;
}

/** Canonical text of an address ("2001:DB8::0001" -> "2001:db8::1"); undefined if not an IP. */
export function canonicalIP(text: string): string | undefined {
  const ip = parseIP(text);
  return ip ? formatIP(ip) : undefined;
}

export function compareIP(a: IP, b: IP): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function bytesToBigint(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function bigintToBytes(v: bigint, n: number): number[] {
  // Through one hex string: much cheaper than n bigint shifts and masks (formatIP is in hot loops).
  const hex = v.toString(16).padStart(n * 2, '0');
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
