// Acceptance: `metallb-ts validate` on folders of YAML, one violating and one passing variant per
// upstream rule (spec 2.1-2.6), and the guide's examples (31.4-31.8) alone.
import { describe, expect, jest, test } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bfd, bgpAdv, community, l2Adv, node, peer, pool, runCli, secret, service, yaml } from './cli.js';

jest.setTimeout(60_000);

type Obj = Record<string, unknown>;
const P = { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1' };
const NODES = [node('n1', { rack: '1' }), node('n2', { rack: '2' })];
const onRack = (r: string) => ({ nodeSelectors: [{ matchLabels: { rack: r } }] });

/** [rule, objects, expected error line (regexp on the whole line) or undefined when valid] */
const cases: [string, Obj[], RegExp | undefined][] = [
  // 2.1 FRR mode
  ['routerID differs on a shared node', [peer('a', { ...P, routerID: '10.0.0.1' }), peer('b', { ...P, peerAddress: '192.0.2.2' })], /^BGPPeer\/b: .*peer b has RouterID different from a, in FRR mode peers selecting the same node must all have the same RouterID/],
  ['same routerID', [peer('a', { ...P, routerID: '10.0.0.1' }), peer('b', { ...P, peerAddress: '192.0.2.2', routerID: '10.0.0.1' })], undefined],
  ['duplicate peer address', [peer('a', P), peer('b', P)], /^BGPPeer\/b: spec\.peerAddress: peer b already exists, FRR mode doesn't support duplicate BGPPeers selecting the same node.*delete one of them/],
  ['duplicate interface', [peer('a', { myASN: 1, peerASN: 2, interface: 'eth1' }), peer('b', { myASN: 1, peerASN: 2, interface: 'eth1' })], /^BGPPeer\/b: spec\.interface: peer b already exists/],
  ['same address, different VRF', [peer('a', P), peer('b', { ...P, vrf: 'red' })], undefined],
  ['myASN differs in one VRF', [peer('a', P), peer('b', { ...P, myASN: 64510, peerAddress: '192.0.2.2' })], /^BGPPeer\/b: spec\.myASN: peer b has myAsn different from a, in FRR mode peers selecting the same node must have the same myAsn within the same VRF.*set the same spec\.myASN/],
  ['myASN differs across VRFs', [peer('a', P), peer('b', { ...P, myASN: 64510, peerAddress: '192.0.2.2', vrf: 'red' })], undefined],
  ['myASN differs on disjoint nodes', [...NODES, peer('a', { ...P, ...onRack('1') }), peer('b', { ...P, myASN: 64510, ...onRack('2') })], undefined],
  // 2.2 BFD
  ['BFD receive interval out of range', [bfd('b', { receiveInterval: 5 })], /^BFDProfile\/b: .*invalid receive interval value: invalid value 5, must be in 10-60000 range/],
  ['BFD detect multiplier out of range', [bfd('b', { detectMultiplier: 1 })], /^BFDProfile\/b: .*invalid detect multiplier value: invalid value 1, must be in 2-255 range/],
  ['BFD in range', [bfd('b', { receiveInterval: 10, transmitInterval: 60000, detectMultiplier: 255, echoInterval: 10, minimumTtl: 254 })], undefined],
  ['duplicate BFD profile', [bfd('b'), bfd('b')], /^BFDProfile\/b: found duplicate bfd profile name b/],
  ['BFD echo on a peer advertising IPv6', [bfd('e', { echoMode: true }), peer('p', { ...P, bfdProfile: 'e' }), pool('v6', ['2001:db8::/64']), bgpAdv('ad')], /pool v6 has bgpadvertisement ad which references peer p which has bfd echo enabled, which is not possible/],
  ['BFD echo, IPv4 only', [bfd('e', { echoMode: true }), peer('p', { ...P, bfdProfile: 'e' }), pool('v4', ['192.0.2.0/24']), bgpAdv('ad')], undefined],
  // 2.3 peers
  ['myASN 0', [peer('p', { ...P, myASN: 0 })], /^BGPPeer\/p: .*missing local ASN/],
  ['myASN out of range: the schema error alone', [peer('p', { ...P, myASN: 4294967296 })], /^BGPPeer\/p: spec\.myASN: Invalid value: 4294967296: spec\.myASN in body should be less than or equal to 4294967295$/],
  ['no peer ASN', [peer('p', { myASN: 1, peerAddress: '192.0.2.1' })], /^BGPPeer\/p: .*missing peer ASN and dynamicASN/],
  ['peerASN and dynamicASN', [peer('p', { ...P, dynamicASN: 'external' })], /^BGPPeer\/p: .*both peer ASN and dynamicASN specified/],
  ['dynamicASN only', [peer('p', { myASN: 1, dynamicASN: 'external', peerAddress: '192.0.2.1' })], undefined],
  ['bad dynamicASN', [peer('p', { myASN: 1, dynamicASN: 'bogus', peerAddress: '192.0.2.1' })], /^BGPPeer\/p: .*invalid dynamicASN bogus/],
  ['ebgpMultiHop on iBGP', [peer('p', { ...P, peerASN: 64500, ebgpMultiHop: true })], /^BGPPeer\/p: .*invalid ebgp-multihop parameter set for an ibgp peer/],
  ['ebgpMultiHop with dynamicASN internal is not caught', [peer('p', { myASN: 1, dynamicASN: 'internal', ebgpMultiHop: true, peerAddress: '192.0.2.1' })], undefined],
  ['no address or interface', [peer('p', { myASN: 1, peerASN: 2 })], /^BGPPeer\/p: .*peer has no Address or Interface specified/],
  ['address and interface', [peer('p', { ...P, interface: 'eth0' })], /^BGPPeer\/p: .*peer has both Address and Interface specified/],
  ['hold time 2s', [peer('p', { ...P, holdTime: '2s' })], /^BGPPeer\/p: .*invalid BGPPeer timers: invalid hold time "2s": must be 0 or >=3s/],
  ['hold time 0.5s truncates to 0', [peer('p', { ...P, holdTime: '0.5s' })], undefined],
  ['keepalive above hold', [peer('p', { ...P, holdTime: '9s', keepaliveTime: '10s' })], /^BGPPeer\/p: .*invalid keepaliveTime "10s", must be lower than holdTime "9s"/],
  ['keepalive equal to hold', [peer('p', { ...P, holdTime: '9s', keepaliveTime: '9s' })], undefined],
  ['bad address', [peer('p', { ...P, peerAddress: '192.0.2.300' })], /^BGPPeer\/p: .*invalid BGPPeer address "192\.0\.2\.300"/],
  ['bad router ID', [peer('p', { ...P, routerID: 'abc' })], /^BGPPeer\/p: .*invalid router ID "abc"/],
  ['bad source address', [peer('p', { ...P, sourceAddress: 'abc' })], /^BGPPeer\/p: .*invalid source IP "abc"/],
  ['password and secret', [peer('p', { ...P, password: 'x', passwordSecret: { name: 's' } })], /^BGPPeer\/p: .*can not have both password and secret ref set in peer config "metallb-system"\/"p"/],
  ['missing secret', [peer('p', { ...P, passwordSecret: { name: 's' } })], /^BGPPeer\/p: .*secret ref not found for peer config "metallb-system"\/"p"/],
  ['secret of the wrong type', [peer('p', { ...P, passwordSecret: { name: 's' } }), secret('s', 'Opaque', { password: 'x' })], /^BGPPeer\/p: .*secret type mismatch on "metallb-system"\/"s", type "kubernetes.io\/basic-auth" is expected \(recreate Secret s/],
  ['secret without password', [peer('p', { ...P, passwordSecret: { name: 's' } }), secret('s', 'kubernetes.io/basic-auth', { username: 'x' })], /^BGPPeer\/p: .*password not specified in the secret "metallb-system"\/"s": add the key password/],
  ['good secret', [peer('p', { ...P, passwordSecret: { name: 's' } }), secret('s', 'kubernetes.io/basic-auth', { password: 'x' })], undefined],
  ['password with a space', [peer('p', { ...P, password: 'two words' })], /^BGPPeer\/p: .*password for peer "metallb-system"\/"p" contains a space/],
  ['missing BFD profile', [peer('p', { ...P, bfdProfile: 'nope' })], /^BGPPeer\/p: .*peer p referencing non existing bfd profile nope/],
  ['duplicate nodeSelectors', [peer('p', { ...P, nodeSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] })], /^BGPPeer\/p: .*duplicate definition of nodeSelectors/],
  // 2.4 pools
  ['empty addresses', [pool('a', [])], /^IPAddressPool\/a: .*pool has no prefixes defined/],
  ['bad CIDR', [pool('a', ['192.0.2.0/33'])], /^IPAddressPool\/a: .*invalid CIDR "192\.0\.2\.0\/33" in pool "a": invalid CIDR "192\.0\.2\.0\/33"/],
  ['range start after end', [pool('a', ['192.0.2.20-192.0.2.10'])], /^IPAddressPool\/a: .*invalid IP range "192\.0\.2\.20-192\.0\.2\.10": start IP "192\.0\.2\.20" is after the end IP "192\.0\.2\.10"/],
  ['bad start IP', [pool('a', ['192.0.2.x-192.0.2.10'])], /invalid IP range "192\.0\.2\.x-192\.0\.2\.10": invalid start IP "192\.0\.2\.x"/],
  ['bad end IP', [pool('a', ['192.0.2.1-192.0.2.y'])], /invalid IP range "192\.0\.2\.1-192\.0\.2\.y": invalid end IP "192\.0\.2\.y"/],
  ['host bits are dropped', [pool('a', ['192.0.2.5/24'])], undefined],
  ['range with spaces', [pool('a', [' 192.0.2.10 - 192.0.2.20 '])], undefined],
  ['overlap between pools', [pool('a', ['192.0.2.0/24']), pool('b', ['192.0.2.128/25'])], /^IPAddressPool\/b: .*CIDR "192\.0\.2\.128\/25" in pool "b" overlaps with already defined CIDR "192\.0\.2\.0\/24"/],
  ['overlap inside one pool', [pool('a', ['192.0.2.0/24', '192.0.2.10-192.0.2.12'])], /^IPAddressPool\/a: .*in pool "a" overlaps with already defined CIDR "192\.0\.2\.0\/24"/],
  ['adjacent ranges', [pool('a', ['192.0.2.0-192.0.2.9']), pool('b', ['192.0.2.10-192.0.2.20'])], undefined],
  ['duplicate pool name', [pool('a', ['192.0.2.0/24']), pool('a', ['198.51.100.0/24'])], /^IPAddressPool\/a: duplicate definition of pool "a"/],
  ['duplicate namespaces', [pool('a', ['192.0.2.0/24'], { serviceAllocation: { namespaces: ['x', 'x'] } })], /^IPAddressPool\/a: .*duplicate definition in namespaces field/],
  ['bad service selector', [pool('a', ['192.0.2.0/24'], { serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Bad', values: ['x'] }] }] } })], /^IPAddressPool\/a: .*invalid service label selector.*"Bad" is not a valid label selector operator: use In, NotIn, Exists or DoesNotExist/],
  // 2.5 communities and advertisements
  ['community section out of range', [community('c', [{ name: 'a', value: '65536:1' }])], /^Community\/c: .*invalid community value: invalid section "65536" of community "65536:1"/],
  ['community value in an ad says what to write', [pool('p', ['192.0.2.0/24']), bgpAdv('ad', { communities: ['a:b'] })], /^BGPAdvertisement\/ad: spec\.communities\[0\]: invalid community "a:b" in BGP advertisement: invalid community value: invalid section "a" of community "a:b".*\(write A:B with each part 0-65535, large:A:B:C/],
  ['bad large marker', [community('c', [{ name: 'a', value: 'larg:1:2:3' }])], /^Community\/c: .*invalid marker for large community/],
  ['three parts', [community('c', [{ name: 'a', value: '1:2:3' }])], /^Community\/c: .*invalid community format: 1:2:3/],
  ['duplicate alias across objects', [community('c', [{ name: 'a', value: '1:2' }]), community('d', [{ name: 'a', value: '1:3' }])], /^Community\/d: .*duplicate definition of community "a"/],
  ['alias and large community used', [community('c', [{ name: 'a', value: '1:2' }]), pool('p', ['192.0.2.0/24']), bgpAdv('ad', { communities: ['a', 'large:1:2:3', '65535:65282'] })], undefined],
  ['unknown alias', [pool('p', ['192.0.2.0/24']), bgpAdv('ad', { communities: ['noalias'] })], /^BGPAdvertisement\/ad: .*noalias/],
  ['duplicate community in an ad', [pool('p', ['192.0.2.0/24']), bgpAdv('ad', { communities: ['1:1', '1:1'] })], /^BGPAdvertisement\/ad: .*duplicate definition of community "1:1"/],
  ['duplicate pools in an ad', [pool('p', ['192.0.2.0/24']), bgpAdv('ad', { ipAddressPools: ['p', 'p'] })], /^BGPAdvertisement\/ad: .*duplicate definition of ipAddressPools/],
  ['duplicate peers in an ad', [pool('p', ['192.0.2.0/24']), bgpAdv('ad', { peers: ['x', 'x'] })], /^BGPAdvertisement\/ad: .*duplicate definition of peers/],
  ['serviceSelectors with aggregationLength', [pool('p', ['192.0.2.0/24']), bgpAdv('ad', { aggregationLength: 24, serviceSelectors: [{ matchLabels: { a: 'b' } }] })], /^BGPAdvertisement\/ad: .*serviceSelectors and aggregationLength are mutually exclusive, both cannot be set in ad/],
  ['serviceSelectors with aggregationLength 32', [pool('p', ['192.0.2.0/24']), bgpAdv('ad', { aggregationLength: 32, serviceSelectors: [{ matchLabels: { a: 'b' } }] })], undefined],
  ['aggregationLength 33', [pool('p', ['192.0.2.0/24']), bgpAdv('ad', { aggregationLength: 33 })], /^BGPAdvertisement\/ad: .*invalid aggregation length 33 for IPv4/],
  ['aggregationLengthV6 129', [pool('p', ['2001:db8::/64']), bgpAdv('ad', { aggregationLengthV6: 129 })], /^BGPAdvertisement\/ad: .*invalid aggregation length 129 for IPv6/],
  ['aggregation shorter than the pool', [pool('p', ['192.0.2.0/28']), bgpAdv('ad', { aggregationLength: 26 })], /^BGPAdvertisement\/ad: .*invalid aggregation length 26: prefix 28 in this pool is more specific than the aggregation length for addresses 192\.0\.2\.0\/28/],
  ['aggregation equal to the pool', [pool('p', ['192.0.2.0/28']), bgpAdv('ad', { aggregationLength: 28 })], undefined],
  ['aggregation of a range', [pool('p', ['192.0.2.10-192.0.2.20']), bgpAdv('ad', { aggregationLength: 30 })], undefined],
  ['localPref conflict on shared nodes', [...NODES, pool('p', ['192.0.2.0/24']), bgpAdv('a1', { localPref: 100 }), bgpAdv('a2', { localPref: 200 })], /^BGPAdvertisement\/a2: .*invalid local preference 200: local preferernce 100 was already set for the same type of BGP update/],
  ['localPref on disjoint nodes', [...NODES, pool('p', ['192.0.2.0/24']), bgpAdv('a1', { localPref: 100, ...onRack('1') }), bgpAdv('a2', { localPref: 200, ...onRack('2') })], undefined],
  ['localPref to disjoint peers', [...NODES, pool('p', ['192.0.2.0/24']), bgpAdv('a1', { localPref: 100, peers: ['x'] }), bgpAdv('a2', { localPref: 200, peers: ['y'] })], undefined],
  ['localPref with different aggregation', [...NODES, pool('p', ['192.0.2.0/24']), bgpAdv('a1', { localPref: 100 }), bgpAdv('a2', { localPref: 200, aggregationLength: 30 })], undefined],
  ['duplicate pools in an L2 ad', [pool('p', ['192.0.2.0/24']), l2Adv('l', { ipAddressPools: ['p', 'p'] })], /^L2Advertisement\/l: .*duplicate definition of ipAddressPools/],
  // 2.6 selector hygiene
  ['duplicate match expression values', [pool('p', ['192.0.2.0/24']), l2Adv('l', { nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'x'] }] }] })], /^L2Advertisement\/l: .*duplicate definition of match expression value in label selector/],
  ['duplicate match expressions', [pool('p', ['192.0.2.0/24']), bgpAdv('ad', { nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'y'] }, { key: 'a', operator: 'In', values: ['y', 'x'] }] }] })], /^BGPAdvertisement\/ad: .*duplicate definition of match expressions/],
  ['duplicate pool selectors', [pool('p', ['192.0.2.0/24']), l2Adv('l', { ipAddressPoolSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] })], /^L2Advertisement\/l: .*duplicate definition of ipAddressPoolSelectors/],
];

