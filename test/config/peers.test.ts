// Every BGPPeer rule (spec 2.3) and the FRR-mode pair rules (spec 2.1), one table row each.
import { describe, expect, test } from '@jest/globals';
import { bfd, build, node, peer, problems, secret } from './helpers.js';

const ok = (p: ReturnType<typeof peer>) => ({ objects: [p], error: undefined as string | undefined });
const bad = (p: ReturnType<typeof peer>, error: string) => ({ objects: [p], error });
const A = { peerAddress: '192.0.2.1' };

describe('BGPPeer rules', () => {
  const rows: [string, { objects: { kind: string }[]; error?: string }][] = [
    ['a plain peer is valid', ok(peer('p', A))],
    ['myASN 0', bad(peer('p', { ...A, myASN: 0 }), 'missing local ASN')],
    ['no peerASN nor dynamicASN', bad(peer('p', { ...A, peerASN: undefined }), 'missing peer ASN and dynamicASN')],
    ['peerASN 0 counts as missing', bad(peer('p', { ...A, peerASN: 0 }), 'missing peer ASN and dynamicASN')],
    ['both peerASN and dynamicASN', bad(peer('p', { ...A, dynamicASN: 'external' }), 'both peer ASN and dynamicASN specified')],
    ['dynamicASN internal alone', ok(peer('p', { ...A, peerASN: undefined, dynamicASN: 'internal' }))],
    ['dynamicASN not internal/external', bad(peer('p', { ...A, peerASN: undefined, dynamicASN: 'foo' }), 'invalid dynamicASN foo')],
    ['ebgpMultiHop on an iBGP peer', bad(peer('p', { ...A, peerASN: 64500, ebgpMultiHop: true }), 'invalid ebgp-multihop parameter set for an ibgp peer')],
    ['ebgpMultiHop with dynamicASN internal is not caught (upstream quirk)', ok(peer('p', { ...A, peerASN: undefined, dynamicASN: 'internal', ebgpMultiHop: true }))],
    ['ebgpMultiHop on an eBGP peer', ok(peer('p', { ...A, ebgpMultiHop: true }))],
    ['no address nor interface', bad(peer('p', {}), 'peer has no Address or Interface specified')],
    ['both address and interface', bad(peer('p', { ...A, interface: 'eth0' }), 'peer has both Address and Interface specified')],
    ['interface alone (unnumbered)', ok(peer('p', { interface: 'eth1' }))],
    ['interface with a newline', bad(peer('p', { interface: 'eth1\nrouter bgp 1' }), 'contains invalid characters')],
    ['bad address', bad(peer('p', { peerAddress: '192.0.2' }), 'invalid BGPPeer address "192.0.2"')],
    ['address with a trailing space (net.ParseIP refuses it)', bad(peer('p', { peerAddress: '192.0.2.1 ' }), 'invalid BGPPeer address "192.0.2.1 "')],
    ['address with a leading zero', bad(peer('p', { peerAddress: '192.0.2.01' }), 'invalid BGPPeer address')],
    ['IPv4-mapped IPv6 address', ok(peer('p', { peerAddress: '::ffff:192.0.2.1' }))],
    ['IPv6 address', ok(peer('p', { peerAddress: '2001:db8::1' }))],
    ['bad routerID', bad(peer('p', { ...A, routerID: 'router-1' }), 'invalid router ID "router-1"')],
    ['bad sourceAddress', bad(peer('p', { ...A, sourceAddress: '1.2.3.4.5' }), 'invalid source IP "1.2.3.4.5"')],
    ['hold 2s', bad(peer('p', { ...A, holdTime: '2s' }), 'invalid BGPPeer timers: invalid hold time "2s": must be 0 or >=3s')],
    ['hold 0.5s truncates to 0 and passes (quirk)', ok(peer('p', { ...A, holdTime: '0.5s' }))],
    ['hold 0s', ok(peer('p', { ...A, holdTime: '0s' }))],
    ['hold 3s', ok(peer('p', { ...A, holdTime: '3s' }))],
    ['hold 2999ms', bad(peer('p', { ...A, holdTime: '2999ms' }), 'invalid hold time "2.999s"')],
    ['keepalive equal to hold is allowed', ok(peer('p', { ...A, holdTime: '90s', keepaliveTime: '90s' }))],
    ['keepalive above hold', bad(peer('p', { ...A, holdTime: '90s', keepaliveTime: '91s' }), 'invalid keepaliveTime "1m31s", must be lower than holdTime "1m30s"')],
    ['keepalive alone 1s -> hold 3s', ok(peer('p', { ...A, keepaliveTime: '1s' }))],
    ['keepalive alone 900ms -> hold 2.7s', bad(peer('p', { ...A, keepaliveTime: '900ms' }), 'invalid hold time')],
    ['hold 0.5s with keepalive 1s', bad(peer('p', { ...A, holdTime: '0.5s', keepaliveTime: '1s' }), 'invalid keepaliveTime "1s"')],
    ['unparsable hold', bad(peer('p', { ...A, holdTime: '90' }), 'time: missing unit')],
    ['hold as a number', bad(peer('p', { ...A, holdTime: 90 }), 'must be a duration string')],
    ['connectTime 10s', ok(peer('p', { ...A, connectTime: '10s' }))],
    ['connectTime 0s', bad(peer('p', { ...A, connectTime: '0s' }), 'connect time should be between 1 seconds to 65535')],
    ['connectTime 65536s', bad(peer('p', { ...A, connectTime: '65536s' }), 'connect time should be between 1 seconds to 65535')],
    ['connectTime 1500ms', bad(peer('p', { ...A, connectTime: '1500ms' }), 'connect time should contain a whole number of seconds')],
    ['peerPort above 16384', bad(peer('p', { ...A, peerPort: 20000 }), 'spec.peerPort: Invalid value: 20000')],
    ['myASN above uint32', bad(peer('p', { ...A, myASN: 4294967296 }), 'spec.myASN: Invalid value')],
    ['myASN absent', bad(peer('p', { ...A, myASN: undefined }), 'spec.myASN: Required value')],
    ['duplicate nodeSelectors', bad(peer('p', { ...A, nodeSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] }), 'duplicate definition of nodeSelectors')],
    ['duplicate values in an expression', bad(peer('p', { ...A, nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'y', 'x'] }] }] }), 'duplicate definition of match expression value in label selector "x"')],
    ['duplicate expressions (values sorted first)', bad(peer('p', { ...A, nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'y'] }, { key: 'a', operator: 'In', values: ['y', 'x'] }] }] }), 'duplicate definition of match expressions')],
    ['selectors equal once values are sorted', bad(peer('p', { ...A, nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'y'] }] }, { matchExpressions: [{ key: 'a', operator: 'In', values: ['y', 'x'] }] }] }), 'duplicate definition of nodeSelectors')],
    ['invalid selector operator', bad(peer('p', { ...A, nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }] }), 'is not a valid label selector operator')],
    ['In without values', bad(peer('p', { ...A, nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] }), "values set can't be empty")],
    ['password and passwordSecret', bad(peer('p', { ...A, password: 'x', passwordSecret: { name: 's' } }), 'can not have both password and secret ref set in peer config "metallb-system"/"p"')],
    ['passwordSecret not an object', bad(peer('p', { ...A, passwordSecret: 'bgp-pass' }), 'spec.passwordSecret in body must be of type object'),],
    ['password with a newline', bad(peer('p', { ...A, password: 'a\nb' }), 'contains invalid characters')],
    ['password with a space', bad(peer('p', { ...A, password: 'two words' }), 'password for peer "metallb-system"/"p" contains a space: FRR takes the password as one word')],
  ];
  test.each(rows)('%s', (_desc, row) => {
    const lines = problems(row.objects);
    if (row.error === undefined) expect(lines).toEqual([]);
    else expect(lines.join('\n')).toContain(row.error);
  });

  test('errors name the kind, the object and the field', () => {
    expect(problems([peer('edge', { peerAddress: 'nope' })])).toEqual(['BGPPeer/edge: spec.peerAddress: invalid BGPPeer address "nope": use an IPv4 or IPv6 address']);
  });

  test('all problems of a peer are reported, not only the first', () => {
    const lines = problems([peer('p', { myASN: 0, peerAddress: 'x', routerID: 'y', holdTime: '1s' })]);
    expect(lines.join('\n')).toMatch(/missing local ASN[\s\S]*invalid hold time[\s\S]*invalid BGPPeer address[\s\S]*invalid router ID/);
  });

  test('timers become whole seconds; keepalive defaults to hold/3', () => {
    const r = build([peer('p', { ...A, holdTime: '1m30s' })]);
    expect(r.ok && r.config.peers[0]).toMatchObject({ holdTime: 90, keepaliveTime: 30, port: 179 });
    const r2 = build([peer('p', { ...A, keepaliveTime: '10s', connectTime: '5s', peerPort: 1179 })]);
    expect(r2.ok && r2.config.peers[0]).toMatchObject({ holdTime: 30, keepaliveTime: 10, connectTime: 5, port: 1179 });
    const r3 = build([peer('p', { ...A, holdTime: '0.5s' })]);
    expect(r3.ok && r3.config.peers[0]).toMatchObject({ holdTime: 0, keepaliveTime: 0 });
  });
});

