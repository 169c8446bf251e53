// Never stricter than upstream: objects upstream MetalLB accepts end to end (its CRD schema, then its
// webhook: metallb/metallb api/v1beta1, api/v1beta2, internal/config, internal/k8s/webhooks), edge
// cases included, must pass our CRD schema and CEL rules, and our configuration checks as the
// webhook runs them (`metallb-ts validate --admission`). What our CRDs refuse beyond
// upstream is listed in docs/differences.md (bounded lists and strings).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { bgpPeerV1beta1ToV1beta2, type BGPPeerV1beta1 } from '../../src/api/convert.js';
import type { CelEngine } from '../../src/api/crd-validation/cel-runtime.js';
import { bfd, bgpAd, community, l2Ad, peer, pool, problems as configProblems } from '../config/helpers.js';
import { celEngine, crdProblems } from './cel.js';

let cel: CelEngine;
beforeAll(async () => {
  cel = await celEngine();
});

type Obj = Record<string, unknown> & { apiVersion: string; kind: string };
const v1beta1Peer = (name: string, spec: Record<string, unknown>): Obj =>
  ({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { name, namespace: 'metallb-system' }, spec: { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1', ...spec } });

/** [what, the objects] */
const UPSTREAM_ACCEPTED: Array<[string, Obj[]]> = [
  // ---- durations: Go's time.ParseDuration (metav1.Duration) ----
  ['holdTime "0" and keepaliveTime "0" (timers off)', [peer('p', { peerAddress: '192.0.2.1', holdTime: '0', keepaliveTime: '0' })]],
  ['holdTime "90s" and keepaliveTime "30s"', [peer('p', { peerAddress: '192.0.2.1', holdTime: '90s', keepaliveTime: '30s' })]],
  ['holdTime "1h"', [peer('p', { peerAddress: '192.0.2.1', holdTime: '1h' })]],
  ['holdTime "3s", the smallest non-zero', [peer('p', { peerAddress: '192.0.2.1', holdTime: '3s' })]],
  ['holdTime "500ms" (truncates to 0)', [peer('p', { peerAddress: '192.0.2.1', holdTime: '500ms', keepaliveTime: '0s' })]],
  ['holdTime "1m30s"', [peer('p', { peerAddress: '192.0.2.1', holdTime: '1m30s' })]],
  ['holdTime "1.5m" and "+90s"-style signs', [peer('p', { peerAddress: '192.0.2.1', holdTime: '1.5m', keepaliveTime: '+30s' })]],
  ['keepaliveTime only (hold is 3x)', [peer('p', { peerAddress: '192.0.2.1', keepaliveTime: '30s' })]],
  ['keepaliveTime equal to holdTime', [peer('p', { peerAddress: '192.0.2.1', holdTime: '90s', keepaliveTime: '90s' })]],
  ['durations with a bare dot and micro units', [peer('p', { peerAddress: '192.0.2.1', holdTime: '90.s', keepaliveTime: '.5s' })]],
  ['keepalive in µs and μs', [peer('p', { peerAddress: '192.0.2.1', holdTime: '90s', keepaliveTime: '1000000µs' }), peer('q', { peerAddress: '192.0.2.2', holdTime: '90s', keepaliveTime: '1000000μs' })]],
  ['connectTime 1s, 65535s and 1m', [peer('a', { peerAddress: '192.0.2.1', connectTime: '1s' }), peer('b', { peerAddress: '192.0.2.2', connectTime: '65535s' }), peer('c', { peerAddress: '192.0.2.3', connectTime: '1m' })]],
  ['a negative hold time under a second (truncates to 0)', [peer('p', { peerAddress: '192.0.2.1', holdTime: '-500ms', keepaliveTime: '-1s' })]],

  // ---- ASNs and ports ----
  ['the largest ASNs', [peer('p', { myASN: 4294967295, peerASN: 4294967294, localASN: 4294967295, peerAddress: '192.0.2.1' })]],
  ['ASN 1 on both ends (iBGP)', [peer('p', { myASN: 1, peerASN: 1, peerAddress: '192.0.2.1' })]],
  ['dynamicASN with peerASN 0', [peer('p', { peerASN: 0, dynamicASN: 'external', peerAddress: '192.0.2.1' })]],
  ['ebgpMultiHop with dynamicASN internal (upstream does not catch it)', [peer('p', { peerASN: 0, dynamicASN: 'internal', ebgpMultiHop: true, peerAddress: '192.0.2.1' })]],
  ['peerPort 1 and 16384', [peer('a', { peerAddress: '192.0.2.1', peerPort: 1 }), peer('b', { peerAddress: '192.0.2.2', peerPort: 16384 })]],

  // ---- addresses ----
  ['an IPv6 peer with a zero-compressed, upper-case address', [peer('p', { peerAddress: '2001:DB8::0001', sourceAddress: '2001:db8::2' })]],
  ['an IPv4-mapped IPv6 peer address', [peer('p', { peerAddress: '::ffff:192.0.2.1' })]],
  ['an unnumbered peer with an empty peerAddress', [peer('p', { peerAddress: '', interface: 'eth0' })]],
  ['empty routerID and sourceAddress (unset)', [peer('p', { peerAddress: '192.0.2.1', routerID: '', sourceAddress: '' })]],
  ['an empty password beside a passwordSecret', [peer('p', { peerAddress: '192.0.2.1', password: '', passwordSecret: { name: 's', namespace: 'metallb-system' } })]],
  ['a VRF and graceful restart', [peer('p', { peerAddress: '192.0.2.1', vrf: 'red', enableGracefulRestart: true, dualStackAddressFamily: true, disableMP: false })]],

  // ---- pools ----
  ['CIDRs of both families, host bits set', [pool('p', ['192.0.2.1/24', '2001:db8::1/64'])]],
  ['a prefix length with leading zeros (Go reads /024)', [pool('p', ['198.51.100.0/024'])]],
  ['ranges with blanks and tabs around the dash', [pool('p', ['192.0.2.10 - 192.0.2.20', '192.0.2.30\t-\t192.0.2.40', ' 192.0.2.50-192.0.2.60 '])]],
  ['a one-address range', [pool('p', ['192.0.2.7-192.0.2.7'])]],
  ['an IPv4-mapped IPv6 CIDR (an IPv4 /24)', [pool('p', ['::ffff:198.51.100.0/120'])]],
  ['a range written half IPv4, half IPv4-mapped', [pool('p', ['198.51.100.10-::ffff:198.51.100.20'])]],
  ['a fully written IPv4-mapped range', [pool('p', ['0000:0000:0000:0000:0000:ffff:198.51.100.10-0000:0000:0000:0000:0000:ffff:198.51.100.20'])]],
  ['a mixed-family range (accepted, holds nothing)', [pool('p', ['192.0.2.1-2001:db8::1'])]],
  ['every pool option', [pool('p', ['192.0.2.0/24'], { autoAssign: false, avoidBuggyIPs: true, serviceAllocation: { priority: -1, namespaces: ['a', 'b'], namespaceSelectors: [{ matchLabels: { team: 'x' } }] } })]],

  // ---- communities ----
  ['community values with leading zeros', [community('c', [{ name: 'a', value: '00065535:00001' }, { name: 'b', value: 'large:0:0:0004294967295' }])]],
  ['an alias without a name', [community('c', [{ name: '', value: '1:1' }] as { name: string; value: string }[])]],
  ['advertisement communities: values, large values, and aliases', [bgpAd('a', { communities: ['65535:65282', 'large:1:2:3', 'NO_ADVERTISE', '0:0'] })]],
  ['an alias named like a community value', [community('c', [{ name: 'a:b', value: '1:2' }]), bgpAd('a', { communities: ['a:b'] })]],

  // ---- advertisements ----
  ['aggregation 32/128 with serviceSelectors', [bgpAd('a', { aggregationLength: 32, aggregationLengthV6: 128, serviceSelectors: [{ matchLabels: { app: 'web' } }] })]],
  ['localPref at both ends', [bgpAd('a', { localPref: 0 }), bgpAd('b', { localPref: 4294967295, peers: ['x'] })]],
  ['a negative aggregationLengthV6 (no IPv6 pool)', [pool('p', ['192.0.2.0/24']), bgpAd('a', { ipAddressPools: ['p'], aggregationLengthV6: -1 })]],
  ['an L2 advertisement with VLAN interfaces and full weight', [l2Ad('l', { interfaces: ['eth0', 'bond0.100'], preferredNodeSelectors: [{ weight: 100, preference: { matchLabels: { rack: '1' } } }] })]],

  // ---- BFD ----
  ['BFD bounds', [bfd('lo', { receiveInterval: 10, transmitInterval: 10, echoInterval: 10, detectMultiplier: 2, minimumTtl: 1 }),
    bfd('hi', { receiveInterval: 60000, transmitInterval: 60000, echoInterval: 60000, detectMultiplier: 255, minimumTtl: 254, echoMode: true, passiveMode: true })]],

  // ---- BGPPeer v1beta1 ----
  ['v1beta1: port 0, timers, legacy node selectors', [v1beta1Peer('p', { peerPort: 0, holdTime: '90s', keepaliveTime: '30s', nodeSelectors: [{ matchExpressions: [{ key: 'rack', operator: 'In', values: ['a'] }] }] })]],
  ['v1beta1: hold time "0"', [v1beta1Peer('p', { holdTime: '0', keepaliveTime: '0' })]],
];

describe('objects upstream MetalLB accepts', () => {
  it.each(UPSTREAM_ACCEPTED)('%s pass our CRDs', (_what, objects) => {
    for (const o of objects) expect([`${o.kind}`, crdProblems(cel, o)]).toEqual([`${o.kind}`, []]);
  });

  it.each(UPSTREAM_ACCEPTED)('%s pass our configuration checks as the webhook runs them', (_what, objects) => {
    // The API server stores BGPPeers as v1beta2: the webhook sees them converted.
    const stored = objects.map((o) => (o.kind === 'BGPPeer' && o.apiVersion === 'metallb.io/v1beta1' ? bgpPeerV1beta1ToV1beta2(o as unknown as BGPPeerV1beta1) : o));
    expect(configProblems(stored, { ignoreTransient: true })).toEqual([]);
  });
});
