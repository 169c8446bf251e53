// What the API server knows of a schema node when it estimates CEL costs: its CEL type, the largest
// size a value can have (characters of a string times 4, items of a list, entries of a map) and the
// smallest size it takes in JSON. Port of kubernetes/kubernetes
// staging/src/k8s.io/apiserver/pkg/cel/common/schemas.go (SchemaDeclType) with the constants of
// staging/src/k8s.io/apiserver/pkg/cel/limits.go.
import { itemsOf, valuesOf, type JSONSchemaProps } from './json-schema.js';

/** The largest request the API server accepts (3 MiB): bounds every unbounded list, map and string. */
export const MAX_REQUEST_SIZE_BYTES = 3n * 1024n * 1024n;
const MIN_STRING_SIZE = 2n; // ""
const MIN_BOOL_SIZE = 4n; // true
const MIN_NUMBER_SIZE = 1n; // 0
const MIN_DURATION_SIZE_JSON = 3n; // "0"
const MAX_DURATION_SIZE_JSON = 32n;
const JSON_DATE_SIZE = 12n;
const MIN_DATETIME_SIZE_JSON = 21n;
const MAX_DATETIME_SIZE_JSON = 32n;

export type DeclKind = 'object' | 'list' | 'map' | 'string' | 'bytes' | 'int' | 'double' | 'bool' | 'duration' | 'timestamp' | 'dyn';

export interface DeclType {
  kind: DeclKind;
  /** object fields by their CEL (escaped) name */
  fields?: Map<string, DeclType>;
  elem?: DeclType;
  key?: DeclType;
  /** most characters (x4 for maxLength), items or entries a value can have; 0 for scalars */
  maxElements: bigint;
  /** fewest bytes the value takes in JSON */
  minSerializedSize: bigint;
}

const scalar = (kind: DeclKind, minSerializedSize: bigint): DeclType => ({ kind, maxElements: 0n, minSerializedSize });

const nonNegative = (n: number): bigint => (n < 0 ? 0n : BigInt(Math.trunc(n)));

/**
 * The CEL declaration of a structural schema, or undefined when the node is not visible to CEL
 * (an array without items, a map whose values are not visible). isResourceRoot: the root of a custom
 * resource (or an embedded resource), where apiVersion, kind and metadata.name/generateName are
 * always visible.
 */
