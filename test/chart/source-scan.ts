// Reads the product's own sources so chart tests can check the chart against what the code really
// serves and exports (webhook paths, metric names), not against a copy of a list.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helm.js';

/** Concatenated text of every non-test .ts file under src/<sub>. */
export function productSource(sub = ''): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(join(repoRoot, 'src', sub));
  return out.join('\n');
}

/** Metric names (metallb_*) used in a PromQL expression. */
export function metricNames(expr: string): string[] {
  return [...new Set(expr.match(/\bmetallb_[a-z0-9_]+/g) ?? [])];
}
