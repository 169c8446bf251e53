import { describe, expect, test } from '@jest/globals';
import { SimNetwork } from './sim-network.js';
import { DEFAULT_TIMINGS } from './timings.js';
import { seal } from './wire.js';

const NAMES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const T = DEFAULT_TIMINGS;
/** Detection bound with n members (timings.ts): first probe within (n-1)·T, its period, suspicion. */
const bound = (n: number): number => (n - 1) * T.probeInterval + T.probeInterval + T.suspicionTimeout;

function liveEverywhere(net: SimNetwork, except: string[] = []): Map<string, string[]> {
  const views = new Map<string, string[]>();
  for (const [name, m] of net.machines) if (!except.includes(name)) views.set(name, [...m.liveMembers()].sort());
  return views;
}

function deadEverywhere(net: SimNetwork, dead: string): boolean {
  return [...net.machines].every(([name, m]) => name === dead || m.stateOf(dead) === 'dead');
}

describe('membership state machine (fake clock, fake network)', () => {
  test('a quiet cluster stays whole: no suspicion in 10 s, every view complete, self included', () => {
    const net = new SimNetwork({ names: NAMES, seed: 7 });
    net.run(10_000);
    expect(net.events.filter((e) => e.state !== 'alive')).toEqual([]);
    for (const view of liveEverywhere(net).values()) expect(view).toEqual(NAMES);
    // every member probed (pings) at about one per period
    const pings = net.sent.filter((p) => p.message?.type === 'ping' && p.from === 'n1').length;
    expect(pings).toBeGreaterThanOrEqual(95);
    expect(pings).toBeLessThanOrEqual(105);
  });

  test('losing any single packet never raises a suspicion', () => {
    // one run per packet of the first 300 ms (all kinds: pings, acks, ping-reqs, relayed acks)
    const probe = new SimNetwork({ names: NAMES, seed: 3 });
    probe.run(300);
    const count = probe.sent.length;
    expect(count).toBeGreaterThan(20);
    for (let i = 0; i < count; i++) {
      const net = new SimNetwork({ names: NAMES, seed: 3 });
      let n = 0;
      net.dropIf = () => n++ === i;
      net.run(2_000);
      expect({ dropped: i, flaps: net.events.filter((e) => e.state !== 'alive') }).toEqual({ dropped: i, flaps: [] });
    }
  });

  test('a lost ping is recovered by the indirect probes and the second ping', () => {
    const net = new SimNetwork({ names: NAMES, seed: 11 });
    let dropped = false;
    net.dropIf = (p) => {
      if (!dropped && p.message?.type === 'ping' && p.from === 'n1') return (dropped = true);
      return false;
    };
    net.run(1_000);
    expect(dropped).toBe(true);
    expect(net.sent.some((p) => p.message?.type === 'pingReq' && p.from === 'n1')).toBe(true);
    expect(net.events.filter((e) => e.state !== 'alive')).toEqual([]);
  });

  test('a stopped member is declared dead by every survivor within the bound', () => {
    const times: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const net = new SimNetwork({ names: NAMES, seed });
      net.run(500 + seed * 13); // a different phase per run
      net.stop('n3');
      const took = net.runUntil(() => deadEverywhere(net, 'n3'), 5_000);
      expect(took).toBeDefined();
      expect(took!).toBeLessThanOrEqual(bound(NAMES.length) + 20);
      times.push(took!);
      for (const [name, view] of liveEverywhere(net, ['n3'])) expect({ name, view }).toEqual({ name, view: ['n1', 'n2', 'n4', 'n5'] });
      // dead is final for this failure: no survivor flips back
      net.run(3_000);
      expect(deadEverywhere(net, 'n3')).toBe(true);
    }
    times.sort((a, b) => a - b);
    // the average case is about T + T + S (timings.ts); the median must not sit at the bound
    expect(times[10]).toBeLessThan(bound(NAMES.length));
  });

  test('a suspected member that is alive refutes with a higher incarnation and is never declared dead', () => {
    const net = new SimNetwork({ names: NAMES, seed: 5 });
    net.run(500);
    const before = net.machine('n2').currentIncarnation;
    net.dropIf = (p) => p.to === 'n2' || p.from === 'n2'; // n2 cut off until someone suspects it
    const t = net.runUntil(() => net.events.some((e) => e.name === 'n2' && e.state === 'suspect'), 2_000);
    expect(t).toBeDefined();
    net.dropIf = undefined;
    net.run(2_000);
    expect(net.events.filter((e) => e.name === 'n2' && e.state === 'dead')).toEqual([]);
    expect(net.machine('n2').currentIncarnation).toBeGreaterThan(before);
    const inc = net.machine('n2').currentIncarnation;
    for (const [name, m] of net.machines) {
      if (name === 'n2') continue;
      expect(m.memberStates().find((s) => s.name === 'n2')).toEqual({ name: 'n2', state: 'alive', incarnation: inc });
    }
    expect(net.events.some((e) => e.name === 'n2' && e.state === 'alive' && e.reason === 'refuted')).toBe(true);
  });

  test('a member stalled for 150 ms (GC, CPU starvation) is at most suspected, never declared dead', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const net = new SimNetwork({ names: NAMES, seed });
      net.run(400 + seed * 7);
      net.stall('n2');
      net.run(150);
      net.resume('n2');
      net.run(2_000);
      expect({ seed, dead: net.events.filter((e) => e.state === 'dead') }).toEqual({ seed, dead: [] });
    }
  });

  test('a member whose own event loop stalled 500 ms, with its probe in flight, accuses nobody when it resumes', () => {
    // what protects it: queued datagrams are read before timers (the edge ticks from setImmediate), and a
    // late tick still gives the indirect probes their share of the period
    for (let seed = 1; seed <= 10; seed++) {
      const net = new SimNetwork({ names: NAMES, seed });
      net.run(400 + seed * 7);
      const sent = net.sent.length;
      expect(net.runUntil(() => net.sent.slice(sent).some((p) => p.from === 'n1' && p.message?.type === 'ping'), 500, 0.1)).toBeDefined();
      net.stall('n1'); // its ping is out, the ack not yet in
      net.run(500); // longer than T + S: the others may well declare n1 dead meanwhile
      net.resume('n1');
      net.run(2_000);
      expect({ seed, n1: net.events.filter((e) => e.observer === 'n1' && e.state !== 'alive') }).toEqual({ seed, n1: [] });
      for (const view of liveEverywhere(net).values()) expect(view).toEqual(NAMES); // n1 is back everywhere
    }
  });

  test('a restarted member is re-admitted by its first packets (higher start incarnation)', () => {
    const net = new SimNetwork({ names: NAMES, seed: 9 });
    net.run(300);
    net.stop('n4');
    expect(net.runUntil(() => deadEverywhere(net, 'n4'), 3_000)).toBeDefined();
    net.restart('n4', 1_000);
    const took = net.runUntil(() => [...net.machines.values()].every((m) => m.liveMembers().has('n4')), 2_000);
    expect(took).toBeDefined();
    expect(took!).toBeLessThanOrEqual(2 * T.probeInterval);
    net.run(2_000);
    for (const view of liveEverywhere(net).values()) expect(view).toEqual(NAMES);
  });

  test('a member back from a pause (same state, old incarnation) is re-admitted by refutation', () => {
    const net = new SimNetwork({ names: NAMES, seed: 13 });
    net.run(300);
    net.stop('n5');
    expect(net.runUntil(() => deadEverywhere(net, 'n5'), 3_000)).toBeDefined();
    const inc = net.machine('n5').currentIncarnation;
    net.resume('n5');
    const took = net.runUntil(() => [...net.machines.values()].every((m) => m.liveMembers().has('n5')), 3_000);
    expect(took).toBeDefined();
    expect(net.machine('n5').currentIncarnation).toBeGreaterThan(inc);
    net.run(2_000);
    for (const view of liveEverywhere(net).values()) expect(view).toEqual(NAMES);
  });

  test('a partition that heals merges again through the reconnect pings', () => {
    const net = new SimNetwork({ names: NAMES, seed: 21 });
    net.run(300);
    const left = new Set(['n1', 'n2']);
    net.dropIf = (p) => left.has(p.from) !== left.has(p.to);
    net.run(3_000);
    expect(net.machine('n1').liveMembers()).toEqual(new Set(['n1', 'n2']));
    expect(net.machine('n4').liveMembers()).toEqual(new Set(['n3', 'n4', 'n5']));
    net.dropIf = undefined;
    const took = net.runUntil(() => [...liveEverywhere(net).values()].every((v) => v.length === 5), 5_000);
    expect(took).toBeDefined();
    expect(took!).toBeLessThanOrEqual(T.reconnectInterval + 500);
  });

  test('gossip converges: members that never probed the dead one learn it, all views agree', () => {
    const net = new SimNetwork({ names: NAMES, seed: 4 });
    net.run(400);
    net.stop('n1');
    expect(net.runUntil(() => deadEverywhere(net, 'n1'), 3_000)).toBeDefined();
    const views = [...liveEverywhere(net, ['n1']).values()];
    expect(new Set(views.map((v) => v.join(','))).size).toBe(1);
    // some survivor learnt of n1's suspicion or death from gossip, not from its own probe
    expect(net.events.some((e) => e.name === 'n1' && e.reason === 'gossip')).toBe(true);
    // all survivors agree on the incarnation of every member
    for (const name of ['n2', 'n3', 'n4', 'n5']) {
      const seen = new Set([...net.machines].filter(([o]) => o !== 'n1' && o !== name)
        .map(([, m]) => JSON.stringify(m.memberStates().find((s) => s.name === name))));
      expect(seen.size).toBe(1);
    }
  });

  test('a graceful leave is seen at once, without waiting for detection', () => {
    const net = new SimNetwork({ names: NAMES, seed: 2 });
    net.run(300);
    net.machine('n2').leave();
    net.run(5);
    expect(deadEverywhere(net, 'n2')).toBe(true);
    expect(net.events.filter((e) => e.name === 'n2' && e.state === 'dead').every((e) => e.reason === 'left')).toBe(true);
  });

  test('forged, replayed, stale and malformed packets are dropped, counted and change nothing', () => {
    const net = new SimNetwork({ names: NAMES, seed: 6 });
    net.run(200);
    const forged = seal({ type: 'gossip', from: 'n2', incarnation: 99, gossip: [{ state: 'dead', name: 'n3', incarnation: 99 }] },
      new TextEncoder().encode('wrong key'), net.now, new Uint8Array(8));
    net.inject('n1', forged);
    expect(net.drops.get('n1')).toEqual(['unauthenticated']);
    expect(net.machine('n1').stateOf('n3')).toBe('alive');

    const real = net.sent.find((p) => p.to === 'n1')!.bytes;
    net.inject('n1', real);
    expect(net.drops.get('n1')).toEqual(['unauthenticated', 'replayed']);

    const key = new TextEncoder().encode('sim-network-shared-secret');
    const old = seal({ type: 'gossip', from: 'n2', incarnation: 0, gossip: [{ state: 'dead', name: 'n3', incarnation: 99 }] }, key,
      net.now - T.replayWindow - 1, new Uint8Array(8).fill(7));
    net.inject('n1', old);
    net.inject('n1', new Uint8Array([1, 2, 3]));
    expect(net.drops.get('n1')).toEqual(['unauthenticated', 'replayed', 'stale', 'malformed']);
    expect(net.machine('n1').stateOf('n3')).toBe('alive');

    // the same message with the right key and a fresh timestamp is believed: the drops above were the checks
    net.inject('n1', seal({ type: 'gossip', from: 'n2', incarnation: 0, gossip: [{ state: 'dead', name: 'n3', incarnation: 99 }] }, key,
      net.now, new Uint8Array(8).fill(8)));
    expect(net.machine('n1').stateOf('n3')).toBe('dead');
  });

  test('onLiveChange fires on death and return, not on suspicion', () => {
    const net = new SimNetwork({ names: NAMES, seed: 8 });
    const seen: string[] = [];
    net.machine('n1').onLiveChange((live, e) => seen.push(`${e.name}:${e.state}:${[...live].sort().join('')}`));
    net.run(300);
    net.dropIf = (p) => p.to === 'n2' || p.from === 'n2';
    expect(net.runUntil(() => net.events.some((e) => e.name === 'n2' && e.state === 'suspect'), 2_000)).toBeDefined();
    net.dropIf = undefined;
    net.run(1_000);
    expect(seen).toEqual([]);
    net.stop('n4');
    net.run(2_000);
    net.resume('n4');
    net.run(2_000);
    expect(seen).toEqual(['n4:dead:n1n2n3n5', 'n4:alive:n1n2n3n4n5']);
  });

  test('setMembers adds and removes members, with events; the live set always holds self', () => {
    const net = new SimNetwork({ names: ['a', 'b'], seed: 1 });
    const a = net.machine('a');
    a.setMembers([{ name: 'b', address: '192.0.2.1', port: 7001 }, { name: 'c', address: '192.0.2.9', port: 7002 }]);
    expect(a.liveMembers()).toEqual(new Set(['a', 'b', 'c']));
    a.setMembers([]);
    expect(a.liveMembers()).toEqual(new Set(['a']));
    expect(net.events.filter((e) => e.observer === 'a').map((e) => `${e.name}:${e.state}:${e.reason}`))
      .toEqual(['b:alive:added', 'c:alive:added', 'b:removed:removed', 'c:removed:removed']);
  });

  test('a member with another key is reported as a key mismatch by the others, and clears when it gets the same key', () => {
    const net = new SimNetwork({ names: ['n1', 'n2', 'n3'], seed: 5 });
    const seen: string[][] = [];
    net.machine('n1').onKeyMismatchChange((m) => seen.push(m));
    net.run(1_000);
    expect(net.machine('n1').keyMismatches()).toEqual([]);
    // n3 gets another key at once, with no grace for the old one on the others: a split in the making
    const other = new TextEncoder().encode('another-secret-of-enough-bytes');
    net.machine('n3').setKey(other);
    net.run(2 * T.keyChangeGrace);
    expect(net.machine('n1').keyMismatches()).toEqual(['n3']);
    expect(net.machine('n2').keyMismatches()).toEqual(['n3']);
    expect(net.machine('n3').keyMismatches()).toEqual(['n1', 'n2']);
    expect(seen[0]).toEqual(['n3']);
    // everyone takes the new key: once the others seal with it too, the mismatch clears
    net.machine('n1').setKey(other);
    net.machine('n2').setKey(other);
    net.run(T.keyChangeGrace);
    for (const n of ['n1', 'n2', 'n3']) expect([n, net.machine(n).keyMismatches()]).toEqual([n, []]);
    expect(seen.at(-1)).toEqual([]);
    net.run(bound(3) * 4);
    for (const view of liveEverywhere(net).values()) expect(view).toEqual(['n1', 'n2', 'n3']);
  });

  test('a key rotated on every member one after the other splits nothing', () => {
    const net = new SimNetwork({ names: NAMES, seed: 9 });
    net.run(1_000);
    const next = new TextEncoder().encode('the-next-membership-key-123');
    // the members see the new Secret a few seconds apart, as informers do
    NAMES.forEach((n, i) => {
      net.run(i * 1_500);
      net.machine(n).setKey(next);
    });
    net.run(10_000);
    expect(net.events.filter((e) => e.state !== 'alive')).toEqual([]);
    for (const n of NAMES) expect(net.machine(n).keyMismatches()).toEqual([]);
  });
});
