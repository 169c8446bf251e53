// `metallb-ts status` for a cluster, from the API: IPAddressPool status (used/free), LoadBalancer
// Services (IPs, pool annotation, the controller's metallb.io/IPAllocated and metallb.io/Announced
// conditions), ServiceBGPStatus/ServiceL2Status (what each speaker announces), ConfigurationStates,
// and the BGP sessions read from each speaker pod's frr container by exec (as must-gather does).
// Loaded only on the cluster path: it brings in @kubernetes/client-node.
import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import type { Node, Service } from '../api/core.js';
import type { Condition } from '../api/meta.js';
import { ANNOTATION, type BGPPeer, type ConfigurationState, type IPAddressPool, type ServiceBGPStatus, type ServiceL2Status } from '../api/metallb.js';
import { anySelectorMatches } from '../api/selector.js';
import { readFrrState } from '../frr/read/reader.js';
import type { VtyshRunner } from '../frr/vtysh.js';
import { listAll } from '../mustgather/cluster.js';
import { kubePodExec } from '../mustgather/kube-exec.js';
import { podFrr, type PodExec } from '../mustgather/pod-frr.js';
import { ANNOUNCED, IP_ALLOCATED } from '../roles/controller-conditions.js';
import { peerRows, type ConfiguredPeer } from './peers.js';
import { finish, type Announcement, type ConfigRow, type Layer2Row, type PeerRow, type PoolRow, type ServiceRow, type StatusReport } from './report.js';

export interface ClusterStatusOptions {
  kc: KubeConfig;
  namespace: string;
  /** runs commands in the speakers' frr containers; default the exec subresource */
  exec?: PodExec;
  /** false: do not exec into the speakers (--no-frr) */
  readFrr: boolean;
  /** handle only Services of this loadBalancerClass (default: Services without a class) */
  lbClass?: string;
}

