// BGPAdvertisement / L2Advertisement / Community / BFDProfile rules (spec 2.2, 2.5, 2.6).
import { describe, expect, test } from '@jest/globals';
import { bfd, bgpAd, build, community, configMap, inNs, l2Ad, node, peer, pool, problems } from './helpers.js';

const P4 = pool('v4', ['192.0.2.0/28']);
const P6 = pool('v6', ['2001:db8::/124']);
const PD = pool('dual', ['198.51.100.0/28', '2001:db8:1::/124']);

type Row = [string, { kind: string }[], string | undefined];
function runRows(rows: Row[]): void {
  test.each(rows)('%s', (_d, objects, error) => {
    const lines = problems(objects);
    if (error === undefined) expect(lines).toEqual([]);
    else expect(lines.join('\n')).toContain(error);
  });
}

describe('BGPAdvertisement rules', () => {
  runRows([
    ['applies to all pools when none named', [P4, P6, bgpAd('a')], undefined],
    ['serviceSelectors with aggregationLength 24', [P4, bgpAd('a', { serviceSelectors: [{ matchLabels: { app: 'x' } }], aggregationLength: 24 })], 'serviceSelectors and aggregationLength are mutually exclusive, both cannot be set in a'],
    ['serviceSelectors with aggregationLength 32', [P4, bgpAd('a', { serviceSelectors: [{ matchLabels: { app: 'x' } }], aggregationLength: 32 })], undefined],
    ['serviceSelectors with aggregationLengthV6 64', [P6, bgpAd('a', { serviceSelectors: [{ matchLabels: { app: 'x' } }], aggregationLengthV6: 64 })], 'serviceSelectors and aggregationLengthV6 are mutually exclusive'],
    ['aggregationLength 33', [P4, bgpAd('a', { aggregationLength: 33 })], 'invalid aggregation length 33 for IPv4'],
    ['aggregationLengthV6 129', [P6, bgpAd('a', { aggregationLengthV6: 129 })], 'invalid aggregation length 129 for IPv6'],
    ['aggregationLength 0 (CRD minimum 1)', [P4, bgpAd('a', { aggregationLength: 0 })], 'spec.aggregationLength: Invalid value: 0'],
    ['aggregation shorter than the pool entry (/28 pool, /26)', [P4, bgpAd('a', { aggregationLength: 26 })], 'invalid aggregation length 26: prefix 28 in this pool is more specific than the aggregation length for addresses 192.0.2.0/28'],
    ['aggregation equal to the pool entry', [P4, bgpAd('a', { aggregationLength: 28 })], undefined],
    ['aggregation longer than the pool entry', [P4, bgpAd('a', { aggregationLength: 30 })], undefined],
    ['range entry: lowest mask of its CIDRs counts', [pool('r', ['192.0.2.1-192.0.2.6']), bgpAd('a', { aggregationLength: 30 })], 'prefix 31 in this pool'],
    ['range entry at its lowest mask', [pool('r', ['192.0.2.1-192.0.2.6']), bgpAd('a', { aggregationLength: 31 })], undefined],
    ['IPv6 entry prints the IPv4 length (quirk)', [P6, bgpAd('a', { aggregationLengthV6: 120 })], 'invalid aggregation length 32: prefix 124 in this pool'],
    ['only pools the ad applies to are checked', [P4, pool('big', ['198.51.100.0/24']), bgpAd('a', { ipAddressPools: ['big'], aggregationLength: 24 })], undefined],
    ['pools by selector are checked', [pool('sel', ['192.0.2.0/28'], {}, { zone: 'east' }), bgpAd('a', { ipAddressPoolSelectors: [{ matchLabels: { zone: 'east' } }], aggregationLength: 24 })], 'invalid aggregation length 24'],
    ['duplicate ipAddressPools', [P4, bgpAd('a', { ipAddressPools: ['v4', 'v4'] })], 'duplicate definition of ipAddressPools "v4"'],
    ['duplicate peers', [P4, bgpAd('a', { peers: ['x', 'x'] })], 'duplicate definition of peers "x"'],
    ['duplicate communities', [P4, bgpAd('a', { communities: ['1:1', '1:1'] })], 'duplicate definition of community "1:1"'],
    ['duplicate nodeSelectors', [P4, bgpAd('a', { nodeSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] })], 'duplicate definition of nodeSelectors'],
    ['duplicate ipAddressPoolSelectors', [P4, bgpAd('a', { ipAddressPoolSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] })], 'duplicate definition of ipAddressPoolSelectors'],
    ['duplicate serviceSelectors', [P4, bgpAd('a', { serviceSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] })], 'duplicate definition of serviceSelectors'],
    ['community value out of range', [P4, bgpAd('a', { communities: ['70000:1'] })], 'invalid community "70000:1" in BGP advertisement: invalid community value: invalid section "70000" of community "70000:1"'],
    ['large community with a bad marker', [P4, bgpAd('a', { communities: ['big:1:2:3'] })], 'invalid marker for large community'],
    ['large community', [P4, bgpAd('a', { communities: ['large:1:2:3', '65535:65282'] })], undefined],
    ['unknown alias', [P4, bgpAd('a', { communities: ['NO_ADVERTISE'] })], 'invalid community format: NO_ADVERTISE'],
    ['alias defined by a Community', [P4, community('c', [{ name: 'NO_ADVERTISE', value: '65535:65282' }]), bgpAd('a', { communities: ['NO_ADVERTISE'] })], undefined],
    ['two identical advertisements', [P4, bgpAd('a', { localPref: 10 }), bgpAd('a', { localPref: 10 })], 'duplicate definition of bgpadvertisements. advertisement 1 and 2 are equal'],
    ['same name, different spec: both parsed', [P4, bgpAd('a', { localPref: 10 }), bgpAd('a', { localPref: 10, communities: ['1:1'] })], undefined],
    ['ipAddressPoolSelectors selecting nothing apply to no pool', [P4, bgpAd('a', { aggregationLength: 8, ipAddressPoolSelectors: [{ matchLabels: { test: 'none' } }] })], undefined],
    ['localPref negative', [P4, bgpAd('a', { localPref: -1 })], 'spec.localPref: Invalid value: -1'],
  ]);

  test('communities resolve through aliases, sorted, duplicates collapsed', () => {
    const r = build([P4, community('c', [{ name: 'noadv', value: '65535:65282' }]), bgpAd('a', { communities: ['noadv', '8000:800', '65535:65282'] })]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ad = r.config.pools.get('v4')!.bgpAdvertisements[0];
    expect(ad.communities.map((c) => c.text)).toEqual(['65535:65282', '8000:800']);
    expect(ad).toMatchObject({ aggregationLength: 32, aggregationLengthV6: 128, localPref: 0 });
  });

  test('community format errors are transient (an alias may come later); value errors are not', () => {
    expect(build([P4, bgpAd('a', { communities: ['NO_ADVERTISE', '1:2:3'] })], { ignoreTransient: true }).ok).toBe(true);
    expect(build([P4, bgpAd('a', { communities: ['70000:1'] })], { ignoreTransient: true }).ok).toBe(false);
  });

  test('a pool reached by name and by selector gets the advertisement once', () => {
    const r = build([pool('sel', ['192.0.2.0/28'], {}, { zone: 'east' }), bgpAd('a', { ipAddressPools: ['sel'], ipAddressPoolSelectors: [{ matchLabels: { zone: 'east' } }] })]);
    expect(r.ok && r.config.pools.get('sel')!.bgpAdvertisements.length).toBe(1);
  });
});

