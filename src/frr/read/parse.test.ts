import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { VtyshRunner } from '../vtysh.js';
import { registerFrrMetrics } from './metrics.js';
import { missingDaemons, parseBfdPeers, parseBgpNeighbors, parseBgpVrfs } from './parse.js';
import { livez } from './reader.js';

// Captured from FRR 8.4.4 by e2e/frr/capture-fixtures.ts: an established eBGP session with MD5 and
// BFD, an unnumbered neighbor on eth0 (down), and a neighbor in VRF red (down).
const dir = join(process.cwd(), 'src', 'frr', 'fixtures');
const fixture = (f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const text = (f: string): string => readFileSync(join(dir, f), 'utf8');

const outputs: Record<string, string> = {
  'show bgp vrfs json': 'bgp-vrfs.json',
  'show bgp vrf default neighbors json': 'bgp-neighbors-default.json',
  'show bgp vrf red neighbors json': 'bgp-neighbors-red.json',
  'show bfd vrf default peers json': 'bfd-peers-default.json',
  'show bfd vrf default peers counters json': 'bfd-counters-default.json',
  'show bfd vrf red peers json': 'bfd-peers-red.json',
  'show bfd vrf red peers counters json': 'bfd-counters-red.json',
};

class FixtureVtysh implements VtyshRunner {
  calls: string[] = [];
  broken = new Set<string>();
  async configure(): Promise<void> {}
  async show(command: string): Promise<string> {
    this.calls.push(command);
    if (this.broken.has(command)) throw new Error(`vtysh exit 1: ${command} failed`);
    if (command === 'show daemons') return text('show-daemons.txt');
    const f = outputs[command];
    if (!f) throw new Error(`unexpected command ${command}`);
    return text(f);
  }
  async showJSON<T>(command: string): Promise<T> {
    return JSON.parse(await this.show(command)) as T;
  }
}

describe('FRR JSON parsers', () => {
  it('lists VRFs sorted, from show bgp vrfs and from upstream\'s show bgp vrf all', () => {
    expect(parseBgpVrfs(fixture('bgp-vrfs.json'))).toEqual(['default', 'red']);
    expect(parseBgpVrfs(fixture('bgp-vrf-all.json'))).toEqual(['default', 'red']);
  });

  it('reads neighbors, the unnumbered one included', () => {
    const ns = parseBgpNeighbors(fixture('bgp-neighbors-default.json'), 'default');
    expect(ns.map((n) => n.peer)).toEqual(['198.51.100.1:179', 'eth0:-1']);
    const up = ns[0];
    expect(up).toMatchObject({ vrf: 'default', up: true, announcedPrefixes: 3 });
    expect(up.opensSent).toBeGreaterThan(0);
    expect(up.totalSent).toBeGreaterThanOrEqual(up.opensSent + up.updatesSent + up.keepalivesSent);
    expect(ns[1]).toMatchObject({ up: false, announcedPrefixes: 0, totalSent: 0 });
    // what `metallb-ts status` shows: the neighbor, FRR's state, the uptime and the BFD session
    expect(up).toMatchObject({ neighbor: '198.51.100.1', state: 'Established', uptimeMs: 4000, bfd: 'up' });
    expect(ns[1]).toMatchObject({ neighbor: 'eth0', state: 'Idle', uptimeMs: 0 });
    expect(ns[1].bfd).toBeUndefined();
    expect(parseBgpNeighbors(fixture('bgp-neighbors-red.json'), 'red')).toMatchObject([{ peer: '203.0.113.50:-1', vrf: 'red', up: false }]);
  });

  it('joins BFD peers with their counters', () => {
    const ps = parseBfdPeers(fixture('bfd-peers-default.json'), fixture('bfd-counters-default.json'), 'default');
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ peer: '198.51.100.1', vrf: 'default', up: true });
    expect(ps[0].controlPacketInput).toBeGreaterThan(0);
    expect(ps[0].sessionUpEvents).toBe(1);
  });

  it('rejects JSON of the wrong shape with the command named', () => {
    expect(() => parseBfdPeers({}, [], 'default')).toThrow('show bfd vrf default peers json');
    expect(() => parseBgpVrfs([])).toThrow('show bgp vrfs json');
  });

  it('checks the daemons for livez', async () => {
    expect(missingDaemons(text('show-daemons.txt'))).toEqual(['watchfrr']);
    expect(missingDaemons(' zebra bgpd watchfrr staticd bfdd')).toEqual([]);
    expect(await livez(new FixtureVtysh(), ['bgpd', 'bfdd', 'zebra', 'staticd'])).toEqual({ ok: true, missing: [] });
    expect(await livez(new FixtureVtysh())).toEqual({ ok: false, missing: ['watchfrr'] });
  });
});

describe('FRR metrics collector', () => {
  it('exports upstream names, types and labels from one read per scrape', async () => {
    const registry = new Registry();
    const v = new FixtureVtysh();
    registerFrrMetrics({ vtysh: v, registry });
    const out = await registry.metrics();
    expect(out).toContain('# TYPE metallb_bgp_session_up gauge');
    expect(out).toContain('metallb_bgp_session_up{peer="198.51.100.1:179",vrf="default"} 1');
    expect(out).toContain('metallb_bgp_session_up{peer="eth0:-1",vrf="default"} 0');
    expect(out).toContain('metallb_bgp_session_up{peer="203.0.113.50:-1",vrf="red"} 0');
    expect(out).toContain('metallb_bgp_announced_prefixes_total{peer="198.51.100.1:179",vrf="default"} 3');
    expect(out).toContain('# TYPE metallb_bgp_opens_sent counter');
    expect(out).toMatch(/metallb_bgp_updates_total\{peer="198.51.100.1:179",vrf="default"\} [1-9]/);
    expect(out).toContain('# TYPE metallb_bgp_updates_total_received counter');
    expect(out).toContain('metallb_bfd_session_up{peer="198.51.100.1",vrf="default"} 1');
    expect(out).toContain('metallb_bfd_session_up_events{peer="198.51.100.1",vrf="default"} 1');
    expect(out).toContain('# TYPE metallb_bfd_zebra_notifications counter');
    // 1 + 2 VRFs x (1 BGP + 2 BFD) commands, for all 21 metrics of the scrape
    expect(v.calls).toHaveLength(7);
  });

  it('keeps BFD when the BGP part fails, and drops series of the failed part', async () => {
    const registry = new Registry();
    const v = new FixtureVtysh();
    registerFrrMetrics({ vtysh: v, registry, cacheMs: 0 });
    expect(await registry.metrics()).toContain('metallb_bgp_session_up{peer="198.51.100.1:179"');
    v.broken.add('show bgp vrf red neighbors json');
    const out = await registry.metrics();
    expect(out).not.toContain('metallb_bgp_session_up{');
    expect(out).toContain('metallb_bfd_session_up{peer="198.51.100.1",vrf="default"} 1');
  });
});
