// Hand-built NodeBGPIntents, one per golden file test/golden/frr/<name>.conf. Also loaded into a real
// FRR by e2e/frr/conformance.test.ts. Addresses are documentation ranges only.
import type { BGPCommunity } from '../../../src/config/types.js';
import type { AdvertisedPrefix, NeighborIntent, NodeBGPIntent, PoolRange, RouterIntent } from '../../../src/bgp/types.js';

export function neighbor(over: Partial<NeighborIntent> & { address?: string; iface?: string }): NeighborIntent {
  const name = over.address ?? over.iface ?? '192.0.2.254';
  return {
    peerName: over.peerName ?? `peer-${name}`,
    id: over.id ?? name,
    remoteAS: '64513',
    localASN: 0,
    family: name.includes(':') ? 'ipv6' : 'ipv4',
    port: 179,
    password: '',
    ebgpMultiHop: false,
    gracefulRestart: false,
    bfdProfile: '',
    disableConnectedCheck: false,
    advertisements: [],
    ...over,
  };
}

export function ad(prefix: string, over: Partial<AdvertisedPrefix> = {}): AdvertisedPrefix {
  return { prefix, family: prefix.includes(':') ? 6 : 4, localPref: 0, communities: [], pool: 'pool1', ...over };
}

export function range(cidr: string, lengths: number[], pool = 'pool1'): PoolRange {
  return { pool, cidr, family: cidr.includes(':') ? 6 : 4, lengths };
}

export function router(over: Partial<RouterIntent> & { neighbors: NeighborIntent[] }): RouterIntent {
  const prefixes = [...new Set(over.neighbors.flatMap((n) => n.advertisements.map((a) => a.prefix)))].sort();
  return { asn: 64512, routerID: '', vrf: '', prefixes, poolRanges: [], ...over };
}

export function intent(routers: RouterIntent[], over: Partial<NodeBGPIntent> = {}): NodeBGPIntent {
  return { hostname: 'node1', logLevel: 'informational', routers, bfdProfiles: [], extras: '', ...over };
}

const std = (text: string): BGPCommunity => {
  const [h, l] = text.split(':').map(Number);
  return { kind: 'standard', high: h, low: l, text };
};
const large = (text: string): BGPCommunity => {
  const [g, a, b] = text.split(':').map(Number);
  // the config's text of a large community keeps its "large:" marker; FRR must not see it
  return { kind: 'large', global: g, local1: a, local2: b, text: `large:${text}` };
};

const v4pool = range('192.0.2.0/24', [32]);
const v6pool = range('2001:db8:1::/64', [128], 'pool6');

