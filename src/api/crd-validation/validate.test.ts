// The generic custom-resource validator on schemas other than this project's CRDs: the parts of the
// API server's handling our own CRDs do not exercise (list-map correlation of oldSelf, nulls,
// int-or-string, CEL skipped after a type error).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadCelEngine, type CelEngine } from './cel-runtime.js';
import { formatFieldError } from './field-error.js';
import type { JSONSchemaProps } from './json-schema.js';
import { validateCustomResource } from './validate.js';

let cel: CelEngine;
beforeAll(async () => {
  cel = await loadCelEngine();
});

const root = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec } });
const obj = (spec: unknown) => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'a' }, spec });
const errors = (schema: JSONSchemaProps, spec: unknown, oldSpec?: unknown): string[] =>
  validateCustomResource(root(schema), obj(spec), { cel, ...(oldSpec !== undefined ? { oldObject: obj(oldSpec) } : {}) }).errors.map(formatFieldError);

describe('transition rules', () => {
  const items: JSONSchemaProps = {
    type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], maxItems: 10,
    items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, v: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'v is immutable' }] } } },
  };

  it('match list-map items by key, not by position', () => {
    const old = [{ name: 'a', v: '1' }, { name: 'b', v: '2' }];
    expect(errors(items, [{ name: 'b', v: '2' }, { name: 'a', v: '1' }], old)).toEqual([]);
    expect(errors(items, [{ name: 'b', v: '3' }, { name: 'a', v: '1' }], old)).toEqual(['spec[0].v: Invalid value: "string": v is immutable']);
    // A new item has no old value: the rule does not run.
    expect(errors(items, [{ name: 'c', v: '9' }], old)).toEqual([]);
  });
});

describe('schema checks', () => {
  it('drop nulls of non-nullable fields, default them when they have a default, keep them when nullable', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer', default: 3 }, c: { type: 'string', nullable: true } } };
    const r = validateCustomResource(root(s), obj({ a: null, b: null, c: null }), { cel });
    expect(r.errors).toEqual([]);
    expect((r.object as { spec: unknown }).spec).toEqual({ b: 3, c: null });
  });

  it('take integers and strings for int-or-string, and nothing else', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { port: { 'x-kubernetes-int-or-string': true } } };
    expect(errors(s, { port: 80 })).toEqual([]);
    expect(errors(s, { port: 'http' })).toEqual([]);
    expect(errors(s, { port: 1.5 })).toEqual(['spec.port: Invalid value: "number": spec.port in body must be of type integer,string: "number"']);
  });

  it('skip the CEL rules when a value has the wrong type, as the API server does', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { n: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 1', message: 'too small' }] } } };
    expect(errors(s, { n: 0 })).toEqual(['spec.n: Invalid value: "integer": too small']);
    expect(errors(s, { n: 'zero' })).toEqual([
      'spec.n: Invalid value: "string": spec.n in body must be of type integer: "string"',
      '<root>: Invalid value: "": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });

  it('count characters, not bytes, for maxLength; refuse too many items and duplicate set values', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { s: { type: 'string', maxLength: 2 }, l: { type: 'array', maxItems: 2, 'x-kubernetes-list-type': 'set', items: { type: 'string' } } } };
    expect(errors(s, { s: 'µµ', l: ['a', 'b'] })).toEqual([]);
    expect(errors(s, { s: 'abc', l: ['a', 'a', 'b'] })).toEqual([
      'spec.s: Too long: may not be more than 2 bytes',
      'spec.l: Too many: 3: must have at most 2 items',
      'spec.l[1]: Duplicate value: "a"',
    ]);
  });

  it('name the rule when it has no message, and say why it could not be evaluated', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { d: { type: 'string', 'x-kubernetes-validations': [{ rule: "duration(self) > duration('1s')" }] } } };
    expect(errors(s, { d: '2s' })).toEqual([]);
    expect(errors(s, { d: '0' })).toEqual(["spec.d: Invalid value: \"string\": failed rule: duration(self) > duration('1s')"]);
    expect(errors(s, { d: 'soon' })[0]).toMatch(/^spec\.d: Invalid value: "string": failed rule: .* \(the rule could not be evaluated: time: invalid duration "soon"\)$/);
  });
});
