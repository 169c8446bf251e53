// Prints the API server's static CEL cost of every rule of the CRDs (src/api/schema), costliest
// first, with each version's total and the limits (the estimator is src/api/crd-validation).
// Run after `npm run build`: node dist/scripts/crd-costs.js
import { parse } from '@marcbachmann/cel-js';
import type { CelJsNode } from '../src/api/crd-validation/cel-check.js';
import { STATIC_ESTIMATED_COST_LIMIT, STATIC_ESTIMATED_CRD_COST_LIMIT, crdCostReport } from '../src/api/crd-validation/crd-cost.js';
import { CRD_DEFINITIONS } from '../src/api/schema/index.js';

const rows: Array<{ crd: string; path: string; maxCost: bigint; cardinality: bigint; cost: bigint }> = [];
const totals: string[] = [];
for (const def of CRD_DEFINITIONS) {
  for (const v of def.versions) {
    const report = crdCostReport(v.schema, (rule) => parse(rule).ast as unknown as CelJsNode);
    for (const r of report.rules) rows.push({ crd: `${def.kind} ${v.name}`, path: r.path.replace(/^openAPIV3Schema/, ''), maxCost: r.maxCost, cardinality: r.cardinality, cost: r.cost });
    totals.push(`${def.kind} ${v.name}: ${report.total}`);
  }
}
rows.sort((a, b) => (a.cost > b.cost ? -1 : a.cost < b.cost ? 1 : 0));
console.log(`limits: ${STATIC_ESTIMATED_COST_LIMIT} per rule (cost x cardinality), ${STATIC_ESTIMATED_CRD_COST_LIMIT} per CRD version`);
console.log('cost       = per evaluation x cardinality   rule');
for (const r of rows) console.log(`${String(r.cost).padStart(10)} = ${String(r.maxCost).padStart(6)} x ${String(r.cardinality).padEnd(14)} ${r.crd} ${r.path}`);
console.log('totals per CRD version:');
for (const t of totals) console.log(`  ${t}`);
