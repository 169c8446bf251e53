// The static CEL cost port against the API server's own expectations: the cases of
// kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/compilation_test.go
// (TestCostEstimation) that use functions this port knows. Each case is checked twice, as there: once
// without bounds ("calc", the API server derives them from the 3 MiB request limit) and once with
// maxLength / maxItems / maxProperties set ("set").
import { describe, expect, it } from '@jest/globals';
import { parse } from '@marcbachmann/cel-js';
import type { CelJsNode } from './cel-check.js';
import { UnsupportedCelError } from './cel-check.js';
import { estimateCost } from './cel-cost.js';
import { crdCostReport } from './crd-cost.js';
import { schemaDeclType } from './decl-type.js';
import type { JSONSchemaProps } from './json-schema.js';

const ast = (rule: string): CelJsNode => parse(rule).ast as unknown as CelJsNode;
const cost = (schema: JSONSchemaProps, rule: string): bigint => estimateCost(ast(rule), schemaDeclType(schema)!).max;

type Gen = (max: number | undefined) => JSONSchemaProps;
const primitive = (type: string): JSONSchemaProps =>
  type === 'int-or-string' ? { 'x-kubernetes-int-or-string': true } : ['duration', 'date', 'date-time', 'byte'].includes(type) ? { type: 'string', format: type } : { type };
const stringWith: Gen = (max) => ({ type: 'string', ...(max !== undefined ? { maxLength: max } : {}) });
const bytesWith: Gen = (max) => ({ type: 'string', format: 'byte', ...(max !== undefined ? { maxLength: max } : {}) });
const arrayOf = (type: string): Gen => (max) => ({ type: 'array', items: primitive(type), ...(max !== undefined ? { maxItems: max } : {}) });
const arrayOfArrays = (type: string): Gen => (max) => ({ type: 'array', items: { type: 'array', items: primitive(type) }, ...(max !== undefined ? { maxItems: max } : {}) });
const objectArray: Gen = (max) => ({
  type: 'array', ...(max !== undefined ? { maxItems: max } : {}),
  items: { type: 'object', required: ['required'], properties: { required: { type: 'string' }, optional: { type: 'string' } } },
});
const mapArray = (type: string): Gen => (max) => ({ type: 'array', items: { type: 'object', additionalProperties: primitive(type) }, ...(max !== undefined ? { maxItems: max } : {}) });
const mapOf = (type: string): Gen => (max) => ({ type: 'object', additionalProperties: primitive(type), ...(max !== undefined ? { maxProperties: max } : {}) });
const enumWith = (...values: string[]): Gen => (max) => ({ type: 'string', enum: values, ...(max !== undefined ? { maxLength: max } : {}) });
const objectOfStrings = (...names: string[]): Gen => (max) => ({
  type: 'object', properties: Object.fromEntries(names.map((n) => [n, stringWith(max)])),
});

// [name, schema generator, rule, expected cost without bounds, bound, expected cost with it]
const KUBERNETES_CASES: Array<[string, Gen, string, number, number, number]> = [
  ['string with contains', stringWith, "self.contains('test')", 314574, 10, 5],
  ['string with startsWith', stringWith, "self.startsWith('test')", 2, 15, 2],
  ['string with endsWith', stringWith, "self.endsWith('test')", 2, 30, 2],
  ['concat string', stringWith, 'size(self + "hello") > size("hello")', 314578, 4, 7],
  ['index of array with numbers', arrayOf('number'), 'self[1] == 0.0', 2, 5000, 2],
  ['index of array with strings', arrayOf('string'), 'self[1] == self[1]', 314577, 8, 314577],
  ['regex matches simple', stringWith, 'self.matches("x")', 314574, 50, 22],
  ['regex matches empty string', stringWith, '"".matches("(((((((((())))))))))[0-9]")', 7, 10, 7],
  ['regex matches empty regex', stringWith, 'self.matches("")', 1, 100, 1],
  ['set array maxLength to zero', arrayOf('number'), 'self[3] == 0.0', 2, 0, 2],
  ['set map maxLength to zero', mapOf('number'), 'self["x"] == 0.0', 2, 0, 2],
  ['set string maxLength to zero', stringWith, 'self == "x"', 2, 0, 1],
  ['set bytes maxLength to zero', bytesWith, 'self == b"x"', 2, 0, 1],
  ['index of array with int-or-strings', arrayOf('int-or-string'), 'self[0] == 5', 3, 10, 3],
  ['index of array with booleans', arrayOf('boolean'), 'self[0] == false', 2, 25, 2],
  ['index of array of objects', objectArray, 'self[0] == null', 2, 422, 2],
  ['index of array of array of numnbers', arrayOfArrays('number'), 'self[0][0] == -1.0', 3, 51, 3],
  ['index of array of number maps', mapArray('number'), 'self[0].x > 2.0', 4, 3000, 4],
  ['index of duration array', arrayOf('duration'), 'self[0].getHours() == 2', 4, 525, 4],
  ['extended library split', objectOfStrings('str', 'separator'), 'self.str.split(self.separator) == []', 629160, 10, 22],
  ['extended library lowerAscii', stringWith, "self.lowerAscii() == 'lower!'", 314575, 10, 6],
  ['check cost of size call', mapOf('integer'), 'oldSelf.size() == self.size()', 5, 10, 5],
  ['check cost of timestamp comparison', mapOf('date-time'), 'self["a"] == self["b"]', 8, 7, 8],
  ['check cost of duration comparison', mapOf('duration'), 'self["c"] == self["d"]', 8, 42, 8],
  ['enums with maxLength equals to the longest possible value', enumWith('A', 'B', 'C', 'LongValue'), "self.contains('A')", 2, 1000, 401],
];

