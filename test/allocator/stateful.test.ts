// Random sequences of allocate / assign / release / setPools on one long-lived Allocator (the
// controller's situation), checked after every step against simple models.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Allocator } from '../../src/allocator/allocator.js';
import { serviceRequest } from '../../src/allocator/service-info.js';
import { formatIP, parseIP, prefixLast } from '../../src/api/ip.js';
import type { Pool } from '../../src/config/types.js';
import { config, pool, svc } from './fixtures.js';

const POOL_SETS: Pool[][] = [
  [pool('a', ['192.0.2.0/29', '2001:db8::/125']), pool('b', ['192.0.2.254-192.0.3.2'], { avoidBuggyIPs: true })],
  [pool('a', ['192.0.2.0/30']), pool('c', ['192.0.2.4/30', '2001:db8::/126'])],
  [pool('b', ['192.0.2.0/28'], { avoidBuggyIPs: true })],
];

const op = fc.oneof(
  fc.record({ kind: fc.constant('allocate' as const), n: fc.integer({ min: 0, max: 9 }), share: fc.constantFrom('', 'k'), port: fc.constantFrom(80, 443), v6: fc.boolean() }),
  fc.record({ kind: fc.constant('release' as const), n: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant('assign' as const), n: fc.integer({ min: 0, max: 9 }), ip: fc.constantFrom('192.0.2.1', '192.0.2.5', '192.0.3.0', '2001:db8::1') }),
  fc.record({ kind: fc.constant('setPools' as const), set: fc.integer({ min: 0, max: POOL_SETS.length - 1 }) }),
);

/** Every address of the pool for a family, in allocation order (CIDRs in order, .0/.255 skipped when asked). */
function addresses(p: Pool, family: 4 | 6): string[] {
  const out: string[] = [];
  for (const { prefix } of p.cidrs) {
    if (prefix.family !== family) continue;
    for (let v = prefix.network; v <= prefixLast(prefix); v++) {
      if (p.avoidBuggyIPs && family === 4 && (v & 0xffn) % 255n === 0n) continue;
      out.push(formatIP({ family, value: v }));
    }
  }
  return out;
}

describe('Allocator over random operation sequences', () => {
  it('keeps its books straight and always hands out the lowest usable address', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const a = new Allocator();
        let pools = POOL_SETS[0];
        a.setPools(config(...pools));
        const specs = new Map<string, { share: string; port: number; v6: boolean }>();
        const keys = () => [...specs.keys()];
        for (const o of ops) {
          const name = `s${'n' in o ? o.n : 0}`;
          const key = `default/${name}`;
          if (o.kind === 'setPools') {
            pools = POOL_SETS[o.set];
            a.setPools(config(...pools));
          } else if (o.kind === 'release') {
            a.release(key);
          } else {
            // A Service that holds addresses keeps the spec it got them with.
            const held = a.ips(key) ? specs.get(key) : undefined;
            const spec = held ?? (o.kind === 'allocate' ? { share: o.share, port: o.port, v6: o.v6 } : { share: '', port: 80, v6: o.ip.includes(':') });
            specs.set(key, spec);
            const s = svc(name, {
              clusterIPs: spec.v6 ? ['fd00::1'] : ['10.0.0.1'],
              ports: [`TCP/${spec.port}`],
              ...(spec.share ? { annotations: { 'metallb.io/allow-shared-ip': spec.share } } : {}),
            });
            const req = serviceRequest(s);
            if (o.kind === 'assign') {
              a.assign(req, [parseIP(o.ip)!]);
            } else if (!a.ips(key)) {
              // Model of the first free address: the first pool (by name, all autoAssign) whose
              // allocation-order list has an address that is unused, or shareable by this Service.
              const users = new Map<string, string[]>();
              for (const k of keys()) for (const ip of a.ips(k) ?? []) users.set(formatIP(ip), [...(users.get(formatIP(ip)) ?? []), k]);
              const usable = (ip: string) =>
                (users.get(ip) ?? []).every((u) => {
                  const other = specs.get(u)!;
                  return spec.share !== '' && other.share === spec.share && other.port !== spec.port;
                });
              let expected: string | undefined;
              for (const p of [...pools].sort((x, y) => (x.name < y.name ? -1 : 1))) {
                expected = addresses(p, spec.v6 ? 6 : 4).find(usable);
                if (expected) break;
              }
              const r = a.allocate(req);
              expect(r.ok ? formatIP(r.ips[0]) : undefined).toBe(expected);
            }
          }
          // Books: every allocation sits in its pool, in-use counters match the distinct addresses.
          const distinct = new Map<string, Set<string>>();
          for (const k of keys()) {
            const ips = a.ips(k);
            if (!ips) continue;
            const p = pools.find((x) => x.name === a.pool(k))!;
            expect(p).toBeDefined();
            for (const ip of ips) {
              expect(addresses(p, ip.family)).toContain(formatIP(ip));
              distinct.set(p.name, (distinct.get(p.name) ?? new Set()).add(formatIP(ip)));
            }
          }
          for (const p of pools) expect(a.stats(p.name)!.inUse).toBe(distinct.get(p.name)?.size ?? 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
