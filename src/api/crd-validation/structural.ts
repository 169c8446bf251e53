// The checks the API server runs on a CustomResourceDefinition before it accepts it, for what a
// CRD written by hand or by a generator can get wrong: a structural schema (every field typed,
// x-kubernetes-* extensions where they are allowed, metadata restricted at the root, no forbidden
// keywords), defaults that pass their own schema and survive pruning, CEL rules that compile, use
// oldSelf only where old values correlate, and stay within the cost limits. Follows
// kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/validation.go
// (ValidateStructural) and pkg/apis/apiextensions/validation/validation.go
// (ValidateCustomResourceDefinition, ValidateCustomResourceDefinitionOpenAPISchema).
import { UnsupportedCelError, type CelJsNode } from './cel-check.js';
import type { CelEngine } from './cel-runtime.js';
import { STATIC_ESTIMATED_COST_LIMIT, STATIC_ESTIMATED_CRD_COST_LIMIT, crdCostReport } from './crd-cost.js';
import { formatFieldError } from './field-error.js';
import { isPlainObject, itemsOf, valuesOf, type JSONSchemaProps } from './json-schema.js';
import { validateCustomResource } from './validate.js';

export interface CrdCheckOptions {
  /** cel-js's parse(), to compile rules and estimate their cost */
  parse: (rule: string) => CelJsNode;
  /** runs the rules on defaults, as the API server does */
  cel: CelEngine;
}