describe('password secrets and BFD references', () => {
  const withSecret = { ...A, passwordSecret: { name: 'bgp-pass', namespace: 'metallb-system' } };
  test('a basic-auth secret supplies the password', () => {
    const r = build([peer('p', withSecret), secret('bgp-pass', 'kubernetes.io/basic-auth', { password: 's3cret' })]);
    expect(r.ok && r.config.peers[0].password).toBe('s3cret');
  });
  test('missing secret is a transient error, ignored at admission', () => {
    const r = build([peer('p', withSecret)]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ transient: true, message: expect.stringContaining('secret ref not found for peer config "metallb-system"/"p"') });
    expect(build([peer('p', withSecret)], { ignoreTransient: true }).ok).toBe(true);
  });
  test('wrong secret type', () => {
    expect(problems([peer('p', withSecret), secret('bgp-pass', 'Opaque', { password: 'x' })]).join()).toContain(
      'secret type mismatch on "metallb-system"/"bgp-pass", type "kubernetes.io/basic-auth" is expected',
    );
  });
  test('no password key', () => {
    expect(problems([peer('p', withSecret), secret('bgp-pass', 'kubernetes.io/basic-auth', { username: 'x' })]).join()).toContain(
      'password not specified in the secret "metallb-system"/"bgp-pass"',
    );
  });
  test('with a MetalLB namespace, secrets elsewhere are not found', () => {
    const objs = [peer('p', withSecret), secret('bgp-pass', 'kubernetes.io/basic-auth', { password: 'x' }, 'other')];
    expect(problems(objs, { namespace: 'metallb-system' }).join()).toContain('secret ref not found');
    expect(problems(objs)).toEqual([]);
  });
  test('missing BFD profile is transient', () => {
    const r = build([peer('p', { ...A, bfdProfile: 'fast' })]);
    expect(!r.ok && r.errors[0]).toMatchObject({ transient: true, message: 'peer p referencing non existing bfd profile fast: create BFDProfile fast or fix spec.bfdProfile' });
    expect(build([peer('p', { ...A, bfdProfile: 'fast' })], { ignoreTransient: true }).ok).toBe(true);
    expect(problems([peer('p', { ...A, bfdProfile: 'fast' }), bfd('fast', { receiveInterval: 100 })])).toEqual([]);
  });
});

