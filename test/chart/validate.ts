// Schema validation of rendered manifests: built-in kinds with kubernetes-models (the OpenAPI schemas
// of Kubernetes itself), custom resources with ajv against the CRDs' own openAPIV3Schema.
import { Ajv } from 'ajv';
import type { K8sObject } from './helm.js';

/** Kinds from CRDs we do not ship (Prometheus operator, cert-manager): checked structurally by the tests. */
export const EXTERNAL_KINDS = new Set(['monitoring.coreos.com/v1', 'cert-manager.io/v1']);

interface Validatable {
  validate(): void;
}

/** kubernetes-models lays its classes out as <group>/<version>/<Kind>, the core group as v1/<Kind>. */
async function modelFor(apiVersion: string, kind: string): Promise<(new (data: unknown) => Validatable) | undefined> {
  try {
    const mod = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, unknown>;
    return mod[kind] as new (data: unknown) => Validatable;
  } catch {
    return undefined;
  }
}

/** Validates every built-in object; returns one line per problem ("Kind/name: message"). */
export async function validateBuiltIn(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const o of objects) {
    if (EXTERNAL_KINDS.has(o.apiVersion)) continue;
    const Model = await modelFor(o.apiVersion, o.kind);
    if (!Model) {
      problems.push(`${o.kind}/${o.metadata?.name}: no schema for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (e) {
      problems.push(`${o.kind}/${o.metadata.name}: ${(e as Error).message}`);
    }
  }
  return problems;
}

/** One ajv validator per served version of each CRD, keyed "<group>/<version>/<Kind>". */
export function crdValidators(crds: K8sObject[]): Map<string, (obj: unknown) => string[]> {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  // Kubernetes' structural-schema extensions are not JSON Schema keywords.
  for (const kw of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-validations',
    'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-embedded-resource']) {
    ajv.addKeyword(kw);
  }
  const out = new Map<string, (obj: unknown) => string[]>();
  for (const crd of crds) {
    const spec = crd.spec as { group: string; names: { kind: string }; versions: Array<{ name: string; schema?: { openAPIV3Schema: object } }> };
    for (const v of spec.versions) {
      if (!v.schema) continue;
      const check = ajv.compile(v.schema.openAPIV3Schema);
      out.set(`${spec.group}/${v.name}/${spec.names.kind}`, (obj) =>
        check(obj) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`));
    }
  }
  return out;
}
