import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { canonicalIP } from '../../api/ip.js';
import { formatIPBytes, formatMAC, ipBytes, macBytes } from './addr.js';

describe('address bytes', () => {
  test('IPv4 and IPv6 round trip through bytes to canonical text', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => formatIPBytes(ipBytes(ip)) === canonicalIP(ip)));
    fc.assert(fc.property(fc.ipV6(), (ip) => formatIPBytes(ipBytes(ip)) === canonicalIP(ip)));
  });

  test('the IPv4 fast path agrees with the general parser and stays strict', () => {
    expect([...ipBytes('192.0.2.255')]).toEqual([192, 0, 2, 255]);
    expect(() => ipBytes('192.0.2.256')).toThrow(/invalid IP address/);
    expect(() => ipBytes('192.0.2')).toThrow(/invalid IP address/);
    expect(formatIPBytes(Buffer.from([198, 51, 100, 7]))).toBe('198.51.100.7');
  });

  test('MAC text and bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (b) => macBytes(formatMAC(b)).equals(Buffer.from(b))));
    expect(formatMAC(Buffer.from('02000000AB01', 'hex'))).toBe('02:00:00:00:ab:01');
    expect(formatMAC(Buffer.from('ffffffffffff0200000000011111', 'hex').subarray(6))).toBe('02:00:00:00:00:01');
    expect(() => macBytes('02-00-00-00-00-01')).toThrow(/invalid MAC address/);
  });
});
