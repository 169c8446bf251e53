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
  return Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Bytes of an IPv4 (4) or IPv6 (16) address in network order. */
export function ipBytes(ip: string): Buffer {
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
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return formatIP({ family: bytes.length === 4 ? 4 : 6, value: v });
}

export function isIPv6(ip: string): boolean {
  return parseIP(ip)?.family === 6;
}
