// Wire format of membership packets, and their authentication.
//
//   0..2   magic "ML"            2  version (1)       3  reserved (0)
//   4..12  sender's wall clock, ms since the epoch (uint64 BE): replay window
//   12..20 nonce (8 bytes, unique per sender): replay detection inside the window
//   20..-32 payload: JSON (small, debuggable with tcpdump -A)
//   -32..  HMAC-SHA256(key, every byte before it)
//
// Every field before the MAC is covered by it, so a forged or altered timestamp or nonce fails the
// check like a forged payload. The key is shared by all members (--ml-secret-file).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DropReason, MemberState } from './types.js';

export const MAGIC0 = 0x4d; // 'M'
export const MAGIC1 = 0x4c; // 'L'
export const VERSION = 1;
const HEADER = 20;
const MAC = 32;
/** Biggest packet we send or read; stays under a 1500-byte MTU with IPv6 and UDP headers. */
export const MAX_PACKET = 1400;

export const STATE_CODES: Record<MemberState, number> = { alive: 0, suspect: 1, dead: 2 };
const STATE_BY_CODE: MemberState[] = ['alive', 'suspect', 'dead'];

/** One piggy-backed membership update: [state, member name, incarnation]. */
export interface GossipEntry {
  state: MemberState;
  name: string;
  incarnation: number;
}

export type MessageType = 'ping' | 'ack' | 'pingReq' | 'gossip';

export interface Message {
  type: MessageType;
  /** sender's member name and incarnation: every packet is also the sender's own alive claim */
  from: string;
  incarnation: number;
  /** probe sequence number (ping, ack, pingReq) */
  seq?: number;
  /** ping: who must answer; pingReq: whom to probe; ack relayed by a helper: who answered */
  target?: string;
  gossip: GossipEntry[];
}

const TYPE_CODES: Record<MessageType, string> = { ping: 'p', ack: 'a', pingReq: 'r', gossip: 'g' };
const TYPE_BY_CODE: Record<string, MessageType> = { p: 'ping', a: 'ack', r: 'pingReq', g: 'gossip' };

function payloadOf(m: Message): Buffer {
  const o: Record<string, unknown> = { t: TYPE_CODES[m.type], f: m.from, i: m.incarnation };
  if (m.seq !== undefined) o.s = m.seq;
  if (m.target !== undefined) o.tg = m.target;
  if (m.gossip.length) o.g = m.gossip.map((e) => [STATE_CODES[e.state], e.name, e.incarnation]);
  return Buffer.from(JSON.stringify(o), 'utf8');
}

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 253;

/** Checks the JSON shape field by field: a packet passed the MAC, but may come from a newer version. */
function messageOf(o: unknown): Message | undefined {
  if (typeof o !== 'object' || o === null) return undefined;
  const r = o as Record<string, unknown>;
  const type = typeof r.t === 'string' ? TYPE_BY_CODE[r.t] : undefined;
  if (!type || !isName(r.f) || !isUint(r.i)) return undefined;
  if (r.s !== undefined && !isUint(r.s)) return undefined;
  if (r.tg !== undefined && !isName(r.tg)) return undefined;
  if ((type === 'ping' || type === 'ack' || type === 'pingReq') && r.s === undefined) return undefined;
  if ((type === 'ping' || type === 'pingReq') && r.tg === undefined) return undefined;
  const gossip: GossipEntry[] = [];
  if (r.g !== undefined) {
    if (!Array.isArray(r.g)) return undefined;
    for (const e of r.g) {
      if (!Array.isArray(e) || e.length !== 3 || !isName(e[1]) || !isUint(e[2])) return undefined;
      const state = typeof e[0] === 'number' ? STATE_BY_CODE[e[0]] : undefined;
      if (!state) return undefined;
      gossip.push({ state, name: e[1], incarnation: e[2] });
    }
  }
  return { type, from: r.f, incarnation: r.i, seq: r.s as number | undefined, target: r.tg as string | undefined, gossip };
}

function mac(key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Encodes and signs a message. */
export function seal(m: Message, key: Uint8Array, wallNow: number, nonce: Uint8Array): Buffer {
  if (nonce.length !== 8) throw new Error('membership nonce must be 8 bytes');
  const payload = payloadOf(m);
  const buf = Buffer.alloc(HEADER + payload.length + MAC);
  buf[0] = MAGIC0;
  buf[1] = MAGIC1;
  buf[2] = VERSION;
  buf.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(wallNow))), 4);
  buf.set(nonce, 12);
  payload.copy(buf, HEADER);
  mac(key, buf.subarray(0, HEADER + payload.length)).copy(buf, HEADER + payload.length);
  return buf;
}

/** The parts of a packet that passed authentication. */
export interface Opened {
  message: Message;
  timestamp: number;
  nonce: string;
}

/** Verifies and decodes a packet; never throws. Freshness (timestamp, nonce) is the ReplayGuard's job. */
export function open(buf: Uint8Array, key: Uint8Array): Opened | { drop: DropReason } {
  if (buf.length < HEADER + MAC + 2 || buf.length > MAX_PACKET) return { drop: 'malformed' };
  if (buf[0] !== MAGIC0 || buf[1] !== MAGIC1 || buf[2] !== VERSION) return { drop: 'malformed' };
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const body = b.subarray(0, b.length - MAC);
  const expected = mac(key, body);
  if (!timingSafeEqual(expected, b.subarray(b.length - MAC))) return { drop: 'unauthenticated' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(b.subarray(HEADER, b.length - MAC).toString('utf8'));
  } catch {
    return { drop: 'malformed' };
  }
  const message = messageOf(parsed);
  if (!message) return { drop: 'malformed' };
  return { message, timestamp: Number(b.readBigUInt64BE(4)), nonce: b.subarray(12, 20).toString('hex') };
}

/** Decodes without checking the MAC: for tests and debugging tools only, never for protocol input. */
export function peek(buf: Uint8Array): Message | undefined {
  if (buf.length < HEADER + MAC + 2) return undefined;
  try {
    return messageOf(JSON.parse(Buffer.from(buf.subarray(HEADER, buf.length - MAC)).toString('utf8')));
  } catch {
    return undefined;
  }
}

/** Size of a sealed message, to keep piggy-backing under MAX_PACKET. */
export function sealedSize(m: Message): number {
  return HEADER + payloadOf(m).length + MAC;
}
