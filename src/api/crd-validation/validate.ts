// What the API server does with a custom resource before it stores it, from the CRD version's
// openAPIV3Schema alone: prune unknown fields, apply defaults, check the schema (types, required,
// enum, bounds, pattern, format), x-kubernetes-list-type uniqueness, metadata.name, and the CEL rules
// (x-kubernetes-validations; oldSelf rules only on updates, where old and new values correlate).
// Pure: the CEL engine is passed in (cel-runtime.ts loads one). Follows kubernetes/kubernetes
// staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/{pruning,defaulting,cel,listtype}
// and kube-openapi's validate package. Not done: validation ratcheting of unchanged fields on update
// (so this is at least as strict as the API server), messageExpression (the static message is used).
import type { CelEngine } from './cel-runtime.js';
import { childPath, indexPath, type FieldError } from './field-error.js';
import { isPlainObject, itemsOf, valuesOf, type JSONSchemaProps, type ValidationRule } from './json-schema.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface CrdValidationOptions {
  /** required when the schema has x-kubernetes-validations */
  cel?: CelEngine;
  /** the stored object, on an update: enables oldSelf rules */
  oldObject?: unknown;
  /** unknown fields: an error (kubectl's default), a warning (the API server's default), or nothing */
  fieldValidation?: FieldValidation;
}

export interface CrdValidationResult {
  /** the object as the API server would store it: pruned and defaulted */
  object: unknown;
  errors: FieldError[];
  /** unknown fields dropped, as the API server's warnings word them */
  warnings: string[];
}

/** Validates one custom resource against its CRD version's openAPIV3Schema. */
export function validateCustomResource(schema: JSONSchemaProps, object: unknown, opts: CrdValidationOptions = {}): CrdValidationResult {
  const unknown: string[] = [];
  const obj = applyDefaults(schema, prune(schema, object, '', unknown, true));
  const old = opts.oldObject === undefined ? undefined : applyDefaults(schema, prune(schema, opts.oldObject, '', [], true));
  const errors: FieldError[] = [];
  const mode = opts.fieldValidation ?? 'Warn';
  if (mode === 'Strict') for (const p of unknown) errors.push({ path: p, type: 'UnknownField', detail: '' });
  const warnings = mode === 'Warn' ? unknown.map((p) => `unknown field ${JSON.stringify(p)}`) : [];
  errors.push(...metadataErrors(obj));
  const typeErrors = checkSchema(schema, obj, '', errors);
  if (typeErrors > 0) {
    if (hasRules(schema)) {
      errors.push({ path: '', type: 'Invalid', value: '', detail: 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation' });
    }
  } else if (hasRules(schema)) {
    if (!opts.cel) throw new Error('the schema has CEL rules: pass a CEL engine (loadCelEngine())');
    checkRules(schema, obj, old, '', opts.cel, errors);
  }
  return { object: obj, errors, warnings };
}

// ---- pruning and defaulting ----------------------------------------------------------------

const ROOT_KEPT = new Set(['apiVersion', 'kind', 'metadata']);

function prune(s: JSONSchemaProps, v: unknown, path: string, unknown: string[], isResource: boolean): unknown {
  if (Array.isArray(v)) {
    const items = itemsOf(s);
    return items ? v.map((x, i) => prune(items, x, indexPath(path, i), unknown, items['x-kubernetes-embedded-resource'] === true)) : v;
  }
  if (!isPlainObject(v)) return v;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const values = valuesOf(s);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const p = s.properties?.[k];
    if (isResource && ROOT_KEPT.has(k) && (k === 'metadata' || !p)) {
      out[k] = x; // ObjectMeta is checked on its own; apiVersion and kind always stay
    } else if (p) {
      out[k] = prune(p, x, childPath(path, k), unknown, p['x-kubernetes-embedded-resource'] === true);
    } else if (values) {
      out[k] = prune(values, x, indexPath(path, k), unknown, values['x-kubernetes-embedded-resource'] === true);
    } else if (preserve || s.additionalProperties === true) {
      out[k] = x;
    } else {
      unknown.push(childPath(path, k));
    }
  }
  return out;
}

/** Defaults fill absent fields (and nulls of non-nullable fields); other nulls of non-nullable fields are dropped. */
function applyDefaults(s: JSONSchemaProps, v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = itemsOf(s);
    return items ? v.map((x) => applyDefaults(items, x)) : v;
  }
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = { ...v };
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    if (out[k] === null && !p.nullable) delete out[k];
    if (out[k] === undefined && p.default !== undefined) out[k] = structuredClone(p.default);
    if (out[k] !== undefined) out[k] = applyDefaults(p, out[k]);
  }
  const values = valuesOf(s);
  if (values) for (const [k, x] of Object.entries(out)) if (!s.properties?.[k]) out[k] = applyDefaults(values, x);
  return out;
}

