// What Helm 3 does to the objects of a release on `helm upgrade` and `helm uninstall`, written from
// helm/helm pkg/action/upgrade.go, pkg/action/uninstall.go, pkg/kube/client.go and pkg/kube/resource.go:
//
// - Upgrade builds the old release's stored manifest ("current") and the new chart's manifest
//   ("target"). Objects are matched by name, namespace and GroupKind (isMatchingInfo: the API version
//   does not count). Every target object that is not in current must not already exist in the cluster
//   unless it carries this release's ownership metadata (existingResourceConflict), else the upgrade
//   stops before changing anything.
// - After creating and patching the target objects, Client.Update deletes current.Difference(target).
//   For each such object it first re-reads the object from the cluster (info.Get()) and skips the
//   delete when that *live* object is annotated helm.sh/resource-policy=keep (or cannot be read). The
//   annotation of the new chart plays no part: the object is by definition not in the new chart.
// - Uninstall deletes every object of the stored release manifest except those whose annotation in
//   that *manifest* is helm.sh/resource-policy=keep (filterManifestsToKeep).
// Namespaced objects without metadata.namespace get the release namespace (the resource builder's
// DefaultNamespace); cluster-scoped objects have none.
import type { K8sObject } from './helm.js';

export const KEEP_ANNOTATION = 'helm.sh/resource-policy';

export interface ObjectId {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Cluster-scoped kinds (by group/kind) that can appear in this chart or upstream's. */
const CLUSTER_SCOPED = new Set([
  'apiextensions.k8s.io/CustomResourceDefinition', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  '/Namespace', '/PersistentVolume', 'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass', 'storage.k8s.io/StorageClass',
]);

export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

export function isClusterScoped(group: string, kind: string): boolean {
  return CLUSTER_SCOPED.has(`${group}/${kind}`);
}

export function idOf(o: K8sObject, releaseNamespace: string): ObjectId {
  const group = groupOf(o.apiVersion);
  const namespace = isClusterScoped(group, o.kind) ? '' : (o.metadata.namespace ?? releaseNamespace);
  return { group, kind: o.kind, namespace, name: o.metadata.name };
}

export const keyOf = (id: ObjectId): string => `${id.group}/${id.kind}/${id.namespace}/${id.name}`;

/** "Kind/name" for messages and reports. */
export const labelOf = (id: ObjectId): string => `${id.kind}/${id.name}`;

export interface UpgradeInput {
  /** objects of the stored manifest of the release being upgraded */
  current: ObjectId[];
  /** objects the new chart renders */
  target: ObjectId[];
  /** annotations of the live object in the cluster, undefined when it does not exist */
  live: (id: ObjectId) => Record<string, string> | undefined;
  /** true when a live object carries this release's Helm ownership metadata */
  ownedByRelease: (id: ObjectId) => boolean;
}

export interface UpgradeOutcome {
  /** existing objects Helm refuses to adopt: the upgrade fails before any change */
  conflicts: ObjectId[];
  /** objects Helm deletes after applying the target */
  deleted: ObjectId[];
}

export function helmUpgrade(input: UpgradeInput): UpgradeOutcome {
  const currentKeys = new Set(input.current.map(keyOf));
  const targetKeys = new Set(input.target.map(keyOf));
  const conflicts = input.target.filter((id) => !currentKeys.has(keyOf(id)) && input.live(id) !== undefined && !input.ownedByRelease(id));
  if (conflicts.length > 0) return { conflicts, deleted: [] };
  const deleted = input.current.filter((id) => {
    if (targetKeys.has(keyOf(id))) return false;
    const annotations = input.live(id);
    if (annotations === undefined) return false; // info.Get() fails: Helm logs and skips it
    return annotations[KEEP_ANNOTATION] !== 'keep';
  });
  return { conflicts: [], deleted };
}

/** Objects `helm uninstall` deletes, judged by the annotations in the stored release manifest. */
export function helmUninstallDeletes(manifest: K8sObject[], releaseNamespace: string): ObjectId[] {
  return manifest.filter((o) => o.metadata.annotations?.[KEEP_ANNOTATION] !== 'keep').map((o) => idOf(o, releaseNamespace));
}

/**
 * Objects whose deletion loses what users or the running system put in them: a CRD takes every
 * custom resource of its kind with it; Secrets, ConfigMaps and volumes hold data written after install.
 */
export function holdsUserData(id: ObjectId): boolean {
  return (id.group === 'apiextensions.k8s.io' && id.kind === 'CustomResourceDefinition')
    || (id.group === '' && ['Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Namespace'].includes(id.kind));
}
