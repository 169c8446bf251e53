// Evaluates a CRD schema's CEL rules on an object the way the API server does: defaults first, then
// every x-kubernetes-validations rule where the value is present; transition rules (oldSelf) only
// when an old value exists. Integers become CEL ints (BigInt).
import { evaluate } from '@marcbachmann/cel-js';
import type { CelRule, Schema } from '../../src/api/schema/index.js';

export interface LocatedRule extends CelRule {
  path: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function toCel(v: unknown): unknown {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (Array.isArray(v)) return v.map(toCel);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return v;
}

export function applyDefaults(schema: Schema, value: unknown): unknown {
  if (isObject(value) && schema.properties) {
    const out: Record<string, unknown> = { ...value };
    for (const [k, s] of Object.entries(schema.properties)) {
      if (out[k] === undefined && s.default !== undefined) out[k] = structuredClone(s.default);
      if (out[k] !== undefined) out[k] = applyDefaults(s, out[k]);
    }
    return out;
  }
  if (Array.isArray(value) && schema.items) return value.map((x) => applyDefaults(schema.items!, x));
  return value;
}

export function evalRule(rule: string, self: unknown, oldSelf?: unknown): boolean | Error {
  try {
    return evaluate(rule, { self: toCel(self), ...(oldSelf !== undefined ? { oldSelf: toCel(oldSelf) } : {}) }) === true;
  } catch (err) {
    return err as Error;
  }
}

/** Every CEL rule of a schema with its JSON path. */
export function collectRules(schema: Schema, path = ''): LocatedRule[] {
  const out: LocatedRule[] = (schema['x-kubernetes-validations'] ?? []).map((r) => ({ ...r, path: path || '.' }));
  for (const [k, s] of Object.entries(schema.properties ?? {})) out.push(...collectRules(s, `${path}.${k}`));
  if (schema.items) out.push(...collectRules(schema.items, `${path}[]`));
  return out;
}

/** Messages of the rules an object breaks (evaluation errors count as broken, as on the server). */
export function celErrors(schema: Schema, value: unknown, old?: unknown): string[] {
  const errors: string[] = [];
  const walk = (s: Schema, v: unknown, o: unknown, path: string) => {
    if (v === undefined) return;
    for (const r of s['x-kubernetes-validations'] ?? []) {
      if (r.rule.includes('oldSelf') && o === undefined) continue;
      const res = evalRule(r.rule, v, o);
      if (res !== true) errors.push(`${path || '.'}: ${r.message}${res instanceof Error ? ` (error: ${res.message})` : ''}`);
    }
    if (s.properties && isObject(v)) {
      for (const [k, ps] of Object.entries(s.properties)) walk(ps, v[k], isObject(o) ? o[k] : undefined, `${path}.${k}`);
    }
    if (s.items && Array.isArray(v)) v.forEach((x, i) => walk(s.items!, x, undefined, `${path}[${i}]`));
  };
  walk(schema, applyDefaults(schema, value), old === undefined ? undefined : applyDefaults(schema, old), '');
  return errors;
}

/**
 * What the API server enforces for x-kubernetes-list-type set (no repeated value) and map (no
 * repeated key), which ajv does not know about.
 */
export function listTypeErrors(schema: Schema, value: unknown, path = ''): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) {
    const keyOf = schema['x-kubernetes-list-type'] === 'set' ? (x: unknown) => JSON.stringify(x)
      : schema['x-kubernetes-list-type'] === 'map' ? (x: unknown) => JSON.stringify((schema['x-kubernetes-list-map-keys'] ?? []).map((k) => (x as Record<string, unknown>)?.[k]))
        : undefined;
    if (keyOf) {
      const seen = new Set<string>();
      value.forEach((x, i) => {
        const k = keyOf(x);
        if (seen.has(k)) out.push(`${path}[${i}]: Duplicate value: ${k}`);
        seen.add(k);
      });
    }
    if (schema.items) value.forEach((x, i) => out.push(...listTypeErrors(schema.items!, x, `${path}[${i}]`)));
  } else if (isObject(value) && schema.properties) {
    for (const [k, s] of Object.entries(schema.properties)) out.push(...listTypeErrors(s, value[k], `${path}.${k}`));
  }
  return out;
}