describe('FRR mode: peers sharing a node', () => {
  const rows: [string, { kind: string }[], string | undefined][] = [
    ['different routerID, no Nodes (assume shared)', [peer('a', { ...A, routerID: '10.0.0.1' }), peer('b', { peerAddress: '192.0.2.2', routerID: '10.0.0.2' })], 'peer b has RouterID different from a, in FRR mode peers selecting the same node must all have the same RouterID'],
    ['routerID set on one only', [peer('a', { ...A, routerID: '10.0.0.1' }), peer('b', { peerAddress: '192.0.2.2' })], 'has RouterID different from'],
    ['routerID differs across VRFs too', [peer('a', { ...A, routerID: '10.0.0.1', vrf: 'red' }), peer('b', { peerAddress: '192.0.2.2', routerID: '10.0.0.2' })], 'has RouterID different from'],
    ['disjoint nodeSelectors with Nodes', [node('n1', { rack: '1' }), node('n2', { rack: '2' }), peer('a', { ...A, routerID: '10.0.0.1', nodeSelectors: [{ matchLabels: { rack: '1' } }] }), peer('b', { peerAddress: '192.0.2.2', routerID: '10.0.0.2', nodeSelectors: [{ matchLabels: { rack: '2' } }] })], undefined],
    ['disjoint nodeSelectors but no Nodes: assumed shared', [peer('a', { ...A, routerID: '10.0.0.1', nodeSelectors: [{ matchLabels: { rack: '1' } }] }), peer('b', { peerAddress: '192.0.2.2', routerID: '10.0.0.2', nodeSelectors: [{ matchLabels: { rack: '2' } }] })], 'has RouterID different from'],
    ['overlapping nodeSelectors', [node('n1', { rack: '1' }), peer('a', { ...A, myASN: 1, nodeSelectors: [{ matchLabels: { rack: '1' } }] }), peer('b', { peerAddress: '192.0.2.2', myASN: 2 })], 'peer b has myAsn different from a, in FRR mode peers selecting the same node must have the same myAsn within the same VRF'],
    ['same address twice', [peer('a', A), peer('b', A)], "peer b already exists, FRR mode doesn't support duplicate BGPPeers selecting the same node"],
    ['same address in different VRFs', [peer('a', A), peer('b', { ...A, vrf: 'red' })], undefined],
    ['same interface twice', [peer('a', { interface: 'eth1' }), peer('b', { interface: 'eth1' })], 'already exists'],
    ['different myASN in different VRFs', [peer('a', { ...A, myASN: 1 }), peer('b', { peerAddress: '192.0.2.2', myASN: 2, vrf: 'red' })], undefined],
    ['different myASN on disjoint nodes (e2e-tested upstream)', [node('n1', { rack: '1' }), node('n2', { rack: '2' }), peer('a', { ...A, myASN: 1, nodeSelectors: [{ matchLabels: { rack: '1' } }] }), peer('b', { peerAddress: '192.0.2.2', myASN: 2, nodeSelectors: [{ matchLabels: { rack: '2' } }] })], undefined],
  ];
  test.each(rows)('%s', (_d, objects, error) => {
    const lines = problems(objects);
    if (error === undefined) expect(lines).toEqual([]);
    else expect(lines.join('\n')).toContain(error);
  });

  test('each peer hears about each pair rule once', () => {
    const lines = problems([peer('a', { ...A, routerID: '10.0.0.1' }), peer('b', { ...A, routerID: '10.0.0.2' }), peer('c', { ...A, routerID: '10.0.0.3' })]);
    expect(lines.filter((l) => l.startsWith('BGPPeer/c:') && l.includes('RouterID'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('BGPPeer/c:') && l.includes('already exists'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('BGPPeer/a:'))).toEqual([]);
  });

  test("the speaker's view drops peers that do not select its node (spec 11.1)", () => {
    const objects = [
      node('n1', { rack: '1' }),
      node('n2', { rack: '2' }),
      peer('good', { ...A, nodeSelectors: [{ matchLabels: { rack: '1' } }] }),
      peer('broken', { peerAddress: 'nope', nodeSelectors: [{ matchLabels: { rack: '2' } }] }),
    ];
    expect(problems(objects).join()).toContain('BGPPeer/broken');
    expect(problems(objects, { node: 'n1' })).toEqual([]);
    expect(problems(objects, { node: 'n2' }).join()).toContain('BGPPeer/broken');
    const r = build(objects, { node: 'n1' });
    expect(r.ok && r.config.peers.map((p) => p.name)).toEqual(['good']);
  });
});
