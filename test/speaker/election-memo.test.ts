import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ElectionMemo } from '../../src/layer2/election/memo.js';
import { electionOrder } from '../../src/layer2/election/order.js';
import { planNode } from '../../src/speaker/plan.js';
import { config, l2Ad, node, pool, service, slice, snapshot } from './fixtures.js';

const names = Array.from({ length: 8 }, (_, i) => `n${i}`);
const ips = ['192.0.2.1', '192.0.2.2', '2001:db8::7'];

describe('ElectionMemo', () => {
  test('always agrees with a full election, whatever the sequence of candidate sets and scores', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ members: fc.subarray(names), preferred: fc.option(fc.constantFrom(...names)) }), { minLength: 1, maxLength: 12 }),
        (steps) => {
          const memo = new ElectionMemo();
          for (const step of steps) {
            memo.nextGeneration();
            const sorted = [...step.members].sort();
            const scores = new Map(step.preferred && sorted.includes(step.preferred) ? [[step.preferred, 50]] : []);
            const scoresKey = [...scores].map(([n, w]) => `${n}=${w}`).join(',');
            const id = memo.setId(sorted);
            for (const ip of ips) {
              expect(memo.winner(ip, id, scores, scoresKey)).toBe(electionOrder(sorted, ip, scores)[0]?.name);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('hashes only what a change affects', () => {
    const memo = new ElectionMemo();
    const all = [...names].sort();
    memo.nextGeneration();
    for (const ip of ips) memo.winner(ip, memo.setId(all), new Map(), '');
    expect(memo.hashes).toBe(ips.length * names.length);
    memo.nextGeneration();
    for (const ip of ips) memo.winner(ip, memo.setId(all), new Map(), '');
    expect(memo.hashes).toBe(ips.length * names.length); // unchanged: no hash at all
    // a node that wins none of the IPs leaves: nothing to recompute
    const winners = new Set(ips.map((ip) => electionOrder(all, ip, new Map())[0].name));
    const loser = all.find((n) => !winners.has(n))!;
    const without = all.filter((n) => n !== loser);
    memo.nextGeneration();
    for (const ip of ips) memo.winner(ip, memo.setId(without), new Map(), '');
    expect(memo.hashes).toBe(ips.length * names.length);
    // it comes back: one hash per IP (the newcomer against the winner)
    memo.nextGeneration();
    for (const ip of ips) memo.winner(ip, memo.setId(all), new Map(), '');
    expect(memo.hashes).toBe(ips.length * names.length + ips.length);
  });

  test('planNode gives the same decisions with and without the memo', () => {
    const p = pool('p', ['192.0.2.0/24'], { l2: [l2Ad('l2')] });
    const nodes = names.map((n) => node(n));
    const services = Array.from({ length: 40 }, (_, i) => service(`ns/s${i}`, [`192.0.2.${i + 1}`]));
    const snap = snapshot({ services, nodes, endpointSlices: services.map((s) => slice(`ns/${s.metadata.name}`, [['n1']])) });
    const memo = new ElectionMemo();
    for (const members of [new Set(names), new Set(names.slice(2)), new Set(names.slice(1, 6)), new Set(names)]) {
      for (const me of ['n2', 'n4']) {
        const withMemo = planNode({ config: config({ pools: [p] }), snapshot: snap, node: me, members, electionMemo: memo });
        const without = planNode({ config: config({ pools: [p] }), snapshot: snap, node: me, members });
        expect(withMemo.decisions).toEqual(without.decisions);
        expect(withMemo.l2).toEqual(without.l2);
      }
    }
  });
});
