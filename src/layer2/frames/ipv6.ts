// IPv6 fixed header (RFC 8200) and the solicited-node multicast mapping (RFC 4291 §2.7.1, RFC 2464 §7).
import { formatIPBytes, formatMAC, ipBytes } from './addr.js';

export const IPV6_HEADER_LEN = 40;
export const NEXT_HEADER_ICMPV6 = 58;

export interface IPv6Packet {
  src: string;
  dst: string;
  nextHeader: number;
  hopLimit: number;
  payload: Buffer;
}

export function encodeIPv6(p: IPv6Packet): Buffer {
  const out = Buffer.alloc(IPV6_HEADER_LEN + p.payload.length);
  out.writeUInt32BE(0x60000000, 0); // version 6, traffic class 0, flow label 0
  out.writeUInt16BE(p.payload.length, 4);
  out[6] = p.nextHeader;
  out[7] = p.hopLimit;
  ipv6Bytes(p.src).copy(out, 8);
  ipv6Bytes(p.dst).copy(out, 24);
  p.payload.copy(out, IPV6_HEADER_LEN);
  return out;
}

/** undefined when not IPv6 or truncated; the payload is cut to the header's payload length. */
export function decodeIPv6(buf: Buffer): IPv6Packet | undefined {
  if (buf.length < IPV6_HEADER_LEN || buf[0] >> 4 !== 6) return undefined;
  const len = buf.readUInt16BE(4);
  if (IPV6_HEADER_LEN + len > buf.length) return undefined;
  return {
    src: formatIPBytes(buf.subarray(8, 24)),
    dst: formatIPBytes(buf.subarray(24, 40)),
    nextHeader: buf[6],
    hopLimit: buf[7],
    payload: buf.subarray(IPV6_HEADER_LEN, IPV6_HEADER_LEN + len),
  };
}

/** ff02::1:ffXX:XXXX, the group a node joins to hear Neighbor Solicitations for `ip`. */
export function solicitedNodeAddress(ip: string): string {
  const b = ipv6Bytes(ip);
  const g = Buffer.from('ff0200000000000000000001ff000000', 'hex');
  b.copy(g, 13, 13, 16);
  return formatIPBytes(g);
}

/** 33:33 followed by the low 32 bits of an IPv6 multicast address. */
export function multicastMAC(group: string): string {
  const b = ipv6Bytes(group);
  return formatMAC(Buffer.concat([Buffer.from([0x33, 0x33]), b.subarray(12, 16)]));
}

export function ipv6Bytes(ip: string): Buffer {
  const b = ipBytes(ip);
  if (b.length !== 16) throw new Error(`"${ip}" is not an IPv6 address`);
  return b;
}
