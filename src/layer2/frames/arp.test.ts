import { describe, expect, test } from '@jest/globals';
import { ARP_REPLY, ARP_REQUEST, arpReplyFrame, decodeArpFrame, encodeArpFrame, gratuitousArpFrame } from './arp.js';
import { fixture } from '../../../test/fixtures/frames/load.js';

const NODE_MAC = '02:00:00:00:0a:01';
const CLIENT_MAC = '02:00:00:00:0b:01';

describe('ARP decode of captured frames', () => {
  test.each([
    ['arp-request-arping', 'ff:ff:ff:ff:ff:ff', CLIENT_MAC, { op: ARP_REQUEST, senderMAC: CLIENT_MAC, senderIP: '192.0.2.1', targetMAC: '00:00:00:00:00:00', targetIP: '192.0.2.10' }],
    ['arp-reply-kernel', CLIENT_MAC, NODE_MAC, { op: ARP_REPLY, senderMAC: NODE_MAC, senderIP: '192.0.2.10', targetMAC: CLIENT_MAC, targetIP: '192.0.2.1' }],
    ['arp-gratuitous-request-arping', 'ff:ff:ff:ff:ff:ff', NODE_MAC, { op: ARP_REQUEST, senderMAC: NODE_MAC, senderIP: '192.0.2.10', targetMAC: 'ff:ff:ff:ff:ff:ff', targetIP: '192.0.2.10' }],
  ])('%s', (name, ethDst, ethSrc, arp) => {
    expect(decodeArpFrame(fixture(name))).toEqual({ ethDst, ethSrc, arp });
  });

  test('frames that are not Ethernet/IPv4 ARP decode to undefined', () => {
    expect(decodeArpFrame(fixture('ndp-ns-ndisc6'))).toBeUndefined();
    expect(decodeArpFrame(fixture('arp-request-arping').subarray(0, 30))).toBeUndefined();
    const otherHw = Buffer.from(fixture('arp-request-arping'));
    otherHw.writeUInt16BE(6, 14); // IEEE 802 hardware type
    expect(decodeArpFrame(otherHw)).toBeUndefined();
  });
});

describe('ARP encode', () => {
  test('the reply to the captured request equals the kernel reply byte for byte', () => {
    const req = decodeArpFrame(fixture('arp-request-arping'))!;
    expect(arpReplyFrame(req.arp, NODE_MAC, '192.0.2.10').toString('hex')).toBe(fixture('arp-reply-kernel').toString('hex'));
  });

  test('gratuitous request equals the one arping -U sends (without its padding)', () => {
    const want = fixture('arp-gratuitous-request-arping').subarray(0, 42);
    expect(gratuitousArpFrame(ARP_REQUEST, NODE_MAC, '192.0.2.10').toString('hex')).toBe(want.toString('hex'));
  });

  test('gratuitous reply: operation 2, sender = target IP, broadcast on both layers', () => {
    const f = decodeArpFrame(gratuitousArpFrame(ARP_REPLY, NODE_MAC, '198.51.100.7'))!;
    expect(f).toEqual({
      ethDst: 'ff:ff:ff:ff:ff:ff',
      ethSrc: NODE_MAC,
      arp: { op: ARP_REPLY, senderMAC: NODE_MAC, senderIP: '198.51.100.7', targetMAC: 'ff:ff:ff:ff:ff:ff', targetIP: '198.51.100.7' },
    });
  });

  test('round trip and input errors', () => {
    const arp = { op: ARP_REQUEST, senderMAC: 'aa:bb:cc:dd:ee:ff', senderIP: '203.0.113.1', targetMAC: '00:00:00:00:00:00', targetIP: '203.0.113.200' };
    expect(decodeArpFrame(encodeArpFrame({ ethDst: 'ff:ff:ff:ff:ff:ff', ethSrc: 'aa:bb:cc:dd:ee:ff', arp }))?.arp).toEqual(arp);
    expect(() => gratuitousArpFrame(ARP_REQUEST, NODE_MAC, '2001:db8::1')).toThrow(/not IPv4/);
    expect(() => gratuitousArpFrame(ARP_REQUEST, '02:00:00:00:0a', '192.0.2.1')).toThrow(/invalid MAC/);
  });
});
