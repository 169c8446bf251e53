// The CRD checks refuse what the API server refuses: one broken CRD per rule of
// ValidateStructural and ValidateCustomResourceDefinitionOpenAPISchema.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from '@marcbachmann/cel-js';
import type { CelJsNode } from './cel-check.js';
import { loadCelEngine, type CelEngine } from './cel-runtime.js';
import type { JSONSchemaProps } from './json-schema.js';
import { checkCrd } from './structural.js';

let cel: CelEngine;
beforeAll(async () => {
  cel = await loadCelEngine();
});
const parseRule = (r: string): CelJsNode => parse(r).ast as unknown as CelJsNode;

function crd(spec: JSONSchemaProps, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'things.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Thing', listKind: 'ThingList', plural: 'things', singular: 'thing' },
      scope: 'Namespaced',
      versions: [{
        name: 'v1', served: true, storage: true, subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec } } },
        ...extra,
      }],
    },
  };
}
const check = (spec: JSONSchemaProps, extra?: Record<string, unknown>): string[] => checkCrd(crd(spec, extra), { parse: parseRule, cel });
const S = 'spec.versions[0].schema.openAPIV3Schema.properties[spec]';

describe('a well-formed CRD', () => {
  it('passes', () => {
    expect(check({ type: 'object', properties: { a: { type: 'string', maxLength: 10, 'x-kubernetes-validations': [{ rule: "self != 'x'", message: 'not x' }] } } })).toEqual([]);
  });
});

describe('each structural and OpenAPI rule of the API server', () => {
  it.each<[string, JSONSchemaProps, string]>([
    ['an untyped field', { type: 'object', properties: { a: {} } }, `${S}.properties[a].type: Required value: must not be empty for specified object fields`],
    ['untyped array items', { type: 'array', items: {} }, `${S}.items.type: Required value: must not be empty for specified array items`],
    ['an array without items', { type: 'array' }, `${S}.items: Required value: must be specified`],
    ['an unknown type', { type: 'object', properties: { a: { type: 'float' } } }, `${S}.properties[a].type: Unsupported value: "float"`],
    ['uniqueItems', { type: 'array', items: { type: 'string' }, uniqueItems: true }, `${S}.uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`],
    ['properties with additionalProperties', { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }, `${S}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`],
    ['preserve-unknown-fields false', { type: 'object', 'x-kubernetes-preserve-unknown-fields': false }, `${S}.x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`],
    ['a $ref', { type: 'object', $ref: '#/definitions/x' }, `${S}.$ref: Forbidden: $ref is not supported`],
    ['a map-type on a string', { type: 'string', 'x-kubernetes-map-type': 'atomic' }, `${S}.type: Required value: must be object if x-kubernetes-map-type is specified`],
    ['an unknown list-type', { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' }, `${S}.x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "map", "set"`],
    ['a map list without keys', { type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } }, 'x-kubernetes-list-type': 'map' }, `${S}.x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`],
    ['a map list key that is optional', { type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'] },
      `${S}.items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`],
    ['list-map-keys without a map list', { type: 'array', items: { type: 'object', required: ['k'], properties: { k: { type: 'string' } } }, 'x-kubernetes-list-map-keys': ['k'] },
      `${S}.x-kubernetes-list-type: Invalid value: must be map if x-kubernetes-list-map-keys is non-empty`],
    ['a set of granular objects', { type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } }, 'x-kubernetes-list-type': 'set' },
      `${S}.items.x-kubernetes-map-type: Invalid value: must be atomic as item of a list with x-kubernetes-list-type=set`],
    ['a typed allOf', { type: 'object', allOf: [{ type: 'object' }] }, `${S}.allOf[0].type: Forbidden: must be empty to be structural`],
    ['int-or-string that also preserves unknown fields', { 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true },
      `${S}.x-kubernetes-preserve-unknown-fields: Invalid value: must be false if x-kubernetes-int-or-string is true`],
    ['a keyword that is not JSON Schema', { type: 'string', maxlength: 3 }, `${S}.maxlength: Forbidden: unknown field in JSONSchemaProps`],
  ])('%s', (_n, spec, want) => {
    expect(check(spec)).toContain(want);
  });

  it('restricts metadata at the root to name and generateName', () => {
    const c = crd({ type: 'object' }) as { spec: { versions: Array<{ schema: { openAPIV3Schema: JSONSchemaProps } }> } };
    c.spec.versions[0].schema.openAPIV3Schema.properties!.metadata = { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } } };
    expect(checkCrd(c, { parse: parseRule, cel })).toContain('spec.versions[0].schema.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified');
  });

  it('refuses additionalProperties and defaults at the root', () => {
    const c = crd({ type: 'object' }) as { spec: { versions: Array<{ schema: { openAPIV3Schema: JSONSchemaProps } }> } };
    c.spec.versions[0].schema.openAPIV3Schema.additionalProperties = { type: 'string' };
    c.spec.versions[0].schema.openAPIV3Schema.properties!.kind.default = 'Thing';
    const errs = checkCrd(c, { parse: parseRule, cel });
    expect(errs).toContain('spec.versions[0].schema.openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root');
    expect(errs).toContain('spec.versions[0].schema.openAPIV3Schema.properties[kind].default: Forbidden: must not be set in top-level kind');
  });
});