const OPENAPI_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);
const PRINTER_TYPES = new Set(['integer', 'number', 'string', 'boolean', 'date']);
const REASONS = new Set(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueDuplicate']);
const ROOT_ALLOWED_WITH_STATUS = new Set(['description', 'type', 'format', 'title', 'maximum', 'exclusiveMaximum', 'minimum',
  'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'required', 'items',
  'properties', 'externalDocs', 'example', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations']);
const KNOWN_KEYWORDS = new Set([...ROOT_ALLOWED_WITH_STATUS, 'default', 'nullable', 'enum', 'maxProperties', 'minProperties',
  'additionalProperties', 'allOf', 'anyOf', 'oneOf', 'not', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'id', '$schema', '$ref', 'additionalItems',
  'definitions', 'dependencies', 'patternProperties']);
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

type Level = 'root' | 'item' | 'field';

/** Every reason the API server would refuse this CRD, one line each; [] when it accepts it. */
export function checkCrd(crd: unknown, opts: CrdCheckOptions): string[] {
  const errs: string[] = [];
  if (!isPlainObject(crd)) return ['not an object'];
  if (crd.apiVersion !== 'apiextensions.k8s.io/v1') errs.push(`apiVersion: must be apiextensions.k8s.io/v1 (is ${JSON.stringify(crd.apiVersion)})`);
  if (crd.kind !== 'CustomResourceDefinition') errs.push('kind: must be CustomResourceDefinition');
  const spec = crd.spec as Record<string, unknown> | undefined;
  if (!isPlainObject(spec)) return [...errs, 'spec: Required value'];
  const names = (spec.names ?? {}) as Record<string, string | undefined>;
  const meta = (crd.metadata ?? {}) as { name?: string };
  if (meta.name !== `${names.plural}.${spec.group}`) errs.push(`metadata.name: Invalid value: ${JSON.stringify(meta.name)}: must be spec.names.plural+"."+spec.group`);
  for (const f of ['plural', 'singular'] as const) {
    if (!names[f] || !DNS1035_LABEL.test(names[f]!)) errs.push(`spec.names.${f}: Invalid value: ${JSON.stringify(names[f])}: must be a lowercase DNS-1035 label`);
  }
  if (!names.kind) errs.push('spec.names.kind: Required value');
  if (names.listKind && names.listKind === names.kind) errs.push('spec.names.listKind: Invalid value: kind and listKind may not be the same');
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') errs.push(`spec.scope: Unsupported value: ${JSON.stringify(spec.scope)}`);
  const versions = Array.isArray(spec.versions) ? spec.versions as Array<Record<string, unknown>> : [];
  if (versions.length === 0) errs.push('spec.versions: Required value: must have exactly one version marked as storage version');
  if (versions.filter((v) => v.storage === true).length !== 1) errs.push('spec.versions: Invalid value: must have exactly one version marked as storage version');
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    const name = String(v.name ?? '');
    if (seen.has(name)) errs.push(`${at}.name: Duplicate value: ${JSON.stringify(name)}`);
    seen.add(name);
    if (!DNS1035_LABEL.test(name)) errs.push(`${at}.name: Invalid value: ${JSON.stringify(name)}: must be a DNS-1035 label`);
    if (v.deprecationWarning !== undefined && v.deprecated !== true) errs.push(`${at}.deprecationWarning: Invalid value: can only be set for deprecated versions`);
    const cols = Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns as Array<Record<string, unknown>> : [];
    cols.forEach((c, j) => {
      if (!c.name) errs.push(`${at}.additionalPrinterColumns[${j}].name: Required value`);
      if (!PRINTER_TYPES.has(String(c.type))) errs.push(`${at}.additionalPrinterColumns[${j}].type: Unsupported value: ${JSON.stringify(c.type)}`);
      if (typeof c.jsonPath !== 'string' || !c.jsonPath.startsWith('.')) errs.push(`${at}.additionalPrinterColumns[${j}].jsonPath: must be a simple json path starting with .`);
    });
    const schema = (v.schema as { openAPIV3Schema?: JSONSchemaProps } | undefined)?.openAPIV3Schema;
    if (!schema) {
      errs.push(`${at}.schema.openAPIV3Schema: Required value: schemas are required`);
      return;
    }
    const withStatus = isPlainObject(v.subresources) && v.subresources.status !== undefined;
    errs.push(...checkVersionSchema(schema, `${at}.schema.openAPIV3Schema`, withStatus, opts));
  });
  const conv = spec.conversion as { strategy?: string; webhook?: { conversionReviewVersions?: string[]; clientConfig?: unknown } } | undefined;
  if (conv?.strategy === 'Webhook') {
    if (!conv.webhook?.clientConfig) errs.push('spec.conversion.webhook.clientConfig: Required value');
    if (!conv.webhook?.conversionReviewVersions?.some((x) => x === 'v1' || x === 'v1beta1')) {
      errs.push('spec.conversion.webhook.conversionReviewVersions: Invalid value: must include at least one of v1, v1beta1');
    }
  } else if (conv?.strategy !== undefined && conv.strategy !== 'None') {
    errs.push(`spec.conversion.strategy: Unsupported value: ${JSON.stringify(conv.strategy)}`);
  }
  return errs;
}

/** The checks on one version's openAPIV3Schema. */
export function checkVersionSchema(schema: JSONSchemaProps, at: string, statusSubresource: boolean, opts: CrdCheckOptions): string[] {
  const errs: string[] = [];
  if (statusSubresource) {
    for (const k of Object.keys(schema)) {
      if (!ROOT_ALLOWED_WITH_STATUS.has(k)) errs.push(`${at}: Invalid value: only ${[...ROOT_ALLOWED_WITH_STATUS].join(', ')} are allowed at the root of the schema if the status subresource is enabled (found ${k})`);
    }
  }
  if (schema.nullable) errs.push(`${at}.nullable: Forbidden: nullable cannot be true at the root`);
  structural(schema, 'root', at, errs);
  walk(schema, at, errs, { root: true, insideMeta: false, defaultsForbidden: undefined, uncorrelatable: undefined }, opts);
  if (errs.length > 0) return errs; // the API server looks at rules and defaults only in a structural schema
  errs.push(...defaultsProblems(schema, at, opts));
  let report;
  try {
    report = crdCostReport(schema, opts.parse);
  } catch (err) {
    return [...errs, `${at}: ${(err as Error).message}`];
  }
  for (const r of report.rules) {
    if (r.cost > STATIC_ESTIMATED_COST_LIMIT) errs.push(`${at}${r.path.slice('openAPIV3Schema'.length)}: Forbidden: estimated rule cost exceeds budget (${r.cost} > ${STATIC_ESTIMATED_COST_LIMIT})`);
  }
  if (report.total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    errs.push(`${at}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget (${report.total} > ${STATIC_ESTIMATED_CRD_COST_LIMIT})`);
  }
  return errs;
}

/** ValidateStructural's invariants. */
function structural(s: JSONSchemaProps, lvl: Level, at: string, errs: string[]): void {
  const items = itemsOf(s);
  if (s.type === 'array' && !items) errs.push(`${at}.items: Required value: must be specified`);
  if (Array.isArray(s.items)) errs.push(`${at}.items: Forbidden: items must be a schema object and not an array`);
  if (items) structural(items, 'item', `${at}.items`, errs);
  for (const [k, p] of Object.entries(s.properties ?? {})) structural(p, 'field', `${at}.properties[${k}]`, errs);
  if (s.additionalProperties !== undefined) {
    if (lvl === 'root') errs.push(`${at}.additionalProperties: Forbidden: must not be used at the root`);
    const values = valuesOf(s);
    if (values) structural(values, 'field', `${at}.additionalProperties`, errs);
  }
  const x = s;
  if (x['x-kubernetes-int-or-string'] && x['x-kubernetes-preserve-unknown-fields']) errs.push(`${at}.x-kubernetes-preserve-unknown-fields: Invalid value: must be false if x-kubernetes-int-or-string is true`);
  if (x['x-kubernetes-int-or-string'] && x['x-kubernetes-embedded-resource']) errs.push(`${at}.x-kubernetes-embedded-resource: Invalid value: must be false if x-kubernetes-int-or-string is true`);
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) (s[j] ?? []).forEach((n, i) => nested(n, `${at}.${j}[${i}]`, errs));
  if (s.not) nested(s.not, `${at}.not`, errs);
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern);
    } catch (e) {
      errs.push(`${at}.pattern: Invalid value: must be a valid regular expression, but isn't: ${(e as Error).message}`);
    }
  }
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (embedded && s.type !== 'object') errs.push(`${at}.type: Required value: must be object if x-kubernetes-embedded-resource is true`);
  else if (!s.type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields']) {
    errs.push(`${at}.type: Required value: must not be empty ${{ root: 'at the root', item: 'for specified array items', field: 'for specified object fields' }[lvl]}`);
  }
  if (embedded && s.additionalProperties !== undefined) errs.push(`${at}.additionalProperties: Forbidden: must not be used if x-kubernetes-embedded-resource is set`);
  if (lvl === 'root' && s.type && s.type !== 'object') errs.push(`${at}.type: Invalid value: ${JSON.stringify(s.type)}: must be object at the root`);
  const checkMeta = lvl === 'root' || embedded;
  const p = s.properties ?? {};
  if (checkMeta && p.kind && p.kind.type !== 'string') errs.push(`${at}.properties[kind].type: Invalid value: must be string`);
  if (checkMeta && p.apiVersion && p.apiVersion.type !== 'string') errs.push(`${at}.properties[apiVersion].type: Invalid value: must be string`);
  if (p.metadata) {
    const m = p.metadata;
    if (checkMeta && m.type !== 'object') errs.push(`${at}.properties[metadata].type: Invalid value: must be object`);
    if (lvl === 'root') {
      const { type: _t, description: _d, properties, ...rest } = m;
      const extra = Object.keys(properties ?? {}).filter((k) => k !== 'name' && k !== 'generateName');
      const named = Object.values(properties ?? {}).some((q) => Object.keys(q).some((k) => k !== 'type' && k !== 'description') || q.type !== 'string');
      if (Object.keys(rest).length > 0 || extra.length > 0 || named) {
        errs.push(`${at}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`);
      }
    }
  }
  if (embedded && !s['x-kubernetes-preserve-unknown-fields'] && Object.keys(p).length === 0) {
    errs.push(`${at}.properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`);
  }
}