describe("static CEL cost, as Kubernetes' compilation_test.go expects it", () => {
  it.each(KUBERNETES_CASES)('%s', (_name, gen, rule, calc, bound, set) => {
    expect(cost(gen(undefined), rule)).toBe(BigInt(calc));
    expect(cost(gen(bound), rule)).toBe(BigInt(set));
  });
});

describe('static CEL cost of the constructs the CRDs use', () => {
  const obj: JSONSchemaProps = {
    type: 'object',
    properties: {
      a: { type: 'integer' },
      d: { type: 'string', maxLength: 64 },
      s: { type: 'string', maxLength: 10 },
      sel: { type: 'array', items: { type: 'object' } },
    },
  };
  it.each([
    // ident 1 + select 1; equality with an int field of unknown size (0 elements) costs nothing more
    ['self.a != 0', 2n],
    // has() is free in Kubernetes, the operand costs 1
    ['has(self.a)', 1n],
    ['!has(self.a)', 2n],
    // && and || cost both sides at most, nothing of their own
    ['has(self.a) && self.a != 0', 3n],
    // duration() and getMilliseconds() are O(1); % is O(1); == of two ints costs 1 traversal unit
    ["duration(self.d).getMilliseconds() % 1000 == 0", 6n],
    // < on durations is O(1)
    ["duration(self.d) < duration('1s')", 5n],
    // the conditional costs its condition plus the dearer branch: 1+ceil(41*0.1)*... see below
    ["self.s.contains('-') ? self.s.matches('^a$') : true", 2n + 4n + (2n + 5n * 1n)],
    // size() of an unbounded list is O(1)
    ['size(self.sel) == 0', 4n],
    // split: 0.2 per byte of the string, int() O(1)
    ["int(self.s.split(':')[0]) <= 65535", 2n + 8n + 1n + 1n + 1n],
  ] as const)('%s costs %s', (rule, want) => {
    expect(cost(obj, rule)).toBe(want);
  });

  it('refuses what it cannot estimate instead of guessing', () => {
    expect(() => cost({ type: 'array', items: { type: 'string' } }, 'self.all(x, x != "")')).toThrow(UnsupportedCelError);
    expect(() => cost(obj, 'self.nope == 1')).toThrow(/undefined field 'nope'/);
  });
});

describe('cardinality: a rule costs its estimate times how often it can run', () => {
  const parseRule = (r: string): CelJsNode => ast(r);
  it('multiplies by maxItems and maxProperties of every list and map above it', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        list: {
          type: 'array', maxItems: 10,
          items: { type: 'object', additionalProperties: { type: 'string', maxLength: 5, 'x-kubernetes-validations': [{ rule: "self.contains('x')" }] }, maxProperties: 3 },
        },
      },
    };
    const r = crdCostReport(schema, parseRule);
    // contains: ceil(20 * 0.1) * ceil(1 * 0.1) + 1 = 3, run at most 10 * 3 times
    expect(r.rules.map((x) => [x.maxCost, x.cardinality, x.cost])).toEqual([[3n, 30n, 90n]]);
    expect(r.total).toBe(90n);
  });

  it('under an unbounded list, counts the copies that fit in a 3 MiB request', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { list: { type: 'array', items: { type: 'string', maxLength: 5, 'x-kubernetes-validations': [{ rule: "self.contains('x')" }] } } },
    };
    // The smallest string is "" (2 bytes) plus a comma: 3145728 / 3.
    expect(crdCostReport(schema, parseRule).rules[0].cardinality).toBe(1048576n);
  });
});
