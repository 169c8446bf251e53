import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { UsedRanges } from '../../src/allocator/used-ranges.js';

describe('UsedRanges', () => {
  it('merges neighbours and splits on delete', () => {
    const u = new UsedRanges();
    for (const v of [1n, 3n, 2n, 5n]) u.add(v);
    expect(u.runCount).toBe(2); // [1..3] [5]
    u.add(4n);
    expect(u.runCount).toBe(1);
    u.delete(3n);
    expect(u.runCount).toBe(2);
    expect(u.has(3n)).toBe(false);
    expect(u.has(4n)).toBe(true);
    expect(u.firstFree(1n, 10n)).toBe(3n);
  });

  it('skips addresses the caller rejects', () => {
    const u = new UsedRanges();
    u.add(1n);
    // reject even numbers: 0 rejected, 1 used, 2 rejected, 3 free
    expect(u.firstFree(0n, 10n, (v) => (v % 2n === 0n ? v + 1n : undefined))).toBe(3n);
    expect(u.firstFree(1n, 1n)).toBeUndefined();
  });

  it('behaves like a plain set (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 })), { maxLength: 200 }), fc.integer({ min: 0, max: 40 }), (ops, from) => {
        const u = new UsedRanges();
        const s = new Set<number>();
        for (const [add, v] of ops) {
          if (add) {
            u.add(BigInt(v));
            s.add(v);
          } else {
            u.delete(BigInt(v));
            s.delete(v);
          }
        }
        for (let v = 0; v <= 40; v++) expect(u.has(BigInt(v))).toBe(s.has(v));
        let expected: number | undefined;
        for (let v = from; v <= 40; v++) if (!s.has(v)) { expected = v; break; }
        expect(u.firstFree(BigInt(from), 40n)).toBe(expected === undefined ? undefined : BigInt(expected));
      }),
      { numRuns: 200 },
    );
  });
});
