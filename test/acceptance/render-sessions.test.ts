// Acceptance: session details of `render frr` (spec 2.3 timers, 4.2 neighbor lines, bfd block,
// bgpextras), on test/acceptance/scenarios/sessions.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { describeSent, parseFrrText, sentTo, type FrrText } from './frr-text.js';
import { runRenderFrr } from '../../src/cli/render.js';
import { folderWith, renderFrr, scenario } from './run.js';

describe('render frr: session details', () => {
  let text: string;
  let conf: FrrText;
  beforeAll(async () => {
    const r = await renderFrr([scenario('sessions')], 'node-a');
    expect(r.code).toBe(0);
    text = r.out;
    conf = parseFrrText(text);
  });

  it('derives timers as upstream: hold only -> hold/3, keepalive only -> 3x, 0s -> timers 0 0', () => {
    const n = conf.routers.find((r) => r.vrf === '')!.neighbors;
    expect(n.get('192.0.2.1')).toContain('timers 30 90');
    expect(n.get('192.0.2.5')).toContain('timers 10 30');
    expect(n.get('192.0.2.2')).toContain('timers 0 0');
    expect(n.get('eth2')?.some((o) => o.startsWith('timers'))).toBe(false);
  });

  it('takes the password from the basic-auth Secret (base64 data) and the BFD profile with echo', () => {
    const n = conf.routers.find((r) => r.vrf === '')!.neighbors;
    expect(n.get('192.0.2.1')).toEqual(expect.arrayContaining(['password password1', 'bfd', 'bfd profile echo']));
    expect([...(conf.bfdProfiles.get('echo') ?? [])].sort()).toEqual(['echo receive-interval 100', 'echo transmit-interval 100', 'echo-mode', 'receive-interval 400']);
  });

  it('renders the unnumbered peer with its numeric ASN, and the VRF router with its own myASN', () => {
    const main = conf.routers.find((r) => r.vrf === '')!;
    expect(main.asn).toBe(64500);
    expect(main.neighbors.get('eth2')).toEqual(['interface remote-as 64509']);
    const blue = conf.routers.find((r) => r.vrf === 'blue')!;
    expect(blue.asn).toBe(64600);
    expect(blue.neighbors.get('192.0.2.4')).toEqual(expect.arrayContaining(['remote-as external', 'timers 3 9']));
    expect(blue.neighbors.get('192.0.2.4')?.some((o) => o.startsWith('ebgp-multihop'))).toBe(true);
  });

  it('originates a shared IP once and keeps an IP already in status; every peer gets both', () => {
    // the bgpextras `router bgp 64500` at the end reads as a router without neighbors: skip it
    for (const r of conf.routers.filter((x) => x.neighbors.size > 0)) {
      expect(r.af[4].networks.sort()).toEqual(['203.0.113.5/32', '203.0.113.7/32']);
      for (const nb of r.af[4].activated) expect(describeSent(sentTo(conf, r, nb))).toEqual(['203.0.113.5/32', '203.0.113.7/32']);
    }
  });

  it('appends the bgpextras text at the end, and honours --hostname', async () => {
    expect(text.trimEnd().endsWith('router bgp 64500\n bgp bestpath as-path multipath-relax')).toBe(true);
    expect(text).toMatch(/^hostname node-a$/m);
    let out = '';
    await runRenderFrr([scenario('sessions')], { node: 'node-a', hostname: 'myhost', logLevel: 'info', canonical: true }, (s) => (out += s), () => undefined);
    expect(out).toMatch(/^hostname myhost$/m);
  });
});

describe('render frr: a peer broken on another node (spec 11.1)', () => {
  it('still renders the other nodes, with the problem as a note', async () => {
    const dir = scenario('peer-broken-on-node-b');
    const a = await renderFrr([dir], 'node-a');
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^ neighbor 192\.0\.2\.1 remote-as 64501$/m);
    expect(a.out).not.toMatch(/192\.0\.2\.2/);
    expect(a.out).toMatch(/^ {2}network 203\.0\.113\.7\/32$/m);
    expect(a.err).toMatch(/BGPPeer\/bad/);
    const b = await renderFrr([dir], 'node-b');
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/BGPPeer\/bad: .*ebgp-multihop/);
  });
});

