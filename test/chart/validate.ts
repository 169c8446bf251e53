// Schema validation of rendered manifests: built-in kinds with kubernetes-models (the OpenAPI schemas
// of Kubernetes itself). Custom resources: src/api/crd-validation (test/chart/crds.test.ts).
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
