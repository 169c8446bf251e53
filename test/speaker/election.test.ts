import { describe, expect, test } from '@jest/globals';
import type { Node } from '../../src/api/core.js';
import { electL2, interfacesFor } from '../../src/layer2/election/elect.js';
import { anyServingEndpoint, hasHealthyAddress, nodesWithServingEndpoint } from '../../src/layer2/election/endpoints.js';
import { electionHash, electionOrder } from '../../src/layer2/election/order.js';
import { l2Ad, node, pool, sel, service, slice } from './fixtures.js';

const nodesMap = (...ns: Node[]) => new Map(ns.map((n) => [n.metadata.name, n]));
const three = nodesMap(node('node-a'), node('node-b'), node('node-c'));

describe('election order', () => {
  // Expected values computed outside the code under test: printf 'node-a#192.0.2.10' | sha256sum
  test('hash is sha256 of "<node>#<ip>"', () => {
    expect(electionHash('node-a', '192.0.2.10').toString('hex').slice(0, 16)).toBe('d4b84135501a6622');
    expect(electionHash('node-c', '2001:db8::5').toString('hex').slice(0, 16)).toBe('86232a5abb24a112');
  });

  test.each([
    ['192.0.2.10', ['node-c', 'node-b', 'node-a']],
    ['192.0.2.11', ['node-a', 'node-c', 'node-b']],
    ['2001:db8::5', ['node-a', 'node-c', 'node-b']],
  ])('ascending hash bytes for %s', (ip, expected) => {
    expect(electionOrder(['node-a', 'node-b', 'node-c'], ip, new Map()).map((r) => r.name)).toEqual(expected);
  });

  test('a higher preference score beats the hash', () => {
    const order = electionOrder(['node-a', 'node-b', 'node-c'], '192.0.2.10', new Map([['node-a', 10], ['node-b', 10]]));
    expect(order.map((r) => r.name)).toEqual(['node-b', 'node-a', 'node-c']);
  });
});

describe('serving endpoints', () => {
  test.each([
    [{}, true],
    [{ ready: null }, true],
    [{ ready: true }, true],
    [{ ready: false }, false],
    [{ ready: false, serving: true, terminating: true }, true],
    [{ ready: false, serving: false }, false],
  ])('conditions %j count as serving: %s', (conditions, expected) => {
    expect(anyServingEndpoint([slice('ns/s', [['node-a', conditions]])])).toBe(expected);
  });

  test('an address that is not ready in any slice is unhealthy', () => {
    const a = slice('ns/s', [['node-a', { ready: true }]]);
    const b = slice('ns/s', [['node-a', { ready: false }]]);
    b.endpoints![0].addresses = a.endpoints![0].addresses;
    expect(hasHealthyAddress([a, b])).toBe(false);
    expect(hasHealthyAddress([a])).toBe(true);
  });

  test('node filter and serving nodes', () => {
    const s = slice('ns/s', [['node-a', { ready: true }], ['node-b', { ready: false }]]);
    expect(hasHealthyAddress([s], 'node-a')).toBe(true);
    expect(hasHealthyAddress([s], 'node-b')).toBe(false);
    expect([...nodesWithServingEndpoint([s])]).toEqual(['node-a']);
  });
});

