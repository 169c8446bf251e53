// The controller half of `standalone`: allocate over the files snapshot, with assignments from the
// state file standing in for Service status (YAML on disk carries none), so a restart keeps every IP.
import type { Service } from '../api/core.js';
import { ANNOTATION } from '../api/metallb.js';
import { objectKey } from '../api/meta.js';
import type { Snapshot } from '../api/snapshot.js';
import { allocateAllDetailed } from '../allocator/allocate-all.js';
import type { Allocator } from '../allocator/allocator.js';
import type { ConvergeResult } from '../controller/converge.js';
import type { Config } from '../config/types.js';
import type { Assignment } from '../status/state-file.js';

export interface StandaloneAllocation {
  /** the snapshot with every handled Service's status and pool annotation as allocated */
  snapshot: Snapshot;
  assignments: Record<string, Assignment>;
  results: Map<string, ConvergeResult>;
  allocator: Allocator;
}

export interface RememberedOptions {
  /**
   * true: a remembered assignment replaces whatever status the Service shows. The in-cluster
   * controller passes true: its memory of what it wrote is newer than a cache that may not have seen
   * its own write yet. false (standalone): the Service's own status wins, memory only fills gaps.
   */
  rememberedWins?: boolean;
}

/** Pure: persisted (remembered) assignments + snapshot -> allocation. */
export function allocateStandalone(
  config: Config,
  snapshot: Snapshot,
  persisted: Record<string, Assignment>,
  lbClass?: string,
  opts: RememberedOptions = {},
): StandaloneAllocation {
  const withPersisted = {
    ...snapshot,
    services: snapshot.services.map((s) => {
      const a = persisted[objectKey(s)];
      return withStatus(s, a, opts.rememberedWins === true && a !== undefined);
    }),
  };
  const { allocator, results } = allocateAllDetailed(config, withPersisted, { lbClass });
  const assignments: Record<string, Assignment> = {};
  const services = withPersisted.services.map((svc) => {
    const r = results.get(objectKey(svc));
    if (!r || !r.handled) return svc;
    if (r.ingressIPs.length > 0 && r.pool) assignments[objectKey(svc)] = { ips: r.ingressIPs, pool: r.pool };
    return withStatus(svc, r.ingressIPs.length > 0 ? { ips: r.ingressIPs, pool: r.pool ?? '' } : undefined, true);
  });
  return { snapshot: { ...withPersisted, services }, assignments, results, allocator };
}

function withStatus(svc: Service, a: Assignment | undefined, replace = false): Service {
  const hasOwn = (svc.status?.loadBalancer?.ingress ?? []).some((i) => i.ip);
  if (!replace && (hasOwn || !a)) return svc;
  const annotations = { ...(svc.metadata.annotations ?? {}) };
  if (a?.pool) annotations[ANNOTATION.allocatedFromPool] = a.pool;
  else delete annotations[ANNOTATION.allocatedFromPool];
  return {
    ...svc,
    metadata: { ...svc.metadata, annotations },
    status: { ...(svc.status ?? {}), loadBalancer: { ingress: (a?.ips ?? []).map((ip) => ({ ip })) } },
  };
}
