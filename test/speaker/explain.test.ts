import { describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { runExplain } from '../../src/cli/explain.js';
import { explainService } from '../../src/speaker/explain.js';
import { formatExplanation } from '../../src/speaker/explain-text.js';
import { bgpAd, config, l2Ad, node, peer, pool, service, slice, snapshot } from './fixtures.js';

const dir = fileURLToPath(new URL('./fixtures/explain/', import.meta.url));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const service = args[0];
  const json = args.includes('--json');
  const nodes = args.filter((a) => a.startsWith('node=')).map((a) => a.slice(5));
  const code = await runExplain([dir], { service, json, node: nodes.length ? nodes : undefined }, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('metallb-ts explain over a folder of YAML', () => {
  test('allocated now, BGP from node-a only, layer 2 winner, reasons for the others', async () => {
    const r = await run('shop/web');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // first free address of the pool; the two ads of the guide's example
    expect(r.out).toContain('IPs: 203.0.113.200 from pool doc-example-bgp-adv (allocated now by the allocator');
    expect(r.out).toContain('BGP: announced from 1 of 3 nodes');
    expect(r.out).toContain('router (198.51.100.1, AS 64501): 203.0.113.200/30 (communities 8000:800); 203.0.113.200/32 (localPref 100, communities 65535:65282)');
    expect(r.out).toContain('node-b: not announced [nodeLabeledExcludeBalancers] node node-b is labelled node.kubernetes.io/exclude-from-external-load-balancers');
    expect(r.out).toContain('node-c: not announced [notOwner] no BGPAdvertisement of pool doc-example-bgp-adv selects node node-c (nodeSelectors)');
    // layer 2: node-b is excluded; sha256("node-a#203.0.113.200") = f146be... < sha256("node-c#...") = ff7a17...
    expect(r.out).toContain('Layer 2: node-a announces on interfaces eth1');
    expect(r.out).toContain('election order: node-a, node-c');
    expect(r.out).toContain('node-b: not announced [notOwner] node node-b is not a candidate (labelled node.kubernetes.io/exclude-from-external-load-balancers)');
  });

  test('--json carries the same facts', async () => {
    const r = await run('shop/web', '--json');
    const e = JSON.parse(r.out);
    expect(e).toMatchObject({ service: 'shop/web', handled: true, ips: ['203.0.113.200'], pool: 'doc-example-bgp-adv', ipSource: 'allocator' });
    expect(e.bgp.map((b: { node: string; announced: boolean }) => [b.node, b.announced])).toEqual([['node-a', true], ['node-b', false], ['node-c', false]]);
    expect(e.bgp[0].peers[0].prefixes).toEqual([
      { prefix: '203.0.113.200/30', localPref: 0, communities: ['8000:800'] },
      { prefix: '203.0.113.200/32', localPref: 100, communities: ['65535:65282'] },
    ]);
    const winners = e.layer2.filter((l: { announced: boolean }) => l.announced).map((l: { node: string }) => l.node);
    expect(winners).toEqual([e.layer2Winner]);
  });

  test('a Service the allocator cannot serve: the allocator error and no announcement', async () => {
    const r = await run('shop/pending');
    expect(r.code).toBe(0);
    expect(r.out).toContain('IPs: none; the allocator says:');
    expect(r.out).toContain('not announced by any node [noIPAllocated]');
  });

  test('--node limits the plan; unknown Service exits 1', async () => {
    const one = JSON.parse((await run('shop/web', '--json', 'node=node-c')).out);
    expect(one.bgp.map((b: { node: string }) => b.node)).toEqual(['node-c']);
    const missing = await run('shop/nope');
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('no Service shop/nope in the given objects');
  });
});

describe('explainService', () => {
  const p = pool('p', ['192.0.2.0/24'], { bgp: [bgpAd('b')], l2: [l2Ad('l2')] });
  const cfg = config({ pools: [p], peers: [peer('r1', { address: '198.51.100.1' })] });
  const nodes = [node('node-a'), node('node-b'), node('node-c')];

  test('a Service of another class or type is not handled, and says why', () => {
    const snap = snapshot({ services: [service('ns/x', [], { lbClass: 'other' }), service('ns/y', [], { type: 'ClusterIP' })], nodes });
    expect(explainService({ config: cfg, snapshot: snap, service: 'ns/x' }).note).toContain('loadBalancerClass other');
    expect(explainService({ config: cfg, snapshot: snap, service: 'ns/y' }).note).toContain('type ClusterIP');
  });

  test('IP outside every pool: one withdraw reason, no per-node list', () => {
    const snap = snapshot({ services: [service('ns/s', ['203.0.113.9'])], nodes, endpointSlices: [slice('ns/s', [['node-a']])] });
    const e = explainService({ config: cfg, snapshot: snap, service: 'ns/s' });
    expect(e.withdrawn?.reason).toBe('ipNotAllowed');
    expect(formatExplanation(e)).toContain('not announced by any node [ipNotAllowed]: 203.0.113.9 is not inside one IPAddressPool');
  });

  test('status IPs: every node announces by BGP, node-c wins layer 2 for 192.0.2.10', () => {
    const snap = snapshot({ services: [service('ns/s', ['192.0.2.10'])], nodes, endpointSlices: [slice('ns/s', [['node-a']])] });
    const e = explainService({ config: cfg, snapshot: snap, service: 'ns/s' });
    expect(e.ipSource).toBe('status');
    expect(e.bgp.every((b) => b.announced && b.peers[0].peer === 'r1')).toBe(true);
    expect(e.layer2Winner).toBe('node-c');
    expect(e.layer2Order?.map((o) => o.node)).toEqual(['node-c', 'node-b', 'node-a']);
    const text = formatExplanation(e);
    expect(text).toContain('Layer 2: node-c announces on all interfaces');
    expect(text).toContain('node-a: not announced [notOwner] node node-c won the election');
  });

  test('attributes a shared IP really carries, merged from the other Service using it', () => {
    const shared = pool('p', ['192.0.2.0/24'], {
      bgp: [bgpAd('all', { communities: ['65000:10'] }), bgpAd('gold', { serviceSelectors: [{ matchLabels: { tier: 'gold' } }], communities: ['65000:1'] })],
    });
    const c = config({ pools: [shared], peers: [peer('r1', { address: '198.51.100.1' })] });
    const ann = { annotations: { 'metallb.io/allow-shared-ip': 'k' } };
    const snap = snapshot({
      services: [service('ns/gold', ['192.0.2.5'], { ...ann, labels: { tier: 'gold' } }), service('ns/plain', ['192.0.2.5'], ann), service('ns/other', ['192.0.2.9'])],
      nodes: [node('node-a')],
      endpointSlices: [slice('ns/gold', [['node-a']]), slice('ns/plain', [['node-a']]), slice('ns/other', [['node-a']])],
    });
    const e = explainService({ config: c, snapshot: snap, service: 'ns/plain' });
    expect(e.bgp[0].peers).toEqual([
      { peer: 'r1', neighbor: '198.51.100.1', remoteAS: '64513', vrf: '', prefixes: [{ prefix: '192.0.2.5/32', localPref: 0, communities: ['65000:1', '65000:10'] }] },
    ]);
  });
});