/** Value validations under allOf/anyOf/oneOf/not: no structure of their own. */
function nested(s: JSONSchemaProps, at: string, errs: string[]): void {
  const forbidden: Array<[keyof JSONSchemaProps, string]> = [['type', 'must be empty to be structural'], ['additionalProperties', 'must be undefined to be structural'],
    ['default', 'must be undefined to be structural'], ['title', 'must be empty to be structural'], ['description', 'must be empty to be structural'],
    ['nullable', 'must be false to be structural'], ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
    ['x-kubernetes-embedded-resource', 'must be false to be structural'], ['x-kubernetes-int-or-string', 'must be false to be structural'],
    ['x-kubernetes-list-map-keys', 'must be empty to be structural'], ['x-kubernetes-list-type', 'must be undefined to be structural'],
    ['x-kubernetes-map-type', 'must be undefined to be structural'], ['x-kubernetes-validations', 'must be empty to be structural']];
  for (const [k, why] of forbidden) if (s[k] !== undefined && s[k] !== false) errs.push(`${at}.${String(k)}: Forbidden: ${why}`);
  if (s.properties?.metadata) errs.push(`${at}.properties[metadata]: Forbidden: must not be specified in a nested context`);
  for (const [k, p] of Object.entries(s.properties ?? {})) nested(p, `${at}.properties[${k}]`, errs);
  const items = itemsOf(s);
  if (items) nested(items, `${at}.items`, errs);
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) (s[j] ?? []).forEach((n, i) => nested(n, `${at}.${j}[${i}]`, errs));
  if (s.not) nested(s.not, `${at}.not`, errs);
}

