// Finds, for each new prefix, the earliest earlier prefix it overlaps (contains or is contained in),
// as upstream's pairwise scan does, without its quadratic cost: prefixes are nested or disjoint, so
// an overlap is either an earlier prefix equal to one of the new prefix's ancestors, or an earlier
// prefix that has the new prefix as an ancestor. Both are map lookups per prefix length.
import { prefixMask, type Prefix } from '../api/ip.js';

const key = (family: number, network: bigint, length: number): string => `${family}/${network.toString(16)}/${length}`;

export class OverlapIndex<T> {
  /** exact prefix -> earliest item with it */
  private readonly exact = new Map<string, number>();
  /** ancestor prefix -> earliest item inside it */
  private readonly inside = new Map<string, number>();
  private readonly items: { prefix: Prefix; value: T }[] = [];

  /** The earliest earlier entry overlapping `p`, then records `p`. */
  add(p: Prefix, value: T): { prefix: Prefix; value: T } | undefined {
    let best: number | undefined;
    const consider = (i: number | undefined): void => {
      if (i !== undefined && (best === undefined || i < best)) best = i;
    };
    // Earlier prefixes inside p (or equal to it).
    consider(this.inside.get(key(p.family, p.network, p.length)));
    // Earlier prefixes containing p: p's ancestors.
    for (let len = 0; len < p.length; len++) consider(this.exact.get(key(p.family, p.network & prefixMask(p.family, len), len)));

    const index = this.items.length;
    this.items.push({ prefix: p, value });
    const own = key(p.family, p.network, p.length);
    if (!this.exact.has(own)) this.exact.set(own, index);
    for (let len = 0; len <= p.length; len++) {
      const k = key(p.family, p.network & prefixMask(p.family, len), len);
      if (!this.inside.has(k)) this.inside.set(k, index);
    }
    return best === undefined ? undefined : this.items[best];
  }
}
