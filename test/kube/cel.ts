// Helpers for the CRD tests: what the API server does with a custom resource (the generic validator
// of src/api/crd-validation, with the CEL engine `metallb-ts validate` uses), and single rules
// evaluated on their own.
import { loadCelEngine, type CelEngine } from '../../src/api/crd-validation/cel-runtime.js';
import { formatFieldError } from '../../src/api/crd-validation/field-error.js';
import { validateCustomResource } from '../../src/api/crd-validation/validate.js';
import { CRD_DEFINITIONS, type CelRule, type Schema } from '../../src/api/schema/index.js';

export interface LocatedRule extends CelRule {
  path: string;
}

export const celEngine = (): Promise<CelEngine> => loadCelEngine();

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Plain JSON to CEL values for a rule tested on its own: integers become CEL ints. */
export function toCel(v: unknown): unknown {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (Array.isArray(v)) return v.map(toCel);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return v;
}

export function evalRule(cel: CelEngine, rule: string, self: unknown, oldSelf?: unknown): boolean | Error {
  try {
    return cel.compile(rule)({ self: toCel(self), ...(oldSelf !== undefined ? { oldSelf: toCel(oldSelf) } : {}) }) === true;
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

export function schemaOf(apiVersion: string, kind: string): Schema | undefined {
  const def = CRD_DEFINITIONS.find((d) => d.kind === kind);
  return def?.versions.find((v) => `metallb.io/${v.name}` === apiVersion)?.schema;
}

/** The API server's answer to creating (or, with old, updating) the object: its errors, formatted. */
export function crdProblems(cel: CelEngine, obj: { apiVersion: string; kind: string }, old?: unknown): string[] {
  const schema = schemaOf(obj.apiVersion, obj.kind);
  if (!schema) return [`no CRD version for ${obj.apiVersion} ${obj.kind}`];
  return validateCustomResource(schema, obj, { cel, oldObject: old }).errors.map(formatFieldError);
}
