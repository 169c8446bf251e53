import { describe, expect, test } from '@jest/globals';
import { ReplayGuard } from './replay.js';
import { MAX_PACKET, open, seal, type Message } from './wire.js';

const key = new TextEncoder().encode('0123456789abcdef');
const msg: Message = { type: 'ping', from: 'node-a', incarnation: 42, seq: 7, target: 'node-b',
  gossip: [{ state: 'suspect', name: 'node-c', incarnation: 3 }, { state: 'dead', name: 'node-d', incarnation: 0 }] };

describe('membership wire format', () => {
  test('round trip keeps every field, timestamp and nonce', () => {
    const nonce = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const out = open(seal(msg, key, 1_700_000_000_123, nonce), key);
    expect(out).toEqual({ message: msg, timestamp: 1_700_000_000_123, nonce: '0102030405060708' });
  });

  test('flipping any single byte makes the packet unauthenticated or malformed, never accepted', () => {
    const packet = seal(msg, key, 1_700_000_000_000, new Uint8Array(8));
    for (let i = 0; i < packet.length; i++) {
      const bad = Buffer.from(packet);
      bad[i] ^= 0x01;
      const r = open(bad, key);
      expect({ i, r: 'drop' in r ? r.drop : 'accepted' }).toEqual({ i, r: i < 3 ? 'malformed' : 'unauthenticated' });
    }
  });

  test('another key is refused; truncated and oversized packets are malformed', () => {
    const packet = seal(msg, key, 1, new Uint8Array(8));
    expect(open(packet, new TextEncoder().encode('another key'))).toEqual({ drop: 'unauthenticated' });
    expect(open(packet.subarray(0, 30), key)).toEqual({ drop: 'malformed' });
    expect(open(new Uint8Array(MAX_PACKET + 1), key)).toEqual({ drop: 'malformed' });
  });

  test('an authenticated payload of the wrong shape is malformed', () => {
    const forgedShape = seal({ ...msg, gossip: [{ state: 'dead', name: '', incarnation: 1 }] }, key, 1, new Uint8Array(8));
    expect(open(forgedShape, key)).toEqual({ drop: 'malformed' });
  });
});

describe('replay guard', () => {
  test('rejects timestamps outside the window and nonces already seen, for as long as they could be fresh', () => {
    const g = new ReplayGuard(1_000);
    expect(g.check('a', 10_000, 'n1', 10_000)).toBe('ok');
    expect(g.check('a', 10_000, 'n1', 10_001)).toBe('replayed');
    expect(g.check('b', 10_000, 'n1', 10_001)).toBe('ok'); // nonces are per sender
    expect(g.check('a', 8_999, 'n2', 10_000)).toBe('stale');
    expect(g.check('a', 11_001, 'n3', 10_000)).toBe('stale');
    // a sender clock a whole window ahead: still remembered when it stops being acceptable
    expect(g.check('a', 11_000, 'n4', 10_000)).toBe('ok');
    expect(g.check('a', 11_000, 'n4', 11_999)).toBe('replayed');
    expect(g.check('a', 11_000, 'n4', 12_000)).toBe('replayed');
    expect(g.check('a', 11_000, 'n4', 12_001)).toBe('stale');
  });

  test('memory stays bounded under steady traffic', () => {
    const g = new ReplayGuard(100);
    for (let t = 0; t < 3_000; t++) expect(g.check('a', t, `n${t}`, t)).toBe('ok');
    expect(g.size).toBeLessThanOrEqual(300);
  });
});