export const scenarios: Record<string, NodeBGPIntent> = {
  'single-peer': intent([
    router({ neighbors: [neighbor({ address: '198.51.100.1', advertisements: [ad('192.0.2.10/32')] })], poolRanges: [v4pool] }),
  ]),

  'ibgp-ebgp': intent([
    router({
      routerID: '198.51.100.2',
      poolRanges: [v4pool],
      neighbors: [
        neighbor({ address: '198.51.100.1', remoteAS: '64512', advertisements: [ad('192.0.2.10/32'), ad('192.0.2.11/32')] }),
        neighbor({ address: '198.51.100.3', remoteAS: 'external', advertisements: [ad('192.0.2.10/32'), ad('192.0.2.11/32')] }),
        neighbor({ address: '198.51.100.4', remoteAS: 'internal', advertisements: [ad('192.0.2.10/32'), ad('192.0.2.11/32')] }),
      ],
    }),
  ]),

  'ipv6-disable-connected-check': intent([
    router({
      poolRanges: [v6pool],
      neighbors: [
        neighbor({ address: '2001:db8::1', advertisements: [ad('2001:db8:1::10/128', { pool: 'pool6' })] }),
        // iBGP: no disable-connected-check
        neighbor({ address: '2001:db8::2', remoteAS: '64512', advertisements: [ad('2001:db8:1::10/128', { pool: 'pool6' })] }),
      ],
    }),
  ]),

  'dual-stack': intent([
    router({
      poolRanges: [v4pool, v6pool],
      neighbors: [
        neighbor({
          address: '198.51.100.1',
          family: 'dual',
          advertisements: [ad('192.0.2.10/32'), ad('2001:db8:1::10/128', { pool: 'pool6' })],
        }),
        neighbor({ address: '2001:db8::1', advertisements: [ad('2001:db8:1::10/128', { pool: 'pool6' })] }),
      ],
    }),
  ]),

  unnumbered: intent([
    router({
      poolRanges: [v4pool, v6pool],
      neighbors: [
        neighbor({ iface: 'eth1', remoteAS: 'external', family: 'dual', advertisements: [ad('192.0.2.10/32'), ad('2001:db8:1::10/128', { pool: 'pool6' })] }),
        neighbor({ address: '198.51.100.1', advertisements: [ad('192.0.2.10/32')] }),
      ],
    }),
  ]),

  vrf: intent([
    router({ neighbors: [neighbor({ address: '198.51.100.1', advertisements: [ad('192.0.2.10/32')] })], poolRanges: [v4pool] }),
    router({
      vrf: 'red',
      routerID: '203.0.113.2',
      neighbors: [neighbor({ address: '203.0.113.1', id: '203.0.113.1-red', advertisements: [ad('192.0.2.10/32')] })],
      poolRanges: [v4pool],
    }),
  ]),

  'bfd-profiles': intent(
    [
      router({
        poolRanges: [v4pool],
        neighbors: [
          neighbor({ address: '198.51.100.1', bfdProfile: 'full', advertisements: [ad('192.0.2.10/32')] }),
          neighbor({ address: '198.51.100.3', bfdProfile: 'defaults', advertisements: [ad('192.0.2.10/32')] }),
        ],
      }),
    ],
    {
      bfdProfiles: [
        { name: 'full', receiveInterval: 100, transmitInterval: 200, detectMultiplier: 5, echoInterval: 60, echoMode: true, passiveMode: true, minimumTtl: 250 },
        // Every value equal to FRR's default: FRR prints only the profile name.
        { name: 'defaults', receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3, echoInterval: 50, echoMode: false, passiveMode: false, minimumTtl: 254 },
      ],
    },
  ),

  password: intent([
    router({
      poolRanges: [v4pool],
      neighbors: [neighbor({ address: '198.51.100.1', password: 'S3cret-pass', advertisements: [ad('192.0.2.10/32')] })],
    }),
  ]),

  'multihop-port': intent([
    router({
      routerID: '198.51.100.2',
      poolRanges: [v4pool],
      neighbors: [
        neighbor({
          address: '203.0.113.1',
          ebgpMultiHop: true,
          port: 180,
          sourceAddress: '198.51.100.2',
          holdTime: 30,
          keepaliveTime: 10,
          connectTime: 5,
          localASN: 64600,
          gracefulRestart: true,
          advertisements: [ad('192.0.2.10/32')],
        }),
      ],
    }),
  ]),

  'localpref-communities': intent([
    router({
      poolRanges: [v4pool, range('198.51.100.128/25', [32], 'pool2'), v6pool],
      neighbors: [
        neighbor({
          address: '198.51.100.1',
          remoteAS: '64512',
          family: 'dual',
          advertisements: [
            ad('192.0.2.10/32', { localPref: 200, communities: [std('65000:100'), large('64512:1:2')] }),
            ad('192.0.2.11/32', { localPref: 200, communities: [std('65000:100'), large('64512:1:2')] }),
            ad('198.51.100.130/32', { pool: 'pool2', localPref: 50 }),
            ad('2001:db8:1::10/128', { pool: 'pool6', communities: [std('65000:300'), std('65535:65282')] }),
          ],
        }),
        // Same treatment, other neighbor: shares every list.
        neighbor({
          address: '198.51.100.3',
          remoteAS: '64512',
          family: 'dual',
          advertisements: [
            ad('192.0.2.10/32', { localPref: 200, communities: [std('65000:100'), large('64512:1:2')] }),
            ad('192.0.2.11/32', { localPref: 200, communities: [std('65000:100'), large('64512:1:2')] }),
            ad('198.51.100.130/32', { pool: 'pool2', localPref: 50 }),
            ad('2001:db8:1::10/128', { pool: 'pool6', communities: [std('65000:300'), std('65535:65282')] }),
          ],
        }),
      ],
    }),
  ]),

  aggregation: intent([
    router({
      poolRanges: [range('192.0.2.0/24', [28, 32]), range('198.51.100.0/26', [24], 'pool2'), range('2001:db8:1::/64', [64, 120], 'pool6')],
      neighbors: [
        neighbor({
          address: '203.0.113.1',
          family: 'dual',
          advertisements: [
            ad('192.0.2.16/28'),
            ad('192.0.2.100/32'),
            ad('198.51.100.0/24', { pool: 'pool2' }),
            ad('2001:db8:1::/64', { pool: 'pool6' }),
            ad('2001:db8:1::100/120', { pool: 'pool6' }),
          ],
        }),
      ],
    }),
  ]),

  // Per-peer advertisements: neighbor .3 must not get 192.0.2.12 (BGPAdvertisement.peers), .4 gets
  // only one prefix of the pool: exceptions, not per-prefix lists.
  'peer-exceptions': intent([
    router({
      poolRanges: [v4pool],
      neighbors: [
        neighbor({ address: '198.51.100.1', advertisements: ['10', '11', '12'].map((x) => ad(`192.0.2.${x}/32`)) }),
        neighbor({ address: '198.51.100.3', advertisements: ['10', '11'].map((x) => ad(`192.0.2.${x}/32`)) }),
        neighbor({ address: '198.51.100.4', advertisements: [ad('192.0.2.12/32')] }),
        // No prefixes and no pool ranges of its family: an explicit deny.
        neighbor({ address: '2001:db8::4', advertisements: [] }),
      ],
    }),
  ]),

  debug: intent([router({ neighbors: [neighbor({ address: '198.51.100.1', advertisements: [ad('192.0.2.10/32')] })], poolRanges: [v4pool] })], {
    logLevel: 'debugging',
  }),

  'no-neighbors-extras': intent([router({ neighbors: [], routerID: '198.51.100.2' })], {
    logLevel: 'warnings',
    extras: 'ip prefix-list extra seq 5 permit 203.0.113.0/24\n',
  }),
};