describe('LOCAL_PREF consistency', () => {
  const lp = (name: string, localPref: number, extra: Record<string, unknown> = {}) => bgpAd(name, { localPref, ...extra });
  // Node sets are resolved against the Node objects given, as upstream does: rows carry a Node.
  const N = node('n0');
  runRows([
    ['same localPref', [N, P4, lp('a', 100), lp('b', 100)], undefined],
    ['different localPref, same aggregation', [N, P4, lp('a', 100), lp('b', 200)], 'invalid local preference 200: local preferernce 100 was already set for the same type of BGP update'],
    ['different localPref, different v4 aggregation', [N, P4, lp('a', 100), lp('b', 200, { aggregationLength: 30 })], undefined],
    ['v4-only pool: a different v6 aggregation does not help', [N, P4, lp('a', 100), lp('b', 200, { aggregationLengthV6: 64 })], 'invalid local preference'],
    ['v6-only pool: different v6 aggregation', [N, P6, lp('a', 100), lp('b', 200, { aggregationLengthV6: 124 })], undefined],
    ['dual-stack pool: only v4 differs', [N, PD, lp('a', 100), lp('b', 200, { aggregationLength: 30 })], 'invalid local preference'],
    ['dual-stack pool: both differ', [N, PD, lp('a', 100), lp('b', 200, { aggregationLength: 30, aggregationLengthV6: 124 })], undefined],
    ['disjoint peers', [N, P4, lp('a', 100, { peers: ['p1'] }), lp('b', 200, { peers: ['p2'] })], undefined],
    ['overlapping peers', [N, P4, lp('a', 100, { peers: ['p1', 'p2'] }), lp('b', 200, { peers: ['p2'] })], 'invalid local preference'],
    ['one ad with every peer', [N, P4, lp('a', 100), lp('b', 200, { peers: ['p2'] })], 'invalid local preference'],
    ['disjoint nodes', [node('n1', { r: '1' }), node('n2', { r: '2' }), P4, lp('a', 100, { nodeSelectors: [{ matchLabels: { r: '1' } }] }), lp('b', 200, { nodeSelectors: [{ matchLabels: { r: '2' } }] })], undefined],
    ['intersecting nodes', [node('n1', { r: '1' }), node('n2', { r: '2' }), P4, lp('a', 100), lp('b', 200, { nodeSelectors: [{ matchLabels: { r: '2' } }] })], 'invalid local preference'],
    ['with serviceSelectors the check waits for announce time', [N, P4, lp('a', 100), lp('b', 200, { serviceSelectors: [{ matchLabels: { app: 'x' } }] })], undefined],
    ['different pools', [P4, pool('other', ['198.51.100.0/24']), lp('a', 100, { ipAddressPools: ['v4'] }), lp('b', 200, { ipAddressPools: ['other'] })], undefined],
  ]);

  test('without Node objects upstream sees no shared node and accepts; we warn', () => {
    const r = build([P4, lp('a', 100), lp('b', 200)]);
    expect(r.ok).toBe(true);
    expect(r.ok && r.warnings).toEqual([
      'BGPAdvertisement/b: localPref 200 differs from BGPAdvertisement a (100) on pool v4 with the same aggregation and peers: refused on any node both select (give Node objects to check)',
    ]);
  });
});

