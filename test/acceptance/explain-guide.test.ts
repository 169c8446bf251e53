// Acceptance: `explain --service` answers which node announces, to which peers with which attributes,
// and for every other node why not, with upstream's reason names (spec 7.1, 8.1, 11.5/11.6). The layer 2
// winner is recomputed here from the spec's rule (sha256 of "<node>#<first IP>", lowest first), not
// taken from the implementation.
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { ServiceExplanation } from '../../src/speaker/explain.js';
import { explain, scenario } from './run.js';

async function ask(service: string, folder = 'explain'): Promise<ServiceExplanation> {
  const r = await explain([scenario(folder)], service, true);
  expect(r.err).toBe('');
  return JSON.parse(r.out) as ServiceExplanation;
}

function reasons(list: { node: string; announced: boolean; reason?: string }[]): Record<string, string> {
  return Object.fromEntries(list.map((v) => [v.node, v.announced ? 'announced' : (v.reason ?? '?')]));
}

function specWinner(candidates: string[], firstIP: string): string {
  const h = (n: string): string => createHash('sha256').update(`${n}#${firstIP}`).digest('hex');
  return [...candidates].sort((a, b) => (h(a) < h(b) ? -1 : h(a) > h(b) ? 1 : 0))[0];
}

describe('explain: BGP (guide 31.5.4 advertisement for a subset of nodes)', () => {
  it('Cluster policy: every selected node announces to the advertisement peer only; others say why', async () => {
    const e = await ask('default/cluster');
    expect(e.pool).toBe('bgp-pool');
    expect(e.ipSource).toBe('allocator');
    expect(reasons(e.bgp)).toEqual({ 'node-a': 'announced', 'node-b': 'announced', 'node-c': 'notOwner', 'node-x': 'nodeLabeledExcludeBalancers' });
    for (const node of ['node-a', 'node-b']) {
      const peers = e.bgp.find((b) => b.node === node)?.peers ?? [];
      // tor2 is on node-b too, but the advertisement names only tor
      expect(peers.map((p) => [p.peer, p.remoteAS, p.prefixes.map((x) => `${x.prefix} lp=${x.localPref}`)])).toEqual([
        ['tor', '64501', [`${e.ips[0]}/32 lp=50`]],
      ]);
    }
  });

  it('Local policy: only the node with a serving (even terminating) endpoint announces', async () => {
    const e = await ask('default/local');
    expect(reasons(e.bgp)).toEqual({ 'node-a': 'noLocalEndpoints', 'node-b': 'announced', 'node-c': 'notOwner', 'node-x': 'nodeLabeledExcludeBalancers' });
  });

  it('no serving endpoint anywhere: noEndpoints for BGP, notOwner for layer 2', async () => {
    const e = await ask('default/noeps');
    expect(e.ipSource).toBe('status');
    expect(reasons(e.bgp)['node-a']).toBe('noEndpoints');
    expect(new Set(Object.values(reasons(e.layer2)))).toEqual(new Set(['notOwner']));
  });

  it('serviceSelectors that miss the Service: noMatchingAdvertisement; allow-shared-ip with an L2 serviceSelector: sharedIPWithServiceSelector', async () => {
    const e = await ask('default/shared');
    expect(new Set(Object.values(reasons(e.bgp)))).toEqual(new Set(['noMatchingAdvertisement']));
    expect(new Set(Object.values(reasons(e.layer2)))).toEqual(new Set(['sharedIPWithServiceSelector']));
  });

  it('withdraw reasons that belong to the Service itself', async () => {
    expect((await ask('default/outside')).withdrawn?.reason).toBe('ipNotAllowed');
    const full = await ask('default/full');
    expect(full.withdrawn?.reason).toBe('noIPAllocated');
    expect(full.allocationError).toMatch(/203\.0\.113\.200/);
    const cip = await explain([scenario('explain')], 'default/clusterip');
    expect(cip.out).toMatch(/type ClusterIP/);
    const missing = await explain([scenario('explain')], 'default/nope');
    expect(missing.code).toBe(1);
  });

  it('excluded and network-unavailable nodes, VRF peers by address (render scenario)', async () => {
    const e = await ask('default/loc', 'vrf-unnumbered-large');
    expect(reasons(e.bgp)).toEqual({ 'node-a': 'announced', 'node-b': 'nodeLabeledExcludeBalancers', 'node-c': 'nodeNetworkUnavailable', 'node-d': 'noLocalEndpoints' });
    const vrf = e.bgp[0].peers.find((p) => p.peer === 'vrfpeer');
    expect(vrf?.vrf).toBe('red');
    const text = (await explain([scenario('vrf-unnumbered-large')], 'default/loc')).out;
    expect(text).toMatch(/vrfpeer \(192\.0\.2\.5, AS 64510, VRF red\)/);
    expect(text).toMatch(/unnum \(eth1, AS external\)/);
  });
});

