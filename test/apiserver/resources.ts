// The resource types the stand-in API server knows. Each entry says where it lives in the URL space
// (group, versions, plural), whether it is namespaced and whether it has a status subresource, which
// is what the real API server learns from its built-in types and from CRDs.

export interface ResourceType {
  group: string; // '' for the core group
  /** served versions; the first is what LIST/GET return unless another served version is asked for */
  versions: string[];
  plural: string;
  kind: string;
  namespaced: boolean;
  statusSubresource: boolean;
}

const core = (plural: string, kind: string, namespaced: boolean, statusSubresource = false): ResourceType => ({
  group: '', versions: ['v1'], plural, kind, namespaced, statusSubresource,
});
const metallb = (plural: string, kind: string, versions = ['v1beta1']): ResourceType => ({
  group: 'metallb.io', versions, plural, kind, namespaced: true, statusSubresource: true,
});

export const BUILTIN_RESOURCES: ResourceType[] = [
  core('namespaces', 'Namespace', false, true),
  core('nodes', 'Node', false, true),
  core('services', 'Service', true, true),
  core('endpoints', 'Endpoints', true),
  core('pods', 'Pod', true, true),
  core('secrets', 'Secret', true),
  core('configmaps', 'ConfigMap', true),
  core('events', 'Event', true),
  { group: 'discovery.k8s.io', versions: ['v1'], plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true, statusSubresource: false },
  { group: 'events.k8s.io', versions: ['v1'], plural: 'events', kind: 'Event', namespaced: true, statusSubresource: false },
  { group: 'coordination.k8s.io', versions: ['v1'], plural: 'leases', kind: 'Lease', namespaced: true, statusSubresource: false },
  metallb('ipaddresspools', 'IPAddressPool'),
  metallb('bgpadvertisements', 'BGPAdvertisement'),
  metallb('l2advertisements', 'L2Advertisement'),
  // Storage version v1beta2; v1beta1 is served too. The stand-in does no field conversion: it only
  // rewrites apiVersion, which is enough for clients that read one version.
  metallb('bgppeers', 'BGPPeer', ['v1beta2', 'v1beta1']),
  metallb('bfdprofiles', 'BFDProfile'),
  metallb('communities', 'Community'),
  metallb('servicel2statuses', 'ServiceL2Status'),
  metallb('servicebgpstatuses', 'ServiceBGPStatus'),
  metallb('configurationstates', 'ConfigurationState'),
];

/**
 * Types a test adds when it needs them (`server.addResource`), so that the default stand-in still
 * serves only what it always did (some tests rely on a kind not being served).
 */
export const DEPLOYMENTS: ResourceType = { group: 'apps', versions: ['v1'], plural: 'deployments', kind: 'Deployment', namespaced: true, statusSubresource: true };
export const VALIDATING_WEBHOOK_CONFIGURATIONS: ResourceType = {
  group: 'admissionregistration.k8s.io', versions: ['v1'], plural: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', namespaced: false, statusSubresource: false,
};
export const CUSTOM_RESOURCE_DEFINITIONS: ResourceType = {
  group: 'apiextensions.k8s.io', versions: ['v1'], plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, statusSubresource: true,
};
const rbac = (plural: string, kind: string, namespaced: boolean): ResourceType => ({ group: 'rbac.authorization.k8s.io', versions: ['v1'], plural, kind, namespaced, statusSubresource: false });
/** Roles, ClusterRoles and their bindings: installAuthReviews adds them. */
export const RBAC_RESOURCES: ResourceType[] = [
  rbac('clusterroles', 'ClusterRole', false), rbac('clusterrolebindings', 'ClusterRoleBinding', false), rbac('roles', 'Role', true), rbac('rolebindings', 'RoleBinding', true),
];

/** "group/plural" (core: "plural"): the storage key of a resource type, independent of version. */
export function resourceKey(r: { group: string; plural: string }): string {
  return r.group ? `${r.group}/${r.plural}` : r.plural;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
