// Label-selector hygiene as upstream checks it on every selector list (duplicates, after sorting
// each expression's values) and the validity rules of metav1.LabelSelectorAsSelector.
import type { LabelSelector, LabelSelectorRequirement } from '../api/meta.js';
import { selectorString } from '../api/selector.js';
import { goQuote } from './duration.js';

const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a value is not shaped like a metav1.LabelSelector (what JSON decoding would refuse); undefined if it is. */
export function selectorShapeProblem(sel: unknown): string | undefined {
  if (typeof sel !== 'object' || sel === null || Array.isArray(sel)) return 'a label selector must be a mapping with matchLabels and/or matchExpressions';
  const s = sel as Record<string, unknown>;
  if (s.matchLabels !== undefined && s.matchLabels !== null) {
    if (typeof s.matchLabels !== 'object' || Array.isArray(s.matchLabels)) return 'matchLabels must be a mapping of label to value';
    for (const [k, v] of Object.entries(s.matchLabels)) if (typeof v !== 'string') return `matchLabels.${k} must be a string (quote it)`;
  }
  if (s.matchExpressions !== undefined && s.matchExpressions !== null) {
    if (!Array.isArray(s.matchExpressions)) return 'matchExpressions must be a list';
    for (const e of s.matchExpressions) {
      if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'each matchExpressions entry must be a mapping with key, operator and values';
      const x = e as Record<string, unknown>;
      if (typeof x.key !== 'string') return 'matchExpressions key must be a string';
      if (typeof x.operator !== 'string') return 'matchExpressions operator must be a string';
      if (x.values !== undefined && x.values !== null && (!Array.isArray(x.values) || x.values.some((v) => typeof v !== 'string'))) {
        return 'matchExpressions values must be a list of strings';
      }
    }
  }
  return undefined;
}

/** Only the entries shaped like label selectors (the others are reported by whoever reads the field). */
export function wellFormedSelectors(list: unknown): LabelSelector[] {
  return Array.isArray(list) ? (list.filter((s) => selectorShapeProblem(s) === undefined) as LabelSelector[]) : [];
}

/** Canonical text used to compare selectors: labels sorted, each expression's values sorted. */
function canonical(sel: LabelSelector): string {
  const labels = Object.keys(sel.matchLabels ?? {}).sort().map((k) => [k, sel.matchLabels![k]]);
  const exprs = (sel.matchExpressions ?? []).map(canonicalExpr);
  return JSON.stringify([labels, exprs]);
}

function canonicalExpr(e: LabelSelectorRequirement): string {
  return JSON.stringify([e.key, e.operator, [...(e.values ?? [])].sort()]);
}

function exprText(e: LabelSelectorRequirement): string {
  return `${e.key} ${e.operator} [${[...(e.values ?? [])].sort().join(' ')}]`;
}

/** The first duplicate problem in a selector list, with upstream's wording; undefined when clean. */
export function selectorListDuplicate(sels: LabelSelector[] | undefined, field: string): string | undefined {
  const list = sels ?? [];
  for (let i = 0; i < list.length; i++) {
    const exprs = list[i].matchExpressions ?? [];
    for (let a = 0; a < exprs.length; a++) {
      const values = [...(exprs[a].values ?? [])].sort();
      for (let v = 1; v < values.length; v++) {
        if (values[v] === values[v - 1]) return `duplicate definition of match expression value in label selector ${goQuote(values[v])}`;
      }
      for (let b = a + 1; b < exprs.length; b++) {
        if (canonicalExpr(exprs[a]) === canonicalExpr(exprs[b])) return `duplicate definition of match expressions ${goQuote(exprText(exprs[a]))}`;
      }
    }
    for (let j = i + 1; j < list.length; j++) {
      if (canonical(list[i]) === canonical(list[j])) return `duplicate definition of ${field} ${goQuote(selectorString(list[i]))}`;
    }
  }
  return undefined;
}

/** Why a selector cannot be turned into a labels.Selector; empty when it can. */
export function selectorInvalid(sel: LabelSelector): string[] {
  const out: string[] = [];
  if (sel === null || typeof sel !== 'object') return ['a label selector must be a mapping with matchLabels and/or matchExpressions'];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    out.push(...keyProblems(k));
    if (typeof v !== 'string') out.push(`values[0][${k}]: Invalid value: ${JSON.stringify(v)}: a label value must be a string`);
    else out.push(...valueProblems(k, v));
  }
  for (const e of sel.matchExpressions ?? []) {
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) out.push(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty (key ${goQuote(String(e.key))})`);
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) out.push(`values: Invalid value: [${values.join(',')}]: values set must be empty for exists and does not exist (key ${goQuote(String(e.key))})`);
        break;
      default:
        out.push(`${goQuote(String(e.operator))} is not a valid label selector operator: use In, NotIn, Exists or DoesNotExist`);
    }
    out.push(...keyProblems(String(e.key ?? '')));
    for (const v of values) out.push(...valueProblems(String(e.key), String(v)));
  }
  return out;
}

function keyProblems(key: string): string[] {
  const slash = key.lastIndexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const bad = (why: string): string[] => [`key: Invalid value: ${goQuote(key)}: ${why}`];
  if (key.split('/').length > 2) return bad("a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'");
  if (prefix !== undefined && (prefix === '' || prefix.length > 253 || !DNS_SUBDOMAIN_RE.test(prefix))) return bad('prefix part must be a lowercase DNS subdomain');
  if (name === '' || name.length > 63 || !NAME_RE.test(name)) {
    return bad("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)");
  }
  return [];
}

function valueProblems(key: string, value: string): string[] {
  if (value === '') return [];
  if (value.length > 63 || !NAME_RE.test(value)) {
    return [`values[0][${key}]: Invalid value: ${goQuote(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)`];
  }
  return [];
}
