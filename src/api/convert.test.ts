import { describe, expect, test } from '@jest/globals';
import { bgpPeerV1beta1ToV1beta2, bgpPeerV1beta2ToV1beta1, type BGPPeerV1beta1 } from './convert.js';
import type { BGPPeer } from './metallb.js';

describe('BGPPeer v1beta1 <-> v1beta2', () => {
  const v1: BGPPeerV1beta1 = {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'BGPPeer',
    metadata: { name: 'p', namespace: 'metallb-system' },
    spec: {
      myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1', peerPort: 1179, holdTime: '90s', keepaliveTime: '30s',
      routerID: '192.0.2.10', password: 'x', bfdProfile: 'b', ebgpMultiHop: true,
      nodeSelectors: [{ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'rack', operator: 'In', values: ['1'] }] }],
    },
  };

  test('up: every shared field copied, legacy selectors become label selectors', () => {
    const v2 = bgpPeerV1beta1ToV1beta2(v1);
    expect(v2.apiVersion).toBe('metallb.io/v1beta2');
    expect(v2.spec).toEqual({ ...v1.spec, nodeSelectors: [{ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'rack', operator: 'In', values: ['1'] }] }] });
  });

  test('round trip is lossless for v1beta1 fields', () => {
    expect(bgpPeerV1beta2ToV1beta1(bgpPeerV1beta1ToV1beta2(v1))).toEqual(v1);
  });

  test('up: vrf and passwordSecret, which v1beta1 does not have, are dropped as the API server prunes them', () => {
    // Upstream's v1beta1 schema has neither field: the same manifest must not land in another VRF or
    // with another password here than there.
    const withExtras = { ...v1, spec: { ...v1.spec, vrf: 'red', passwordSecret: { name: 's', namespace: 'metallb-system' } } } as unknown as BGPPeerV1beta1;
    const v2 = bgpPeerV1beta1ToV1beta2(withExtras);
    expect(v2.spec.vrf).toBeUndefined();
    expect(v2.spec.passwordSecret).toBeUndefined();
    expect(v2.spec.password).toBe('x');
  });

  test('down: v1beta2-only fields are dropped; port 0 means default', () => {
    const v2: BGPPeer = {
      apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'q' },
      spec: { myASN: 1, dynamicASN: 'external', interface: 'eth0', connectTime: '5s', dualStackAddressFamily: true, vrf: 'red', passwordSecret: { name: 's' } },
    };
    expect(bgpPeerV1beta2ToV1beta1(v2).spec).toEqual({ myASN: 1 });
    expect(bgpPeerV1beta1ToV1beta2({ ...v1, spec: { myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', peerPort: 0 } }).spec).toEqual({ myASN: 1, peerASN: 2, peerAddress: '192.0.2.1' });
  });
});
