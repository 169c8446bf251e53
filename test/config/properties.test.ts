// Property tests for the parsers and the overlap rule.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { formatIP, prefixesOverlap, prefixLast, type Family, type Prefix } from '../../src/api/ip.js';
import { parsePoolEntry, parseGoCIDR } from '../../src/config/pool-cidr.js';
import { formatGoDuration, parseGoDuration } from '../../src/config/duration.js';
import { parseCommunity } from '../../src/config/community.js';
import { problems, pool } from './helpers.js';
import { OverlapIndex } from '../../src/config/overlap.js';

const v4 = (n: number): string => formatIP({ family: 4, value: BigInt(n) });
const bits = (f: Family): bigint => (f === 4 ? 32n : 128n);

function checkSummary(family: Family, start: bigint, end: bigint, prefixes: Prefix[]): void {
  let next = start;
  for (const p of prefixes) {
    expect(p.network).toBe(next); // contiguous, in order, starting at start
    const size = 1n << (bits(family) - BigInt(p.length));
    expect(p.network % size).toBe(0n); // aligned
    // maximal: the enclosing block of twice the size would leave the range (so the list is minimal)
    if (p.length > 0) {
      const parentSize = size * 2n;
      const parent = p.network - (p.network % parentSize);
      expect(parent < start || parent + parentSize - 1n > end).toBe(true);
    }
    next = prefixLast(p) + 1n;
  }
  expect(next).toBe(end + 1n); // covers exactly up to end
}

describe('pool entry parsing', () => {
  test('IPv4 ranges summarise into a minimal exact cover', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.boolean(), (a, b, spaces) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const text = spaces ? `${v4(lo)} - ${v4(hi)}` : `${v4(lo)}-${v4(hi)}`;
        const r = parsePoolEntry(text);
        expect(r.ok).toBe(true);
        if (r.ok) checkSummary(4, BigInt(lo), BigInt(hi), r.prefixes);
      }),
      { numRuns: 300 },
    );
  });

  test('IPv6 ranges summarise into a minimal exact cover', () => {
    const base = 0x20010db8n << 96n;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 80n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 80n) - 1n }), (a, b) => {
        const [lo, hi] = a <= b ? [base + a, base + b] : [base + b, base + a];
        const r = parsePoolEntry(`${formatIP({ family: 6, value: lo })}-${formatIP({ family: 6, value: hi })}`);
        expect(r.ok).toBe(true);
        if (r.ok) checkSummary(6, lo, hi, r.prefixes);
      }),
      { numRuns: 200 },
    );
  });

  test('backwards ranges are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 2 }), fc.integer({ min: 1, max: 1000 }), (a, d) => {
        const hi = Math.min(a + d, 2 ** 32 - 1);
        if (hi === a) return;
        const r = parsePoolEntry(`${v4(hi)}-${v4(a)}`);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toContain('is after the end IP');
      }),
    );
  });

  test('CIDRs drop host bits like net.ParseCIDR', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), (ip, len) => {
        const p = parseGoCIDR(`${v4(ip)}/${len}`)!;
        expect(p.length).toBe(len);
        const mask = len === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - len)) - 1n);
        expect(p.network).toBe(BigInt(ip) & mask);
        expect(parseGoCIDR(`${v4(ip)}/${len + 33}`)).toBeUndefined();
      }),
    );
  });
});

