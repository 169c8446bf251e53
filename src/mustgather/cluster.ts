// Cluster mode: the MetalLB namespace's objects, every MetalLB custom resource, the cluster-wide
// objects MetalLB depends on, container logs, and FRR's files and vtysh views from each speaker pod.
import { CoreV1Api, KubernetesObjectApi, type KubeConfig, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import type { Bundle } from './bundle.js';
import { collectFrr } from './frr-collect.js';
import { podFrr, type PodExec } from './pod-frr.js';

export interface ClusterOptions {
  kc: KubeConfig;
  namespace: string;
  /** runs commands in containers; kubePodExec(kc) in production */
  exec: PodExec;
  /** last lines of each container log */
  logLines: number;
}

export interface Kind {
  apiVersion: string;
  kind: string;
  /** file name (plural) */
  file: string;
}

const NAMESPACED: Kind[] = [
  { apiVersion: 'v1', kind: 'Pod', file: 'pods' },
  { apiVersion: 'v1', kind: 'Service', file: 'services' },
  { apiVersion: 'v1', kind: 'ConfigMap', file: 'configmaps' },
  { apiVersion: 'v1', kind: 'Secret', file: 'secrets' },
  { apiVersion: 'v1', kind: 'ServiceAccount', file: 'serviceaccounts' },
  { apiVersion: 'v1', kind: 'Event', file: 'events' },
  { apiVersion: 'apps/v1', kind: 'Deployment', file: 'deployments' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', file: 'daemonsets' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', file: 'roles' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', file: 'rolebindings' },
];

export const METALLB_KINDS: Kind[] = [
  { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', file: 'ipaddresspools' },
  { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', file: 'bgppeers' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', file: 'bgpadvertisements' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', file: 'l2advertisements' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'Community', file: 'communities' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', file: 'bfdprofiles' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', file: 'servicel2statuses' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'ServiceBGPStatus', file: 'servicebgpstatuses' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'ConfigurationState', file: 'configurationstates' },
];

/** Cluster-scoped objects, filtered to what concerns MetalLB. */
const CLUSTER: Array<Kind & { keep: (o: KubernetesObject) => boolean }> = [
  { apiVersion: 'v1', kind: 'Node', file: 'nodes', keep: () => true },
  { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', file: 'crds',
    keep: (o) => (o.metadata?.name ?? '').endsWith('.metallb.io') },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', file: 'validatingwebhookconfigurations',
    keep: (o) => (o.metadata?.name ?? '').includes('metallb') },
];

export async function listAll(api: KubernetesObjectApi, k: Kind, namespace?: string): Promise<KubernetesObject[]> {
  const items: KubernetesObject[] = [];
  let token: string | undefined;
  do {
    const page = await api.list(k.apiVersion, k.kind, namespace, undefined, undefined, undefined, undefined, undefined, 500, token);
    // List items carry no apiVersion/kind; put them back so the files read like `kubectl get -o yaml`.
    for (const item of page.items) items.push({ ...item, apiVersion: k.apiVersion, kind: k.kind });
    token = page.metadata?._continue || undefined;
  } while (token);
  return items;
}

export async function collectCluster(bundle: Bundle, opts: ClusterOptions): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(opts.kc);
  const core = opts.kc.makeApiClient(CoreV1Api);
  const ns = opts.namespace;

  for (const k of CLUSTER) {
    const path = `cluster/${k.file}.yaml`;
    await bundle.step(path, `list ${k.apiVersion} ${k.kind}`, async () => {
      await bundle.addObjects(path, `list ${k.apiVersion} ${k.kind}`, (await listAll(api, k)).filter(k.keep));
    });
  }
  // Every LoadBalancer Service, whichever namespace: their status and annotations are MetalLB's output.
  await bundle.step('cluster/loadbalancer-services.yaml', 'list v1 Service (all namespaces, type LoadBalancer)', async () => {
    const all = await listAll(api, { apiVersion: 'v1', kind: 'Service', file: 'services' });
    const lbs = all.filter((s) => (s as { spec?: { type?: string } }).spec?.type === 'LoadBalancer');
    await bundle.addObjects('cluster/loadbalancer-services.yaml', 'list v1 Service (all namespaces, type LoadBalancer)', lbs);
  });

  let pods: V1Pod[] = [];
  for (const k of [...NAMESPACED, ...METALLB_KINDS]) {
    const path = k.apiVersion.startsWith('metallb.io/') ? `namespace/${ns}/metallb.io/${k.file}.yaml` : `namespace/${ns}/${k.file}.yaml`;
    await bundle.step(path, `list ${k.apiVersion} ${k.kind} -n ${ns}`, async () => {
      const items = await listAll(api, k, ns);
      if (k.kind === 'Pod') pods = items as V1Pod[];
      await bundle.addObjects(path, `list ${k.apiVersion} ${k.kind} -n ${ns}`, items);
    });
  }

  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    for (const c of pod.spec?.containers ?? []) {
      const path = `namespace/${ns}/logs/${name}/${c.name}.log`;
      await bundle.step(path, `logs ${name} -c ${c.name}`, async () => {
        const log = await core.readNamespacedPodLog({ name, namespace: ns, container: c.name, tailLines: opts.logLines });
        await bundle.addText(path, `logs ${name} -c ${c.name} (last ${opts.logLines} lines)`, String(log));
      });
    }
  }

  // Speaker pods are the ones with an frr container; FRR is reached only from inside it.
  for (const pod of pods.filter((p) => (p.spec?.containers ?? []).some((c) => c.name === 'frr'))) {
    const name = pod.metadata?.name ?? '';
    const node = pod.spec?.nodeName ?? 'unscheduled';
    if (pod.status?.phase && pod.status.phase !== 'Running') {
      bundle.failed(`frr/${name}`, `exec ${name} -c frr (node ${node})`, new Error(`pod is ${pod.status.phase}, not Running`));
      continue;
    }
    await collectFrr(bundle, podFrr(opts.exec, ns, name), `frr/${name}`);
  }
}
