// CustomResourceDefinition objects (apiextensions.k8s.io/v1) built from the schemas in ./schema:
// the one source of truth, written to the chart's crds subchart (charts/metallb-ts/charts/crds/templates) by scripts/gen-crds.ts.
import { GROUP } from './metallb.js';
import { CRD_DEFINITIONS, type CrdDefinition } from './schema/index.js';

export interface WebhookTarget {
  /** the Service in front of the webhook server */
  serviceName: string;
  namespace: string;
}

export const DEFAULT_WEBHOOK_TARGET: WebhookTarget = { serviceName: 'metallb-webhook-service', namespace: 'metallb-system' };

export function crdName(def: CrdDefinition): string {
  return `${def.plural}.${GROUP}`;
}

export function buildCRD(def: CrdDefinition, webhook: WebhookTarget = DEFAULT_WEBHOOK_TARGET): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(def), labels: { 'app.kubernetes.io/part-of': 'metallb-ts' } },
    spec: {
      group: GROUP,
      names: { kind: def.kind, listKind: `${def.kind}List`, plural: def.plural, singular: def.singular },
      scope: 'Namespaced',
      ...(def.conversionWebhook
        ? {
          conversion: {
            strategy: 'Webhook',
            webhook: {
              // caBundle is injected at run time by whoever manages the webhook certificate.
              clientConfig: { service: { name: webhook.serviceName, namespace: webhook.namespace, path: '/convert' } },
              conversionReviewVersions: ['v1'],
            },
          },
        }
        : {}),
      versions: def.versions.map((v) => ({
        name: v.name,
        served: v.served,
        storage: v.storage,
        ...(v.deprecated ? { deprecated: true, deprecationWarning: v.deprecationWarning } : {}),
        additionalPrinterColumns: v.printerColumns,
        schema: { openAPIV3Schema: v.schema },
        subresources: { status: {} },
      })),
    },
  };
}

export function allCRDs(webhook?: WebhookTarget): Array<{ file: string; crd: Record<string, unknown> }> {
  return CRD_DEFINITIONS.map((def) => ({ file: `${GROUP}_${def.plural}.yaml`, crd: buildCRD(def, webhook) }));
}

/** The openAPIV3Schema of one kind and version (for validation in tests and tools). */
export function schemaFor(kind: string, version?: string): CrdDefinition['versions'][number]['schema'] {
  const def = CRD_DEFINITIONS.find((d) => d.kind === kind);
  if (!def) throw new Error(`no CRD for kind ${kind}`);
  const v = version ? def.versions.find((x) => x.name === version) : def.versions.find((x) => x.storage);
  if (!v) throw new Error(`CRD ${kind} has no version ${version}`);
  return v.schema;
}
