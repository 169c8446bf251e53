// Every CEL rule of a CRD version with the cost the API server charges it when the CRD is created:
// the rule's estimated worst case times its cardinality (how many times it can run in one object: the
// product of maxItems / maxProperties of the lists and maps above it, or, under an unbounded one, as
// many copies of the node as fit in a 3 MiB request), and the sum over the schema. Port of
// kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation
// (cel_validation.go CELSchemaContext, validation.go getExpressionCost and the limits below).
import type { CelJsNode } from './cel-check.js';
import { MAX_UINT64, estimateCost, mulU64, addU64 } from './cel-cost.js';
import { MAX_REQUEST_SIZE_BYTES, schemaDeclType } from './decl-type.js';
import { itemsOf, valuesOf, type JSONSchemaProps } from './json-schema.js';

/** The API server refuses a CRD with a rule costing more than this (StaticEstimatedCostLimit). */
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000n;
/** ... or whose rules cost more than this in total, per version's schema (StaticEstimatedCRDCostLimit). */
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000n;

export interface RuleCost {
  /** where the rule sits, as the API server names it: openAPIV3Schema.properties[spec]... */
  path: string;
  rule: string;
  /** the rule's own worst case (one evaluation) */
  maxCost: bigint;
  /** how often it can run in one object */
  cardinality: bigint;
  /** maxCost x cardinality: what is compared with the limit and summed */
  cost: bigint;
}

export interface CostReport {
  rules: RuleCost[];
  total: bigint;
}

/** `parse` turns a rule's text into cel-js's AST (passed in so this module needs no CEL engine). */
export function crdCostReport(schema: JSONSchemaProps, parse: (rule: string) => CelJsNode): CostReport {
  const rules: RuleCost[] = [];
  const walk = (s: JSONSchemaProps, path: string, cardinality: bigint | undefined, isRoot: boolean): void => {
    const xv = s['x-kubernetes-validations'] ?? [];
    if (xv.length > 0) {
      const decl = schemaDeclType(s, isRoot || s['x-kubernetes-embedded-resource'] === true);
      if (!decl) throw new Error(`${path}: rules on a schema node CEL cannot see`);
      // Under an unbounded list or map: as many copies as fit in a request.
      const card = cardinality ?? MAX_REQUEST_SIZE_BYTES / (decl.minSerializedSize + 1n);
      xv.forEach((r, i) => {
        let maxCost: bigint;
        try {
          maxCost = estimateCost(parse(r.rule), decl).max;
        } catch (err) {
          throw new Error(`${path}.x-kubernetes-validations[${i}]: ${(err as Error).message} (rule: ${r.rule})`);
        }
        rules.push({ path: `${path}.x-kubernetes-validations[${i}].rule`, rule: r.rule, maxCost, cardinality: card, cost: maxCost === 0n ? 0n : mulU64(maxCost, card) });
      });
    }
    const childCard = (factor: number | undefined): bigint | undefined =>
      cardinality === undefined || factor === undefined ? undefined : mulU64(cardinality, BigInt(Math.max(0, factor)));
    for (const [name, p] of Object.entries(s.properties ?? {})) walk(p, `${path}.properties[${name}]`, cardinality, false);
    const items = itemsOf(s);
    if (items) walk(items, `${path}.items`, childCard(s.maxItems), false);
    const values = valuesOf(s);
    if (values) walk(values, `${path}.additionalProperties`, childCard(s.maxProperties), false);
  };
  walk(schema, 'openAPIV3Schema', 1n, true);
  const total = rules.reduce((sum, r) => addU64(sum, r.cost), 0n);
  return { rules, total: total > MAX_UINT64 ? MAX_UINT64 : total };
}
