// Type-checks a parsed CEL expression against the CEL declaration of a schema node and rewrites it
// as cel-go sees it: every operator a function call with an overload id. Only what the static cost
// estimator (cel-cost.ts) needs, for the CEL the CRDs of this project use and a little more; anything
// else is refused with UnsupportedCelError, so a rule the port does not know can never be given a
// made-up cost. The input is the AST of @marcbachmann/cel-js's parse(), passed in as plain data.
import type { DeclType } from './decl-type.js';

export class UnsupportedCelError extends Error {}

export type CelType =
  | { k: 'int' | 'uint' | 'double' | 'bool' | 'string' | 'bytes' | 'null' | 'duration' | 'timestamp' | 'dyn' | 'type' }
  | { k: 'list'; elem: CelType }
  | { k: 'map'; key: CelType; elem: CelType }
  | { k: 'object'; decl: DeclType };

export interface ExprBase {
  id: number;
  type: CelType;
}
export type Expr = ExprBase & (
  | { kind: 'literal'; value: unknown }
  | { kind: 'ident'; name: string }
  | { kind: 'select'; operand: Expr; field: string; testOnly: boolean }
  | { kind: 'call'; fn: string; overload: string; target?: Expr; args: Expr[] }
  | { kind: 'list'; elements: Expr[] }
  | { kind: 'map'; entries: Array<[Expr, Expr]> }
);

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** A node of cel-js's AST: { op, args }. */
export interface CelJsNode {
  op: string;
  args: unknown;
}

const T = {
  int: { k: 'int' }, uint: { k: 'uint' }, double: { k: 'double' }, bool: { k: 'bool' }, string: { k: 'string' },
  bytes: { k: 'bytes' }, null: { k: 'null' }, duration: { k: 'duration' }, timestamp: { k: 'timestamp' }, dyn: { k: 'dyn' }, type: { k: 'type' },
} as const satisfies Record<string, CelType>;

export function celTypeOf(d: DeclType): CelType {
  switch (d.kind) {
    case 'object': return { k: 'object', decl: d };
    case 'list': return { k: 'list', elem: celTypeOf(d.elem!) };
    case 'map': return { k: 'map', key: T.string, elem: celTypeOf(d.elem!) };
    default: return T[d.kind];
  }
}

const isNode = (v: unknown): v is CelJsNode => typeof v === 'object' && v !== null && typeof (v as CelJsNode).op === 'string';

