// The oldest Kubernetes whose API server enforces everything a CRD uses. The versions are those in
// which each feature is on by default (kubernetes/kubernetes KEP-2876 for the validation rules and
// their fields; staging/src/k8s.io/apiserver/pkg/cel/environment/base.go for the CEL libraries, whose
// IntroducedVersion is the compatibility version: a new rule may use a library one release later).
import { isPlainObject, itemsOf, valuesOf, type JSONSchemaProps } from './json-schema.js';

export interface KubernetesVersionNeed {
  /** minor version of Kubernetes 1.x */
  minor: number;
  /** what needs it, one line each */
  because: string[];
}

const RULE_FIELDS: Array<[string, number]> = [['messageExpression', 27], ['reason', 28], ['fieldPath', 28], ['optionalOldSelf', 30]];

/** CEL a rule's text may use, with the release whose API server takes it in a new rule. */
const CEL_FEATURES: Array<[RegExp, number, string]> = [
  [/\bquantity\(|\.isQuantity\(|\bisQuantity\(/, 29, 'the quantity library'],
  [/\.\?|\boptional\./, 29, 'optional types'],
  [/\bsets\./, 30, 'the sets library'],
  [/\b(isIP|isCIDR|ip|cidr)\(/, 31, 'the IP and CIDR libraries'],
  [/\bformat\.|\.validate\(/, 32, 'the format library'],
  [/\.(all|exists|map)\(\s*\w+\s*,\s*\w+\s*,/, 33, 'two-variable comprehensions'],
];

export function minimumKubernetes(crd: unknown): KubernetesVersionNeed {
  const need: KubernetesVersionNeed = { minor: 16, because: ['apiextensions.k8s.io/v1 CustomResourceDefinition'] };
  const raise = (minor: number, why: string): void => {
    if (minor > need.minor) need.minor = minor;
    if (!need.because.includes(why)) need.because.push(why);
  };
  const spec = isPlainObject(crd) ? crd.spec as Record<string, unknown> : undefined;
  const versions = Array.isArray(spec?.versions) ? spec.versions as Array<Record<string, unknown>> : [];
  for (const v of versions) {
    const schema = (v.schema as { openAPIV3Schema?: JSONSchemaProps } | undefined)?.openAPIV3Schema;
    if (schema) walk(schema, raise);
    if (v.selectableFields !== undefined) raise(31, 'selectableFields');
  }
  return need;
}

function walk(s: JSONSchemaProps, raise: (minor: number, why: string) => void): void {
  for (const r of s['x-kubernetes-validations'] ?? []) {
    raise(25, 'CEL validation rules (x-kubernetes-validations, on by default from 1.25)');
    for (const [field, minor] of RULE_FIELDS) if ((r as unknown as Record<string, unknown>)[field] !== undefined) raise(minor, `a rule's ${field}`);
    for (const [re, minor, what] of CEL_FEATURES) if (re.test(r.rule)) raise(minor, what);
  }
  for (const p of Object.values(s.properties ?? {})) walk(p, raise);
  const items = itemsOf(s);
  if (items) walk(items, raise);
  const values = valuesOf(s);
  if (values) walk(values, raise);
}
