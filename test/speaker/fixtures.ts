// Small builders for Config and Snapshot objects, so each test states only what matters to it.
import type { EndpointConditions, EndpointSlice, Node, Service } from '../../src/api/core.js';
import { parsePrefix } from '../../src/api/ip.js';
import type { LabelSelector } from '../../src/api/meta.js';
import { emptySnapshot, type Snapshot } from '../../src/api/snapshot.js';
import type {
  BGPAdvertisementConfig, BGPCommunity, Config, L2AdvertisementConfig, PeerConfig, Pool,
} from '../../src/config/types.js';

export function community(text: string): BGPCommunity {
  const parts = text.split(':');
  if (parts[0] === 'large') return { kind: 'large', global: +parts[1], local1: +parts[2], local2: +parts[3], text };
  return { kind: 'standard', high: +parts[0], low: +parts[1], text };
}

export function bgpAd(name: string, o: Partial<Omit<BGPAdvertisementConfig, 'communities'>> & { communities?: string[] } = {}): BGPAdvertisementConfig {
  return {
    name, aggregationLength: 32, aggregationLengthV6: 128, localPref: 0, nodeSelectors: [], peers: [], serviceSelectors: [],
    ...o,
    communities: (o.communities ?? []).map(community).sort((a, b) => (a.text < b.text ? -1 : 1)),
  };
}

export function l2Ad(name: string, o: Partial<L2AdvertisementConfig> = {}): L2AdvertisementConfig {
  return { name, nodeSelectors: [], interfaces: [], serviceSelectors: [], preferredNodeSelectors: [], ...o };
}

export function pool(name: string, cidrs: string[], o: { bgp?: BGPAdvertisementConfig[]; l2?: L2AdvertisementConfig[]; labels?: Record<string, string> } = {}): Pool {
  const prefixes = cidrs.map((c, entry) => ({ prefix: parsePrefix(c)!, entry }));
  return {
    name, cidrs: prefixes, families: new Set(prefixes.map((p) => p.prefix.family)), autoAssign: true, avoidBuggyIPs: false,
    labels: o.labels ?? {}, bgpAdvertisements: o.bgp ?? [], l2Advertisements: o.l2 ?? [],
  };
}

export function peer(name: string, o: Partial<PeerConfig> = {}): PeerConfig {
  return {
    name, myASN: 64512, peerASN: 64513, localASN: 0, address: '192.0.2.1', port: 179, routerID: '', nodeSelectors: [],
    password: '', bfdProfile: '', enableGracefulRestart: false, ebgpMultiHop: false, vrf: '', dualStackAddressFamily: false,
    ...o,
  };
}

export function config(o: { pools?: Pool[]; peers?: PeerConfig[]; extras?: string } = {}): Config {
  const c: Config = {
    pools: new Map((o.pools ?? []).map((p) => [p.name, p])), peers: o.peers ?? [], bfdProfiles: new Map(), communityAliases: new Map(),
  };
  if (o.extras !== undefined) c.bgpExtras = o.extras;
  return c;
}

export function node(name: string, labels: Record<string, string> = {}, o: { networkUnavailable?: boolean } = {}): Node {
  const n: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } } };
  if (o.networkUnavailable !== undefined) {
    n.status = { conditions: [{ type: 'NetworkUnavailable', status: o.networkUnavailable ? 'True' : 'False' }] };
  }
  return n;
}

export function service(key: string, ips: string[], o: { labels?: Record<string, string>; annotations?: Record<string, string>; local?: boolean; type?: Service['spec']['type']; lbClass?: string } = {}): Service {
  const [namespace, name] = key.split('/');
  const svc: Service = {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels: o.labels, annotations: o.annotations },
    spec: { type: o.type ?? 'LoadBalancer', externalTrafficPolicy: o.local ? 'Local' : 'Cluster', ports: [{ protocol: 'TCP', port: 80 }] },
    status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
  };
  if (o.lbClass) svc.spec.loadBalancerClass = o.lbClass;
  return svc;
}

let sliceSeq = 0;
/** One EndpointSlice for the Service with one endpoint per [nodeName, conditions?] pair. */
export function slice(key: string, endpoints: Array<[string, EndpointConditions?]>): EndpointSlice {
  const [namespace, name] = key.split('/');
  sliceSeq++;
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { name: `${name}-${sliceSeq}`, namespace, labels: { 'kubernetes.io/service-name': name } },
    endpoints: endpoints.map(([nodeName, conditions], i) => ({ addresses: [`10.244.${sliceSeq % 250}.${i + 1}`], nodeName, conditions })),
  };
}

export function snapshot(o: Partial<Snapshot>): Snapshot {
  return { ...emptySnapshot(), ...o };
}

export const sel = (labels: Record<string, string>): LabelSelector => ({ matchLabels: labels });