describe('L2Advertisement rules', () => {
  runRows([
    ['empty L2 advertisement', [P4, l2Ad('l2')], undefined],
    ['duplicate pools', [P4, l2Ad('l2', { ipAddressPools: ['v4', 'v4'] })], 'duplicate definition of ipAddressPools "v4"'],
    ['duplicate nodeSelectors', [P4, l2Ad('l2', { nodeSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] })], 'duplicate definition of nodeSelectors'],
    ['duplicate serviceSelectors', [P4, l2Ad('l2', { serviceSelectors: [{}, {}] })], 'duplicate definition of serviceSelectors'],
    ['preferred weight 0', [P4, l2Ad('l2', { preferredNodeSelectors: [{ weight: 0, preference: { matchLabels: { a: 'b' } } }] })], 'weight: Invalid value: 0'],
    ['preferred weight 50', [P4, l2Ad('l2', { preferredNodeSelectors: [{ weight: 50, preference: { matchLabels: { a: 'b' } } }] })], undefined],
  ]);
  test('attached to named and selected pools once, with interfaces', () => {
    const r = build([pool('sel', ['192.0.2.0/28'], {}, { zone: 'east' }), P6, l2Ad('l2', { ipAddressPools: ['sel'], ipAddressPoolSelectors: [{ matchLabels: { zone: 'east' } }], interfaces: ['eth0'] })]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.pools.get('sel')!.l2Advertisements).toEqual([expect.objectContaining({ name: 'l2', interfaces: ['eth0'] })]);
    expect(r.config.pools.get('v6')!.l2Advertisements).toEqual([]);
  });
});