describe('overlap', () => {
  const prefix = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 })).map(([host, len]): Prefix => {
    const size = 1 << (32 - len);
    const network = 0xc0000200 + host - (host % size); // inside 192.0.2.0/24
    return { family: 4, network: BigInt(network), length: len };
  });
  const intersect = (a: Prefix, b: Prefix) => a.network <= prefixLast(b) && b.network <= prefixLast(a);

  test('prefixes overlap exactly when their address intervals intersect', () => {
    fc.assert(fc.property(prefix, prefix, (a, b) => expect(prefixesOverlap(a, b)).toBe(intersect(a, b))));
  });

  test('the index reports the earliest earlier overlapping prefix, like the pairwise scan', () => {
    fc.assert(
      fc.property(fc.array(prefix, { minLength: 1, maxLength: 25 }), (list) => {
        const index = new OverlapIndex<number>();
        list.forEach((p, i) => {
          const expected = list.slice(0, i).findIndex((q) => intersect(p, q));
          const got = index.add(p, i);
          expect(got?.value ?? -1).toBe(expected);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('pools are refused exactly when two of their CIDRs intersect, also inside one pool', () => {
    const text = (p: Prefix) => `${formatIP({ family: 4, value: p.network })}/${p.length}`;
    fc.assert(
      fc.property(fc.array(fc.array(prefix, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), (pools) => {
        const all = pools.flat();
        let clash = false;
        for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) if (intersect(all[i], all[j])) clash = true;
        const lines = problems(pools.map((ps, i) => pool(`p${i}`, ps.map(text))));
        expect(lines.length > 0).toBe(clash);
        if (clash) expect(lines.every((l) => l.includes('overlaps with already defined CIDR'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('durations and communities', () => {
  test('Go duration text round-trips', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (ns) => {
        const r = parseGoDuration(formatGoDuration(ns));
        expect(r).toEqual({ ok: true, ns });
      }),
    );
    expect(formatGoDuration(90n * 10n ** 9n)).toBe('1m30s');
    expect(formatGoDuration(3600n * 10n ** 9n)).toBe('1h0m0s');
    expect(formatGoDuration(500n * 10n ** 6n)).toBe('500ms');
    expect(parseGoDuration('1h2m3.5s')).toEqual({ ok: true, ns: 3723_500_000_000n });
    expect(parseGoDuration('.5s')).toEqual({ ok: true, ns: 500_000_000n });
    expect(parseGoDuration('')).toMatchObject({ ok: false });
    expect(parseGoDuration('5x')).toMatchObject({ ok: false, error: 'time: unknown unit "x" in duration "5x"' });
  });

  test('standard communities accept exactly two uint16', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70000 }), fc.integer({ min: 0, max: 70000 }), (a, b) => {
        const r = parseCommunity(`${a}:${b}`);
        expect(r.ok).toBe(a <= 65535 && b <= 65535);
        if (!r.ok) expect(r).toMatchObject({ kind: 'value' });
      }),
    );
  });
});

describe('robustness', () => {
  // Any JSON a user could write in a spec yields a result (errors or a config), never an exception.
  const anyValue = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom([null], [{ matchExpressions: [null] }], [{ matchExpressions: 'x' }], [{ matchLabels: { a: 1 } }], [{ matchExpressions: [{ key: 'k', operator: 'In', values: 'v' }] }]),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('matchLabels', 'matchExpressions', 'key', 'operator', 'values', 'name', 'value', 'a'), tie('value'), { maxKeys: 3, noNullPrototype: true }),
    ),
  })).value;
  const fields = ['addresses', 'autoAssign', 'serviceAllocation', 'aggregationLength', 'aggregationLengthV6', 'localPref', 'communities', 'ipAddressPools',
    'ipAddressPoolSelectors', 'nodeSelectors', 'peers', 'serviceSelectors', 'interfaces', 'preferredNodeSelectors', 'myASN', 'peerASN', 'dynamicASN',
    'peerAddress', 'interface', 'holdTime', 'keepaliveTime', 'connectTime', 'routerID', 'passwordSecret', 'bfdProfile', 'receiveInterval', 'echoMode'];
  const spec = fc.dictionary(fc.constantFrom(...fields), anyValue, { maxKeys: 6, noNullPrototype: true });
  const kinds = ['IPAddressPool', 'BGPAdvertisement', 'L2Advertisement', 'BGPPeer', 'BFDProfile', 'Community'];

  test('buildConfig never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...kinds), spec), { maxLength: 5 }), (objs) => {
        const objects = objs.map(([kind, s], i) => ({ kind, apiVersion: 'metallb.io/v1beta1', metadata: { name: `o${i % 3}`, namespace: 'metallb-system' }, spec: s }));
        expect(() => problems(objects)).not.toThrow();
      }),
      { numRuns: 400 },
    );
  });
});