// ---- metadata -----------------------------------------------------------------------------------

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function metadataErrors(obj: unknown): FieldError[] {
  const meta = isPlainObject(obj) ? obj.metadata : undefined;
  if (!isPlainObject(meta)) return [{ path: 'metadata.name', type: 'Required', detail: 'name or generateName is required' }];
  const out: FieldError[] = [];
  const { name, generateName, namespace } = meta as { name?: unknown; generateName?: unknown; namespace?: unknown };
  if ((name === undefined || name === '') && (generateName === undefined || generateName === '')) {
    out.push({ path: 'metadata.name', type: 'Required', detail: 'name or generateName is required' });
  } else if (name !== undefined && name !== '' && (typeof name !== 'string' || name.length > 253 || !DNS1123_SUBDOMAIN.test(name))) {
    out.push({
      path: 'metadata.name', type: 'Invalid', value: name,
      detail: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
    });
  }
  if (namespace !== undefined && namespace !== '' && (typeof namespace !== 'string' || namespace.length > 63 || !DNS1123_LABEL.test(namespace))) {
    out.push({
      path: 'metadata.namespace', type: 'Invalid', value: namespace,
      detail: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name')",
    });
  }
  return out;
}

// ---- the OpenAPI schema ---------------------------------------------------------------------------

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'bigint') return 'integer';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typeMatches(s: JSONSchemaProps, v: unknown): boolean {
  if (v === null) return s.nullable === true;
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
  const t = typeName(v);
  switch (s.type) {
    case undefined: case '': return true;
    case 'number': return t === 'integer' || t === 'number';
    default: return t === s.type;
  }
}

/** Checks s against v; returns how many type errors there were (they stop the CEL rules). */
function checkSchema(s: JSONSchemaProps, v: unknown, path: string, errors: FieldError[]): number {
  if (!typeMatches(s, v)) {
    const expected = s['x-kubernetes-int-or-string'] ? 'integer,string' : s.type;
    errors.push({ path, type: 'Invalid', value: typeName(v), detail: `${path || 'body'} in body must be of type ${expected}: ${JSON.stringify(typeName(v))}` });
    return 1;
  }
  if (v === null) return 0;
  let typeErrors = 0;
  checkValue(s, v, path, errors);
  if (Array.isArray(v)) {
    const items = itemsOf(s);
    if (items) v.forEach((x, i) => { typeErrors += checkSchema(items, x, indexPath(path, i), errors); });
    checkListType(s, v, path, errors);
  } else if (isPlainObject(v)) {
    for (const r of s.required ?? []) if (v[r] === undefined) errors.push({ path: childPath(path, r), type: 'Required', detail: '' });
    const values = valuesOf(s);
    for (const [k, x] of Object.entries(v)) {
      if (path === '' && k === 'metadata') continue;
      const p = s.properties?.[k];
      if (p) typeErrors += checkSchema(p, x, childPath(path, k), errors);
      else if (values) typeErrors += checkSchema(values, x, indexPath(path, k), errors);
    }
  }
  return typeErrors;
}

