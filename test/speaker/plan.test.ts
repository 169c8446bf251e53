import { describe, expect, test } from '@jest/globals';
import type { Service } from '../../src/api/core.js';
import { bgpStatusPeers, planNode } from '../../src/speaker/plan.js';
import type { PlanInput } from '../../src/speaker/types.js';
import { bgpAd, config, l2Ad, node, peer, pool, sel, service, slice, snapshot } from './fixtures.js';

const both = pool('both', ['192.0.2.0/24', '2001:db8:1::/64'], { bgp: [bgpAd('bgp')], l2: [l2Ad('l2')] });
const nodes = [node('node-a'), node('node-b'), node('node-c')];
const cfg = config({ pools: [both], peers: [peer('router', { address: '198.51.100.1' })] });

function plan(services: Service[], o: Partial<PlanInput> & { slices?: ReturnType<typeof slice>[] } = {}) {
  const slices = o.slices ?? services.map((s) => slice(`${s.metadata.namespace}/${s.metadata.name}`, [['node-a'], ['node-b'], ['node-c']]));
  return planNode({ config: cfg, node: 'node-a', ...o, snapshot: o.snapshot ?? snapshot({ services, endpointSlices: slices, nodes }) });
}
const decision = (p: ReturnType<typeof plan>, svc: string, protocol: 'bgp' | 'layer2') => p.decisions.find((d) => d.service === svc && d.protocol === protocol)!;

describe('withdraw reasons (both protocols)', () => {
  const hostOnly = service('ns/host', []);
  hostOnly.status = { loadBalancer: { ingress: [{ hostname: 'lb.example' }] } };
  test.each([
    ['notLoadBalancer', service('ns/s', ['192.0.2.1'], { type: 'NodePort' })],
    ['noIPAllocated', service('ns/s', [])],
    ['invalidIP', service('ns/s', ['192.0.2.300'])],
    ['invalidIP', hostOnly],
    ['ipNotAllowed', service('ns/s', ['203.0.113.1'])],
    ['ipNotAllowed', service('ns/s', ['192.0.2.1', '2001:db8:ffff::1'])],
  ])('%s', (reason, svc) => {
    const p = plan([svc]);
    expect(p.decisions).toHaveLength(2);
    for (const d of p.decisions) expect(d).toMatchObject({ announced: false, reason });
    expect(p.decisions[0].detail).toBeTruthy();
    expect(p.bgp.routers[0].prefixes).toEqual([]);
    expect(p.l2).toEqual([]);
  });

  test('a ClusterIP Service without IPs is not considered at all', () => {
    expect(plan([service('ns/s', [], { type: 'ClusterIP' })]).decisions).toEqual([]);
  });

  test('LoadBalancer class: without --lb-class only classless Services; with it only that class', () => {
    const classed = service('ns/c', ['192.0.2.5'], { lbClass: 'metallb' });
    const plain = service('ns/p', ['192.0.2.6']);
    expect(new Set(plan([classed, plain]).decisions.map((d) => d.service))).toEqual(new Set(['ns/p']));
    expect(new Set(plan([classed, plain], { lbClass: 'metallb' }).decisions.map((d) => d.service))).toEqual(new Set(['ns/c']));
  });
});