export function schemaDeclType(s: JSONSchemaProps | undefined, isResourceRoot = false): DeclType | undefined {
  if (!s) return undefined;
  if (s['x-kubernetes-int-or-string']) {
    return { kind: 'dyn', maxElements: s.maxLength !== undefined ? nonNegative(s.maxLength) * 4n : maxStringLengthPerRequest(s), minSerializedSize: 1n };
  }
  if (isResourceRoot) s = withTypeAndObjectMeta(s);
  switch (s.type) {
    case 'array': {
      const items = itemsOf(s);
      if (!items) return undefined;
      const elem = schemaDeclType(items, items['x-kubernetes-embedded-resource'] === true);
      if (!elem) return undefined;
      const maxItems = s.maxItems !== undefined ? nonNegative(s.maxItems) : (MAX_REQUEST_SIZE_BYTES - 2n) / (elem.minSerializedSize + 1n);
      return { kind: 'list', elem, maxElements: maxItems, minSerializedSize: 2n };
    }
    case 'object': {
      const values = valuesOf(s);
      if (values) {
        const elem = schemaDeclType(values, values['x-kubernetes-embedded-resource'] === true);
        if (!elem) return undefined;
        const maxProps = s.maxProperties !== undefined ? nonNegative(s.maxProperties) : (MAX_REQUEST_SIZE_BYTES - 2n) / (elem.minSerializedSize + 6n);
        return { kind: 'map', key: scalar('string', MIN_STRING_SIZE), elem, maxElements: maxProps, minSerializedSize: 2n };
      }
      const required = new Set(s.required ?? []);
      const fields = new Map<string, DeclType>();
      let minSize = 2n; // {}
      for (const [name, prop] of Object.entries(s.properties ?? {})) {
        const t = schemaDeclType(prop, prop['x-kubernetes-embedded-resource'] === true);
        if (!t) continue;
        const escaped = escapeFieldName(name);
        if (escaped !== undefined) fields.set(escaped, t);
        // Required fields without a default are always in the JSON: "name":value,
        if (required.has(name) && prop.default === undefined) minSize += BigInt(name.length) + t.minSerializedSize + 4n;
      }
      return { kind: 'object', fields, maxElements: 0n, minSerializedSize: minSize };
    }
    case 'string': {
      switch (s.format) {
        case 'byte':
          return { kind: 'bytes', maxElements: s.maxLength !== undefined ? nonNegative(s.maxLength) : maxStringLengthPerRequest(s), minSerializedSize: MIN_STRING_SIZE };
        case 'duration':
          return { kind: 'duration', maxElements: maxStringLengthPerRequest(s), minSerializedSize: MIN_DURATION_SIZE_JSON };
        case 'date':
          return { kind: 'timestamp', maxElements: maxStringLengthPerRequest(s), minSerializedSize: JSON_DATE_SIZE };
        case 'date-time':
          return { kind: 'timestamp', maxElements: maxStringLengthPerRequest(s), minSerializedSize: MIN_DATETIME_SIZE_JSON };
      }
      let maxElements: bigint;
      // maxLength counts characters, the estimate counts bytes: a character is up to 4 bytes in UTF-8.
      if (s.maxLength !== undefined) maxElements = nonNegative(s.maxLength) * 4n;
      else if (s.enum && s.enum.length > 0) maxElements = longestEnumValue(s.enum);
      else maxElements = maxStringLengthPerRequest(s);
      return { kind: 'string', maxElements, minSerializedSize: MIN_STRING_SIZE };
    }
    case 'boolean':
      return scalar('bool', MIN_BOOL_SIZE);
    case 'number':
      return scalar('double', MIN_NUMBER_SIZE);
    case 'integer':
      return scalar('int', MIN_NUMBER_SIZE);
  }
  return undefined;
}

function maxStringLengthPerRequest(s: JSONSchemaProps): bigint {
  if (s['x-kubernetes-int-or-string']) return MAX_REQUEST_SIZE_BYTES - 2n;
  switch (s.format) {
    case 'duration':
      return MAX_DURATION_SIZE_JSON;
    case 'date':
      return JSON_DATE_SIZE;
    case 'date-time':
      return MAX_DATETIME_SIZE_JSON;
    default:
      return MAX_REQUEST_SIZE_BYTES - 2n; // minus the quotes
  }
}

/** Length in bytes of the longest string enum value (Go's len()). */
function longestEnumValue(values: unknown[]): bigint {
  let max = 0;
  const utf8 = new TextEncoder();
  for (const v of values) if (typeof v === 'string') max = Math.max(max, utf8.encode(v).length);
  return BigInt(max);
}

/** At a resource root, apiVersion, kind and metadata.name/generateName are visible to rules, whatever the schema says. */
function withTypeAndObjectMeta(s: JSONSchemaProps): JSONSchemaProps {
  const p = s.properties ?? {};
  const meta = p.metadata;
  if (p.kind?.type === 'string' && p.apiVersion?.type === 'string' && meta?.type === 'object'
    && meta.properties?.name?.type === 'string' && meta.properties?.generateName?.type === 'string') {
    return s;
  }
  return {
    ...s,
    properties: {
      ...p,
      kind: { type: 'string' },
      apiVersion: { type: 'string' },
      metadata: { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' } } },
    },
  };
}

const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/**
 * The name a property has in CEL (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/cel/escaping.go):
 * "__" -> "__underscores__", "." -> "__dot__", "-" -> "__dash__", "/" -> "__slash__", reserved words
 * -> "__word__"; undefined when the name cannot be written in CEL at all.
 */
export function escapeFieldName(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[_a-zA-Z][_a-zA-Z0-9.\-/]*$/.test(name)) return undefined;
  return name.replace(/__|\.|-|\//g, (m) => ({ __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' })[m]!);
}
