// The kinds the kube source watches: where each lives, whether it is restricted to the MetalLB
// namespace, and how to LIST it. Lists go through the typed client and are turned back into plain
// JSON, so listed objects look exactly like watched ones (string timestamps, kind and apiVersion set).
import { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Snapshot } from '../../api/snapshot.js';
import { abortWith } from './client.js';

export interface KubeList {
  metadata?: { resourceVersion?: string };
  items: KubeItem[];
}

export interface KubeItem {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface WatchedKind {
  key: keyof Snapshot;
  kind: string;
  apiVersion: string;
  /** true: only objects in the MetalLB namespace (upstream restricts these caches the same way) */
  inNamespace: boolean;
  /** watch path for the namespace (or cluster-wide) */
  path(namespace: string): string;
  /** `signal` aborts the request (a reader's deadline) */
  list(namespace: string, signal?: AbortSignal): Promise<KubeList>;
}

/** Typed client objects back to API JSON (Dates become RFC 3339 strings, undefined fields vanish). */
function plain(list: { metadata?: { resourceVersion?: string }; items: unknown[] }, kind: string, apiVersion: string): KubeList {
  const json = JSON.parse(JSON.stringify(list)) as KubeList;
  for (const item of json.items) {
    item.kind = kind;
    item.apiVersion = apiVersion;
  }
  return json;
}

const METALLB_KINDS: Array<[keyof Snapshot, string, string, string]> = [
  ['pools', 'IPAddressPool', 'v1beta1', 'ipaddresspools'],
  ['bgpAdvertisements', 'BGPAdvertisement', 'v1beta1', 'bgpadvertisements'],
  ['l2Advertisements', 'L2Advertisement', 'v1beta1', 'l2advertisements'],
  ['bgpPeers', 'BGPPeer', 'v1beta2', 'bgppeers'],
  ['bfdProfiles', 'BFDProfile', 'v1beta1', 'bfdprofiles'],
  ['communities', 'Community', 'v1beta1', 'communities'],
];

export function watchedKinds(kc: KubeConfig): WatchedKind[] {
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const metallb = METALLB_KINDS.map(([key, kind, version, plural]): WatchedKind => ({
    key, kind, apiVersion: `metallb.io/${version}`, inNamespace: true,
    path: (ns) => `/apis/metallb.io/${version}/namespaces/${ns}/${plural}`,
    list: async (ns, signal) => plain(await custom.listNamespacedCustomObject({ group: 'metallb.io', version, namespace: ns, plural }, abortWith(signal)) as KubeList, kind, `metallb.io/${version}`),
  }));
  return [
    ...metallb,
    {
      key: 'secrets', kind: 'Secret', apiVersion: 'v1', inNamespace: true,
      path: (ns) => `/api/v1/namespaces/${ns}/secrets`,
      list: async (ns, signal) => plain(await core.listNamespacedSecret({ namespace: ns }, abortWith(signal)), 'Secret', 'v1'),
    },
    {
      key: 'configMaps', kind: 'ConfigMap', apiVersion: 'v1', inNamespace: true,
      path: (ns) => `/api/v1/namespaces/${ns}/configmaps`,
      list: async (ns, signal) => plain(await core.listNamespacedConfigMap({ namespace: ns }, abortWith(signal)), 'ConfigMap', 'v1'),
    },
    {
      key: 'services', kind: 'Service', apiVersion: 'v1', inNamespace: false,
      path: () => '/api/v1/services',
      list: async (_ns, signal) => plain(await core.listServiceForAllNamespaces({}, abortWith(signal)), 'Service', 'v1'),
    },
    {
      key: 'endpointSlices', kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', inNamespace: false,
      path: () => '/apis/discovery.k8s.io/v1/endpointslices',
      list: async (_ns, signal) => plain(await discovery.listEndpointSliceForAllNamespaces({}, abortWith(signal)), 'EndpointSlice', 'discovery.k8s.io/v1'),
    },
    {
      key: 'nodes', kind: 'Node', apiVersion: 'v1', inNamespace: false,
      path: () => '/api/v1/nodes',
      list: async (_ns, signal) => plain(await core.listNode({}, abortWith(signal)), 'Node', 'v1'),
    },
    {
      key: 'namespaces', kind: 'Namespace', apiVersion: 'v1', inNamespace: false,
      path: () => '/api/v1/namespaces',
      list: async (_ns, signal) => plain(await core.listNamespace({}, abortWith(signal)), 'Namespace', 'v1'),
    },
  ];
}
