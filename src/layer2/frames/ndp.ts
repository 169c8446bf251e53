// Neighbor Discovery (RFC 4861 §4.3, §4.4, §4.6.1): Neighbor Solicitation and Advertisement carried in
// ICMPv6, with their link-layer address options, inside IPv6 inside Ethernet.
import { formatIPBytes, formatMAC, macBytes } from './addr.js';
import { icmpv6Checksum, icmpv6ChecksumValid } from './checksum.js';
import { decodeEthernet, encodeEthernet, ETHERTYPE_IPV6 } from './ethernet.js';
import { decodeIPv6, encodeIPv6, ipv6Bytes, multicastMAC, NEXT_HEADER_ICMPV6 } from './ipv6.js';

export const ICMPV6_NEIGHBOR_SOLICITATION = 135;
export const ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
const OPT_SOURCE_LLA = 1;
const OPT_TARGET_LLA = 2;
/** ND messages are only valid with hop limit 255: proof they were not routed (RFC 4861 §7.1). */
export const ND_HOP_LIMIT = 255;
export const ALL_NODES = 'ff02::1';

export interface NeighborSolicitation {
  type: 'ns';
  target: string;
  sourceLLA?: string;
}

export interface NeighborAdvertisement {
  type: 'na';
  router: boolean;
  solicited: boolean;
  override: boolean;
  target: string;
  targetLLA?: string;
}

export type NdpMessage = NeighborSolicitation | NeighborAdvertisement;

export interface NdpFrame {
  ethDst: string;
  ethSrc: string;
  src: string;
  dst: string;
  hopLimit: number;
  message: NdpMessage;
}

/** ICMPv6 body (checksum zero) of an NS or NA. */
export function encodeNdpMessage(m: NdpMessage): Buffer {
  const lla = m.type === 'ns' ? m.sourceLLA : m.targetLLA;
  const out = Buffer.alloc(24 + (lla ? 8 : 0));
  out[0] = m.type === 'ns' ? ICMPV6_NEIGHBOR_SOLICITATION : ICMPV6_NEIGHBOR_ADVERTISEMENT;
  if (m.type === 'na') out[4] = (m.router ? 0x80 : 0) | (m.solicited ? 0x40 : 0) | (m.override ? 0x20 : 0);
  ipv6Bytes(m.target).copy(out, 8);
  if (lla) {
    out[24] = m.type === 'ns' ? OPT_SOURCE_LLA : OPT_TARGET_LLA;
    out[25] = 1; // length in units of 8 bytes
    macBytes(lla).copy(out, 26);
  }
  return out;
}

/**
 * Parses and validates an ICMPv6 NS/NA body per RFC 4861 §7.1.1/§7.1.2 (code 0, length, options well
 * formed, target not multicast). The checksum is checked by decodeNdpFrame, which knows the addresses.
 */
export function decodeNdpMessage(body: Buffer): NdpMessage | undefined {
  if (body.length < 24 || body[1] !== 0) return undefined;
  const type = body[0];
  if (type !== ICMPV6_NEIGHBOR_SOLICITATION && type !== ICMPV6_NEIGHBOR_ADVERTISEMENT) return undefined;
  if (body[8] === 0xff) return undefined; // multicast target
  const target = formatIPBytes(body.subarray(8, 24));
  let lla: string | undefined;
  for (let off = 24; off < body.length; ) {
    if (off + 2 > body.length) return undefined;
    const len = body[off + 1] * 8;
    if (len === 0 || off + len > body.length) return undefined;
    const optType = body[off];
    const wanted = type === ICMPV6_NEIGHBOR_SOLICITATION ? OPT_SOURCE_LLA : OPT_TARGET_LLA;
    if (optType === wanted && len >= 8 && lla === undefined) lla = formatMAC(body.subarray(off + 2, off + 8));
    off += len;
  }
  if (type === ICMPV6_NEIGHBOR_SOLICITATION) return { type: 'ns', target, ...(lla ? { sourceLLA: lla } : {}) };
  const flags = body[4];
  return {
    type: 'na',
    router: (flags & 0x80) !== 0,
    solicited: (flags & 0x40) !== 0,
    override: (flags & 0x20) !== 0,
    target,
    ...(lla ? { targetLLA: lla } : {}),
  };
}

export function encodeNdpFrame(f: NdpFrame): Buffer {
  const body = encodeNdpMessage(f.message);
  body.writeUInt16BE(icmpv6Checksum(f.src, f.dst, body), 2);
  const ip = encodeIPv6({ src: f.src, dst: f.dst, nextHeader: NEXT_HEADER_ICMPV6, hopLimit: f.hopLimit, payload: body });
  return encodeEthernet({ dst: f.ethDst, src: f.ethSrc, etherType: ETHERTYPE_IPV6, payload: ip });
}

/** undefined unless the frame is a valid NS or NA: ICMPv6 directly after the IPv6 header, hop limit 255, checksum right. */
export function decodeNdpFrame(buf: Buffer): NdpFrame | undefined {
  const eth = decodeEthernet(buf);
  if (!eth || eth.etherType !== ETHERTYPE_IPV6) return undefined;
  const ip = decodeIPv6(eth.payload);
  if (!ip || ip.nextHeader !== NEXT_HEADER_ICMPV6 || ip.hopLimit !== ND_HOP_LIMIT) return undefined;
  if (!icmpv6ChecksumValid(ip.src, ip.dst, ip.payload)) return undefined;
  const message = decodeNdpMessage(ip.payload);
  return message && { ethDst: eth.dst, ethSrc: eth.src, src: ip.src, dst: ip.dst, hopLimit: ip.hopLimit, message };
}

/**
 * The solicited answer to an NS: Solicited=1, Override=0, sent back to the soliciting address.
 * The IPv6 source is the target address itself, as the Linux kernel does for its own addresses:
 * some clients (ndisc6) ignore an answer for a global target that comes from a link-local source.
 */
export function solicitedAdvertisementFrame(ns: { src: string; sourceLLA: string }, ownMAC: string, target: string): Buffer {
  return encodeNdpFrame({
    ethDst: ns.sourceLLA,
    ethSrc: ownMAC,
    src: target,
    dst: ns.src,
    hopLimit: ND_HOP_LIMIT,
    message: { type: 'na', router: false, solicited: true, override: false, target, targetLLA: ownMAC },
  });
}

/**
 * An unsolicited NA to all nodes (Solicited=0, Override=1): neighbours replace their entry for
 * `target`. Sourced from the target address, like the kernel's own unsolicited advertisements.
 */
export function unsolicitedAdvertisementFrame(ownMAC: string, target: string): Buffer {
  return encodeNdpFrame({
    ethDst: multicastMAC(ALL_NODES),
    ethSrc: ownMAC,
    src: target,
    dst: ALL_NODES,
    hopLimit: ND_HOP_LIMIT,
    message: { type: 'na', router: false, solicited: false, override: true, target, targetLLA: ownMAC },
  });
}
