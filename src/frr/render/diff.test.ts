import { describe, expect, it } from '@jest/globals';
import { ad, intent, neighbor, range, router, scenarios } from '../../../test/golden/frr/scenarios.js';
import type { NodeBGPIntent } from '../../bgp/types.js';
import { render } from '../frr-conf.js';
import { buildModel } from './build.js';
import { diffIntents, diffModels } from './diff.js';
import { parseConfig } from './parse.js';

const pool = range('192.0.2.0/24', [32]);

/** A node with two peers that get every Service of the pool. */
function withServices(n: number, over: { password?: string; bfd?: string } = {}): NodeBGPIntent {
  const ads = Array.from({ length: n }, (_, i) => ad(`192.0.2.${i + 1}/32`));
  return intent(
    [
      router({
        poolRanges: [pool],
        neighbors: [
          neighbor({ address: '198.51.100.1', advertisements: ads, password: over.password ?? 'pw', bfdProfile: over.bfd ?? 'slow' }),
          neighbor({ address: '198.51.100.3', advertisements: ads }),
        ],
      }),
    ],
    { bfdProfiles: [{ name: 'slow', receiveInterval: 1000, transmitInterval: 1000 }] },
  );
}

describe('parseConfig', () => {
  for (const [name, i] of Object.entries(scenarios).filter(([, x]) => !x.extras)) {
    it(`reads back the rendered ${name} config`, () => {
      const parsed = parseConfig(render(i));
      const built = buildModel(i);
      expect({ ...parsed, extras: '', hostname: '' }).toEqual({ ...built, extras: '', hostname: '' });
      expect(parsed.hostname).toBe(i.hostname);
    });
  }
});