/** `self` and `oldSelf` have the type of the schema node the rule sits on. */
export function checkExpr(ast: CelJsNode, root: DeclType): Expr {
  let nextId = 0;
  const rootType = celTypeOf(root);
  const mk = (e: DistributiveOmit<Expr, 'id'>): Expr => ({ ...e, id: nextId++ }) as Expr;
  const call = (fn: string, overload: string, type: CelType, args: Expr[], target?: Expr): Expr =>
    mk({ kind: 'call', fn, overload, type, args, ...(target ? { target } : {}) });

  const visit = (n: unknown): Expr => {
    if (!isNode(n)) throw new UnsupportedCelError(`unexpected AST node ${JSON.stringify(n)}`);
    const a = n.args as unknown[];
    switch (n.op) {
      case 'value':
        return mk({ kind: 'literal', value: n.args, type: literalType(n.args) });
      case 'id': {
        const name = n.args as string;
        if (name !== 'self' && name !== 'oldSelf') throw new UnsupportedCelError(`undeclared reference to '${name}'`);
        return mk({ kind: 'ident', name, type: rootType });
      }
      case '.':
        return select(visit(a[0]), a[1] as string, false);
      case '[]': {
        const operand = visit(a[0]);
        const index = visit(a[1]);
        if (operand.type.k === 'list') return call('_[_]', 'index_list', operand.type.elem, [operand, index]);
        if (operand.type.k === 'map') return call('_[_]', 'index_map', operand.type.elem, [operand, index]);
        if (operand.type.k === 'dyn') return call('_[_]', 'index_list', T.dyn, [operand, index]);
        throw new UnsupportedCelError(`cannot index ${operand.type.k}`);
      }
      case '&&': case '||': {
        const [l, r] = [visit(a[0]), visit(a[1])];
        return call(n.op === '&&' ? '_&&_' : '_||_', n.op === '&&' ? 'logical_and' : 'logical_or', T.bool, [l, r]);
      }
      case '!_':
        return call('!_', 'logical_not', T.bool, [visit(n.args)]);
      case '-_': {
        const x = visit(n.args);
        // cel-go's parser folds a minus sign into a numeric literal.
        if (x.kind === 'literal' && (typeof x.value === 'bigint' || typeof x.value === 'number')) {
          return mk({ kind: 'literal', value: -x.value, type: x.type });
        }
        return call('-_', `negate_${numericName(x.type)}`, x.type, [x]);
      }
      case '?:': {
        const [c, t, f] = a.map(visit);
        return call('_?_:_', 'conditional', sameType(t.type, f.type) ? t.type : T.dyn, [c, t, f]);
      }
      case 'list': {
        const elements = a.map(visit);
        return mk({ kind: 'list', elements, type: { k: 'list', elem: elements[0]?.type ?? T.dyn } });
      }
      case 'map': {
        const entries = (a as unknown[][]).map(([k, v]) => [visit(k), visit(v)] as [Expr, Expr]);
        return mk({ kind: 'map', entries, type: { k: 'map', key: entries[0]?.[0].type ?? T.dyn, elem: entries[0]?.[1].type ?? T.dyn } });
      }
      case 'call':
        return globalCall(a[0] as string, a[1] as unknown[]);
      case 'rcall':
        return memberCall(a[0] as string, visit(a[1]), (a[2] as unknown[]).map(visit));
      case '==': case '!=': {
        const [l, r] = [visit(a[0]), visit(a[1])];
        return call(`_${n.op}_`, n.op === '==' ? 'equals' : 'not_equals', T.bool, [l, r]);
      }
      case '<': case '<=': case '>': case '>=': {
        const [l, r] = [visit(a[0]), visit(a[1])];
        const name = { '<': 'less', '<=': 'less_equals', '>': 'greater', '>=': 'greater_equals' }[n.op];
        return call(`_${n.op}_`, `${name}_${comparableName(l.type, r.type)}`, T.bool, [l, r]);
      }
      case '+': case '-': case '*': case '/': case '%': {
        const [l, r] = [visit(a[0]), visit(a[1])];
        const name = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide', '%': 'modulo' }[n.op];
        if (n.op === '+' && (l.type.k === 'string' || l.type.k === 'bytes' || l.type.k === 'list')) {
          return call('_+_', `add_${l.type.k}`, l.type, [l, r]);
        }
        return call(`_${n.op}_`, `${name}_${numericName(l.type)}`, l.type.k === 'dyn' ? r.type : l.type, [l, r]);
      }
      case 'in': {
        const [l, r] = [visit(a[0]), visit(a[1])];
        if (r.type.k === 'map') return call('@in', 'in_map', T.bool, [l, r]);
        return call('@in', 'in_list', T.bool, [l, r]);
      }
      default:
        throw new UnsupportedCelError(`the cost port does not know the CEL construct '${n.op}'`);
    }
  };

  const select = (operand: Expr, field: string, testOnly: boolean): Expr => {
    let type: CelType;
    const t = operand.type;
    if (t.k === 'object') {
      const f = t.decl.fields?.get(field);
      if (!f) throw new UnsupportedCelError(`undefined field '${field}'`);
      type = celTypeOf(f);
    } else if (t.k === 'map') {
      type = t.elem;
    } else if (t.k === 'dyn') {
      type = T.dyn;
    } else {
      throw new UnsupportedCelError(`cannot select '${field}' from ${t.k}`);
    }
    return mk({ kind: 'select', operand, field, testOnly, type: testOnly ? T.bool : type });
  };

  const globalCall = (fn: string, rawArgs: unknown[]): Expr => {
    if (fn === 'has') {
      const arg = rawArgs[0];
      if (!isNode(arg) || arg.op !== '.') throw new UnsupportedCelError('has() takes a field selection');
      const [operand, field] = arg.args as [unknown, string];
      return select(visit(operand), field, true);
    }
    const args = rawArgs.map(visit);
    const a0 = args[0]?.type;
    switch (fn) {
      case 'size':
        return call(fn, `size_${sizedName(a0)}`, T.int, args);
      case 'int': return call(fn, `${convName(a0)}_to_int64`, T.int, args);
      case 'uint': return call(fn, `${convName(a0)}_to_uint64`, T.uint, args);
      case 'double': return call(fn, `${convName(a0)}_to_double`, T.double, args);
      case 'string': return call(fn, `${convName(a0)}_to_string`, T.string, args);
      case 'bytes': return call(fn, `${convName(a0)}_to_bytes`, T.bytes, args);
      case 'duration': return call(fn, `${convName(a0)}_to_duration`, T.duration, args);
      case 'timestamp': return call(fn, `${convName(a0)}_to_timestamp`, T.timestamp, args);
      case 'dyn': return call(fn, 'to_dyn', T.dyn, args);
      case 'type': return call(fn, 'type', T.type, args);
      case 'matches': return call(fn, 'matches', T.bool, args);
    }
    throw new UnsupportedCelError(`the cost port does not know the function ${fn}()`);
  };

  const memberCall = (fn: string, target: Expr, args: Expr[]): Expr => {
    const t = target.type.k;
    switch (fn) {
      case 'contains': return call(fn, 'contains_string', T.bool, args, target);
      case 'startsWith': return call(fn, 'starts_with_string', T.bool, args, target);
      case 'endsWith': return call(fn, 'ends_with_string', T.bool, args, target);
      case 'matches': return call(fn, 'matches_string', T.bool, args, target);
      case 'size': return call(fn, `${sizedName(target.type)}_size`, T.int, args, target);
      case 'split': return call(fn, `string_split_string${args.length > 1 ? '_int' : ''}`, { k: 'list', elem: T.string }, args, target);
      case 'lowerAscii': case 'upperAscii': case 'trim':
        return call(fn, `string_${fn.toLowerCase()}`, T.string, args, target);
      case 'substring': return call(fn, `string_substring_int${args.length > 1 ? '_int' : ''}`, T.string, args, target);
      case 'getMilliseconds': case 'getSeconds': case 'getMinutes': case 'getHours':
        if (t !== 'duration' && t !== 'timestamp' && t !== 'dyn') throw new UnsupportedCelError(`${fn}() on ${t}`);
        return call(fn, `${t === 'timestamp' ? 'timestamp' : 'duration'}_to_${fn.slice(3).toLowerCase()}`, T.int, args, target);
    }
    throw new UnsupportedCelError(`the cost port does not know the member function .${fn}() (macros are not supported)`);
  };

  return visit(ast);
}