describe('explain: layer 2 election (guide 31.5.7, spec 7.1)', () => {
  it('Cluster policy: the spec winner among the nodes the L2Advertisement selects', async () => {
    const e = await ask('default/l2cluster');
    const winner = specWinner(['node-a', 'node-b', 'node-c'], e.ips[0]);
    expect(e.layer2.find((l) => l.announced)?.node).toBe(winner);
    expect(e.layer2.find((l) => l.announced)?.interfaces).toEqual(['eth0']);
    const r = reasons(e.layer2);
    expect(r['node-x']).toBe('noMatchingAdvertisement');
    for (const n of ['node-a', 'node-b', 'node-c'].filter((x) => x !== winner)) expect(r[n]).toBe('notOwner');
    expect(new Set(Object.values(reasons(e.bgp)))).toEqual(new Set(['notOwner']));
  });

  it('Local policy: only nodes with an endpoint are candidates', async () => {
    const e = await ask('default/l2local');
    const winner = specWinner(['node-a', 'node-c'], e.ips[0]);
    // the scenario's IP is chosen so that the Local filter changes the winner
    expect(specWinner(['node-a', 'node-b', 'node-c'], e.ips[0])).not.toBe(winner);
    expect(e.layer2.find((l) => l.announced)?.node).toBe(winner);
  });
});

describe('explain: a peer broken on one node (spec 11.1)', () => {
  it('answers for the other nodes and names the broken one', async () => {
    const dir = scenario('peer-broken-on-node-b');
    const r = await explain([dir], 'default/s', true);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/BGPPeer\/bad/);
    const e = JSON.parse(r.out) as ServiceExplanation;
    expect(reasons(e.bgp)).toEqual({ 'node-a': 'announced' });
    expect(e.bgp[0].peers.map((p) => p.peer)).toEqual(['good']);
    expect(e.errors.join('\n')).toMatch(/node node-b: configuration invalid .*BGPPeer\/bad/);
    const text = await explain([dir], 'default/s');
    expect(text.out).toMatch(/node-a: announces to\n {4}good \(192\.0\.2\.1, AS 64501\): 203\.0\.113\.7\/32/);
    expect(text.out).toMatch(/problem: node node-b: configuration invalid/);
  });
});

describe('explain: layer 2 election summary', () => {
  it('keeps the winner and the ranked order even when the last node planned is not selected by the advertisement', async () => {
    const e = await ask('default/l2cluster');
    const winner = specWinner(['node-a', 'node-b', 'node-c'], e.ips[0]);
    expect(e.layer2Winner).toBe(winner);
    expect(e.layer2Order?.map((o) => o.node)).toEqual(
      ['node-a', 'node-b', 'node-c'].sort((a, b) => {
        const h = (n: string): string => createHash('sha256').update(`${n}#${e.ips[0]}`).digest('hex');
        return h(a) < h(b) ? -1 : 1;
      }),
    );
    const text = (await explain([scenario('explain')], 'default/l2cluster')).out;
    expect(text).toMatch(new RegExp(`election order: ${e.layer2Order?.map((o) => o.node).join(', ')}`));
  });
});
