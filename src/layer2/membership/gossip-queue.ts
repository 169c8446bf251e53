// Updates waiting to be piggy-backed. Each member has at most one entry (the newest update replaces
// the older one); the least-sent entries go first, and an entry is dropped after `limit` sends, which
// by the epidemic argument of SWIM reaches every member with high probability.
import type { GossipEntry } from './wire.js';

interface Queued {
  entry: GossipEntry;
  sent: number;
  order: number;
}

export class GossipQueue {
  private readonly byName = new Map<string, Queued>();
  private counter = 0;

  push(entry: GossipEntry): void {
    this.byName.set(entry.name, { entry, sent: 0, order: this.counter++ });
  }

  /** Up to `max` entries (fewest sends first, newest first among equals); counts them as sent. */
  take(max: number, limit: number, skip?: (e: GossipEntry) => boolean): GossipEntry[] {
    const items = [...this.byName.values()]
      .filter((q) => !skip?.(q.entry))
      .sort((a, b) => a.sent - b.sent || b.order - a.order)
      .slice(0, max);
    for (const q of items) {
      q.sent++;
      if (q.sent >= limit) this.byName.delete(q.entry.name);
    }
    return items.map((q) => q.entry);
  }

  /** Entries without counting a send: urgent pushes carry the whole queue. */
  peek(max: number): GossipEntry[] {
    return [...this.byName.values()].sort((a, b) => a.sent - b.sent || b.order - a.order).slice(0, max).map((q) => q.entry);
  }

  delete(name: string): void {
    this.byName.delete(name);
  }

  get size(): number {
    return this.byName.size;
  }
}
