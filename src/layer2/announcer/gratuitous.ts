// Gratuitous bursts (spec 7.3): on trigger, one round at once, then one every intervalMs until
// durationMs after the latest trigger. A trigger during a burst only extends it. Neighbours ignore
// a gratuitous update within about a second of the last one (Linux neighbour locktime), hence the
// spacing above one second.

export interface BurstOptions {
  intervalMs: number;
  durationMs: number;
  send: (ip: string) => void;
  stillAnnounced: (ip: string) => boolean;
  now?: () => number;
}

export class GratuitousBursts {
  private readonly active = new Map<string, { until: number; timer: NodeJS.Timeout }>();
  private readonly now: () => number;

  constructor(private readonly opts: BurstOptions) {
    this.now = opts.now ?? Date.now;
  }

  trigger(ip: string): void {
    const until = this.now() + this.opts.durationMs;
    const current = this.active.get(ip);
    if (current) {
      current.until = until;
      return;
    }
    const timer = setInterval(() => this.tick(ip), this.opts.intervalMs);
    timer.unref();
    this.active.set(ip, { until, timer });
    this.opts.send(ip);
  }

  isActive(ip: string): boolean {
    return this.active.has(ip);
  }

  cancel(ip: string): void {
    const a = this.active.get(ip);
    if (!a) return;
    clearInterval(a.timer);
    this.active.delete(ip);
  }

  stop(): void {
    for (const ip of [...this.active.keys()]) this.cancel(ip);
  }

  private tick(ip: string): void {
    const a = this.active.get(ip);
    if (!a) return;
    if (this.now() > a.until || !this.opts.stillAnnounced(ip)) {
      this.cancel(ip);
      return;
    }
    this.opts.send(ip);
  }
}
