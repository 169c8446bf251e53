// Batch allocation over a whole snapshot, as the controller would converge it after a restart:
// Services that already hold addresses in their status go first (most ingress entries first, then by
// key), so a restart never hands one Service's address to another; the rest follow by key.
// The result does not depend on the order of Services in the snapshot.
import type { Service } from '../api/core.js';
import { objectKey } from '../api/meta.js';
import type { Snapshot } from '../api/snapshot.js';
import type { Config } from '../config/types.js';
import { type ConvergeResult, convergeService } from '../controller/converge.js';
import { Allocator } from './allocator.js';
import { handlesLoadBalancerClass } from './service-info.js';

export type AllocateAllEntry = { ips: string[]; pool: string } | { error: string };

export interface AllocateAllOptions {
  lbClass?: string;
}

export function allocateAll(config: Config, snapshot: Snapshot, opts: AllocateAllOptions = {}): Map<string, AllocateAllEntry> {
  return allocateAllDetailed(config, snapshot, opts).entries;
}

/** allocateAll plus the allocator and each Service's last convergence (events, problem). */
export function allocateAllDetailed(
  config: Config,
  snapshot: Snapshot,
  opts: AllocateAllOptions = {},
): { entries: Map<string, AllocateAllEntry>; allocator: Allocator; results: Map<string, ConvergeResult> } {
  const allocator = new Allocator();
  allocator.setPools(config);
  const services = snapshot.services
    .filter((s) => s.spec.type === 'LoadBalancer' && handlesLoadBalancerClass(s, opts.lbClass))
    .sort(processingOrder);
  const results = new Map<string, ConvergeResult>();
  // One pass is enough: the allocator starts empty, so when a Service fails, every address in use
  // was taken by a Service processed before it, and no later Service can give one of those back.
  for (const svc of services) results.set(objectKey(svc), convergeService(allocator, svc, opts));

  const entries = new Map<string, AllocateAllEntry>();
  for (const key of [...results.keys()].sort()) {
    const r = results.get(key)!;
    if (r.ok && r.pool !== undefined && r.ingressIPs.length > 0) entries.set(key, { ips: r.ingressIPs, pool: r.pool });
    else entries.set(key, { error: r.problem?.message ?? 'no IP allocated' });
  }
  return { entries, allocator, results };
}

/**
 * Already-assigned first, by descending number of status.loadBalancer.ingress entries (hostname
 * entries count too, as in upstream's reprocessAll: metallb/metallb internal/k8s/controllers/
 * service_controller_reload.go), then by "ns/name" (the order the API server lists them in).
 */
function processingOrder(a: Service, b: Service): number {
  const na = (a.status?.loadBalancer?.ingress ?? []).length;
  const nb = (b.status?.loadBalancer?.ingress ?? []).length;
  if (na !== nb) return nb - na;
  const ka = objectKey(a);
  const kb = objectKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
