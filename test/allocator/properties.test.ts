// Properties of batch allocation over random pools and Services.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { allocateAll } from '../../src/allocator/allocate-all.js';
import { type Family, parseIP, prefixContains } from '../../src/api/ip.js';
import type { Service } from '../../src/api/core.js';
import { emptySnapshot } from '../../src/api/snapshot.js';
import { servicePorts, sharingKey, backendKey } from '../../src/allocator/service-info.js';
import type { Config, Pool } from '../../src/config/types.js';
import { config, pool, svc } from './fixtures.js';

// Small, non-overlapping blocks so pools run out and sharing matters.
const V4_BLOCKS = ['192.0.2.0/29', '192.0.2.248/29', '198.51.100.0/31', '198.51.100.255/32', '203.0.113.0/29'];
const V6_BLOCKS = ['2001:db8::/126', '2001:db8:1::/127', '2001:db8:2::/125'];

/** Mostly undefined: requests and statuses are the exception, plain Services the rule. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });

const poolArb = fc.record({
  v4: fc.subarray(V4_BLOCKS.map((_, i) => i), { maxLength: 2 }),
  v6: fc.subarray(V6_BLOCKS.map((_, i) => i), { maxLength: 1 }),
  autoAssign: fc.boolean(),
  avoidBuggyIPs: fc.boolean(),
  ns: sometimes(fc.constantFrom('a', 'b')),
  priority: fc.integer({ min: 0, max: 2 }),
});

const svcArb = fc.record({
  ns: fc.constantFrom('a', 'b'),
  fam: fc.constantFrom('v4', 'v6', 'dual-prefer', 'dual-require'),
  share: fc.constantFrom('', 'k1', 'k1', 'k2'),
  local: fc.constantFrom(true, false, false, false),
  app: fc.constantFrom('x', 'y'),
  ports: fc.constantFrom(['TCP/80'], ['TCP/443'], ['UDP/53'], ['TCP/80', 'UDP/53'], ['TCP/53']),
  pool: sometimes(fc.constantFrom('p0', 'p1', 'p2')),
  ask: sometimes(fc.constantFrom('192.0.2.1', '198.51.100.0', '2001:db8::2', '203.0.113.3')),
  status: sometimes(fc.constantFrom('192.0.2.0', '192.0.2.2', '203.0.113.1', '2001:db8::1')),
});

type PoolSpec = { v4: number[]; v6: number[]; autoAssign: boolean; avoidBuggyIPs: boolean; ns?: string; priority: number };

function buildPools(specs: PoolSpec[]): Config {
  const used = new Set<string>();
  const pools: Pool[] = [];
  specs.forEach((s, i) => {
    const addrs = [...s.v4.map((j) => V4_BLOCKS[j]), ...s.v6.map((j) => V6_BLOCKS[j])].filter((a) => !used.has(a));
    addrs.forEach((a) => used.add(a));
    if (addrs.length === 0) return;
    pools.push(
      pool(`p${i}`, addrs, {
        autoAssign: s.autoAssign,
        avoidBuggyIPs: s.avoidBuggyIPs,
        ...(s.ns ? { serviceAllocation: { namespaces: [s.ns], priority: s.priority } } : {}),
      }),
    );
  });
  return config(...pools);
}

type SvcSpec = {
  ns: string; fam: string; share: string; local: boolean; app: string; ports: readonly string[]; pool?: string; ask?: string; status?: string;
};

function buildServices(specs: SvcSpec[]): Service[] {
  return specs.map((s, i) => {
    const annotations: Record<string, string> = {};
    if (s.share) annotations['metallb.io/allow-shared-ip'] = s.share;
    if (s.pool) annotations['metallb.io/address-pool'] = s.pool;
    if (s.ask) annotations['metallb.io/loadBalancerIPs'] = s.ask;
    const dual = s.fam.startsWith('dual');
    return svc(`s${i}`, {
      ns: s.ns,
      clusterIPs: s.fam === 'v6' ? ['fd00::1'] : dual ? ['10.0.0.1', 'fd00::1'] : ['10.0.0.1'],
      ...(dual ? { policy: s.fam === 'dual-require' ? 'RequireDualStack' : 'PreferDualStack' } : {}),
      annotations,
      local: s.local,
      selector: { app: s.app },
      ports: [...s.ports],
      ...(s.status ? { status: [s.status] } : {}),
    });
  });
}

const scenario = fc.record({ pools: fc.array(poolArb, { minLength: 1, maxLength: 3 }), services: fc.array(svcArb, { maxLength: 14 }) });

function run(pools: PoolSpec[], specs: SvcSpec[]) {
  const cfg = buildPools(pools);
  const services = buildServices(specs);
  return { cfg, services, out: allocateAll(cfg, { ...emptySnapshot(), services }) };
}

describe('allocation properties', () => {
  it('never gives one address to two Services unless sharing allows it', () => {
    fc.assert(
      fc.property(scenario, ({ pools, services: specs }) => {
        const { services, out } = run(pools, specs);
        const byKey = new Map(services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
        const holders = new Map<string, Service[]>();
        for (const [key, r] of out) {
          if ('error' in r) continue;
          for (const ip of r.ips) holders.set(ip, [...(holders.get(ip) ?? []), byKey.get(key)!]);
        }
        for (const [ip, list] of holders) {
          for (let i = 0; i < list.length; i++) {
            for (let j = i + 1; j < list.length; j++) {
              const [a, b] = [list[i], list[j]];
              const why = `${ip} shared by ${a.metadata.name} and ${b.metadata.name}`;
              expect({ why, ok: sharingKey(a) !== '' && sharingKey(a) === sharingKey(b) }).toEqual({ why, ok: true });
              expect({ why, backend: backendKey(a) }).toEqual({ why, backend: backendKey(b) });
              const pa = new Set(servicePorts(a));
              expect({ why, clash: servicePorts(b).filter((p) => pa.has(p)) }).toEqual({ why, clash: [] });
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('generates scenarios where addresses really are shared (the property above is not vacuous)', () => {
    let shared = 0; let okCount = 0; let errCount = 0;
    fc.assert(
      fc.property(scenario, ({ pools, services: specs }) => {
        const seen = new Set<string>();
        for (const r of run(pools, specs).out.values()) {
          if ('error' in r) { errCount++; continue; }
          okCount++;
          for (const ip of r.ips) {
            if (seen.has(ip)) shared++;
            seen.add(ip);
          }
        }
      }),
      { numRuns: 300, seed: 42 },
    );
    expect(okCount).toBeGreaterThan(200);
    expect(errCount).toBeGreaterThan(100); // failures are exercised too
    expect(shared).toBeGreaterThan(10);
  });

  it('does not depend on the order of Services in the snapshot', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), ({ pools, services: specs }, seed) => {
        const { cfg, services, out } = run(pools, specs);
        const shuffled = [...services];
        let x = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          x = (x * 1103515245 + 12345) >>> 0;
          const j = x % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const again = allocateAll(cfg, { ...emptySnapshot(), services: shuffled });
        expect(Object.fromEntries(again)).toEqual(Object.fromEntries(out));
      }),
      { numRuns: 200 },
    );
  });

  it('hands out only addresses of a pool that admits the Service, never .0/.255 of an avoidBuggyIPs pool', () => {
    fc.assert(
      fc.property(scenario, ({ pools, services: specs }) => {
        const { cfg, services, out } = run(pools, specs);
        const byKey = new Map(services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
        for (const [key, r] of out) {
          if ('error' in r) continue;
          const p = cfg.pools.get(r.pool)!;
          expect(p).toBeDefined();
          const families = new Set<Family>();
          for (const text of r.ips) {
            const ip = parseIP(text)!;
            families.add(ip.family);
            expect({ text, inPool: p.cidrs.some((c) => prefixContains(c.prefix, ip)) }).toEqual({ text, inPool: true });
            if (p.avoidBuggyIPs && ip.family === 4) expect(text).not.toMatch(/\.(0|255)$/);
          }
          expect(families.size).toBe(r.ips.length); // a pair is one IPv4 + one IPv6
          if (r.ips.length === 2) expect(parseIP(r.ips[0])!.family).toBe(4);
          const ns = byKey.get(key)!.metadata.namespace!;
          const allowed = p.serviceAllocation?.namespaces;
          if (allowed && allowed.size > 0) expect(allowed.has(ns)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never yields .0 or .255 from avoidBuggyIPs pools even when exhausting them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 24 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 400 }), (len, third, count) => {
        const cfg = config(pool('b', [`10.${third}.0.0/${len}`], { avoidBuggyIPs: true }));
        const services = Array.from({ length: Math.min(count, 2 ** (32 - len)) }, (_, i) => svc(`s${String(i).padStart(4, '0')}`));
        const out = allocateAll(cfg, { ...emptySnapshot(), services });
        for (const r of out.values()) if ('ips' in r) expect(r.ips[0]).not.toMatch(/\.(0|255)$/);
      }),
      { numRuns: 25 },
    );
  });
});
