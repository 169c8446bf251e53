// Rejects replayed packets: a packet must carry a timestamp within `window` ms of our wall clock, and
// its (sender, nonce) must not have been seen before. A nonce must be remembered for as long as its
// timestamp stays acceptable: up to 2 windows after we received it (a sender clock ahead of ours by a
// whole window). Nonces are kept in generations of `window` ms; three generations remember each one for
// at least 2 windows, and memory is bounded by 3 windows of traffic.
export class ReplayGuard {
  private generations: Set<string>[] = [new Set(), new Set(), new Set()];
  private rotatedAt: number | undefined;

  constructor(private readonly window: number) {}

  /** 'ok' records the nonce; 'stale' = timestamp outside the window; 'replayed' = nonce already seen. */
  check(sender: string, timestamp: number, nonce: string, wallNow: number): 'ok' | 'stale' | 'replayed' {
    if (Math.abs(wallNow - timestamp) > this.window) return 'stale';
    if (this.rotatedAt === undefined) this.rotatedAt = wallNow;
    while (wallNow - this.rotatedAt >= this.window) {
      this.generations = [new Set(), this.generations[0], this.generations[1]];
      this.rotatedAt += this.window;
      if (this.generations.every((g) => g.size === 0)) this.rotatedAt = wallNow; // idle: skip ahead
    }
    const id = `${sender}\u0000${nonce}`;
    if (this.generations.some((g) => g.has(id))) return 'replayed';
    this.generations[0].add(id);
    return 'ok';
  }

  get size(): number {
    return this.generations.reduce((n, g) => n + g.size, 0);
  }
}
