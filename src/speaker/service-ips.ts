// A Service as the speaker sees it: handled or not (LoadBalancer class), its status IPs and the pool
// holding them.
import type { Service } from '../api/core.js';
import { formatIP, parseIP, prefixContains, type IP } from '../api/ip.js';
import type { Config, Pool } from '../config/types.js';
import type { WithdrawReason } from './types.js';

/** LoadBalancer class rule (spec 3.6): with --lb-class only that class; without, only Services with no class. */
export { handlesLoadBalancerClass as classHandled } from '../allocator/service-info.js';

export type ServiceIPs =
  | { ok: true; ips: IP[]; texts: string[]; pool: Pool }
  | { ok: false; reason: WithdrawReason; detail: string; texts: string[] };

/** The pool containing every IP (upstream's poolFor: all IPs in one pool). */
export function poolFor(config: Config, ips: readonly IP[]): Pool | undefined {
  const names = [...config.pools.keys()].sort();
  for (const name of names) {
    const pool = config.pools.get(name)!;
    if (ips.every((ip) => pool.cidrs.some((c) => prefixContains(c.prefix, ip)))) return pool;
  }
  return undefined;
}

/** Status IPs and their pool, or the withdraw reason (upstream's order: type, ingress, parse, pool). */
export function serviceIPs(svc: Service, config: Config): ServiceIPs {
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  const raw = ingress.map((i) => i.ip ?? i.hostname ?? '');
  if (svc.spec.type !== 'LoadBalancer') {
    return { ok: false, reason: 'notLoadBalancer', detail: `the Service is of type ${svc.spec.type ?? 'ClusterIP'}, not LoadBalancer`, texts: raw };
  }
  if (ingress.length === 0) {
    return { ok: false, reason: 'noIPAllocated', detail: 'the Service has no IP in status.loadBalancer.ingress yet', texts: [] };
  }
  const ips: IP[] = [];
  for (const i of ingress) {
    const ip = parseIP(i.ip ?? '');
    if (!ip) {
      return { ok: false, reason: 'invalidIP', detail: `status.loadBalancer.ingress holds "${i.ip ?? i.hostname ?? ''}", which is not an IP address`, texts: raw };
    }
    ips.push(ip);
  }
  const texts = ips.map(ipText);
  const pool = poolFor(config, ips);
  if (!pool) {
    return { ok: false, reason: 'ipNotAllowed', detail: `${texts.join(', ')} ${texts.length > 1 ? 'are' : 'is'} not inside one IPAddressPool`, texts };
  }
  return { ok: true, ips, texts, pool };
}

/** Canonical text of an IP; IPv4 inline since it is by far the common case at scale. */
function ipText(ip: IP): string {
  if (ip.family !== 4) return formatIP(ip);
  const n = Number(ip.value);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
