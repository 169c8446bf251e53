// Address conversions for wire formats: MAC text <-> 6 bytes, IP text <-> 4 or 16 bytes.
// Text forms are canonical (lower-case MAC, compressed IPv6) so that decoded frames compare as strings.
import { formatIP, parseIP } from '../../api/ip.js';

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC = '00:00:00:00:00:00';

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export function macBytes(mac: string): Buffer {
  if (!MAC_RE.test(mac)) throw new Error(`invalid MAC address "${mac}": expected six hex pairs like 02:00:00:00:00:01`);
  return Buffer.from(mac.replaceAll(':', ''), 'hex');
}

export function formatMAC(bytes: Uint8Array): string {
  const h = Buffer.from(bytes.buffer, bytes.byteOffset, 6).toString('hex');
  return `${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}:${h.slice(10, 12)}`;
}

// Dotted quad without leading zeros: the form formatIPBytes produces. The ARP path takes this fast
// route on every request; anything else goes through the general parser.
const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Group bit set: broadcast and multicast destinations (e.g. 33:33:ff:xx:xx:xx). */
export function isMulticastMAC(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/** Bytes of an IPv4 (4) or IPv6 (16) address in network order. */
export function ipBytes(ip: string): Buffer {
  const quad = DOTTED_QUAD.exec(ip);
  if (quad) return Buffer.from([Number(quad[1]), Number(quad[2]), Number(quad[3]), Number(quad[4])]);
  const parsed = parseIP(ip);
  if (!parsed) throw new Error(`invalid IP address "${ip}"`);
  const len = parsed.family === 4 ? 4 : 16;
  const out = Buffer.alloc(len);
  let v = parsed.value;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function formatIPBytes(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return formatIP({ family: bytes.length === 4 ? 4 : 6, value: v });
}

export function isIPv6(ip: string): boolean {
  return parseIP(ip)?.family === 6;
}
