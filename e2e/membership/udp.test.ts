// Real UDP on loopback: several members on 127.0.0.1, each on its own port, with the default timings.
import { afterEach, describe, expect, test } from '@jest/globals';
import { createSocket } from 'node:dgram';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { createLogger } from '../../src/util/log.js';
import { DEFAULT_TIMINGS } from '../../src/layer2/membership/timings.js';
import { UdpMembership } from '../../src/layer2/membership/udp.js';
import { seal } from '../../src/layer2/membership/wire.js';

const KEY = new TextEncoder().encode('loopback-test-secret-0123456789');
const T = DEFAULT_TIMINGS;
// Bound from timings.ts, (n-1)·T + T + S, doubled: this host is 2 cores shared with other test runs.
// The measured figures come from bench/membership-detect.ts, not from here.
const slackBound = (n: number): number => 2 * ((n - 1) * T.probeInterval + T.probeInterval + T.suspicionTimeout);

const running: UdpMembership[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((m) => m.close({ leave: false })));
});

async function cluster(names: string[], extra: { registry?: Registry; logs?: string[]; address?: string } = {}): Promise<Map<string, UdpMembership>> {
  const out = new Map<string, UdpMembership>();
  const address = extra.address ?? '127.0.0.1';
  for (const name of names) {
    const logger = extra.logs
      ? createLogger('debug', new Writable({ write(chunk, _e, cb) { extra.logs!.push(String(chunk)); cb(); } }))
      : undefined;
    const m = await UdpMembership.start({ name, bindAddress: address, port: 0, key: KEY,
      registry: name === names[0] ? extra.registry : undefined, logger: name === names[0] ? logger : undefined });
    running.push(m);
    out.set(name, m);
  }
  const members = [...out].map(([name, m]) => ({ name, address, port: m.port }));
  for (const m of out.values()) m.setMembers(members);
  return out;
}

async function waitFor(pred: () => boolean, maxMs: number): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < maxMs) {
    if (pred()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 5));
  }
  return pred() ? performance.now() - start : undefined;
}

describe('membership over real UDP (loopback)', () => {
  test('a member whose socket closes is marked dead by the others, within the bound; the rest stay alive', async () => {
    const registry = new Registry();
    const logs: string[] = [];
    const c = await cluster(['a', 'b', 'c', 'd'], { registry, logs });
    await new Promise((r) => setTimeout(r, 600));
    for (const m of c.values()) expect([...m.liveMembers()].sort()).toEqual(['a', 'b', 'c', 'd']);

    await c.get('c')!.close({ leave: false }); // a crash: nobody is told
    const took = await waitFor(() => ['a', 'b', 'd'].every((n) => !c.get(n)!.liveMembers().has('c')), 5_000);
    expect(took).toBeDefined();
    expect(took!).toBeLessThan(slackBound(4));
    for (const n of ['a', 'b', 'd']) expect([...c.get(n)!.liveMembers()].sort()).toEqual(['a', 'b', 'd']);

    const text = await registry.metrics();
    expect(text).toMatch(/metallb_membership_members\{state="alive"\} 3/);
    expect(text).toMatch(/metallb_membership_members\{state="dead"\} 1/);
    expect(text).toMatch(/metallb_membership_member_failures_total 1/);
    const probes = Number(/metallb_membership_probes_total (\d+)/.exec(text)![1]);
    expect(probes).toBeGreaterThan(4);
    // upstream's log key for the membership component
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.component === 'Memberlist' && typeof l.msg === 'string' && (l.msg as string).includes('c'))).toBe(true);
  });

  test('IPv6 works the same (::1): a crashed member is detected', async () => {
    const c = await cluster(['a', 'b', 'c'], { address: '::1' });
    await new Promise((r) => setTimeout(r, 400));
    for (const m of c.values()) expect(m.liveMembers().size).toBe(3);
    await c.get('a')!.close({ leave: false });
    const took = await waitFor(() => !c.get('b')!.liveMembers().has('a') && !c.get('c')!.liveMembers().has('a'), 5_000);
    expect(took).toBeDefined();
    expect(took!).toBeLessThan(slackBound(3));
  });

  test('a forged packet (wrong key) is ignored and counted', async () => {
    const registry = new Registry();
    const c = await cluster(['a', 'b', 'c'], { registry });
    await new Promise((r) => setTimeout(r, 300));
    const forged = seal({ type: 'gossip', from: 'b', incarnation: 0xfffffff, gossip: [{ state: 'dead', name: 'c', incarnation: 0xfffffff }] },
      new TextEncoder().encode('not-the-shared-secret'), Date.now(), new Uint8Array(8).fill(1));
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.send(forged, c.get('a')!.port, '127.0.0.1', () => r()));
    sock.close();
    await waitFor(() => false, 100); // let the packet arrive
    expect(await registry.metrics()).toMatch(/metallb_membership_dropped_packets_total\{reason="unauthenticated"\} 1/);
    expect(c.get('a')!.liveMembers()).toEqual(new Set(['a', 'b', 'c']));
    expect(c.get('a')!.machine.stateOf('c')).toBe('alive');
  });

  test('a graceful leave is seen at once; the member restarted on its port is re-admitted', async () => {
    const c = await cluster(['a', 'b', 'c']);
    await new Promise((r) => setTimeout(r, 300));
    const port = c.get('b')!.port;
    await c.get('b')!.close({ leave: true });
    running.splice(running.indexOf(c.get('b')!), 1);
    const gone = await waitFor(() => !c.get('a')!.liveMembers().has('b') && !c.get('c')!.liveMembers().has('b'), 2_000);
    expect(gone).toBeDefined();
    expect(gone!).toBeLessThan(T.probeInterval); // no detection needed: it said goodbye

    await new Promise((r) => setTimeout(r, 1_100)); // a restart takes a while; incarnations are seconds
    const b2 = await UdpMembership.start({ name: 'b', bindAddress: '127.0.0.1', port, key: KEY });
    running.push(b2);
    b2.setMembers(['a', 'b', 'c'].map((n) => ({ name: n, address: '127.0.0.1', port: n === 'b' ? port : c.get(n)!.port })));
    const back = await waitFor(() => c.get('a')!.liveMembers().has('b') && c.get('c')!.liveMembers().has('b'), 3_000);
    expect(back).toBeDefined();
    expect(b2.liveMembers()).toEqual(new Set(['a', 'b', 'c']));
  });
});