describe('validate: one rule at a time', () => {
  test.each(cases)('%s', async (_rule, objects, error) => {
    const r = await runCli('validate', { 'objects.yaml': yaml(...objects) });
    if (error === undefined) {
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(/^valid: /);
    } else {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.errors).toContainEqual(expect.stringMatching(error));
    }
  });
});

test('a pool defined twice is one duplicate line, even when the first copy overlaps another pool', async () => {
  const r = await runCli('validate', { 'p.yaml': yaml(pool('a', ['192.0.2.0/24']), pool('b', ['192.0.2.0/28', '2001:db8::/64']), pool('b', ['192.0.2.0/28', '2001:db8::/64'])) });
  expect(r.errors).toEqual([
    expect.stringMatching(/^IPAddressPool\/b: spec\.addresses\[0\]: CIDR "192\.0\.2\.0\/28" in pool "b" overlaps with already defined CIDR "192\.0\.2\.0\/24" \(in pool a\)/),
    'IPAddressPool/b: duplicate definition of pool "b": pool names must be unique',
  ]);
});

test('--node drops what does not select the node; an unknown node is an error, not a guess', async () => {
  const objects = yaml(...NODES, peer('bad', { ...P, holdTime: '2s', ...onRack('1') }));
  // The API server refuses the peer whichever node asks (its CRD's rule); only n1's speaker would also refuse it.
  const crdError = 'BGPPeer/bad: spec.holdTime: Invalid value: "string": invalid hold time: must be 0 or >=3s';
  expect((await runCli('validate', { 'o.yaml': objects }, '--node', 'n2')).errors).toEqual([crdError]);
  expect((await runCli('validate', { 'o.yaml': objects }, '--node', 'n1')).errors).toEqual([crdError, expect.stringMatching(/^BGPPeer\/bad: .*invalid hold time "2s"/)]);
  const ok = yaml(...NODES, peer('good', { ...P, ...onRack('1') }));
  expect((await runCli('validate', { 'o.yaml': ok }, '--node', 'n2')).code).toBe(0);
  const r = await runCli('validate', { 'o.yaml': ok }, '--node', 'n3');
  expect(r.code).toBe(1);
  expect(r.errors).toEqual(['--node n3: no Node named n3 in the objects read: add it (kubectl get node n3 -o yaml)']);
});

