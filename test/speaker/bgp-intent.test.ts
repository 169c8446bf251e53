import { describe, expect, test } from '@jest/globals';
import { parseIP, type IP } from '../../src/api/ip.js';
import { buildNodeBGPIntent, type AnnouncedService } from '../../src/bgp/intent.js';
import { disableConnectedCheck, neighborFromPeer } from '../../src/bgp/neighbor.js';
import type { NeighborIntent } from '../../src/bgp/types.js';
import type { Config, Pool } from '../../src/config/types.js';
import { bgpAd, config, peer, pool, sel } from './fixtures.js';

const ips = (...t: string[]): IP[] => t.map((x) => parseIP(x)!);
const announced = (key: string, p: Pool, addrs: string[], labels?: Record<string, string>): AnnouncedService => ({ key, pool: p, ips: ips(...addrs), labels });

function build(cfg: Config, services: AnnouncedService[], nodeLabels: Record<string, string> = { 'kubernetes.io/hostname': 'node-a' }) {
  return buildNodeBGPIntent({ config: cfg, nodeLabels, hostname: 'node-a', logLevel: 'informational', services });
}
const ads = (n: NeighborIntent) => n.advertisements.map((a) => `${a.prefix} lp=${a.localPref} c=${a.communities.map((c) => c.text).join(',')}`);

describe('seed guide advanced BGP example', () => {
  // IPAddressPool doc-example-bgp-adv: 203.0.113.200/30 and fc00:f853:ccd:e799::/124; ad-1: /32, localPref 100,
  // community 65535:65282 (NO_ADVERTISE); ad-2: aggregationLength 30 / V6 124, community 8000:800.
  const p = pool('doc-example-bgp-adv', ['203.0.113.200/30', 'fc00:f853:ccd:e799::/124'], {
    bgp: [
      bgpAd('bgpadvertisement-adv-1', { localPref: 100, communities: ['65535:65282'] }),
      bgpAd('bgpadvertisement-adv-2', { aggregationLength: 30, aggregationLengthV6: 124, communities: ['8000:800'] }),
    ],
  });
  const cfg = config({ pools: [p], peers: [peer('peer-v4', { address: '192.0.2.1' }), peer('peer-v6', { address: '2001:db8::1' })] });

  test('a /32 with localPref 100 and NO_ADVERTISE, and the /30 aggregate with 8000:800', () => {
    const r = build(cfg, [announced('ns/a', p, ['203.0.113.200']), announced('ns/b', p, ['203.0.113.201'])]);
    const [router] = r.intent.routers;
    const v4 = router.neighbors.find((n) => n.peerName === 'peer-v4')!;
    expect(ads(v4)).toEqual([
      '203.0.113.200/30 lp=0 c=8000:800',
      '203.0.113.200/32 lp=100 c=65535:65282',
      '203.0.113.201/32 lp=100 c=65535:65282',
    ]);
    expect(router.prefixes).toEqual(['203.0.113.200/30', '203.0.113.200/32', '203.0.113.201/32']);
    expect(router.poolRanges).toEqual([
      { pool: 'doc-example-bgp-adv', cidr: '203.0.113.200/30', family: 4, lengths: [30, 32] },
      { pool: 'doc-example-bgp-adv', cidr: 'fc00:f853:ccd:e799::/124', family: 6, lengths: [124, 128] },
    ]);
    // The IPv6 neighbor gets no IPv4 prefix.
    expect(router.neighbors.find((n) => n.peerName === 'peer-v6')!.advertisements).toEqual([]);
    expect(r.peersByService.get('ns/a')).toEqual(['peer-v4']);
  });

  test('the IPv6 side: /128 and the /124 aggregate', () => {
    const r = build(cfg, [announced('ns/a', p, ['203.0.113.200', 'fc00:f853:ccd:e799::1'])]);
    const v6 = r.intent.routers[0].neighbors.find((n) => n.peerName === 'peer-v6')!;
    expect(ads(v6)).toEqual(['fc00:f853:ccd:e799::/124 lp=0 c=8000:800', 'fc00:f853:ccd:e799::1/128 lp=100 c=65535:65282']);
    expect(v6.advertisements.every((a) => a.family === 6 && a.pool === 'doc-example-bgp-adv')).toBe(true);
    expect(r.peersByService.get('ns/a')).toEqual(['peer-v4', 'peer-v6']);
  });
});

