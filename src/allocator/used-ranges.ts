// The set of addresses in use for one IP family, kept as sorted, merged runs [start, end].
// Finding the first free address of a CIDR walks runs, not addresses, so a /64 pool with
// thousands of Services costs a few binary searches per allocation and no per-address bitmap.
export class UsedRanges {
  // Parallel arrays, sorted by start; runs never touch or overlap (adjacent runs are merged).
  private starts: bigint[] = [];
  private ends: bigint[] = [];

  get runCount(): number {
    return this.starts.length;
  }

  /** Index of the run containing v, or -1. */
  private find(v: bigint): number {
    const i = this.lastStartAtOrBelow(v);
    return i >= 0 && this.ends[i] >= v ? i : -1;
  }

  /** Index of the last run whose start <= v, or -1. */
  private lastStartAtOrBelow(v: bigint): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= v) {
        ans = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return ans;
  }

  has(v: bigint): boolean {
    return this.find(v) >= 0;
  }

  add(v: bigint): void {
    const i = this.lastStartAtOrBelow(v);
    if (i >= 0 && this.ends[i] >= v) return;
    const joinsLeft = i >= 0 && this.ends[i] + 1n === v;
    const joinsRight = i + 1 < this.starts.length && this.starts[i + 1] - 1n === v;
    if (joinsLeft && joinsRight) {
      this.ends[i] = this.ends[i + 1];
      this.starts.splice(i + 1, 1);
      this.ends.splice(i + 1, 1);
    } else if (joinsLeft) {
      this.ends[i] = v;
    } else if (joinsRight) {
      this.starts[i + 1] = v;
    } else {
      this.starts.splice(i + 1, 0, v);
      this.ends.splice(i + 1, 0, v);
    }
  }

  delete(v: bigint): void {
    const i = this.find(v);
    if (i < 0) return;
    const s = this.starts[i];
    const e = this.ends[i];
    if (s === e) {
      this.starts.splice(i, 1);
      this.ends.splice(i, 1);
    } else if (v === s) {
      this.starts[i] = v + 1n;
    } else if (v === e) {
      this.ends[i] = v - 1n;
    } else {
      // Split the run around v.
      this.ends[i] = v - 1n;
      this.starts.splice(i + 1, 0, v + 1n);
      this.ends.splice(i + 1, 0, e);
    }
  }

  /**
   * First address in [first, last] that is not in use and not rejected by skip, or undefined.
   * skip(v) returns the next address to try when v itself may not be used (avoidBuggyIPs), or
   * undefined when v is fine.
   */
  firstFree(first: bigint, last: bigint, skip?: (v: bigint) => bigint | undefined): bigint | undefined {
    let c = first;
    while (c <= last) {
      const jump = skip?.(c);
      if (jump !== undefined) {
        c = jump;
        continue;
      }
      const i = this.find(c);
      if (i < 0) return c;
      c = this.ends[i] + 1n;
    }
    return undefined;
  }
}
