// Kubernetes label selector semantics (metav1.LabelSelector): matchLabels AND every matchExpression.
// An empty selector matches everything; a list of selectors matches when any one does.
import type { LabelSelector, LabelSelectorRequirement } from './meta.js';

export function selectorMatches(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  return (sel.matchExpressions ?? []).every((r) => requirementMatches(r, l));
}

/** Empty list = everything (the MetalLB convention for nodeSelectors, serviceSelectors, ...). */
export function anySelectorMatches(sels: LabelSelector[] | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sels || sels.length === 0) return true;
  return sels.some((s) => selectorMatches(s, labels));
}

function requirementMatches(r: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(labels[r.key]);
    case 'NotIn':
      return !has || !(r.values ?? []).includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** Problems that make a selector invalid (Kubernetes rules), as messages; empty when valid. */
export function selectorProblems(sel: LabelSelector): string[] {
  const out: string[] = [];
  for (const r of sel.matchExpressions ?? []) {
    const n = (r.values ?? []).length;
    if (r.operator === 'In' || r.operator === 'NotIn') {
      if (n === 0) out.push(`values: Required value: must be specified when \`operator\` is '${r.operator}'`);
    } else if (r.operator === 'Exists' || r.operator === 'DoesNotExist') {
      if (n > 0) out.push(`values: Forbidden: may not be specified when \`operator\` is '${r.operator}'`);
    } else {
      out.push(`operator: Unsupported value: "${String(r.operator)}"`);
    }
  }
  return out;
}

/** Canonical text of a selector, like labels.SelectorFromSet/String: sorted, stable. */
export function selectorString(sel: LabelSelector): string {
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${sel.matchLabels![k]}`);
  const exprs = (sel.matchExpressions ?? []).map((r) => {
    const vals = [...(r.values ?? [])].sort();
    switch (r.operator) {
      case 'In': return `${r.key} in (${vals.join(',')})`;
      case 'NotIn': return `${r.key} notin (${vals.join(',')})`;
      case 'Exists': return r.key;
      case 'DoesNotExist': return `!${r.key}`;
      default: return `${r.key} ${String(r.operator)} (${vals.join(',')})`;
    }
  });
  return [...parts, ...exprs.sort()].join(',');
}
