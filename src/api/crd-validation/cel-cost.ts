// The API server's static cost estimate of a CEL rule: the worst-case cost it computes when a CRD is
// created, refusing the CRD when a rule (times how often it can run) or the CRD's total is too high.
// Port of google/cel-go checker/cost.go (the coster) with Kubernetes' function costs
// (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/cel/library/cost.go) and size estimator
// (staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/compilation.go), for the
// expressions cel-check.ts accepts. Numbers are uint64 in Go: bigint here, saturating at 2^64-1.
import { checkExpr, type CelJsNode, type Expr } from './cel-check.js';
import type { DeclType } from './decl-type.js';

export const MAX_UINT64 = (1n << 64n) - 1n;

export interface Estimate {
  min: bigint;
  max: bigint;
}

// google/cel-go common/cost.go
const STRING_TRAVERSAL_COST_FACTOR = 0.1;
const REGEX_STRING_LENGTH_COST_FACTOR = 0.25;
const SELECT_AND_IDENT_COST = 1n;
const CONST_COST = 0n;
const LIST_CREATE_BASE_COST = 10n;
const MAP_CREATE_BASE_COST = 30n;
/** Kubernetes keeps has() free (cel.CostEstimatorOptions(checker.PresenceTestHasCost(false))). */
const PRESENCE_TEST_COST = 0n;

const sat = (v: bigint): bigint => (v > MAX_UINT64 ? MAX_UINT64 : v);
export const addU64 = (a: bigint, b: bigint): bigint => sat(a + b);
export const mulU64 = (a: bigint, b: bigint): bigint => sat(a * b);
const fixed = (v: bigint): Estimate => ({ min: v, max: v });
const add = (a: Estimate, b: Estimate): Estimate => ({ min: addU64(a.min, b.min), max: addU64(a.max, b.max) });
const mul = (a: Estimate, b: Estimate): Estimate => ({ min: mulU64(a.min, b.min), max: mulU64(a.max, b.max) });
const union = (a: Estimate, b: Estimate): Estimate => ({ min: a.min < b.min ? a.min : b.min, max: a.max > b.max ? a.max : b.max });
const UNKNOWN: Estimate = { min: 0n, max: MAX_UINT64 };

/** math.MaxUint64 as a float64 (Go rounds it to 2^64). */
const TWO_TO_64 = 2 ** 64;

/** Go's multiplyByCostFactor: float64 product, rounded up (same IEEE doubles as Go). */
function factor(x: bigint, f: number): bigint {
  const xf = Number(x);
  if (xf > 0 && f > 0 && xf > TWO_TO_64 / f) return MAX_UINT64;
  const c = Math.ceil(xf * f);
  return c >= TWO_TO_64 ? MAX_UINT64 : BigInt(c);
}
const byFactor = (s: Estimate, f: number): Estimate => ({ min: factor(s.min, f), max: factor(s.max, f) });

interface EntrySize {
  container: 'list' | 'map';
  key: Estimate;
  val: Estimate;
}

interface Node {
  expr: Expr;
  path: string[] | undefined;
  size: Estimate | undefined;
}

class Coster {
  private readonly paths = new Map<number, string[]>();
  private readonly sizes = new Map<number, Estimate>();
  private readonly entrySizes = new Map<number, EntrySize>();

  constructor(private readonly root: DeclType) {}

  cost(e: Expr): Estimate {
    switch (e.kind) {
      case 'literal':
        return fixed(CONST_COST);
      case 'ident':
        this.paths.set(e.id, [e.name]);
        return fixed(SELECT_AND_IDENT_COST);
      case 'select': {
        if (e.testOnly) return add(fixed(PRESENCE_TEST_COST), this.cost(e.operand));
        let sum = this.cost(e.operand);
        const k = e.operand.type.k;
        if (k === 'map' || k === 'object') sum = add(sum, fixed(SELECT_AND_IDENT_COST));
        this.paths.set(e.id, [...this.path(e.operand), e.field]);
        return sum;
      }
      case 'call':
        return this.costCall(e as Expr & { kind: 'call' });
      case 'list': {
        let sum = fixed(0n);
        let item: Estimate = e.elements.length === 0 ? { min: 0n, max: 0n } : { min: MAX_UINT64, max: 0n };
        for (const el of e.elements) {
          sum = add(sum, this.cost(el));
          item = union(item, this.sizeOrUnknown(el));
        }
        this.entrySizes.set(e.id, { container: 'list', key: fixed(1n), val: item });
        return add(sum, fixed(LIST_CREATE_BASE_COST));
      }
      case 'map': {
        let sum = fixed(0n);
        let key: Estimate = e.entries.length === 0 ? { min: 0n, max: 0n } : { min: MAX_UINT64, max: 0n };
        let val = key;
        for (const [k, v] of e.entries) {
          sum = add(add(sum, this.cost(k)), this.cost(v));
          key = union(key, this.sizeOrUnknown(k));
          val = union(val, this.sizeOrUnknown(v));
        }
        this.entrySizes.set(e.id, { container: 'map', key, val });
        return add(sum, fixed(MAP_CREATE_BASE_COST));
      }
    }
  }

