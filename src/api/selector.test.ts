import { describe, expect, it } from '@jest/globals';
import { anySelectorMatches, selectorMatches, selectorProblems, selectorString } from './selector.js';

describe('label selectors', () => {
  const labels = { zone: 'a', rack: '1' };
  it.each([
    [{}, true],
    [{ matchLabels: { zone: 'a' } }, true],
    [{ matchLabels: { zone: 'b' } }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['a', 'b'] }] }, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn' as const, values: ['a'] }] }, false],
    [{ matchExpressions: [{ key: 'gpu', operator: 'NotIn' as const, values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'rack', operator: 'Exists' as const }] }, true],
    [{ matchExpressions: [{ key: 'rack', operator: 'DoesNotExist' as const }] }, false],
  ])('%j matches=%s', (sel, want) => {
    expect(selectorMatches(sel, labels)).toBe(want);
  });
  it('treats an empty list as everything and a list as OR', () => {
    expect(anySelectorMatches([], {})).toBe(true);
    expect(anySelectorMatches([{ matchLabels: { x: 'y' } }, { matchLabels: { zone: 'a' } }], labels)).toBe(true);
    expect(anySelectorMatches([{ matchLabels: { x: 'y' } }], labels)).toBe(false);
  });
  it('reports invalid requirements', () => {
    expect(selectorProblems({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toHaveLength(1);
    expect(selectorProblems({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toHaveLength(1);
  });
  it('prints a canonical string', () => {
    expect(selectorString({ matchLabels: { b: '2', a: '1' } })).toBe('a=1,b=2');
  });
});