test('an out-of-range ASN is not also reported as missing', async () => {
  const r = await runCli('validate', { 'p.yaml': yaml(peer('p', { ...P, myASN: 4294967296, peerASN: -1 })) });
  expect(r.errors).toHaveLength(2);
  expect(r.stderr).not.toMatch(/missing/);
});

describe('validate: guide examples', () => {
  const dir = join(process.cwd(), 'test', 'fixtures', 'seed');
  test('each example with its companion is valid', async () => {
    const names = (await readdir(dir)).filter((f) => f.endsWith('.yaml') && !f.includes('companion'));
    for (const f of names) {
      const files: Record<string, string> = { [f]: await readFile(join(dir, f), 'utf8') };
      const companion = f.replace(/\.yaml$/, '.companion.yaml');
      try {
        files[companion] = await readFile(join(dir, companion), 'utf8');
      } catch {
        // most examples stand alone
      }
      const r = await runCli('validate', files);
      expect({ f, code: r.code, stderr: r.stderr }).toEqual({ f, code: 0, stderr: '' });
    }
  });

  test('a peer naming a BFD profile that is not there is refused until the profile exists (31.6.4.2)', async () => {
    const r = await runCli('validate', { 'p.yaml': await readFile(join(dir, '31.6.4.2-peer-bfd.yaml'), 'utf8') });
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(/^BGPPeer\/doc-example-peer-bfd: .*referencing non existing bfd profile doc-example-bfd-profile-full/)]);
    expect((await runCli('validate', { 'p.yaml': await readFile(join(dir, '31.6.4.2-peer-bfd.yaml'), 'utf8') }, '--admission')).code).toBe(0);
  });

  test('Services alone are valid and counted', async () => {
    const r = await runCli('validate', { 's.yaml': yaml(service('a'), service('b', { type: 'ClusterIP' })) });
    expect(r.stdout).toMatch(/1 LoadBalancer service\b/);
  });
});
