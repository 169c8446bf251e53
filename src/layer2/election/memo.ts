// Remembers each IP's election between plans so a speaker re-planning after a change hashes only
// what the change affects: the same candidates reuse the winner; a node joining costs one hash per
// IP (the newcomer against the winner); a node leaving costs a full election only for the IPs it
// was winning. The result is always the one a full election would give.
import { electionHash } from './order.js';

interface Entry {
  setId: number;
  scoresKey: string;
  winner: string;
  winnerScore: number;
  winnerHash: Buffer;
  generation: number;
}

export class ElectionMemo {
  private readonly entries = new Map<string, Entry>();
  private readonly setIds = new Map<string, number>();
  private readonly sets: string[][] = [];
  private generation = 0;
  /** hashes computed, for tests and benchmarks */
  hashes = 0;

  /** Call once per plan: entries not used since the previous call are dropped afterwards. */
  nextGeneration(): void {
    for (const [ip, e] of this.entries) if (e.generation < this.generation) this.entries.delete(ip);
    this.generation++;
    if (this.setIds.size > 1024) {
      // candidate sets change rarely; if they churn, start afresh rather than grow
      this.setIds.clear();
      this.sets.length = 0;
      this.entries.clear();
    }
  }

  /** Interns a sorted candidate list; equal lists get the same id. */
  setId(sortedNames: readonly string[]): number {
    const key = sortedNames.join('\u0000');
    let id = this.setIds.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push([...sortedNames]);
      this.setIds.set(key, id);
    }
    return id;
  }

  /** The winner among `names` (sorted, interned as setId) for `ip`: highest score, then lowest hash. */
  winner(ip: string, setId: number, scores: ReadonlyMap<string, number>, scoresKey: string): string | undefined {
    const names = this.sets[setId];
    if (names.length === 0) return undefined;
    const prev = this.entries.get(ip);
    let best: { name: string; score: number; hash: Buffer } | undefined;
    let consider: readonly string[] = names;
    if (prev && prev.scoresKey === scoresKey) {
      if (prev.setId === setId) {
        prev.generation = this.generation;
        return prev.winner;
      }
      const prevNames = this.sets[prev.setId];
      if (names.includes(prev.winner)) {
        // The old winner beat every old candidate still here; only newcomers can beat it.
        best = { name: prev.winner, score: prev.winnerScore, hash: prev.winnerHash };
        const old = new Set(prevNames);
        consider = names.filter((n) => !old.has(n));
      }
    }
    for (const name of consider) {
      const score = scores.get(name) ?? 0;
      if (best && score < best.score) continue;
      this.hashes++;
      const hash = electionHash(name, ip);
      if (!best || score > best.score || Buffer.compare(hash, best.hash) < 0) best = { name, score, hash };
    }
    this.entries.set(ip, { setId, scoresKey, winner: best!.name, winnerScore: best!.score, winnerHash: best!.hash, generation: this.generation });
    return best!.name;
  }
}