describe('Community and BFDProfile rules', () => {
  runRows([
    ['alias value out of range', [community('c', [{ name: 'x', value: '65536:1' }])], 'parsing community "x": invalid community value: invalid section "65536" of community "65536:1", err: "strconv.ParseUint: parsing \\"65536\\": value out of range"'],
    ['alias with a wrong format', [community('c', [{ name: 'x', value: '1:2:3' }])], 'parsing community "x": invalid community format: 1:2:3'],
    ['alias large with bad marker', [community('c', [{ name: 'x', value: 'huge:1:2:3' }])], 'invalid marker for large community, expected community to be of format large:<uint32>:<uint32>:<uint32> but got "huge:1:2:3" instead'],
    ['duplicate alias across Community objects', [community('c1', [{ name: 'x', value: '1:1' }]), community('c2', [{ name: 'x', value: '1:2' }])], 'duplicate definition of community "x"'],
    ['large alias', [community('c', [{ name: 'x', value: 'large:4294967295:0:1' }])], undefined],
    ['BFD full valid profile', [bfd('b', { receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3, echoInterval: 50, echoMode: false, passiveMode: true, minimumTtl: 254 })], undefined],
    ['BFD receiveInterval 9', [bfd('b', { receiveInterval: 9 })], 'invalid receive interval value: invalid value 9, must be in 10-60000 range'],
    ['BFD transmitInterval 60001', [bfd('b', { transmitInterval: 60001 })], 'invalid transmit interval value: invalid value 60001, must be in 10-60000 range'],
    ['BFD detectMultiplier 1', [bfd('b', { detectMultiplier: 1 })], 'invalid detect multiplier value: invalid value 1, must be in 2-255 range'],
    ['BFD detectMultiplier 256', [bfd('b', { detectMultiplier: 256 })], 'invalid detect multiplier value'],
    ['BFD echoInterval 5', [bfd('b', { echoInterval: 5 })], 'invalid echo interval value: invalid value 5, must be in 10-60000 range'],
    ['BFD minimumTtl 0', [bfd('b', { minimumTtl: 0 })], 'invalid minimum ttl value: invalid value 0, must be in 1-254 range'],
    ['BFD minimumTtl 255', [bfd('b', { minimumTtl: 255 })], 'invalid minimum ttl value'],
    ['duplicate BFD profile name', [bfd('b'), bfd('b', { detectMultiplier: 5 })], 'found duplicate bfd profile name b'],
    ['duplicate BFD profile name across namespaces', [bfd('b'), inNs('other', bfd('b'))], 'found duplicate bfd profile name b'],
    ['the same Community given twice defines its aliases twice', [community('c', [{ name: 'x', value: '1:1' }]), community('c', [{ name: 'x', value: '1:1' }])], 'duplicate definition of community "x"'],
  ]);
});

describe('BFD echo with IPv6 pools (validateConfig)', () => {
  const echoPeer = peer('p', { peerAddress: '192.0.2.1', bfdProfile: 'echo' });
  runRows([
    ['IPv6 pool advertised to an echo peer', [P6, bfd('echo', { echoMode: true }), echoPeer, bgpAd('a')], 'pool v6 has bgpadvertisement a which references peer p which has bfd echo enabled, which is not possible'],
    ['dual-stack pool advertised to an echo peer', [PD, bfd('echo', { echoMode: true }), echoPeer, bgpAd('a', { peers: ['p'] })], 'which has bfd echo enabled'],
    ['IPv4-only pool is fine', [P4, bfd('echo', { echoMode: true }), echoPeer, bgpAd('a')], undefined],
    ['echo peer not among the ad peers', [P6, bfd('echo', { echoMode: true }), echoPeer, peer('q', { peerAddress: '192.0.2.2' }), bgpAd('a', { peers: ['q'] })], undefined],
    ['echo off', [P6, bfd('echo', { echoMode: false }), echoPeer, bgpAd('a')], undefined],
  ]);
});

describe('per-node view and extras', () => {
  test('BGP advertisements not selecting the node are dropped before validation', () => {
    const objects = [node('n1', { r: '1' }), node('n2', { r: '2' }), P4, bgpAd('bad', { aggregationLength: 20, nodeSelectors: [{ matchLabels: { r: '2' } }] })];
    expect(problems(objects, { node: 'n1' })).toEqual([]);
    expect(problems(objects, { node: 'n2' }).join()).toContain('invalid aggregation length 20');
  });
  test('L2 advertisements are never filtered by node', () => {
    const r = build([node('n1', { r: '1' }), P4, l2Ad('l2', { nodeSelectors: [{ matchLabels: { r: '2' } }] })], { node: 'n1' });
    expect(r.ok && r.config.pools.get('v4')!.l2Advertisements.map((a) => a.name)).toEqual(['l2']);
  });
  test('unknown spec fields are ignored with a warning naming the near field (the guide writes nodeSelector)', () => {
    const r = build([P4, bgpAd('a', { nodeSelector: [{ matchLabels: { a: 'b' } }] })]);
    expect(r.ok && r.warnings).toEqual(['BGPAdvertisement/a: spec.nodeSelector is not a BGPAdvertisement field and is ignored (did you mean spec.nodeSelectors?)']);
  });
  test('bgpextras ConfigMap text is carried', () => {
    const r = build([configMap('bgpextras', { extras: 'log syslog debugging\n' })]);
    expect(r.ok && r.config.bgpExtras).toBe('log syslog debugging\n');
  });
  test('objects outside the MetalLB namespace are not part of its configuration', () => {
    const other = { ...pool('elsewhere', ['192.0.2.0/24']), metadata: { name: 'elsewhere', namespace: 'other' } };
    const r = build([P4, other], { namespace: 'metallb-system' });
    expect(r.ok && [...r.config.pools.keys()]).toEqual(['v4']);
  });
});
