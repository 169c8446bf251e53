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

/** ::ffff:0:0/96, where Go's 16-byte addresses keep IPv4 ones. */
const V4_MAPPED = 0xffffn;

/**
 * Strict parse of a single address; undefined when it is not one. An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d, in any spelling) is the IPv4 address, as Go's net.ParseIP reads it (To4() is not
 * nil) and as upstream then uses it everywhere.
 */
export function parseIP(text: string): IP | undefined {
  const s = text.trim();
  // Only text without ':' can be dotted IPv4; skipping the IPv4 attempt for IPv6 text matters
  // because ipaddr.js answers it by throwing and catching an exception (slow in hot loops).
  if (!s.includes(':')) {
    if (s.includes('/') || !ipaddr.IPv4.isValidFourPartDecimal(s)) return undefined;
    return { family: 4, value: bytesToBigint(ipaddr.IPv4.parse(s).toByteArray()) };
  }
  const v = parseIPv6Bits(s);
  if (v === undefined) return undefined;
  return v >> 32n === V4_MAPPED ? { family: 4, value: v & 0xffffffffn } : { family: 6, value: v };
}

/**
 * The 128 bits of IPv6 text, as Go's netip.ParseAddr reads it (no zone, no prefix): groups of 1 to 4
 * hex digits, at most one "::" standing for at least one zero group, a dotted IPv4 address only as
 * the last 32 bits. Not ipaddr.js: it reads "::10.0.0.1" as IPv4-mapped, Go as ::a00:1.
 */
export function parseIPv6Bits(text: string): bigint | undefined {
  let s = text.trim();
  if (s.includes('%') || s.includes('/')) return undefined;
  const ip = new Array<number>(16).fill(0);
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return 0n;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const d = parseInt(s[off], 16);
      if (Number.isNaN(d) || !/[0-9a-fA-F]/.test(s[off])) break;
      acc = acc * 16 + d;
      if (off > 3) return undefined; // more than 4 digits in a group
    }
    if (off === 0) return undefined;
    if (off < s.length && s[off] === '.') {
      // A trailing IPv4 address: the last 32 bits, or wherever "::" leaves room for it.
      if ((ellipsis < 0 && i !== 12) || i + 4 > 16 || !ipaddr.IPv4.isValidFourPartDecimal(s)) return undefined;
      ipaddr.IPv4.parse(s).toByteArray().forEach((b, k) => { ip[i + k] = b; });
      s = '';
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s === '') break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined; // a second "::"
      ellipsis = i;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined; // too short
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j];
    for (let j = ellipsis; j < ellipsis + n; j++) ip[j] = 0;
  } else if (ellipsis >= 0) {
    return undefined; // "::" must stand for at least one zero group
  }
  return bytesToBigint(ip);
}

/**
 * An IPv6 prefix as Go's net.ParseCIDR leaves it: the 16-byte address masked to `length` bits. When
 * what is left is still IPv4-mapped (length >= 96), Go's net.IPNet acts as the IPv4 prefix of
 * length - 96 (::ffff:10.0.0.0/104 is 10.0.0.0/8); a shorter mask clears the ffff and leaves IPv6.
 */
export function prefixFromIPv6Bits(bits: bigint, length: number): Prefix {
  const network = bits & prefixMask(6, length);
  if (length >= 96 && network >> 32n === V4_MAPPED) return { family: 4, network: network & 0xffffffffn, length: length - 96 };
  return { family: 6, network, length };
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