describe('diffModels', () => {
  it('is empty between a rendered config read back and its intent', () => {
    for (const i of Object.values(scenarios).filter((x) => !x.extras)) {
      expect(diffModels(parseConfig(render(i)), buildModel(i))).toEqual([]);
    }
  });

  it('adds a Service with one network line and nothing else', () => {
    expect(diffIntents(withServices(3), withServices(4))).toEqual([
      'router bgp 64512',
      'address-family ipv4 unicast',
      'network 192.0.2.4/32',
      'exit-address-family',
      'exit',
    ]);
  });

  it('removes a Service with one no-network line', () => {
    expect(diffIntents(withServices(4), withServices(3))).toEqual([
      'router bgp 64512',
      'address-family ipv4 unicast',
      'no network 192.0.2.4/32',
      'exit-address-family',
      'exit',
    ]);
  });

  it('never touches a neighbor, a list or a route-map while 100 Services come and go', () => {
    let prev = withServices(0);
    const seen: string[] = [];
    for (let n = 1; n <= 100; n++) {
      const next = withServices(n);
      seen.push(...diffIntents(prev, next));
      prev = next;
    }
    for (let n = 99; n >= 0; n--) {
      const next = withServices(n);
      seen.push(...diffIntents(prev, next));
      prev = next;
    }
    expect(seen.filter((c) => /neighbor|prefix-list|route-map|bfd/.test(c))).toEqual([]);
    expect(seen.filter((c) => c.startsWith('network ')).length).toBe(100);
    expect(seen.filter((c) => c.startsWith('no network ')).length).toBe(100);
  });

  it('changes a password on that neighbor only', () => {
    expect(diffIntents(withServices(2), withServices(2, { password: 'new' }))).toEqual([
      'router bgp 64512',
      'neighbor 198.51.100.1 password new',
      'exit',
    ]);
  });

  it('removes an option with its no form, BFD profile before BFD', () => {
    expect(diffIntents(withServices(2), withServices(2, { password: '', bfd: '' }))).toEqual([
      'router bgp 64512',
      'no neighbor 198.51.100.1 password pw',
      'no neighbor 198.51.100.1 bfd profile slow',
      'no neighbor 198.51.100.1 bfd',
      'exit',
    ]);
  });

  it('changes a BFD profile in place, resetting removed values to the defaults', () => {
    const a = withServices(1);
    const b = { ...a, bfdProfiles: [{ name: 'slow', receiveInterval: 2000, detectMultiplier: 4 }] };
    expect(diffIntents(a, b)).toEqual(['bfd', 'profile slow', 'detect-multiplier 4', 'receive-interval 2000', 'no transmit-interval', 'exit', 'exit']);
  });

  it('deletes a peer, then its route-maps and the lists nobody uses any more', () => {
    const a = withServices(1);
    const b: NodeBGPIntent = { ...a, routers: [{ ...a.routers[0], neighbors: [a.routers[0].neighbors[1]] }] };
    expect(diffIntents(a, b)).toEqual([
      'router bgp 64512',
      'no neighbor 198.51.100.1',
      'exit',
      'no route-map 198.51.100.1-in',
      'no route-map 198.51.100.1-out',
    ]);
  });

  it('adds a peer: its route-maps before the neighbor refers to them', () => {
    const a = withServices(1);
    const extra = neighbor({ address: '198.51.100.5', advertisements: [ad('192.0.2.1/32')] });
    const b: NodeBGPIntent = { ...a, routers: [{ ...a.routers[0], neighbors: [...a.routers[0].neighbors, extra] }] };
    const cmds = diffIntents(a, b);
    expect(cmds.indexOf('route-map 198.51.100.5-out permit 1')).toBeLessThan(cmds.indexOf('neighbor 198.51.100.5 remote-as 64513'));
    expect(cmds.slice(cmds.indexOf('router bgp 64512'))).toEqual([
      'router bgp 64512',
      'neighbor 198.51.100.5 remote-as 64513',
      'address-family ipv4 unicast',
      'neighbor 198.51.100.5 activate',
      'neighbor 198.51.100.5 route-map 198.51.100.5-in in',
      'neighbor 198.51.100.5 route-map 198.51.100.5-out out',
      'exit-address-family',
      'exit',
    ]);
  });

  it('swaps a per-peer exception list: new list, route-map match, then the old list goes', () => {
    const mk = (restricted: string[]): NodeBGPIntent =>
      intent([
        router({
          poolRanges: [pool],
          neighbors: [
            neighbor({ address: '198.51.100.1', advertisements: ['1', '2', '3', ...restricted].map((x) => ad(`192.0.2.${x}/32`)) }),
            neighbor({ address: '198.51.100.3', advertisements: ['1', '2', '3'].map((x) => ad(`192.0.2.${x}/32`)) }),
          ],
        }),
      ]);
    const cmds = diffIntents(mk(['9']), mk(['9', '10']));
    const newList = cmds.find((c) => c.startsWith('ip prefix-list'))!;
    expect(newList).toMatch(/^ip prefix-list metallb-allowed-ip-\w+ seq 1 deny 192.0.2.(9|10)\/32$/);
    expect(cmds.filter((c) => c.startsWith('ip prefix-list')).length).toBe(3); // deny .9, deny .10, permit range
    expect(cmds).toContain('network 192.0.2.10/32');
    expect(cmds.some((c) => /^neighbor /.test(c))).toBe(false);
    const matchAt = cmds.findIndex((c) => c.startsWith('match ip address prefix-list'));
    const dropAt = cmds.findIndex((c) => c.startsWith('no ip prefix-list'));
    expect(cmds.indexOf(newList)).toBeLessThan(matchAt);
    expect(matchAt).toBeLessThan(dropAt);
  });

  it('moves to another ASN by removing the router first', () => {
    const a = withServices(1);
    const b: NodeBGPIntent = { ...a, routers: [{ ...a.routers[0], asn: 64600 }] };
    const cmds = diffIntents(a, b);
    expect(cmds[0]).toBe('no router bgp 64512');
    expect(cmds[1]).toBe('router bgp 64600');
  });

  it('turns debug logging on and off', () => {
    const a = withServices(0);
    const on = diffIntents(a, { ...a, logLevel: 'debugging' });
    expect(on[0]).toBe('log stdout');
    expect(on).toContain('debug bgp updates in');
    const off = diffIntents({ ...a, logLevel: 'debugging' }, a);
    expect(off[0]).toBe('log stdout informational');
    expect(off).toContain('no debug bgp updates in');
  });

  it('builds a whole config from an empty FRR', () => {
    const cmds = diffIntents(undefined, scenarios['localpref-communities']);
    expect(cmds[0]).toBe('log stdout informational');
    expect(cmds.filter((c) => c.startsWith('network '))).toHaveLength(4);
  });

  it('sets the route-map delay on a fresh FRR before any route-map, and only then', () => {
    const i = scenarios['localpref-communities'];
    const cmds = diffIntents(undefined, i);
    const delay = cmds.indexOf('bgp route-map delay-timer 1');
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(cmds.findIndex((c) => c.startsWith('route-map ')));
    expect(diffIntents(i, i)).toEqual([]);
  });

  it('puts the route-map delay back when FRR lost it (bgpd restarted alone, or set to 5 by hand)', () => {
    const i = withServices(2);
    const have = parseConfig(render(i).replace('bgp route-map delay-timer 1\n', ''));
    expect(diffModels(have, buildModel(i))).toEqual(['bgp route-map delay-timer 1']);
  });
});