describe('BGP decision', () => {
  const svc = service('ns/s', ['192.0.2.1']);

  test('announced, with the peers it goes to, and in the intent', () => {
    const p = plan([svc]);
    expect(decision(p, 'ns/s', 'bgp')).toMatchObject({ announced: true, peers: ['router'], ips: ['192.0.2.1'], pool: 'both' });
    expect(p.bgp.routers[0].prefixes).toEqual(['192.0.2.1/32']);
    expect(bgpStatusPeers(p)).toEqual(new Map([['ns/s', ['router']]]));
  });

  test.each([
    ['notOwner: pool without BGPAdvertisement', { pools: [pool('both', ['192.0.2.0/24'], { l2: [l2Ad('l2')] })] }, {}, 'notOwner'],
    ['notOwner: ads select other nodes', { pools: [pool('both', ['192.0.2.0/24'], { bgp: [bgpAd('b', { nodeSelectors: [sel({ 'kubernetes.io/hostname': 'node-b' })] })] })] }, {}, 'notOwner'],
    ['noMatchingAdvertisement', { pools: [pool('both', ['192.0.2.0/24'], { bgp: [bgpAd('b', { serviceSelectors: [sel({ app: 'db' })] })] })] }, {}, 'noMatchingAdvertisement'],
    ['conflictingAdvertisements', {
      pools: [pool('both', ['192.0.2.0/24'], {
        bgp: [bgpAd('all', { localPref: 100 }), bgpAd('web', { localPref: 200, serviceSelectors: [sel({ app: 'web' })] })],
      })],
    }, { labels: { app: 'web' } }, 'conflictingAdvertisements'],
  ])('%s', (_name, cfgParts, svcOpts, reason) => {
    const s = service('ns/s', ['192.0.2.1'], svcOpts);
    const p = planNode({ config: config({ ...cfgParts, peers: [peer('router')] }), node: 'node-a', snapshot: snapshot({ services: [s], nodes, endpointSlices: [slice('ns/s', [['node-a']])] }) });
    expect(decision(p, 'ns/s', 'bgp')).toMatchObject({ announced: false, reason });
    expect(p.bgp.routers[0].prefixes).toEqual([]);
  });

  test('ads with serviceSelectors and different aggregation do not conflict', () => {
    const pools = [pool('both', ['192.0.2.0/24'], {
      bgp: [bgpAd('all', { localPref: 100, aggregationLength: 24 }), bgpAd('web', { localPref: 200, serviceSelectors: [sel({ app: 'web' })] })],
    })];
    const s = service('ns/s', ['192.0.2.1'], { labels: { app: 'web' } });
    const p = planNode({ config: config({ pools, peers: [peer('router')] }), node: 'node-a', snapshot: snapshot({ services: [s], nodes, endpointSlices: [slice('ns/s', [['node-a']])] }) });
    expect(decision(p, 'ns/s', 'bgp').announced).toBe(true);
    expect(p.bgp.routers[0].neighbors[0].advertisements.map((a) => `${a.prefix}@${a.localPref}`)).toEqual(['192.0.2.0/24@100', '192.0.2.1/32@200']);
  });

  test.each([
    ['nodeNetworkUnavailable', [node('node-a', {}, { networkUnavailable: true })], false],
    ['nodeLabeledExcludeBalancers', [node('node-a', { 'node.kubernetes.io/exclude-from-external-load-balancers': '' })], false],
    [undefined, [node('node-a', { 'node.kubernetes.io/exclude-from-external-load-balancers': '' })], true],
  ])('node state: %s', (reason, ns, ignoreExcludeLB) => {
    const p = plan([svc], { ignoreExcludeLB, snapshot: snapshot({ services: [svc], nodes: ns, endpointSlices: [slice('ns/s', [['node-a']])] }) });
    const d = decision(p, 'ns/s', 'bgp');
    if (reason) expect(d).toMatchObject({ announced: false, reason });
    else expect(d.announced).toBe(true);
  });

  test('externalTrafficPolicy Local: announced only where a serving endpoint runs', () => {
    const local = service('ns/l', ['192.0.2.1'], { local: true });
    const slices = [slice('ns/l', [['node-b'], ['node-a', { ready: false }]])];
    expect(decision(plan([local], { slices }), 'ns/l', 'bgp')).toMatchObject({ announced: false, reason: 'noLocalEndpoints' });
    expect(decision(plan([local], { slices, node: 'node-b' }), 'ns/l', 'bgp').announced).toBe(true);
    // Cluster policy: any serving endpoint anywhere is enough
    expect(decision(plan([svc], { slices: [slice('ns/s', [['node-b']])] }), 'ns/s', 'bgp').announced).toBe(true);
  });

  test('noEndpoints: nothing serves anywhere', () => {
    const p = plan([svc], { slices: [slice('ns/s', [['node-a', { ready: false }]])] });
    expect(decision(p, 'ns/s', 'bgp')).toMatchObject({ announced: false, reason: 'noEndpoints' });
    expect(plan([svc], { slices: [] }).decisions.find((d) => d.protocol === 'bgp')!.reason).toBe('noEndpoints');
  });
});