describe('electL2', () => {
  const svc = service('ns/web', ['192.0.2.10']);
  const eps = [slice('ns/web', [['node-a'], ['node-b'], ['node-c']])];
  const base = { service: svc, firstIP: '192.0.2.10', slices: eps, nodes: three };

  test('every node agrees on the winner (node-c for 192.0.2.10)', () => {
    const p = pool('p', ['192.0.2.0/24'], { l2: [l2Ad('l2')] });
    const results = ['node-a', 'node-b', 'node-c'].map((me) => electL2({ ...base, pool: p, myNode: me }));
    expect(results.map((r) => r.announce)).toEqual([false, false, true]);
    expect(results.map((r) => r.winner)).toEqual(['node-c', 'node-c', 'node-c']);
    expect(results[0].reason).toBe('notOwner');
    expect(results[2].interfaces).toBe('all');
  });

  test('no serving endpoint anywhere: notOwner everywhere', () => {
    const p = pool('p', ['192.0.2.0/24'], { l2: [l2Ad('l2')] });
    const r = electL2({ ...base, pool: p, slices: [slice('ns/web', [['node-c', { ready: false }]])], myNode: 'node-c' });
    expect(r).toMatchObject({ announce: false, reason: 'notOwner' });
  });

  test('pool without a matching L2Advertisement: noMatchingAdvertisement', () => {
    const noAds = pool('p', ['192.0.2.0/24']);
    expect(electL2({ ...base, pool: noAds, myNode: 'node-c' }).reason).toBe('noMatchingAdvertisement');
    const otherSvc = pool('p', ['192.0.2.0/24'], { l2: [l2Ad('l2', { serviceSelectors: [sel({ app: 'db' })] })] });
    expect(electL2({ ...base, pool: otherSvc, myNode: 'node-c' }).reason).toBe('noMatchingAdvertisement');
    const otherNodes = pool('p', ['192.0.2.0/24'], { l2: [l2Ad('l2', { nodeSelectors: [sel({ 'kubernetes.io/hostname': 'node-a' })] })] });
    const r = electL2({ ...base, pool: otherNodes, myNode: 'node-c' });
    expect(r.reason).toBe('noMatchingAdvertisement');
    // node-a is the only candidate and wins, although its hash is the highest
    expect(electL2({ ...base, pool: otherNodes, myNode: 'node-a' })).toMatchObject({ announce: true, winner: 'node-a' });
  });

  test('allow-shared-ip with a serviceSelectors ad is refused', () => {
    const p = pool('p', ['192.0.2.0/24'], { l2: [l2Ad('l2', { serviceSelectors: [sel({ app: 'web' })] })] });
    for (const key of ['metallb.io/allow-shared-ip', 'metallb.universe.tf/allow-shared-ip']) {
      const shared = service('ns/web', ['192.0.2.10'], { labels: { app: 'web' }, annotations: { [key]: 'k' } });
      expect(electL2({ ...base, service: shared, pool: p, myNode: 'node-c' }).reason).toBe('sharedIPWithServiceSelector');
    }
    const plain = service('ns/web', ['192.0.2.10'], { labels: { app: 'web' } });
    expect(electL2({ ...base, service: plain, pool: p, myNode: 'node-c' }).announce).toBe(true);
  });

  test.each([
    ['NetworkUnavailable', nodesMap(node('node-a'), node('node-b'), node('node-c', {}, { networkUnavailable: true })), undefined, false, 'networkUnavailable'],
    ['exclude label', nodesMap(node('node-a'), node('node-b'), node('node-c', { 'node.kubernetes.io/exclude-from-external-load-balancers': '' })), undefined, false, 'excludedFromLoadBalancers'],
    ['not a live member', three, new Set(['node-a', 'node-b']), false, 'notMember'],
  ])('%s removes node-c; node-b (next by hash) wins', (_name, nodes, members, ignore, why) => {
    const p = pool('p', ['192.0.2.0/24'], { l2: [l2Ad('l2')] });
    const r = electL2({ ...base, nodes, members, ignoreExcludeLB: ignore, pool: p, myNode: 'node-c' });
    expect(r).toMatchObject({ announce: false, reason: 'notOwner', winner: 'node-b' });
    expect(r.notCandidates).toEqual([{ node: 'node-c', reason: why }]);
  });

  test('ignoreExcludeLB keeps labelled nodes', () => {
    const p = pool('p', ['192.0.2.0/24'], { l2: [l2Ad('l2')] });
    const nodes = nodesMap(node('node-a'), node('node-b'), node('node-c', { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' }));
    expect(electL2({ ...base, nodes, ignoreExcludeLB: true, pool: p, myNode: 'node-c' }).announce).toBe(true);
  });

  test('externalTrafficPolicy Local: only nodes with a serving endpoint', () => {
    const p = pool('p', ['192.0.2.0/24'], { l2: [l2Ad('l2')] });
    const local = service('ns/web', ['192.0.2.10'], { local: true });
    const only = [slice('ns/web', [['node-a'], ['node-b', { ready: false }]])];
    const r = electL2({ ...base, service: local, slices: only, pool: p, myNode: 'node-a' });
    expect(r).toMatchObject({ announce: true, winner: 'node-a' });
    expect(r.order.map((o) => o.name)).toEqual(['node-a']);
    expect(electL2({ ...base, service: local, slices: only, pool: p, myNode: 'node-c' }).reason).toBe('notOwner');
  });

  test('preferredNodeSelectors are ad-scoped and summed', () => {
    const nodes = nodesMap(node('node-a', { zone: 'z1', role: 'lb' }), node('node-b', { zone: 'z1' }), node('node-c'));
    const p = pool('p', ['192.0.2.0/24'], {
      l2: [
        l2Ad('wide', { preferredNodeSelectors: [{ weight: 30, preference: sel({ zone: 'z1' }) }] }),
        // scores node-b too, but it only selects node-a: node-b gets nothing from it
        l2Ad('lb', { nodeSelectors: [sel({ role: 'lb' })], preferredNodeSelectors: [{ weight: 50, preference: sel({}) }] }),
      ],
    });
    const r = electL2({ ...base, nodes, pool: p, myNode: 'node-a' });
    expect(r.order.map((o) => [o.name, o.score])).toEqual([['node-a', 80], ['node-b', 30], ['node-c', 0]]);
    expect(r.announce).toBe(true);
  });

  test('interfaces: union of ads selecting my node; an ad without a list means all', () => {
    const a = node('node-a', { nic: 'x' });
    expect(interfacesFor([l2Ad('1', { interfaces: ['eth1'] }), l2Ad('2', { interfaces: ['eth0', 'eth1'] })], a)).toEqual(['eth0', 'eth1']);
    expect(interfacesFor([l2Ad('1', { interfaces: ['eth1'] }), l2Ad('2', { nodeSelectors: [sel({ nic: 'y' })] })], a)).toEqual(['eth1']);
    expect(interfacesFor([l2Ad('1', { interfaces: ['eth1'] }), l2Ad('2')], a)).toBe('all');
  });

  test('a speaker without a Node object still takes part (standalone host)', () => {
    const p = pool('p', ['192.0.2.0/24'], { l2: [l2Ad('l2')] });
    const r = electL2({ ...base, nodes: new Map(), slices: [slice('ns/web', [['host1']])], pool: p, myNode: 'host1' });
    expect(r).toMatchObject({ announce: true, winner: 'host1' });
  });
});
