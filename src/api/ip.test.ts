import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalIP, formatPrefix, parseIP, parsePrefix, prefixesOverlap, rangeToPrefixes, formatIP } from './ip.js';

describe('ip', () => {
  it('parses and formats both families', () => {
    expect(canonicalIP('192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalIP('2001:DB8::0001')).toBe('2001:db8::1');
    expect(parseIP('192.0.2.256')).toBeUndefined();
    expect(parseIP('192.0.2.1/32')).toBeUndefined();
    expect(parseIP('')).toBeUndefined();
  });
  it('reads an IPv4-mapped IPv6 address as the IPv4 address, as Go\'s net.ParseIP does (To4() is not nil)', () => {
    expect(parseIP('::ffff:10.0.0.1')).toEqual({ family: 4, value: parseIP('10.0.0.1')!.value });
    expect(parseIP('0:0:0:0:0:ffff:a00:1')).toEqual({ family: 4, value: parseIP('10.0.0.1')!.value });
    expect(canonicalIP('::FFFF:198.51.100.7')).toBe('198.51.100.7');
    // Only ::ffff:0:0/96 is mapped; the deprecated IPv4-compatible and NAT64 forms stay IPv6.
    expect(parseIP('::10.0.0.1')?.family).toBe(6);
    expect(parseIP('64:ff9b::10.0.0.1')?.family).toBe(6);
  });
  it('drops host bits of a CIDR like Go', () => {
    expect(formatPrefix(parsePrefix('192.0.2.77/24')!)).toBe('192.0.2.0/24');
    expect(parsePrefix('192.0.2.0/33')).toBeUndefined();
  });
  it('summarises a range into a minimal prefix list', () => {
    const r = rangeToPrefixes(4, parseIP('192.0.2.10')!.value, parseIP('192.0.2.20')!.value).map(formatPrefix);
    expect(r).toEqual(['192.0.2.10/31', '192.0.2.12/30', '192.0.2.16/30', '192.0.2.20/32']);
    expect(rangeToPrefixes(4, 0n, 0xffffffffn).map(formatPrefix)).toEqual(['0.0.0.0/0']);
  });
  it('detects containment both ways', () => {
    expect(prefixesOverlap(parsePrefix('192.0.2.0/24')!, parsePrefix('192.0.2.128/25')!)).toBe(true);
    expect(prefixesOverlap(parsePrefix('192.0.2.0/25')!, parsePrefix('192.0.2.128/25')!)).toBe(false);
  });
  it('round-trips any IPv4 and IPv6 address (property)', () => {
    fc.assert(fc.property(fc.ipV4(), (s) => formatIP(parseIP(s)!) === s));
    fc.assert(fc.property(fc.ipV6(), (s) => canonicalIP(canonicalIP(s)!) === canonicalIP(s)));
  });
  it('range summarisation covers exactly the range (property)', () => {
    fc.assert(fc.property(fc.nat(0xffff), fc.nat(0xffff), (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const ps = rangeToPrefixes(4, BigInt(lo), BigInt(hi));
      let next = BigInt(lo);
      for (const p of ps) {
        if (p.network !== next) return false;
        next = p.network + (1n << BigInt(32 - p.length));
      }
      return next === BigInt(hi) + 1n;
    }));
  });
});