  private costCall(e: Expr & { kind: 'call' }): Estimate {
    if (e.fn === 'dyn') {
      const c = this.cost(e.args[0]);
      const s = this.computeSize(e.args[0]);
      if (s) this.sizes.set(e.id, s);
      const es = this.entrySizes.get(e.args[0].id);
      if (es) this.entrySizes.set(e.id, es);
      return add(fixed(1n), c);
    }
    const argCosts = e.args.map((a) => this.cost(a));
    const args = e.args.map((a) => this.node(a));
    let sum = fixed(0n);
    let target: Node | undefined;
    if (e.target) {
      sum = add(sum, this.cost(e.target));
      target = this.node(e.target);
    }
    const fn = this.functionCost(e, target, args, argCosts);
    let resultSize = fn.resultSize;
    if (e.overload === 'index_list' || e.overload === 'index_map') {
      resultSize = this.entrySizes.get(e.args[0].id)?.val;
      this.paths.set(e.id, [...this.path(e.args[0]), e.overload === 'index_list' ? '@items' : '@values']);
    }
    resultSize ??= this.computeSize(e);
    if (resultSize) this.sizes.set(e.id, resultSize);
    return add(sum, fn.cost);
  }

  private functionCost(e: Expr & { kind: 'call' }, target: Node | undefined, args: Node[], argCosts: Estimate[]): { cost: Estimate; resultSize?: Estimate } {
    const argSum = argCosts.reduce(add, fixed(0n));
    // Kubernetes' library estimator is asked first (by function name).
    const k8s = this.kubernetesCallCost(e, target, args);
    if (k8s) return { cost: add(k8s.cost, argSum), resultSize: k8s.resultSize };
    switch (e.overload) {
      case 'starts_with_string':
      case 'ends_with_string':
        if (args.length === 1) return { cost: add(byFactor(this.sizeOf(args[0]), STRING_TRAVERSAL_COST_FACTOR), argSum) };
        break;
      case 'in_list':
        if (args.length === 2) return { cost: add(byFactor(this.sizeOf(args[1]), 1), argSum) };
        break;
      case 'matches_string':
        if (target && args.length === 1) {
          // The string (plus one, so an empty string still costs) times the regex length / 4.
          const str = byFactor(add(this.sizeOf(target), fixed(1n)), STRING_TRAVERSAL_COST_FACTOR);
          const re = byFactor(this.sizeOf(args[0]), REGEX_STRING_LENGTH_COST_FACTOR);
          return { cost: add(mul(str, re), argSum) };
        }
        break;
      case 'contains_string':
        if (target && args.length === 1) {
          const str = byFactor(this.sizeOf(target), STRING_TRAVERSAL_COST_FACTOR);
          const sub = byFactor(this.sizeOf(args[0]), STRING_TRAVERSAL_COST_FACTOR);
          return { cost: add(mul(str, sub), argSum) };
        }
        break;
      case 'logical_and':
      case 'logical_or':
        // Short-circuit: at least the left side, at most both.
        return { cost: { min: argCosts[0].min, max: add(argCosts[0], argCosts[1]).max } };
      case 'conditional': {
        const size = union(this.sizeOf(args[1]), this.sizeOf(args[2]));
        const t = this.entrySizes.get(args[1].expr.id);
        const f = this.entrySizes.get(args[2].expr.id);
        if (t && f) this.entrySizes.set(e.id, { container: t.container, key: union(t.key, f.key), val: union(t.val, f.val) });
        return { cost: add(argCosts[0], union(argCosts[1], argCosts[2])), resultSize: size };
      }
      case 'add_string':
      case 'add_bytes':
      case 'add_list':
        if (args.length === 2) {
          const size = add(this.sizeOf(args[0]), this.sizeOf(args[1]));
          const l = this.entrySizes.get(args[0].expr.id);
          const r = this.entrySizes.get(args[1].expr.id);
          if (l && r) this.entrySizes.set(e.id, { container: l.container, key: union(l.key, r.key), val: union(l.val, r.val) });
          if (e.overload === 'add_list') return { cost: add(fixed(1n), argSum), resultSize: size };
          return { cost: add(byFactor(size, STRING_TRAVERSAL_COST_FACTOR), argSum), resultSize: size };
        }
        break;
      case 'less_string': case 'greater_string': case 'less_equals_string': case 'greater_equals_string':
      case 'less_bytes': case 'greater_bytes': case 'less_equals_bytes': case 'greater_equals_bytes':
      case 'equals': case 'not_equals': {
        const l = this.sizeOf(args[0]);
        const r = this.sizeOf(args[1]);
        const smallestMax = r.max < l.max ? r.max : l.max;
        return { cost: add(byFactor({ min: smallestMax > 0n ? 1n : 0n, max: smallestMax }, STRING_TRAVERSAL_COST_FACTOR), argSum) };
      }
    }
    // Everything else is O(1).
    return { cost: add(fixed(1n), argSum) };
  }