describe('render frr: options FRR does not take (measured on FRR 8.4)', () => {
  it('leaves out ebgp-multihop on iBGP (FRR drops it silently) and every local-as FRR refuses, saying so for local-as', async () => {
    const dir = await folderWith(`
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: p, namespace: metallb-system }
spec: { addresses: [203.0.113.0/29] }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: dyn-internal, namespace: metallb-system }
spec: { peerAddress: 192.0.2.1, dynamicASN: internal, myASN: 64500, ebgpMultiHop: true }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: same-asn, namespace: metallb-system }
spec: { peerAddress: 192.0.2.2, peerASN: 64500, myASN: 64500, localASN: 64600 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: ebgp, namespace: metallb-system }
spec: { peerAddress: 192.0.2.3, peerASN: 64600, myASN: 64500, localASN: 64700, ebgpMultiHop: true }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: local-is-peer, namespace: metallb-system }
spec: { peerAddress: 192.0.2.4, peerASN: 64600, myASN: 64500, localASN: 64600 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: local-is-mine, namespace: metallb-system }
spec: { peerAddress: 192.0.2.5, peerASN: 64600, myASN: 64500, localASN: 64500 }
`);
    const r = await renderFrr([dir], 'n1');
    expect(r.code).toBe(0);
    const n = parseFrrText(r.out).routers[0].neighbors;
    expect(n.get('192.0.2.1')).toEqual(['remote-as internal']);
    expect(n.get('192.0.2.2')).toEqual(['remote-as 64500']);
    expect(n.get('192.0.2.3')).toEqual(expect.arrayContaining(['remote-as 64600', 'local-as 64700 no-prepend replace-as']));
    expect(n.get('192.0.2.4')).toEqual(['remote-as 64600']);
    expect(n.get('192.0.2.5')).toEqual(['remote-as 64600']);
    expect(r.err).toMatch(/BGPPeer\/local-is-peer: spec\.localASN 64600 is ignored: it equals peerASN/);
    expect(r.err).toMatch(/BGPPeer\/local-is-mine: spec\.localASN 64500 is ignored: it equals myASN/);
    expect(n.get('192.0.2.3')?.some((o) => o.startsWith('ebgp-multihop'))).toBe(true);
    expect(r.err).toMatch(/BGPPeer\/same-asn: spec\.localASN 64600 is ignored/);
    expect(r.err).not.toMatch(/BGPPeer\/ebgp/);
  });
});

describe('render frr: a password FRR cannot take', () => {
  it('leaves that session out, keeps the others and names the peer', async () => {
    const dir = await folderWith(`
apiVersion: v1
kind: Secret
metadata: { name: spaced, namespace: metallb-system }
type: kubernetes.io/basic-auth
stringData: { password: "two words" }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: p, namespace: metallb-system }
spec: { addresses: [203.0.113.0/29] }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: spaced, namespace: metallb-system }
spec: { peerAddress: 192.0.2.1, peerASN: 64501, myASN: 64500, passwordSecret: { name: spaced, namespace: metallb-system } }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: fine, namespace: metallb-system }
spec: { peerAddress: 192.0.2.2, peerASN: 64501, myASN: 64500, password: "p@ss!word#1" }
`);
    const r = await renderFrr([dir], 'n1');
    expect(r.code).toBe(0);
    const n = parseFrrText(r.out).routers[0].neighbors;
    expect([...n.keys()]).toEqual(['192.0.2.2']);
    expect(n.get('192.0.2.2')).toContain('password p@ss!word#1');
    expect(r.err).toMatch(/BGPPeer\/spaced: the password contains whitespace/);
  });
});