/** --kubeconfig PATH, else in-cluster / KUBECONFIG / ~/.kube/config. */
export function kubeConfigAt(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

/** vtysh inside a speaker's frr container, as the FRR reader wants it. */
function podVtysh(exec: PodExec, namespace: string, pod: string): VtyshRunner {
  const frr = podFrr(exec, namespace, pod);
  return {
    configure: async () => {
      throw new Error('status only reads');
    },
    show: (command) => frr.vtysh(command),
    showJSON: async <T>(command: string) => JSON.parse(await frr.vtysh(command)) as T,
  };
}

const condition = (s: Service, type: string): Condition | undefined => s.status?.conditions?.find((c) => c.type === type);
const key = (ns: string | undefined, name: string | undefined) => `${ns ?? ''}/${name ?? ''}`;

export async function clusterReport(o: ClusterStatusOptions): Promise<StatusReport> {
  const api = KubernetesObjectApi.makeApiClient(o.kc);
  const ns = o.namespace;
  const list = async <T>(apiVersion: string, kind: string, namespace?: string) =>
    (await listAll(api, { apiVersion, kind, file: '' }, namespace)) as unknown as T[];

  const [poolObjs, states, services, bgpStatuses, l2Statuses, bgpPeers, nodes, pods] = await Promise.all([
    list<IPAddressPool>('metallb.io/v1beta1', 'IPAddressPool', ns),
    list<ConfigurationState>('metallb.io/v1beta1', 'ConfigurationState', ns),
    list<Service>('v1', 'Service'),
    list<ServiceBGPStatus>('metallb.io/v1beta1', 'ServiceBGPStatus', ns),
    list<ServiceL2Status>('metallb.io/v1beta1', 'ServiceL2Status', ns),
    list<BGPPeer>('metallb.io/v1beta2', 'BGPPeer', ns),
    list<Node>('v1', 'Node'),
    list<KubernetesObject & { spec?: { nodeName?: string; containers?: { name: string }[] }; status?: { phase?: string } }>('v1', 'Pod', ns),
  ]);

  const configs: ConfigRow[] = states.map((c) => ({
    component: c.metadata.name,
    valid: c.status?.result !== 'Invalid',
    errors: (c.status?.errorSummary ?? '').split('\n').filter(Boolean),
  })).sort((a, b) => a.component.localeCompare(b.component));

  const pools: PoolRow[] = poolObjs.map((p) => ({
    name: p.metadata.name,
    used: (p.status?.assignedIPv4 ?? 0) + (p.status?.assignedIPv6 ?? 0),
    freeIPv4: p.status ? String(p.status.availableIPv4 ?? 0) : '?',
    freeIPv6: p.status ? String(p.status.availableIPv6 ?? 0) : '?',
  })).sort((a, b) => a.name.localeCompare(b.name));

  // What the speakers say they announce, per Service.
  const announcedBy = new Map<string, Announcement[]>();
  const add = (svc: string, a: Announcement) => announcedBy.set(svc, [...(announcedBy.get(svc) ?? []), a]);
  for (const b of bgpStatuses) add(key(b.status?.serviceNamespace, b.status?.serviceName), { node: b.status?.node ?? '?', protocol: 'bgp', peers: b.status?.peers ?? [] });
  for (const l of l2Statuses) {
    const ifs = l.status?.interfaces?.map((i) => i.name);
    add(key(l.status?.serviceNamespace, l.status?.serviceName), { node: l.status?.node ?? '?', protocol: 'layer2', ...(ifs?.length ? { interfaces: ifs } : {}) });
  }

  const ours = services.filter((s) => s.spec?.type === 'LoadBalancer' && (s.spec.loadBalancerClass ?? undefined) === o.lbClass);
  const rows: ServiceRow[] = ours.map((s): ServiceRow => {
    const name = key(s.metadata.namespace, s.metadata.name);
    const ips = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
    const pool = s.metadata.annotations?.[ANNOTATION.allocatedFromPool];
    const by = (announcedBy.get(name) ?? []).sort((a, b) => a.node.localeCompare(b.node) || a.protocol.localeCompare(b.protocol));
    if (ips.length === 0) {
      const c = condition(s, IP_ALLOCATED);
      return { name, ips, pool, state: 'pending', announcedBy: [], why: c ? `[${c.reason}] ${c.message}` : `no ${IP_ALLOCATED} condition: is the controller running?` };
    }
    if (by.length > 0) return { name, ips, pool, state: 'ok', announcedBy: by };
    const c = condition(s, ANNOUNCED);
    const why = c?.status === 'False' ? `[${c.reason}] ${c.message}` : `no speaker reports it (no ServiceBGPStatus or ServiceL2Status)${c?.status === 'True' ? `, though the controller expects: ${c.message}` : ''}`;
    return { name, ips, pool, state: 'down', announcedBy: [], why };
  }).sort((a, b) => a.name.localeCompare(b.name));

  const ipsOf = new Map(rows.map((r) => [r.name, r.ips]));
  const layer2: Layer2Row[] = l2Statuses.map((l) => {
    const service = key(l.status?.serviceNamespace, l.status?.serviceName);
    const ifs = l.status?.interfaces?.map((i) => i.name);
    return { service, ips: ipsOf.get(service) ?? [], owner: l.status?.node ?? '?', ...(ifs?.length ? { interfaces: ifs } : {}) };
  }).sort((a, b) => a.service.localeCompare(b.service));

  // BGP sessions per speaker: the BGPPeers selecting its node, joined with its FRR.
  const labelsOf = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  const peersFor = (node: string): ConfiguredPeer[] => bgpPeers
    .filter((p) => anySelectorMatches(p.spec.nodeSelectors, labelsOf.get(node)))
    .map((p) => ({ name: p.metadata.name, address: p.spec.peerAddress ?? p.spec.interface ?? '', vrf: p.spec.vrf || 'default' }));
  const unread: string[] = [];
  const peers: PeerRow[] = [];
  const speakers = pods.filter((p) => (p.spec?.containers ?? []).some((c) => c.name === 'frr'))
    .sort((a, b) => (a.spec?.nodeName ?? '').localeCompare(b.spec?.nodeName ?? ''));
  const exec = o.exec ?? (o.readFrr ? kubePodExec(o.kc, 20_000) : undefined);
  for (const pod of speakers) {
    const node = pod.spec?.nodeName ?? '?';
    const configured = peersFor(node);
    if (configured.length === 0) continue;
    if (!o.readFrr || !exec) {
      peers.push(...peerRows(node, configured, undefined));
      continue;
    }
    if (pod.status?.phase !== 'Running') {
      unread.push(`speaker ${pod.metadata?.name} on ${node}: pod is ${pod.status?.phase ?? 'not running'}`);
      peers.push(...peerRows(node, configured, undefined));
      continue;
    }
    const s = await readFrrState(podVtysh(exec, ns, pod.metadata?.name ?? ''));
    if (s.errors.length > 0) unread.push(`FRR of speaker ${pod.metadata?.name} on ${node}: ${s.errors.join('; ')}`);
    peers.push(...peerRows(node, configured, s.errors.some((e) => e.startsWith('bgp:')) ? undefined : s.bgp));
  }

  return finish({ mode: 'cluster', scope: ns, configs, pools, services: rows, peers, layer2, unread });
}
