import { describe, expect, test } from '@jest/globals';
import { icmpv6Checksum, icmpv6ChecksumValid } from './checksum.js';
import { fixture } from '../../../test/fixtures/frames/load.js';
import { multicastMAC, solicitedNodeAddress } from './ipv6.js';
import { decodeNdpFrame, encodeNdpFrame, solicitedAdvertisementFrame, unsolicitedAdvertisementFrame } from './ndp.js';

const NODE = { mac: '02:00:00:00:0a:01' };
const CLIENT_MAC = '02:00:00:00:0b:01';

describe('NDP decode of captured frames', () => {
  test('ndisc6 Neighbor Solicitation', () => {
    expect(decodeNdpFrame(fixture('ndp-ns-ndisc6'))).toEqual({
      ethDst: '33:33:ff:00:00:10',
      ethSrc: CLIENT_MAC,
      src: 'fe80::ff:fe00:b01',
      dst: 'ff02::1:ff00:10',
      hopLimit: 255,
      message: { type: 'ns', target: '2001:db8::10', sourceLLA: CLIENT_MAC },
    });
  });

  test('kernel Neighbor Advertisement', () => {
    expect(decodeNdpFrame(fixture('ndp-na-kernel'))?.message).toEqual({
      type: 'na', router: false, solicited: true, override: true, target: '2001:db8::10', targetLLA: NODE.mac,
    });
  });

  test('rejects router solicitations, ARP, bad checksums, routed (hop limit < 255) and truncated options', () => {
    expect(decodeNdpFrame(fixture('icmpv6-router-solicitation'))).toBeUndefined();
    expect(decodeNdpFrame(fixture('arp-request-arping'))).toBeUndefined();
    const badSum = Buffer.from(fixture('ndp-ns-ndisc6'));
    badSum[14 + 40 + 2] ^= 0x01;
    expect(decodeNdpFrame(badSum)).toBeUndefined();
    const routed = Buffer.from(fixture('ndp-ns-ndisc6'));
    routed[14 + 7] = 64;
    expect(decodeNdpFrame(routed)).toBeUndefined();
    const zeroLenOpt = Buffer.from(fixture('ndp-ns-ndisc6'));
    zeroLenOpt[14 + 40 + 25] = 0; // option length 0 is invalid (RFC 4861 §4.6)
    zeroLenOpt.writeUInt16BE(0, 14 + 40 + 2);
    const ip6 = zeroLenOpt.subarray(14);
    zeroLenOpt.writeUInt16BE(icmpv6Checksum('fe80::ff:fe00:b01', 'ff02::1:ff00:10', ip6.subarray(40)), 14 + 40 + 2);
    expect(decodeNdpFrame(zeroLenOpt)).toBeUndefined();
  });

  test('an NS without source link-layer option (as in DAD) decodes without sourceLLA', () => {
    const f = encodeNdpFrame({
      ethDst: '33:33:ff:00:00:10', ethSrc: CLIENT_MAC, src: '::', dst: 'ff02::1:ff00:10', hopLimit: 255,
      message: { type: 'ns', target: '2001:db8::10' },
    });
    expect(decodeNdpFrame(f)?.message).toEqual({ type: 'ns', target: '2001:db8::10' });
  });
});

describe('ICMPv6 checksum', () => {
  test('captured messages verify and recomputing gives the captured value', () => {
    for (const name of ['ndp-ns-ndisc6', 'ndp-na-kernel', 'icmpv6-router-solicitation']) {
      const f = fixture(name);
      const ip = f.subarray(14);
      const body = Buffer.from(ip.subarray(40, 40 + ip.readUInt16BE(4)));
      const s = formatSrcDst(ip);
      expect(icmpv6ChecksumValid(s.src, s.dst, body)).toBe(true);
      const stored = body.readUInt16BE(2);
      body.writeUInt16BE(0, 2);
      expect(icmpv6Checksum(s.src, s.dst, body)).toBe(stored);
    }
  });
});

describe('NDP encode', () => {
  test('solicited NA answering the captured NS: S=1, O=0, to the NS source, target LLA = our MAC', () => {
    const ns = decodeNdpFrame(fixture('ndp-ns-ndisc6'))!;
    const na = solicitedAdvertisementFrame({ src: ns.src, sourceLLA: CLIENT_MAC }, NODE.mac, '2001:db8::10');
    expect(decodeNdpFrame(na)).toEqual({
      ethDst: CLIENT_MAC, ethSrc: NODE.mac, src: '2001:db8::10', dst: 'fe80::ff:fe00:b01', hopLimit: 255,
      message: { type: 'na', router: false, solicited: true, override: false, target: '2001:db8::10', targetLLA: NODE.mac },
    });
    // Byte for byte the kernel's answer, except the Override bit (0x60 -> 0x40) and so the checksum.
    const kernel = Buffer.from(fixture('ndp-na-kernel'));
    kernel[14 + 40 + 4] = 0x40;
    kernel.writeUInt16BE(na.readUInt16BE(14 + 40 + 2), 14 + 40 + 2);
    expect(na.toString('hex')).toBe(kernel.toString('hex'));
    expect(na.readUInt16BE(14 + 40 + 2)).toBe(fixture('ndp-na-kernel').readUInt16BE(14 + 40 + 2) + 0x2000);
  });

  test('unsolicited NA goes to all nodes with S=0, O=1', () => {
    const f = decodeNdpFrame(unsolicitedAdvertisementFrame(NODE.mac, '2001:db8::20'))!;
    expect(f.ethDst).toBe('33:33:00:00:00:01');
    expect(f.dst).toBe('ff02::1');
    expect(f.src).toBe('2001:db8::20');
    expect(f.message).toEqual({ type: 'na', router: false, solicited: false, override: true, target: '2001:db8::20', targetLLA: NODE.mac });
  });
});

describe('solicited-node multicast', () => {
  test.each([
    ['2001:db8::10', 'ff02::1:ff00:10', '33:33:ff:00:00:10'],
    ['2001:db8::abcd:1234:5678', 'ff02::1:ff34:5678', '33:33:ff:34:56:78'],
    ['fe80::ff:fe00:a01', 'ff02::1:ff00:a01', '33:33:ff:00:0a:01'],
  ])('%s -> %s (%s)', (ip, group, mac) => {
    expect(solicitedNodeAddress(ip)).toBe(group);
    expect(multicastMAC(group)).toBe(mac);
  });
  test('IPv4 is refused', () => {
    expect(() => solicitedNodeAddress('192.0.2.1')).toThrow(/not an IPv6/);
  });
});

function formatSrcDst(ip: Buffer): { src: string; dst: string } {
  const hex = (b: Buffer) => b.toString('hex').match(/.{4}/g)!.join(':');
  return { src: hex(ip.subarray(8, 24)), dst: hex(ip.subarray(24, 40)) };
}
