// ARP for IPv4 over Ethernet (RFC 826): requests, replies and the gratuitous forms (RFC 5227 §3).
import { BROADCAST_MAC, formatIPBytes, formatMAC, ipBytes, macBytes } from './addr.js';
import { decodeEthernet, encodeEthernet, ETHERTYPE_ARP } from './ethernet.js';

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;
const ARP_LEN = 28;

export interface ArpPacket {
  op: number;
  senderMAC: string;
  senderIP: string;
  targetMAC: string;
  targetIP: string;
}

export interface ArpFrame {
  ethDst: string;
  ethSrc: string;
  arp: ArpPacket;
}

export function encodeArp(p: ArpPacket): Buffer {
  const out = Buffer.alloc(ARP_LEN);
  out.writeUInt16BE(1, 0); // hardware: Ethernet
  out.writeUInt16BE(0x0800, 2); // protocol: IPv4
  out[4] = 6;
  out[5] = 4;
  out.writeUInt16BE(p.op, 6);
  macBytes(p.senderMAC).copy(out, 8);
  ipv4Bytes(p.senderIP, 'sender').copy(out, 14);
  macBytes(p.targetMAC).copy(out, 18);
  ipv4Bytes(p.targetIP, 'target').copy(out, 24);
  return out;
}

/** undefined for anything that is not Ethernet/IPv4 ARP (other hardware or protocol types). */
export function decodeArp(payload: Buffer): ArpPacket | undefined {
  if (payload.length < ARP_LEN) return undefined;
  if (payload.readUInt16BE(0) !== 1 || payload.readUInt16BE(2) !== 0x0800 || payload[4] !== 6 || payload[5] !== 4) {
    return undefined;
  }
  return {
    op: payload.readUInt16BE(6),
    senderMAC: formatMAC(payload.subarray(8, 14)),
    senderIP: formatIPBytes(payload.subarray(14, 18)),
    targetMAC: formatMAC(payload.subarray(18, 24)),
    targetIP: formatIPBytes(payload.subarray(24, 28)),
  };
}

export function encodeArpFrame(f: ArpFrame): Buffer {
  return encodeEthernet({ dst: f.ethDst, src: f.ethSrc, etherType: ETHERTYPE_ARP, payload: encodeArp(f.arp) });
}

export function decodeArpFrame(buf: Buffer): ArpFrame | undefined {
  const eth = decodeEthernet(buf);
  if (!eth || eth.etherType !== ETHERTYPE_ARP) return undefined;
  const arp = decodeArp(eth.payload);
  return arp && { ethDst: eth.dst, ethSrc: eth.src, arp };
}

/** The unicast reply to `request` saying that `ip` is at `mac`. */
export function arpReplyFrame(request: ArpPacket, mac: string, ip: string): Buffer {
  return encodeArpFrame({
    ethDst: request.senderMAC,
    ethSrc: mac,
    arp: { op: ARP_REPLY, senderMAC: mac, senderIP: ip, targetMAC: request.senderMAC, targetIP: request.senderIP },
  });
}

/**
 * A gratuitous ARP of the given operation: sender and target IP are both `ip`, target MAC is the
 * broadcast address, sent to Ethernet broadcast. Peers update an existing cache entry for `ip`.
 */
export function gratuitousArpFrame(op: typeof ARP_REQUEST | typeof ARP_REPLY, mac: string, ip: string): Buffer {
  return encodeArpFrame({
    ethDst: BROADCAST_MAC,
    ethSrc: mac,
    arp: { op, senderMAC: mac, senderIP: ip, targetMAC: BROADCAST_MAC, targetIP: ip },
  });
}

function ipv4Bytes(ip: string, which: string): Buffer {
  const b = ipBytes(ip);
  if (b.length !== 4) throw new Error(`ARP ${which} IP "${ip}" is not IPv4`);
  return b;
}
