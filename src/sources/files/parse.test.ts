import { describe, expect, test } from '@jest/globals';
import { parseDocuments, toSnapshot } from './parse.js';

describe('parseDocuments', () => {
  test('recognises kinds by apiVersion and kind; ignores unknown kinds', () => {
    const text = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: a, namespace: metallb-system}
spec: {addresses: [192.0.2.0/24]}
---
apiVersion: metallb.io/v1beta1
kind: MetalLB
metadata: {name: metallb}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
---
apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, namespace: default}
endpoints: []
---
# only a comment
`;
    const r = parseDocuments(text, 'x.yaml');
    expect(r.errors).toEqual([]);
    expect(r.objects.map((o) => [o.list, o.object.metadata.name, o.line])).toEqual([
      ['pools', 'a', 2],
      ['nodes', 'n1', 15],
      ['endpointSlices', 'web-abc', 19],
    ]);
    const snap = toSnapshot(r.objects);
    expect(snap.pools).toHaveLength(1);
    expect(snap.nodes[0].metadata.name).toBe('n1');
  });

  test('errors name file and line', () => {
    const text = `apiVersion: v1
kind: Service
metadata: {name: ok}
spec: {type: LoadBalancer}
---
apiVersion: v1
kind: Service
metadata:
  name: broken
  labels: [unclosed
---
apiVersion: v1
metadata: {name: nokind}
---
apiVersion: v1
kind: Namespace
metadata: {labels: {a: b}}
---
- just
- a list
`;
    const r = parseDocuments(text, 'svc.yaml');
    expect(r.objects.map((o) => o.object.metadata.name)).toEqual(['ok']);
    expect(r.errors).toHaveLength(4);
    expect(r.errors[0]).toMatch(/^svc\.yaml:1[01]: /);
    expect(r.errors[1]).toBe('svc.yaml:12: object has no kind: add "kind:" (for example kind: IPAddressPool)');
    expect(r.errors[2]).toBe('svc.yaml:15: Namespace has no metadata.name: every object needs a name');
    expect(r.errors[3]).toMatch(/^svc\.yaml:19: expected a Kubernetes object/);
  });

  test('kind: List items are unpacked with their own lines', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: one}
- apiVersion: v1
  kind: Namespace
  metadata: {name: two}
`;
    const r = parseDocuments(text, 'l.yaml');
    expect(r.objects.map((o) => [o.object.metadata.name, o.line])).toEqual([['one', 4], ['two', 7]]);
  });

  test('Secret stringData is merged into base64 data', () => {
    const text = `apiVersion: v1
kind: Secret
metadata: {name: s, namespace: metallb-system}
type: kubernetes.io/basic-auth
data: {username: YWRtaW4=}
stringData: {password: "s3cret"}
`;
    const r = parseDocuments(text, 's.yaml');
    const s = toSnapshot(r.objects).secrets[0];
    expect(s.data).toEqual({ username: 'YWRtaW4=', password: Buffer.from('s3cret').toString('base64') });
    expect(s.stringData).toBeUndefined();
  });

  test('v1beta1 BGPPeer is converted to v1beta2 (legacy node selectors)', () => {
    const text = `apiVersion: metallb.io/v1beta1
kind: BGPPeer
metadata: {name: old, namespace: metallb-system}
spec:
  myASN: 64500
  peerASN: 64501
  peerAddress: 192.0.2.1
  holdTime: 90s
  nodeSelectors:
  - matchExpressions:
    - {key: rack, operator: In, values: [a, b]}
`;
    const r = parseDocuments(text, 'p.yaml');
    const p = toSnapshot(r.objects).bgpPeers[0];
    expect(p.apiVersion).toBe('metallb.io/v1beta2');
    expect(p.spec).toEqual({
      myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1', holdTime: '90s',
      nodeSelectors: [{ matchExpressions: [{ key: 'rack', operator: 'In', values: ['a', 'b'] }] }],
    });
  });

  test('a v1beta1 BGPPeer loses vrf and passwordSecret, which its version does not have (the API server prunes them)', () => {
    const text = `apiVersion: metallb.io/v1beta1
kind: BGPPeer
metadata: {name: old}
spec:
  myASN: 64500
  peerASN: 64501
  peerAddress: 192.0.2.1
  vrf: red
  passwordSecret: {name: bgp-secret}
`;
    const p = toSnapshot(parseDocuments(text, 'p.yaml').objects).bgpPeers[0];
    expect(p.spec).toEqual({ myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1' });
  });

  test('unquoted communities stay strings (YAML 1.2, no sexagesimal)', () => {
    const r = parseDocuments('apiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: {name: a}\nspec:\n  communities:\n  - 65535:65282\n', 'a.yaml');
    expect(toSnapshot(r.objects).bgpAdvertisements[0].spec.communities).toEqual(['65535:65282']);
  });

  test('plain yes/no/on/off are booleans as kubectl reads them; quoted ones stay strings', () => {
    const r = parseDocuments('apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: a, labels: {x: "yes"}}\nspec: {addresses: [192.0.2.0/24], autoAssign: no, avoidBuggyIPs: on}\n', 'b.yaml');
    const p = toSnapshot(r.objects).pools[0];
    expect(p.spec).toEqual({ addresses: ['192.0.2.0/24'], autoAssign: false, avoidBuggyIPs: true });
    expect(p.metadata.labels).toEqual({ x: 'yes' });
  });

  test('a MetalLB kind in a version its CRD does not serve is an error; other metallb.io kinds are ignored', () => {
    const r = parseDocuments('apiVersion: metallb.io/v1beta2\nkind: IPAddressPool\nmetadata: {name: a}\n---\napiVersion: metallb.io/v1beta1\nkind: MetalLB\nmetadata: {name: m}\n', 'v.yaml');
    expect(r.objects).toEqual([]);
    expect(r.errors).toEqual(['v.yaml:1: no matches for kind "IPAddressPool" in version "metallb.io/v1beta2": use metallb.io/v1beta1']);
  });

  test('duplicate keys are an error', () => {
    const r = parseDocuments('apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\nmetadata: {name: b}\n', 'd.yaml');
    expect(r.errors[0]).toMatch(/^d\.yaml:4: /);
  });
});