describe('defaults and rules', () => {
  it('refuses a default the field itself would refuse', () => {
    expect(check({ type: 'object', properties: { n: { type: 'integer', minimum: 1, default: 0 } } }))
      .toContain(`${S}.properties[n].default: Invalid value: 0: default in body should be greater than or equal to 1`);
    expect(check({ type: 'object', properties: { n: { type: 'integer', default: 40, 'x-kubernetes-validations': [{ rule: 'self <= 32', message: 'too long' }] } } }))
      .toContain(`${S}.properties[n].default: Invalid value: "integer": too long`);
  });

  it('refuses a default that pruning would change', () => {
    expect(check({ type: 'object', properties: { o: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x', b: 'y' } } } }))
      .toContain(`unknown field "${S}.properties[o].default.b"`);
  });

  it('refuses a rule that does not compile, or refers to a field that does not exist', () => {
    expect(check({ type: 'string', 'x-kubernetes-validations': [{ rule: 'self ==', message: 'm' }] }).join('\n')).toMatch(/rule: Invalid value: compilation failed/);
    expect(check({ type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'self.b == 1', message: 'm' }] }).join('\n')).toMatch(/undefined field 'b'/);
  });

  it('refuses an unsupported reason and a message with a line break', () => {
    const errs = check({ type: 'string', 'x-kubernetes-validations': [{ rule: "self != ''", message: 'a\nb', reason: 'FieldValueBad' }] });
    expect(errs).toContain(`${S}.x-kubernetes-validations[0].message: Invalid value: message must not contain line breaks`);
    expect(errs).toContain(`${S}.x-kubernetes-validations[0].reason: Unsupported value: "FieldValueBad"`);
  });

  it('refuses oldSelf where old and new values cannot be matched (items of a non-map list, fields of an atomic map)', () => {
    expect(check({ type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'm' }] } }))
      .toContain(`${S}.items.x-kubernetes-validations[0].rule: Invalid value: oldSelf cannot be used on the uncorrelatable portion of the schema within ${S}`);
    expect(check({ type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { a: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'm' }] } } }).join('\n'))
      .toMatch(/oldSelf cannot be used on the uncorrelatable portion/);
    expect(check({
      type: 'array', maxItems: 10, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'],
      items: { type: 'object', required: ['k'], properties: { k: { type: 'string' }, v: { type: 'string', maxLength: 10, 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'm' }] } } },
    })).toEqual([]);
  });

  it('refuses a rule over the cost limit', () => {
    // An unbounded string in an unbounded list: ~1e6 items x ~3e5 for contains().
    const errs = check({ type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: "self.contains('x')", message: 'm' }] } });
    expect(errs.join('\n')).toMatch(/items\.x-kubernetes-validations\[0\]\.rule: Forbidden: estimated rule cost exceeds budget/);
  });
});