interface WalkContext {
  root: boolean;
  insideMeta: boolean;
  /** why defaults are forbidden here, if they are */
  defaultsForbidden: string | undefined;
  /** the first ancestor below which old and new values cannot be matched (oldSelf forbidden) */
  uncorrelatable: string | undefined;
}

/** ValidateCustomResourceDefinitionOpenAPISchema's keyword and extension rules. */
function walk(s: JSONSchemaProps, at: string, errs: string[], ctx: WalkContext, opts: CrdCheckOptions): void {
  for (const k of Object.keys(s)) if (!KNOWN_KEYWORDS.has(k)) errs.push(`${at}.${k}: Forbidden: unknown field in JSONSchemaProps`);
  if (s.type !== undefined && !OPENAPI_TYPES.has(s.type)) errs.push(`${at}.type: Unsupported value: ${JSON.stringify(s.type)}`);
  if (s.default !== undefined && ctx.defaultsForbidden) errs.push(`${at}.default: Forbidden: must not be set ${ctx.defaultsForbidden}`);
  for (const [k, why] of [['id', 'id is not supported'], ['additionalItems', 'additionalItems is not supported'], ['patternProperties', 'patternProperties is not supported'],
    ['definitions', 'definitions is not supported'], ['dependencies', 'dependencies is not supported'], ['$ref', '$ref is not supported']] as const) {
    if (s[k] !== undefined) errs.push(`${at}.${k}: Forbidden: ${why}`);
  }
  if (ctx.insideMeta && s['x-kubernetes-embedded-resource']) errs.push(`${at}.x-kubernetes-embedded-resource: Forbidden: must not be used inside of resource meta`);
  if (s.uniqueItems) errs.push(`${at}.uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`);
  if (s.additionalProperties !== undefined && Object.keys(s.properties ?? {}).length > 0 && s.additionalProperties !== true) {
    errs.push(`${at}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`);
  }
  const values = valuesOf(s);
  if (values) walk(values, `${at}.additionalProperties`, errs, { ...ctx, root: false, defaultsForbidden: ctx.insideMeta ? 'inside additionalProperties applying to object metadata' : ctx.defaultsForbidden }, opts);
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    const child: WalkContext = { ...ctx, root: false };
    if (s['x-kubernetes-map-type'] === 'atomic') child.uncorrelatable ??= at;
    if ((ctx.root || s['x-kubernetes-embedded-resource']) && (k === 'metadata' || k === 'kind' || k === 'apiVersion')) {
      child.insideMeta = true;
      if (ctx.root) child.defaultsForbidden = `in top-level ${k}`;
    }
    walk(p, `${at}.properties[${k}]`, errs, child, opts);
  }
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) (s[j] ?? []).forEach((n, i) => walk(n, `${at}.${j}[${i}]`, errs, { ...ctx, root: false }, opts));
  if (s.not) walk(s.not, `${at}.not`, errs, { ...ctx, root: false }, opts);
  const items = itemsOf(s);
  if (items) {
    const child: WalkContext = { ...ctx, root: false };
    if (s['x-kubernetes-list-type'] !== 'map') child.uncorrelatable ??= at;
    walk(items, `${at}.items`, errs, child, opts);
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.push(`${at}.x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`);
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined) {
    if (s.type !== 'object') errs.push(`${at}.type: Required value: must be object if x-kubernetes-map-type is specified`);
    if (mapType !== 'atomic' && mapType !== 'granular') errs.push(`${at}.x-kubernetes-map-type: Unsupported value: ${JSON.stringify(mapType)}: supported values: "atomic", "granular"`);
  }
  listTypeRules(s, at, errs);
  rules(s, at, errs, ctx, opts);
}