describe('neighbors', () => {
  test('peers are filtered by nodeSelectors and grouped into routers by ASN, router ID and VRF', () => {
    const cfg = config({
      peers: [
        peer('a', { address: '192.0.2.1' }),
        peer('b', { address: '192.0.2.2', nodeSelectors: [sel({ rack: 'r1' })] }),
        peer('c', { address: '192.0.2.3', nodeSelectors: [sel({ rack: 'r2' })] }),
        peer('red', { address: '198.51.100.1', vrf: 'red', myASN: 64600 }),
      ],
    });
    const r = build(cfg, [], { rack: 'r1' });
    expect(r.intent.routers.map((x) => [x.asn, x.vrf, x.neighbors.map((n) => n.id)])).toEqual([
      [64512, '', ['192.0.2.1', '192.0.2.2']],
      [64600, 'red', ['198.51.100.1-red']],
    ]);
    expect(r.intent.hostname).toBe('node-a');
    expect(r.intent.logLevel).toBe('informational');
  });

  test('session attributes carried over', () => {
    const n = neighborFromPeer(peer('x', {
      address: '2001:DB8::0001', peerASN: 0, dynamicASN: 'external', holdTime: 90, keepaliveTime: 30, connectTime: 5,
      password: 's3cret', bfdProfile: 'fast', ebgpMultiHop: true, enableGracefulRestart: true, localASN: 65000, port: 180,
      sourceAddress: '2001:db8::10',
    }));
    expect(n).toMatchObject({
      id: '2001:db8::1', address: '2001:db8::1', remoteAS: 'external', family: 'ipv6', holdTime: 90, keepaliveTime: 30,
      connectTime: 5, password: 's3cret', bfdProfile: 'fast', gracefulRestart: true, localASN: 65000, port: 180,
      sourceAddress: '2001:db8::10', disableConnectedCheck: false, ebgpMultiHop: true,
    });
    // FRR drops ebgp-multihop and refuses local-as on iBGP sessions: the intent leaves them out
    const ibgp = neighborFromPeer(peer('z', { address: '192.0.2.9', peerASN: 0, dynamicASN: 'internal', ebgpMultiHop: true, localASN: 65000 }));
    expect(ibgp).toMatchObject({ remoteAS: 'internal', ebgpMultiHop: false, localASN: 0 });
    expect(neighborFromPeer(peer('y', { peerASN: 65001 })).remoteAS).toBe('65001');
  });

  test.each([
    ['IPv6 eBGP numeric', { address: '2001:db8::1', peerASN: 65001 }, true],
    ['IPv6 dynamic external', { address: '2001:db8::1', peerASN: 0, dynamicASN: 'external' as const }, true],
    ['IPv6 dynamic internal', { address: '2001:db8::1', peerASN: 0, dynamicASN: 'internal' as const }, false],
    ['IPv6 iBGP', { address: '2001:db8::1', peerASN: 64512 }, false],
    ['IPv6 eBGP multihop', { address: '2001:db8::1', peerASN: 65001, ebgpMultiHop: true }, false],
    ['IPv4 eBGP', { address: '192.0.2.1', peerASN: 65001 }, false],
    ['IPv6 dual stack', { address: '2001:db8::1', peerASN: 65001, dualStackAddressFamily: true }, false],
    ['unnumbered', { address: undefined, iface: 'eth1', peerASN: 65001 }, false],
  ])('disable-connected-check: %s -> %s', (_n, o, expected) => {
    expect(disableConnectedCheck(peer('p', o))).toBe(expected);
  });

  test('bfd profiles (sorted) and extras come from the config', () => {
    const cfg = config({ extras: 'route-map x permit 1\n' });
    cfg.bfdProfiles.set('slow', { name: 'slow', receiveInterval: 1000 });
    cfg.bfdProfiles.set('fast', { name: 'fast', receiveInterval: 100 });
    const r = build(cfg, []);
    expect(r.intent.bfdProfiles.map((b) => b.name)).toEqual(['fast', 'slow']);
    expect(r.intent.extras).toBe('route-map x permit 1\n');
    expect(r.intent.routers).toEqual([]);
  });
});

