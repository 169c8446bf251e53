// Which nodes a list of node selectors picks, as upstream resolves it at parse time (against the Node
// objects given; with none, nothing is selected; the FRR pair rule treats "no Nodes" itself).
import type { Node } from '../api/core.js';
import type { LabelSelector } from '../api/meta.js';
import { anySelectorMatches } from '../api/selector.js';
import { selectorInvalid, wellFormedSelectors } from './selectors.js';

export function selectedNodes(nodes: Node[], selectors: LabelSelector[] | undefined): Set<string> {
  // An invalid selector selects nothing (its error is reported where it is parsed).
  const given = Array.isArray(selectors) ? selectors : [];
  const usable = wellFormedSelectors(given).filter((s) => selectorInvalid(s).length === 0);
  if (given.length > 0 && usable.length === 0) return new Set();
  return new Set(nodes.filter((n) => anySelectorMatches(usable, n.metadata.labels)).map((n) => n.metadata.name));
}

export function intersects(a: Set<string>, b: Set<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}
