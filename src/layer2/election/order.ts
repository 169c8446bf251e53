// The layer 2 election order, computed the same way on every speaker so they agree without talking:
// higher preference score first, then ascending bytes of sha256(nodeName + "#" + firstIP). Upstream
// MetalLB sorts the same way, so a mixed or migrating cluster elects the same node.
import { createHash } from 'node:crypto';

export interface RankedNode {
  name: string;
  /** summed preferredNodeSelectors weight */
  score: number;
  /** hex sha256(name + "#" + ip), the tie-breaker */
  hash: string;
}

export function electionHash(nodeName: string, ip: string): Buffer {
  return createHash('sha256').update(`${nodeName}#${ip}`, 'utf8').digest();
}

/** Candidates ranked: the winner is the first. `ip` is the canonical text of the first ingress IP. */
export function electionOrder(candidates: Iterable<string>, ip: string, scores: ReadonlyMap<string, number>): RankedNode[] {
  const rows = [...new Set(candidates)].map((name) => ({ name, score: scores.get(name) ?? 0, digest: electionHash(name, ip) }));
  rows.sort((a, b) => b.score - a.score || Buffer.compare(a.digest, b.digest));
  return rows.map((r) => ({ name: r.name, score: r.score, hash: r.digest.toString('hex') }));
}
