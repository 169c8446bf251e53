// Ethernet II frames (no 802.1Q tag: the kernel strips VLAN tags before AF_PACKET delivery).
import { formatMAC, macBytes } from './addr.js';

export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERNET_HEADER_LEN = 14;

export interface EthernetFrame {
  dst: string;
  src: string;
  etherType: number;
  payload: Buffer;
}

export function encodeEthernet(f: EthernetFrame): Buffer {
  const out = Buffer.alloc(ETHERNET_HEADER_LEN + f.payload.length);
  macBytes(f.dst).copy(out, 0);
  macBytes(f.src).copy(out, 6);
  out.writeUInt16BE(f.etherType, 12);
  f.payload.copy(out, ETHERNET_HEADER_LEN);
  return out;
}

/** undefined when the buffer is too short to hold an Ethernet header. */
export function decodeEthernet(buf: Buffer): EthernetFrame | undefined {
  if (buf.length < ETHERNET_HEADER_LEN) return undefined;
  return {
    dst: formatMAC(buf.subarray(0, 6)),
    src: formatMAC(buf.subarray(6, 12)),
    etherType: buf.readUInt16BE(12),
    payload: buf.subarray(ETHERNET_HEADER_LEN),
  };
}