describe('layer 2 decision and announcements', () => {
  // For 192.0.2.10 the hash order is node-c, node-b, node-a (sha256 "<node>#192.0.2.10").
  test('only the winner announces; both protocols are independent', () => {
    const svc = service('ns/s', ['192.0.2.10']);
    const onA = plan([svc]);
    expect(decision(onA, 'ns/s', 'layer2')).toMatchObject({ announced: false, reason: 'notOwner', winner: 'node-c' });
    expect(decision(onA, 'ns/s', 'bgp').announced).toBe(true);
    const onC = plan([svc], { node: 'node-c' });
    expect(decision(onC, 'ns/s', 'layer2')).toMatchObject({ announced: true, winner: 'node-c', interfaces: 'all' });
    expect(onC.l2).toEqual([{ ip: '192.0.2.10', family: 4, serviceKeys: ['ns/s'], interfaces: 'all' }]);
  });

  test('services sharing an IP elect the same node and share one announcement', () => {
    const shared = { annotations: { 'metallb.io/allow-shared-ip': 'k' } };
    const a = service('ns/a', ['192.0.2.10'], shared);
    const b = service('ns/b', ['192.0.2.10'], shared);
    const winners = ['node-a', 'node-b', 'node-c'].map((n) => plan([b, a], { node: n }));
    for (const p of winners) {
      expect(decision(p, 'ns/a', 'layer2').winner).toBe(decision(p, 'ns/b', 'layer2').winner);
    }
    expect(winners[2].l2).toEqual([{ ip: '192.0.2.10', family: 4, serviceKeys: ['ns/a', 'ns/b'], interfaces: 'all' }]);
    expect(winners[0].l2).toEqual([]);
  });

  test('dual-stack: one election on the first IP, both IPs announced, interfaces from my ads', () => {
    const p2 = pool('both', ['192.0.2.0/24', '2001:db8:1::/64'], { l2: [l2Ad('l2', { interfaces: ['eth1'] }), l2Ad('l2b', { interfaces: ['eth0'] })] });
    const svc = service('ns/d', ['192.0.2.10', '2001:db8:1::10']);
    const p = planNode({ config: config({ pools: [p2] }), node: 'node-c', snapshot: snapshot({ services: [svc], nodes, endpointSlices: [slice('ns/d', [['node-a']])] }) });
    expect(p.l2).toEqual([
      { ip: '192.0.2.10', family: 4, serviceKeys: ['ns/d'], interfaces: ['eth0', 'eth1'] },
      { ip: '2001:db8:1::10', family: 6, serviceKeys: ['ns/d'], interfaces: ['eth0', 'eth1'] },
    ]);
    expect(decision(p, 'ns/d', 'bgp')).toMatchObject({ announced: false, reason: 'notOwner' });
  });

  test('sharedIPWithServiceSelector and noMatchingAdvertisement reach the decision', () => {
    const p2 = pool('both', ['192.0.2.0/24'], { l2: [l2Ad('web', { serviceSelectors: [sel({ app: 'web' })] })] });
    const shared = service('ns/a', ['192.0.2.10'], { labels: { app: 'web' }, annotations: { 'metallb.io/allow-shared-ip': 'k' } });
    const other = service('ns/b', ['192.0.2.11'], { labels: { app: 'db' } });
    const p = planNode({
      config: config({ pools: [p2] }), node: 'node-c',
      snapshot: snapshot({ services: [shared, other], nodes, endpointSlices: [slice('ns/a', [['node-a']]), slice('ns/b', [['node-a']])] }),
    });
    expect(decision(p, 'ns/a', 'layer2')).toMatchObject({ announced: false, reason: 'sharedIPWithServiceSelector' });
    expect(decision(p, 'ns/b', 'layer2')).toMatchObject({ announced: false, reason: 'noMatchingAdvertisement' });
  });

  test('membership: a dead winner hands over to the next node', () => {
    const svc = service('ns/s', ['192.0.2.10']);
    expect(decision(plan([svc], { node: 'node-b', members: new Set(['node-a', 'node-b']) }), 'ns/s', 'layer2').announced).toBe(true);
  });
});

describe('plan shape', () => {
  test('decisions sorted by service then protocol; hostname and FRR log level from the input', () => {
    const p = plan([service('ns/z', ['192.0.2.3']), service('ns/a', ['192.0.2.4'])], { hostname: 'host-a', logLevel: 'debug' });
    expect(p.decisions.map((d) => `${d.service}:${d.protocol}`)).toEqual(['ns/a:bgp', 'ns/a:layer2', 'ns/z:bgp', 'ns/z:layer2']);
    expect(p.bgp.hostname).toBe('host-a');
    expect(p.bgp.logLevel).toBe('debugging');
    expect(plan([], { frrLogLevel: 'warnings' }).bgp.logLevel).toBe('warnings');
    expect(plan([]).bgp).toMatchObject({ hostname: 'node-a', logLevel: 'informational' });
  });
});
