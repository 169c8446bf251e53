// Acceptance: what FRR 8.4 prints back for the guide's own examples must not look like drift. FRR
// respells well-known communities in `show running-config` (measured: `set community 65535:65282
// additive` reads back as `set community no-advertise additive`); the applier's drift check parses
// that text and compares it with the model it applied, so a mismatch here means a warning and a full
// re-apply on every drift check for anyone using NO_ADVERTISE (guide 31.5.3.1, 31.7.2).
import { describe, expect, it } from '@jest/globals';
import { diffModels } from '../../src/frr/render/diff.js';
import { parseConfig } from '../../src/frr/render/parse.js';
import { folderWith, renderFrr, scenario } from './run.js';

describe('rendered config read back from FRR', () => {
  it('does not see drift when FRR prints 65535:65282 as no-advertise', async () => {
    const r = await renderFrr([scenario('advanced')], 'node-a');
    expect(r.out).toMatch(/^ set community 65535:65282 additive$/m);
    const running = r.out.replace(/^( set community .*)65535:65282(.* additive)$/gm, '$1no-advertise$2');
    expect(running).not.toBe(r.out);
    const want = parseConfig(r.out);
    const have = parseConfig(running);
    expect(diffModels(have, want)).toEqual([]);
  });
});

describe('BGP timers as FRR keeps them', () => {
  // Measured on FRR 8.4: `timers K H` is stored as `timers min(K, floor(H/3)) H` (5 10 -> 3 10, 10 10 -> 3 10,
  // 5 12 -> 4 12, 30 90 unchanged). Upstream accepts any keepalive <= hold, so `holdTime: 10s,
  // keepaliveTime: 5s` is a valid BGPPeer; FRR then runs, and prints, keepalive 3.
  const frrSpelling = (text: string): string =>
    text.replace(/^( neighbor \S+ timers )(\d+) (\d+)$/gm, (_m, head: string, k: string, h: string) => `${head}${Math.min(Number(k), Math.floor(Number(h) / 3))} ${h}`);

  it('does not see drift when FRR caps the keepalive at a third of the hold time', async () => {
    const dir = await folderWith(`
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: p, namespace: metallb-system }
spec: { addresses: [203.0.113.0/29] }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: half, namespace: metallb-system }
spec: { peerAddress: 192.0.2.1, peerASN: 64501, myASN: 64500, holdTime: 10s, keepaliveTime: 5s }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: equal, namespace: metallb-system }
spec: { peerAddress: 192.0.2.2, peerASN: 64501, myASN: 64500, holdTime: 30s, keepaliveTime: 30s }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: usual, namespace: metallb-system }
spec: { peerAddress: 192.0.2.3, peerASN: 64501, myASN: 64500, holdTime: 90s, keepaliveTime: 30s }
`);
    const r = await renderFrr([dir], 'n1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ neighbor 192\.0\.2\.3 timers 30 90$/m);
    expect(diffModels(parseConfig(frrSpelling(r.out)), parseConfig(r.out))).toEqual([]);
  });
});