/** The value keywords of kube-openapi's validate package, worded as the API server returns them. */
function checkValue(s: JSONSchemaProps, v: unknown, path: string, errors: FieldError[]): void {
  const at = path || 'body';
  if (s.enum && !s.enum.some((e) => deepEqual(e, v))) {
    errors.push({ path, type: 'NotSupported', value: v, detail: `supported values: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}` });
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
      errors.push({ path, type: 'Invalid', value: v, detail: `${at} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}` });
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
      errors.push({ path, type: 'Invalid', value: v, detail: `${at} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}` });
    }
    if (s.multipleOf !== undefined && s.multipleOf > 0 && !Number.isInteger(v / s.multipleOf)) {
      errors.push({ path, type: 'Invalid', value: v, detail: `${at} in body should be a multiple of ${s.multipleOf}` });
    }
  }
  if (typeof v === 'string') {
    const runes = [...v].length;
    if (s.maxLength !== undefined && runes > s.maxLength) errors.push({ path, type: 'TooLong', value: v, detail: `may not be more than ${s.maxLength} bytes` });
    if (s.minLength !== undefined && runes < s.minLength) {
      errors.push({ path, type: 'Invalid', value: v, detail: `${at} in body should be at least ${s.minLength} chars long` });
    }
    if (s.pattern !== undefined && !compilePattern(s.pattern).test(v)) {
      errors.push({ path, type: 'Invalid', value: v, detail: `${at} in body should match '${s.pattern}'` });
    }
    const bad = s.format ? formatProblem(s.format, v) : undefined;
    if (bad) errors.push({ path, type: 'Invalid', value: v, detail: `${at} in body must be of type ${s.format}: ${JSON.stringify(v)}` });
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) errors.push({ path, type: 'TooMany', value: v.length, detail: `must have at most ${s.maxItems} items` });
    if (s.minItems !== undefined && v.length < s.minItems) {
      errors.push({ path, type: 'Invalid', value: v.length, detail: `${at} in body should have at least ${s.minItems} items` });
    }
  }
  if (isPlainObject(v)) {
    const n = Object.keys(v).length;
    if (s.maxProperties !== undefined && n > s.maxProperties) errors.push({ path, type: 'TooMany', value: n, detail: `must have at most ${s.maxProperties} items` });
    if (s.minProperties !== undefined && n < s.minProperties) {
      errors.push({ path, type: 'Invalid', value: n, detail: `${at} in body should have at least ${s.minProperties} properties` });
    }
  }
  // Value validations under logic junctors (structural schemas allow them without types).
  for (const sub of s.allOf ?? []) checkValue(sub, v, path, errors);
  if (s.anyOf && !s.anyOf.some((sub) => valueOk(sub, v))) errors.push({ path, type: 'Invalid', value: v, detail: `${at} in body must validate at least one schema (anyOf)` });
  if (s.oneOf && s.oneOf.filter((sub) => valueOk(sub, v)).length !== 1) errors.push({ path, type: 'Invalid', value: v, detail: `${at} in body must validate one and only one schema (oneOf)` });
  if (s.not && valueOk(s.not, v)) errors.push({ path, type: 'Invalid', value: v, detail: `${at} in body should not validate the schema (not)` });
}

function valueOk(s: JSONSchemaProps, v: unknown): boolean {
  const errs: FieldError[] = [];
  if (s.type && !typeMatches(s, v)) return false;
  checkValue(s, v, '', errs);
  return errs.length === 0;
}

const patterns = new Map<string, RegExp>();
function compilePattern(p: string): RegExp {
  let re = patterns.get(p);
  if (!re) {
    // RE2 is Unicode-aware; JavaScript's u flag is the closest, but refuses some escapes RE2 takes.
    try {
      re = new RegExp(p, 'u');
    } catch {
      re = new RegExp(p);
    }
    patterns.set(p, re);
  }
  return re;
}

function formatProblem(format: string, v: string): boolean {
  switch (format) {
    case 'date-time':
      return !/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v.replace(' ', 'T')));
    case 'date':
      return !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v));
    case 'byte':
      return !/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v);
    case 'uuid':
      return !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
    default:
      return false; // int32, int64, password and formats the API server does not check
  }
}

