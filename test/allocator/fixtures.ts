// Builders for allocator tests: Config pools and Services written directly, so these tests do
// not depend on config.build.
import type { IPFamilyPolicy, Service, ServicePort } from '../../src/api/core.js';
import { type Family, parseIP, parsePrefix, rangeToPrefixes } from '../../src/api/ip.js';
import type { LabelSelector } from '../../src/api/meta.js';
import type { Config, Pool, PoolCIDR } from '../../src/config/types.js';

export interface PoolOptions {
  autoAssign?: boolean;
  avoidBuggyIPs?: boolean;
  /** presence makes serviceAllocation set */
  serviceAllocation?: { priority?: number; namespaces?: string[]; serviceSelectors?: LabelSelector[]; namespaceRestricted?: boolean };
}

/** addresses: CIDRs or "start-end" ranges, like IPAddressPool.spec.addresses */
export function pool(name: string, addresses: string[], opts: PoolOptions = {}): Pool {
  const cidrs: PoolCIDR[] = [];
  addresses.forEach((a, entry) => {
    if (a.includes('/')) {
      const p = parsePrefix(a);
      if (!p) throw new Error(`bad CIDR ${a}`);
      cidrs.push({ prefix: p, entry });
    } else {
      const [s, e] = a.split('-').map((x) => parseIP(x.trim()));
      if (!s || !e) throw new Error(`bad range ${a}`);
      for (const prefix of rangeToPrefixes(s.family, s.value, e.value)) cidrs.push({ prefix, entry });
    }
  });
  const sa = opts.serviceAllocation;
  return {
    name,
    cidrs,
    families: new Set<Family>(cidrs.map((c) => c.prefix.family)),
    autoAssign: opts.autoAssign ?? true,
    avoidBuggyIPs: opts.avoidBuggyIPs ?? false,
    ...(sa
      ? {
          serviceAllocation: {
            priority: sa.priority ?? 0,
            namespaces: new Set(sa.namespaces ?? []),
            serviceSelectors: sa.serviceSelectors ?? [],
            ...(sa.namespaceRestricted !== undefined ? { namespaceRestricted: sa.namespaceRestricted } : {}),
          },
        }
      : {}),
    labels: {},
    bgpAdvertisements: [],
    l2Advertisements: [],
  };
}

export function config(...pools: Pool[]): Config {
  return { pools: new Map(pools.map((p) => [p.name, p])), peers: [], bfdProfiles: new Map(), communityAliases: new Map() };
}

export interface SvcOptions {
  ns?: string;
  type?: Service['spec']['type'];
  clusterIPs?: string[];
  policy?: IPFamilyPolicy;
  ipFamilies?: ('IPv4' | 'IPv6')[];
  ports?: (string | ServicePort)[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  loadBalancerIP?: string;
  lbClass?: string;
  /** status.loadBalancer.ingress IPs */
  status?: string[];
  local?: boolean;
  selector?: Record<string, string>;
}

/** A LoadBalancer Service; ports as "TCP/80" strings. Default: IPv4 ClusterIP 10.96.0.10, TCP/80. */
export function svc(name: string, o: SvcOptions = {}): Service {
  const ports: ServicePort[] = (o.ports ?? ['TCP/80']).map((p) => {
    if (typeof p !== 'string') return p;
    const [protocol, port] = p.split('/');
    return { protocol: protocol as ServicePort['protocol'], port: Number(port) };
  });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: o.ns ?? 'default',
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.labels ? { labels: o.labels } : {}),
    },
    spec: {
      type: o.type ?? 'LoadBalancer',
      clusterIPs: o.clusterIPs ?? ['10.96.0.10'],
      ...(o.clusterIPs?.length === 0 ? {} : { clusterIP: (o.clusterIPs ?? ['10.96.0.10'])[0] }),
      ...(o.policy ? { ipFamilyPolicy: o.policy } : {}),
      ...(o.ipFamilies ? { ipFamilies: o.ipFamilies } : {}),
      ports,
      ...(o.loadBalancerIP ? { loadBalancerIP: o.loadBalancerIP } : {}),
      ...(o.lbClass ? { loadBalancerClass: o.lbClass } : {}),
      ...(o.local ? { externalTrafficPolicy: 'Local' as const } : {}),
      selector: o.selector ?? { app: name },
    },
    ...(o.status ? { status: { loadBalancer: { ingress: o.status.map((ip) => ({ ip })) } } } : {}),
  };
}

export const V4 = ['10.96.0.10'];
export const V6 = ['fd00::10'];
export const DUAL = ['10.96.0.10', 'fd00::10'];
