// Recorded facts about an upstream MetalLB Helm release (metallb/metallb charts/metallb 0.16, FRR mode:
// the chart's default values with frrk8s.enabled=false and speaker.frr.enabled=true), installed as
// release "metallb" in namespace "metallb-system". Written down by reading upstream's templates
// (charts/metallb/Chart.yaml, charts/metallb/charts/crds/templates/crds.yaml, templates/controller.yaml,
// speaker.yaml, exclude-l2-config.yaml, rbac.yaml, service-accounts.yaml, webhooks.yaml) and
// controller/main.go: kinds, names and the few fields an in-place `helm upgrade` depends on. Nothing
// here is rendered from upstream's text.

export const UPSTREAM_RELEASE = { name: 'metallb', namespace: 'metallb-system' } as const;

export interface RecordedObject {
  /** API group ('' for the core group) */
  group: string;
  kind: string;
  name: string;
  /** namespaced objects live in the release namespace */
  namespaced: boolean;
}

const crd = (plural: string): RecordedObject => ({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name: `${plural}.metallb.io`, namespaced: false });
const core = (kind: string, name: string): RecordedObject => ({ group: '', kind, name, namespaced: true });
const rbac = (kind: string, name: string): RecordedObject => ({ group: 'rbac.authorization.k8s.io', kind, name, namespaced: !kind.startsWith('Cluster') });

/**
 * The objects of the release manifest (what Helm stores and later diffs against). The crds subchart
 * (dependency `crds`, condition `crds.enabled`, true by default) renders the nine CRDs as templates;
 * the frr-k8s subchart is off in FRR mode; the ServiceMonitor, PodMonitor, PrometheusRule and
 * NetworkPolicy templates are off by default.
 */
export const UPSTREAM_RELEASE_OBJECTS: RecordedObject[] = [
  crd('bfdprofiles'), crd('bgpadvertisements'), crd('bgppeers'), crd('communities'), crd('configurationstates'),
  crd('ipaddresspools'), crd('l2advertisements'), crd('servicebgpstatuses'), crd('servicel2statuses'),
  core('ServiceAccount', 'metallb-controller'), core('ServiceAccount', 'metallb-speaker'),
  rbac('ClusterRole', 'metallb:controller'), rbac('ClusterRole', 'metallb:speaker'),
  rbac('ClusterRoleBinding', 'metallb:controller'), rbac('ClusterRoleBinding', 'metallb:speaker'),
  rbac('Role', 'metallb-pod-lister'), rbac('Role', 'metallb-controller'),
  rbac('RoleBinding', 'metallb-pod-lister'), rbac('RoleBinding', 'metallb-controller'),
  core('ConfigMap', 'metallb-frr-startup'), core('ConfigMap', 'metallb-excludel2'),
  { group: 'apps', kind: 'DaemonSet', name: 'metallb-speaker', namespaced: true },
  { group: 'apps', kind: 'Deployment', name: 'metallb-controller', namespaced: true },
  core('Service', 'metallb-webhook-service'),
  // Rendered without data: the controller's certificate rotation fills it at run time.
  core('Secret', 'metallb-webhook-cert'),
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', name: 'metallb-webhook-configuration', namespaced: false },
];

/**
 * No object of upstream's release carries `helm.sh/resource-policy: keep`: the live objects an
 * upgrade would find have no such annotation.
 */
export const UPSTREAM_KEEP_ANNOTATED: string[] = [];

/**
 * Objects an upstream install has in the cluster that are not part of the release: the controller
 * creates the memberlist Secret at start-up (--ml-secret-name, owned by the controller Deployment),
 * so it carries no Helm ownership annotations. A chart that renders one of these cannot be upgraded
 * onto the install: Helm refuses to adopt an existing object it does not own.
 */
export const UPSTREAM_RUNTIME_OBJECTS: RecordedObject[] = [core('Secret', 'metallb-memberlist')];

/** Selectors are immutable: an upgrade that changes them fails. */
export const UPSTREAM_SELECTORS: Record<string, Record<string, string>> = {
  'Deployment/metallb-controller': { 'app.kubernetes.io/name': 'metallb', 'app.kubernetes.io/instance': 'metallb', 'app.kubernetes.io/component': 'controller' },
  'DaemonSet/metallb-speaker': { 'app.kubernetes.io/name': 'metallb', 'app.kubernetes.io/instance': 'metallb', 'app.kubernetes.io/component': 'speaker' },
};

/**
 * Versions each upstream CRD serves, storage version first. A CRD update that stops serving a stored
 * version is refused by the API server (status.storedVersions must stay served).
 */
export const UPSTREAM_CRD_VERSIONS: Record<string, string[]> = {
  'bfdprofiles.metallb.io': ['v1beta1'],
  'bgpadvertisements.metallb.io': ['v1beta1'],
  'bgppeers.metallb.io': ['v1beta2', 'v1beta1'],
  'communities.metallb.io': ['v1beta1'],
  'configurationstates.metallb.io': ['v1beta1'],
  'ipaddresspools.metallb.io': ['v1beta1'],
  'l2advertisements.metallb.io': ['v1beta1'],
  'servicebgpstatuses.metallb.io': ['v1beta1'],
  'servicel2statuses.metallb.io': ['v1beta1'],
};