function literalType(v: unknown): CelType {
  if (typeof v === 'string') return T.string;
  if (typeof v === 'bigint') return T.int;
  if (typeof v === 'number') return T.double;
  if (typeof v === 'boolean') return T.bool;
  if (v === null) return T.null;
  if (v instanceof Uint8Array) return T.bytes;
  if (typeof v === 'object') return T.uint; // cel-js's UnsignedInt
  throw new UnsupportedCelError(`literal ${String(v)}`);
}

function sameType(a: CelType, b: CelType): boolean {
  return a.k === b.k && (a.k !== 'object' || (b.k === 'object' && a.decl === b.decl));
}

function numericName(t: CelType): string {
  return t.k === 'int' ? 'int64' : t.k === 'uint' ? 'uint64' : t.k;
}

function comparableName(l: CelType, r: CelType): string {
  if (l.k === r.k) return numericName(l);
  return `${numericName(l)}_${numericName(r)}`;
}

function sizedName(t: CelType | undefined): string {
  if (!t) throw new UnsupportedCelError('size() needs an argument');
  if (t.k === 'string' || t.k === 'bytes' || t.k === 'list' || t.k === 'map' || t.k === 'dyn') return t.k;
  throw new UnsupportedCelError(`size() of ${t.k}`);
}

function convName(t: CelType | undefined): string {
  if (!t) throw new UnsupportedCelError('conversion needs an argument');
  return numericName(t);
}