describe('per-neighbor advertisements', () => {
  const dual = pool('dual', ['192.0.2.0/24', '2001:db8:1::/64'], { bgp: [bgpAd('all')] });

  test('families: v4 peer gets v4, v6 peer v6, unnumbered and dualStackAddressFamily both', () => {
    const cfg = config({
      pools: [dual],
      peers: [
        peer('v4', { address: '198.51.100.1' }), peer('v6', { address: '2001:db8::1' }),
        peer('unnum', { address: undefined, iface: 'eth1' }), peer('ds', { address: '198.51.100.2', dualStackAddressFamily: true }),
      ],
    });
    const r = build(cfg, [announced('ns/s', dual, ['192.0.2.7', '2001:db8:1::7'])]);
    const byPeer = Object.fromEntries(r.intent.routers[0].neighbors.map((n) => [n.peerName, [n.family, n.advertisements.map((a) => a.prefix)]]));
    expect(byPeer).toEqual({
      v4: ['ipv4', ['192.0.2.7/32']],
      v6: ['ipv6', ['2001:db8:1::7/128']],
      unnum: ['dual', ['192.0.2.7/32', '2001:db8:1::7/128']],
      ds: ['dual', ['192.0.2.7/32', '2001:db8:1::7/128']],
    });
    expect(r.intent.routers[0].neighbors.map((n) => n.id)).toEqual(['198.51.100.1', '198.51.100.2', '2001:db8::1', 'eth1']);
  });

  test('aggregation: many Service IPs become one prefix; pool ranges list the lengths in use', () => {
    const p = pool('agg', ['192.0.2.0/24', '2001:db8:1::/64'], { bgp: [bgpAd('agg', { aggregationLength: 25, aggregationLengthV6: 64 })] });
    const cfg = config({ pools: [p], peers: [peer('v4', { address: '198.51.100.1', dualStackAddressFamily: true })] });
    const r = build(cfg, [
      announced('ns/a', p, ['192.0.2.1']), announced('ns/b', p, ['192.0.2.100']), announced('ns/c', p, ['192.0.2.200', '2001:db8:1::9']),
    ]);
    const router = r.intent.routers[0];
    expect(router.prefixes).toEqual(['192.0.2.0/25', '192.0.2.128/25', '2001:db8:1::/64']);
    expect(router.poolRanges).toEqual([
      { pool: 'agg', cidr: '192.0.2.0/24', family: 4, lengths: [25] },
      { pool: 'agg', cidr: '2001:db8:1::/64', family: 6, lengths: [64] },
    ]);
  });

  test('pool ranges depend on the config only: present before the first Service, limited to ads for this node and router', () => {
    const p = pool('p', ['192.0.2.0/25', '192.0.2.128/26'], {
      bgp: [bgpAd('n1', { aggregationLength: 28 }), bgpAd('other-node', { aggregationLength: 30, nodeSelectors: [sel({ rack: 'r9' })] })],
    });
    const red = pool('red', ['198.51.100.0/24'], { bgp: [bgpAd('to-red', { peers: ['red'] })] });
    const cfg = config({ pools: [red, p], peers: [peer('a', { address: '203.0.113.1' }), peer('red', { address: '203.0.113.2', vrf: 'red' })] });
    const [def, vrf] = build(cfg, []).intent.routers;
    expect(def.poolRanges).toEqual([
      { pool: 'p', cidr: '192.0.2.0/25', family: 4, lengths: [28] },
      { pool: 'p', cidr: '192.0.2.128/26', family: 4, lengths: [28] },
    ]);
    expect(vrf.poolRanges.map((r) => [r.pool, r.cidr, r.lengths])).toEqual([
      ['p', '192.0.2.0/25', [28]], ['p', '192.0.2.128/26', [28]], ['red', '198.51.100.0/24', [32]],
    ]);
  });

  test('ads restricted by peers, nodeSelectors and serviceSelectors; communities union sorted', () => {
    const p = pool('p', ['192.0.2.0/24'], {
      bgp: [
        bgpAd('to-a', { peers: ['a'], communities: ['65000:2'] }),
        bgpAd('everyone', { communities: ['65000:10', 'large:1:2:3'] }),
        bgpAd('rack2-only', { nodeSelectors: [sel({ rack: 'r2' })], localPref: 300 }),
        bgpAd('gold', { serviceSelectors: [sel({ tier: 'gold' })], aggregationLength: 32, communities: ['65000:1'] }),
      ],
    });
    const cfg = config({ pools: [p], peers: [peer('a', { address: '198.51.100.1' }), peer('b', { address: '198.51.100.2' })] });
    const r = build(cfg, [announced('ns/gold', p, ['192.0.2.1'], { tier: 'gold' }), announced('ns/plain', p, ['192.0.2.2'])], { rack: 'r1' });
    const [na, nb] = r.intent.routers[0].neighbors;
    expect(ads(na)).toEqual([
      '192.0.2.1/32 lp=0 c=65000:1,65000:10,65000:2,large:1:2:3',
      '192.0.2.2/32 lp=0 c=65000:10,65000:2,large:1:2:3',
    ]);
    expect(ads(nb)).toEqual(['192.0.2.1/32 lp=0 c=65000:1,65000:10,large:1:2:3', '192.0.2.2/32 lp=0 c=65000:10,large:1:2:3']);
    // on a rack2 node the localPref ad applies too
    const r2 = build(cfg, [announced('ns/plain', p, ['192.0.2.2'])], { rack: 'r2' });
    expect(ads(r2.intent.routers[0].neighbors[1])).toEqual(['192.0.2.2/32 lp=300 c=65000:10,large:1:2:3']);
  });

  test('an ad naming one peer: the other peer gets nothing and is not listed for the Service', () => {
    const p = pool('p', ['192.0.2.0/24'], { bgp: [bgpAd('only-a', { peers: ['a'] })] });
    const cfg = config({ pools: [p], peers: [peer('a', { address: '198.51.100.1' }), peer('b', { address: '198.51.100.2' })] });
    const r = build(cfg, [announced('ns/s', p, ['192.0.2.9'])]);
    expect(r.intent.routers[0].neighbors.map((n) => n.advertisements.length)).toEqual([1, 0]);
    expect(r.peersByService.get('ns/s')).toEqual(['a']);
  });

  test('more than 63 communities: error, prefix not advertised', () => {
    const many = Array.from({ length: 64 }, (_, i) => `65000:${i}`);
    const p = pool('p', ['192.0.2.0/24'], { bgp: [bgpAd('many', { communities: many })] });
    const cfg = config({ pools: [p], peers: [peer('a')] });
    const r = build(cfg, [announced('ns/s', p, ['192.0.2.9'])]);
    expect(r.errors).toEqual(['BGPPeer/a: prefix 192.0.2.9/32: max supported communities is 63, got 64; not advertised']);
    expect(r.intent.routers[0].neighbors[0].advertisements).toEqual([]);
    expect(r.peersByService.has('ns/s')).toBe(false);
    const ok = pool('p', ['192.0.2.0/24'], { bgp: [bgpAd('ok', { communities: many.slice(0, 63) })] });
    expect(build(config({ pools: [ok], peers: [peer('a')] }), [announced('ns/s', ok, ['192.0.2.9'])]).errors).toEqual([]);
  });

  test('output is independent of input order', () => {
    const p = pool('p', ['192.0.2.0/24'], { bgp: [bgpAd('x')] });
    const peers = [peer('z', { address: '198.51.100.9' }), peer('a', { address: '198.51.100.1' })];
    const svcs = [announced('ns/b', p, ['192.0.2.20']), announced('ns/a', p, ['192.0.2.3'])];
    const one = build(config({ pools: [p], peers }), svcs);
    const two = build(config({ pools: [p], peers: [...peers].reverse() }), [...svcs].reverse());
    expect(JSON.stringify(two.intent)).toBe(JSON.stringify(one.intent));
    expect(one.intent.routers[0].prefixes).toEqual(['192.0.2.3/32', '192.0.2.20/32']);
  });
});