  /** kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/cel/library/cost.go EstimateCallCost, for the functions checked. */
  private kubernetesCallCost(e: Expr & { kind: 'call' }, target: Node | undefined, args: Node[]): { cost: Estimate; resultSize?: Estimate } | undefined {
    if (!target) return undefined;
    switch (e.fn) {
      case 'lowerAscii': case 'upperAscii': case 'substring': case 'trim': {
        const sz = this.libSize(target);
        return { cost: byFactor(sz, STRING_TRAVERSAL_COST_FACTOR), resultSize: sz };
      }
      case 'split': {
        const sz = this.libSize(target);
        let max = sz.max;
        const limit = args[1]?.expr;
        if (limit && limit.kind === 'literal' && typeof limit.value === 'bigint') max = limit.value < 0n ? MAX_UINT64 : limit.value;
        // The traversal plus building the result.
        return { cost: byFactor(sz, 2 * STRING_TRAVERSAL_COST_FACTOR), resultSize: { min: 0n, max } };
      }
    }
    return undefined;
  }

  private libSize(n: Node): Estimate {
    return n.size ?? this.estimateSize(n.path) ?? UNKNOWN;
  }

  private node(e: Expr): Node {
    const path = this.path(e);
    return { expr: e, path: path.length > 0 ? path : undefined, size: this.computeSize(e) };
  }

  private path(e: Expr): string[] {
    return this.paths.get(e.id) ?? [];
  }

  private sizeOf(n: Node): Estimate {
    return n.size ?? UNKNOWN;
  }

  private sizeOrUnknown(e: Expr): Estimate {
    return this.computeSize(e) ?? UNKNOWN;
  }

  private computeSize(e: Expr): Estimate | undefined {
    const known = this.sizes.get(e.id);
    if (known) return known;
    const lit = exprSize(e);
    if (lit) return lit;
    const est = this.estimateSize(this.path(e));
    if (est) {
      this.sizes.set(e.id, est);
      return est;
    }
    return typeSize(e);
  }

  /** The schema's answer for a value at this path: 0 to its maxElements. */
  private estimateSize(path: string[] | undefined): Estimate | undefined {
    if (!path || path.length === 0) return undefined;
    let cur: DeclType | undefined = this.root;
    for (const name of path.slice(1)) {
      if (name === '@items' || name === '@values') cur = cur.elem;
      else if (name === '@keys') cur = cur.key;
      else cur = cur.fields?.get(name);
      if (!cur) return undefined;
    }
    return { min: 0n, max: cur.maxElements };
  }
}

function exprSize(e: Expr): Estimate | undefined {
  if (e.kind === 'literal') {
    const v = e.value;
    if (typeof v === 'string') return fixed(BigInt([...v].length));
    if (v instanceof Uint8Array) return fixed(BigInt(v.length));
    return fixed(1n);
  }
  if (e.kind === 'list') return fixed(BigInt(e.elements.length));
  if (e.kind === 'map') return fixed(BigInt(e.entries.length));
  return undefined;
}

function typeSize(e: Expr): Estimate | undefined {
  switch (e.type.k) {
    case 'bool': case 'double': case 'duration': case 'int': case 'timestamp': case 'uint':
      return fixed(1n);
  }
  return undefined;
}

/** The estimated cost range of one rule on a schema node whose CEL declaration is `root`. */
export function estimateCost(ast: CelJsNode, root: DeclType): Estimate {
  const expr = checkExpr(ast, root);
  if (expr.type.k !== 'bool' && expr.type.k !== 'dyn') throw new Error(`cel expression must evaluate to a bool (it is ${expr.type.k})`);
  return new Coster(root).cost(expr);
}
