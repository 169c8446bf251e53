// Building blocks of the CRD schemas: OpenAPI v3 fragments and the regular expressions the CEL
// rules use. The regexes avoid backslashes (classes like [.] instead of \.) so they read the same in
// a CEL string literal, in RE2 (the API server) and in JavaScript (the tests).

import type { JSONSchemaProps } from '../crd-validation/json-schema.js';

/** The subset of OpenAPI v3 (plus Kubernetes extensions) the CRDs use. */
export interface Schema extends JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'boolean' | 'number';
  description?: string;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: (string | number)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export interface CelRule {
  rule: string;
  message: string;
  // No `reason` or `fieldPath`: they need Kubernetes 1.28, everything else here 1.25 (docs/configuration.md).
}

// ---- regular expressions ----------------------------------------------------------------------
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
export const IPV4 = `(${OCTET}[.]){3}${OCTET}`;
const H = '[0-9a-fA-F]{1,4}';
export const IPV6 = '(' + [
  `(${H}:){7}${H}`,
  `(${H}:){1,7}:`,
  `(${H}:){1,6}:${H}`,
  `(${H}:){1,5}(:${H}){1,2}`,
  `(${H}:){1,4}(:${H}){1,3}`,
  `(${H}:){1,3}(:${H}){1,4}`,
  `(${H}:){1,2}(:${H}){1,5}`,
  `${H}:(:${H}){1,6}`,
  `:((:${H}){1,7}|:)`,
  // Forms ending in dotted IPv4 (::ffff:192.0.2.1, 64:ff9b::192.0.2.1, 0:0:0:0:0:ffff:192.0.2.1):
  // matched loosely on purpose; a wrong one is still reported when the configuration is parsed, and
  // a rule here must never refuse an address upstream accepts.
  `[0-9a-fA-F:]{1,30}:${IPV4}`,
].join('|') + ')';
export const IP = `(${IPV4}|${IPV6})`;
/**
 * The shape of a pool entry, loose on purpose: every entry Go's net.ParseCIDR reads (address
 * characters, "/", digits; no spaces, no zone) and every range upstream reads (two parts around the
 * one "-", each trimmed and parsed by net.ParseIP, so neither holds a "-") matches, so the CRD never
 * refuses what upstream takes. The exact checks (numbers in range, one family, start <= end) are the
 * webhook's and `metallb-ts validate`'s: a precise regex costs more than the API server allows on a
 * list (see MAX_ITEMS_WITH_RULES).
 */
export const POOL_CIDR_SHAPE = '[0-9a-fA-F.:]+/[0-9]+';
export const POOL_RANGE_SHAPE = '[^-]+-[^-]+';
/**
 * Exactly what Go's time.ParseDuration (behind metav1.Duration) reads, but for overflow: an optional
 * sign, then "0" or numbers with a unit (a number has digits before or after its dot: "1.", ".5").
 * 90s, 1m30s, 1.5h, 300ms, 0, -1s; "µs" is written with the micro sign or the Greek mu.
 */
export const DURATION = '[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|µs|μs|ms|s|m|h))+)';

/**
 * The API server refuses a CRD whose CEL rules could cost too much: it multiplies a rule's estimated
 * cost by the number of values it can run on (a list without maxItems counts as the ~1e6 strings
 * that fit in a request) and refuses a rule over 1e7 or a version over 1e8 in total. So every list
 * whose items carry rules is bounded, and every string a rule reads has a maxLength. Upstream has no
 * such bounds (docs/differences.md); test/kube/crds.test.ts keeps every rule under a tenth of the limit.
 */
export const MAX_ITEMS_WITH_RULES = 1000;

export const anchored = (re: string): string => `^${re}$`;

/** `self.matches('<re>')` with the regex anchored. */
export const matches = (re: string, subject = 'self'): string => `${subject}.matches('${anchored(re)}')`;

// ---- schema fragments --------------------------------------------------------------------------
export const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
export const bool = (description: string, extra: Schema = {}): Schema => ({ type: 'boolean', description, ...extra });
export const int32 = (description: string, extra: Schema = {}): Schema => ({ type: 'integer', format: 'int32', description, ...extra });
export const int64 = (description: string, extra: Schema = {}): Schema => ({ type: 'integer', format: 'int64', description, ...extra });
export const strings = (description: string, item: Schema = { type: 'string' }): Schema => ({ type: 'array', description, items: item });
/**
 * A list of strings where a repeat is an error (upstream: "duplicate definition of ..."). The API
 * server enforces x-kubernetes-list-type set itself, at no CEL cost.
 */
export const stringSet = (description: string, item: Schema = { type: 'string' }): Schema =>
  ({ ...strings(description, item), 'x-kubernetes-list-type': 'set' });

const selectorRequirement: Schema = {
  type: 'object',
  description: 'A label selector requirement: a key, an operator and values.',
  required: ['key', 'operator'],
  properties: {
    key: str('The label key that the selector applies to.'),
    operator: str("The key's relationship to the values: In, NotIn, Exists or DoesNotExist."),
    values: { type: 'array', description: 'Values for In and NotIn; empty for Exists and DoesNotExist.', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' },
  },
};

/** metav1.LabelSelector */
export const labelSelector = (description: string): Schema => ({
  type: 'object',
  description,
  'x-kubernetes-map-type': 'atomic',
  properties: {
    matchExpressions: { type: 'array', description: 'Requirements, all of which must match (AND).', items: selectorRequirement, 'x-kubernetes-list-type': 'atomic' },
    matchLabels: { type: 'object', description: 'Labels that must all be present with these values.', additionalProperties: { type: 'string' } },
  },
});

export const labelSelectors = (description: string): Schema => ({ type: 'array', description, items: labelSelector('A label selector.') });

/** metav1.Condition */
export const condition: Schema = {
  type: 'object',
  required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
  properties: {
    lastTransitionTime: { type: 'string', format: 'date-time', description: 'When the condition last changed status.' },
    message: str('A human readable message about the transition.', { maxLength: 32768 }),
    observedGeneration: int64('The .metadata.generation the condition was set for.', { minimum: 0 }),
    reason: str('A CamelCase reason for the last transition.', { maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
    status: { type: 'string', enum: ['True', 'False', 'Unknown'], description: 'Status of the condition.' },
    type: str('Type of the condition, in CamelCase.', { maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$' }),
  },
};

/** The envelope every kind shares: apiVersion, kind, metadata, spec, status. */
export function objectSchema(description: string, spec: Schema, status?: Schema, requireSpec = false): Schema {
  return {
    type: 'object',
    description,
    ...(requireSpec ? { required: ['spec'] } : {}),
    properties: {
      apiVersion: str('The versioned schema of this representation of an object.'),
      kind: str('The REST resource this object represents.'),
      metadata: { type: 'object' },
      spec,
      ...(status ? { status } : {}),
    },
  };
}

/** A status field that may be set once and never changed. */
export const immutable = (field: string): CelRule => ({ rule: 'self == oldSelf', message: `${field} is immutable` });