function listTypeRules(s: JSONSchemaProps, at: string, errs: string[]): void {
  const lt = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const items = itemsOf(s);
  if (lt !== undefined && s.type !== 'array') errs.push(`${at}.type: Required value: must be array if x-kubernetes-list-type is specified`);
  if (lt !== undefined && !['atomic', 'set', 'map'].includes(lt)) errs.push(`${at}.x-kubernetes-list-type: Unsupported value: ${JSON.stringify(lt)}: supported values: "atomic", "map", "set"`);
  if (lt === 'set' && items) {
    if (items.type === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic') {
      errs.push(`${at}.items.x-kubernetes-list-type: Invalid value: must be atomic as item of a list with x-kubernetes-list-type=set`);
    }
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(`${at}.items.x-kubernetes-map-type: Invalid value: must be atomic as item of a list with x-kubernetes-list-type=set`);
    }
  }
  if (keys.length > 0 && lt !== 'map') errs.push(`${at}.x-kubernetes-list-type: Invalid value: must be map if x-kubernetes-list-map-keys is non-empty`);
  if (lt === 'map') {
    if (keys.length === 0) errs.push(`${at}.x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`);
    if (!items) errs.push(`${at}.items: Required value: must have a schema if x-kubernetes-list-type is map`);
    else if (items.type !== 'object') errs.push(`${at}.items.type: Invalid value: must be object if parent array's x-kubernetes-list-type is map`);
    else {
      const required = new Set(items.required ?? []);
      keys.forEach((k, i) => {
        const p = items.properties?.[k];
        if (!p) errs.push(`${at}.x-kubernetes-list-map-keys: Invalid value: entries must all be names of item properties`);
        else {
          if (p.type === 'array' || p.type === 'object') errs.push(`${at}.items.properties[${k}].type: Invalid value: must be a scalar type if parent array's x-kubernetes-list-type is map`);
          if (!required.has(k) && p.default === undefined) errs.push(`${at}.items.properties[${k}].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`);
          if (p.nullable) errs.push(`${at}.items.properties[${k}].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable`);
        }
        if (keys.indexOf(k) !== i) errs.push(`${at}.x-kubernetes-list-map-keys: Invalid value: must not contain duplicate entries`);
      });
    }
  }
  if ((lt === 'set' || lt === 'map') && items?.nullable) errs.push(`${at}.items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is ${lt}`);
}

function rules(s: JSONSchemaProps, at: string, errs: string[], ctx: WalkContext, opts: CrdCheckOptions): void {
  (s['x-kubernetes-validations'] ?? []).forEach((r, i) => {
    const here = `${at}.x-kubernetes-validations[${i}]`;
    const rule = (r.rule ?? '').trim();
    const msg = (r.message ?? '').trim();
    if (rule === '') errs.push(`${here}.rule: Required value: rule is not specified`);
    else if (r.message !== undefined && r.message !== '' && msg === '') errs.push(`${here}.message: Invalid value: message must be non-empty if specified`);
    else if (/[\n\r]/.test(msg)) errs.push(`${here}.message: Invalid value: message must not contain line breaks`);
    else if (/[\n\r]/.test(rule) && msg === '') errs.push(`${here}.message: Required value: message must be specified if rule contains line breaks`);
    if (r.reason !== undefined && !REASONS.has(r.reason)) errs.push(`${here}.reason: Unsupported value: ${JSON.stringify(r.reason)}`);
    if (r.fieldPath !== undefined && r.fieldPath.trim() === '') errs.push(`${here}.fieldPath: Invalid value: fieldPath must be non-empty if specified`);
    if (rule === '') return;
    const oldSelf = /\boldSelf\b/.test(rule);
    if (oldSelf && ctx.uncorrelatable) errs.push(`${here}.rule: Invalid value: oldSelf cannot be used on the uncorrelatable portion of the schema within ${ctx.uncorrelatable}`);
    if (!oldSelf && r.optionalOldSelf !== undefined) errs.push(`${here}.optionalOldSelf: Invalid value: may not be set if oldSelf is not used in rule`);
    try {
      opts.parse(rule);
    } catch (err) {
      errs.push(`${here}.rule: Invalid value: compilation failed: ${(err as Error).message.split('\n')[0]}`);
    }
  });
}

/** Defaults must pass their own schema (rules included) and be unchanged by pruning. */
function defaultsProblems(root: JSONSchemaProps, at: string, opts: CrdCheckOptions): string[] {
  const out: string[] = [];
  const visit = (s: JSONSchemaProps, here: string): void => {
    if (s.default !== undefined) {
      const r = validateCustomResource(asRoot(s), wrap(s.default), { cel: opts.cel, fieldValidation: 'Strict' });
      for (const e of r.errors) if (e.path.startsWith('default')) out.push(formatFieldError({ ...e, path: `${here}.${e.path}` }));
    }
    for (const [k, p] of Object.entries(s.properties ?? {})) visit(p, `${here}.properties[${k}]`);
    const items = itemsOf(s);
    if (items) visit(items, `${here}.items`);
    const values = valuesOf(s);
    if (values) visit(values, `${here}.additionalProperties`);
  };
  visit(root, at);
  return out;
}

// A default is validated as the field "default" of a throwaway resource, so the object machinery applies.
const asRoot = (s: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { default: s } });
const wrap = (v: unknown): unknown => ({ metadata: { name: 'default' }, default: v });

export { UnsupportedCelError };
