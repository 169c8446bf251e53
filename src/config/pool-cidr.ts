// One IPAddressPool.spec.addresses entry -> prefixes, with Go's parsing rules: an entry without '-'
// is a CIDR (net.ParseCIDR: no spaces, host bits dropped); otherwise a range split on the first '-',
// each side trimmed (net.ParseIP), start <= end, summarised into the minimal list of prefixes.
// IPv4-mapped IPv6 addresses are IPv4, as in Go (a range may even mix the two spellings).
import { familyBits, parseIP, parseIPv6Bits, prefixFromIPv6Bits, rangeToPrefixes, formatIP, type IP, type Prefix, prefixMask } from '../api/ip.js';
import { goQuote } from './duration.js';

export type EntryParse = { ok: true; prefixes: Prefix[] } | { ok: false; error: string };

export function parsePoolEntry(entry: string): EntryParse {
  if (!entry.includes('-')) {
    const p = parseGoCIDR(entry);
    return p ? { ok: true, prefixes: [p] } : { ok: false, error: `invalid CIDR ${goQuote(entry)}` };
  }
  const dash = entry.indexOf('-');
  const startText = entry.slice(0, dash);
  const endText = entry.slice(dash + 1);
  const start = parseIP(startText.trim());
  if (!start) return { ok: false, error: `invalid IP range ${goQuote(entry)}: invalid start IP ${goQuote(startText)}` };
  const end = parseIP(endText.trim());
  if (!end) return { ok: false, error: `invalid IP range ${goQuote(entry)}: invalid end IP ${goQuote(endText)}` };
  if (compare16(start, end) > 0) {
    return {
      ok: false,
      error: `invalid IP range ${goQuote(entry)}: start IP ${goQuote(formatIP(start))} is after the end IP ${goQuote(formatIP(end))}`,
    };
  }
  // Mixed families summarise to nothing upstream: the entry is accepted but holds no address.
  if (start.family !== end.family) return { ok: true, prefixes: [] };
  return { ok: true, prefixes: rangeToPrefixes(start.family, start.value, end.value) };
}

/**
 * net.ParseCIDR: address/length with no surrounding spaces and no zone; the length is decimal digits
 * (leading zeros allowed) up to the bits of the address as written: 32 for dotted IPv4, 128 for IPv6
 * text, IPv4-mapped included (see prefixFromIPv6Bits).
 */
export function parseGoCIDR(text: string): Prefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || text !== text.trim()) return undefined;
  const addr = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  if (addr !== addr.trim() || !/^\d+$/.test(lenText)) return undefined;
  const length = Number(lenText);
  if (addr.includes(':')) {
    const bits = parseIPv6Bits(addr);
    if (bits === undefined || length > 128) return undefined;
    return prefixFromIPv6Bits(bits, length);
  }
  const ip = parseIP(addr);
  if (!ip || length > familyBits(ip.family)) return undefined;
  return { family: ip.family, network: ip.value & prefixMask(ip.family, length), length };
}

/** Go compares net.IP in their 16-byte form, where IPv4 is ::ffff:a.b.c.d. */
function compare16(a: IP, b: IP): number {
  const v = (ip: IP): bigint => (ip.family === 4 ? (0xffffn << 32n) | ip.value : ip.value);
  const x = v(a);
  const y = v(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