function checkListType(s: JSONSchemaProps, v: unknown[], path: string, errors: FieldError[]): void {
  const lt = s['x-kubernetes-list-type'];
  if (lt !== 'set' && lt !== 'map') return;
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const seen: unknown[] = [];
  v.forEach((x, i) => {
    const id = lt === 'set' ? x : Object.fromEntries(keys.map((k) => [k, isPlainObject(x) ? x[k] : undefined]));
    if (seen.some((y) => deepEqual(y, id))) errors.push({ path: indexPath(path, i), type: 'Duplicate', value: id, detail: '' });
    else seen.push(id);
  });
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'bigint') return BigInt(a) === b;
  if (typeof a === 'bigint' && typeof b === 'number') return a === BigInt(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

// ---- CEL rules ----------------------------------------------------------------------------------

export function hasRules(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  if ((s['x-kubernetes-validations'] ?? []).length > 0) return true;
  return Object.values(s.properties ?? {}).some(hasRules) || hasRules(itemsOf(s)) || hasRules(valuesOf(s));
}

const usesOldSelf = (rule: string): boolean => /\boldSelf\b/.test(rule);

function checkRules(s: JSONSchemaProps, v: unknown, old: unknown, path: string, cel: CelEngine, errors: FieldError[]): void {
  if (v === undefined || v === null) return;
  const rules = s['x-kubernetes-validations'] ?? [];
  if (rules.length > 0) {
    const self = toCel(s, v);
    const oldSelf = old === undefined || old === null ? undefined : toCel(s, old);
    for (const r of rules) {
      if (usesOldSelf(r.rule) && oldSelf === undefined) continue; // transition rules run on updates only
      const failure = runRule(cel, r, self, oldSelf);
      if (failure !== undefined) errors.push(ruleError(s, r, path, failure));
    }
  }
  // Children: oldSelf follows only where old and new values correlate (object fields of granular
  // maps, additionalProperties by key, items of list-type map lists by their keys).
  if (isPlainObject(v)) {
    const oldObj = isPlainObject(old) && s['x-kubernetes-map-type'] !== 'atomic' ? old : undefined;
    for (const [k, p] of Object.entries(s.properties ?? {})) checkRules(p, v[k], oldObj?.[k], childPath(path, k), cel, errors);
    const values = valuesOf(s);
    if (values) for (const [k, x] of Object.entries(v)) if (!s.properties?.[k]) checkRules(values, x, oldObj?.[k], indexPath(path, k), cel, errors);
  } else if (Array.isArray(v)) {
    const items = itemsOf(s);
    if (!items) return;
    const keys = s['x-kubernetes-list-type'] === 'map' ? s['x-kubernetes-list-map-keys'] ?? [] : undefined;
    v.forEach((x, i) => {
      const before = keys && Array.isArray(old)
        ? old.find((o) => isPlainObject(o) && isPlainObject(x) && keys.every((k) => deepEqual(o[k], x[k])))
        : undefined;
      checkRules(items, x, before, indexPath(path, i), cel, errors);
    });
  }
}

/** undefined when the rule holds; the reason otherwise (false, or the evaluation error). */
function runRule(cel: CelEngine, r: ValidationRule, self: unknown, oldSelf: unknown): string | undefined {
  try {
    const out = cel.compile(r.rule)({ self, ...(oldSelf !== undefined ? { oldSelf } : {}) });
    return out === true ? undefined : '';
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

function ruleError(s: JSONSchemaProps, r: ValidationRule, path: string, evalError: string): FieldError {
  let detail = r.message?.trim() || `failed rule: ${r.rule.trim()}`;
  if (evalError !== '') detail = `${detail} (the rule could not be evaluated: ${evalError})`;
  const rel = (r.fieldPath ?? '').trim().replace(/^\./, '');
  const at = rel === '' ? path : rel.startsWith('[') ? `${path}${rel}` : childPath(path, rel);
  const type = s['x-kubernetes-int-or-string'] ? 'string' : s.type ?? 'object';
  switch (r.reason) {
    case 'FieldValueForbidden': return { path: at, type: 'Forbidden', detail };
    case 'FieldValueRequired': return { path: at, type: 'Required', detail };
    case 'FieldValueDuplicate': return { path: at, type: 'Duplicate', value: type, detail };
    default: return { path: at, type: 'Invalid', value: type, detail };
  }
}

/** JSON value -> what CEL sees: integers as int (BigInt), date-time strings as timestamps. */
function toCel(s: JSONSchemaProps | undefined, v: unknown): unknown {
  if (v === null || v === undefined || !s) return v;
  if (typeof v === 'number') {
    if (s.type === 'integer' || (s['x-kubernetes-int-or-string'] && Number.isInteger(v))) return BigInt(v);
    return v;
  }
  if (typeof v === 'string' && s.type === 'string' && (s.format === 'date-time' || s.format === 'date')) return new Date(v);
  if (Array.isArray(v)) {
    const items = itemsOf(s);
    return v.map((x) => toCel(items, x));
  }
  if (isPlainObject(v)) {
    const values = valuesOf(s);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toCel(s.properties?.[k] ?? values, x);
    return out;
  }
  return v;
}
