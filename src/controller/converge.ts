// The controller's decision for one Service (spec 3.2, 3.3, 3.6): given the Service as it is now
// and the allocator, what its LoadBalancer status and ip-allocated-from-pool annotation should
// be, which events to emit (upstream reasons and messages), and, beyond upstream, a structured
// "why not" for a Service condition. Pure: the caller writes status and events.
import type { Service } from '../api/core.js';
import { type IP, formatIP, parseIP } from '../api/ip.js';
import { objectKey } from '../api/meta.js';
import { ANNOTATION } from '../api/metallb.js';
import type { Allocation, Allocator } from '../allocator/allocator.js';
import { type Problem, goQuote, goQuoteList } from '../allocator/problem.js';
import {
  type ServiceFamily,
  type ServiceRequest,
  clusterIPs,
  familyOfTexts,
  handlesLoadBalancerClass,
  orderIPs,
  requestedIPs,
  requestedPool,
  sameIPSet,
  serviceRequest,
} from '../allocator/service-info.js';

export interface ServiceEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/**
 * A line upstream's controller logs at this point (controller/service.go, controller/main.go: the
 * same `event` values and keys, so log queries written for MetalLB keep matching). The role writes it.
 */
export interface ConvergeLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  msg: string;
}

export interface ConvergeOptions {
  /** --lb-class: handle only Services of this class; unset = only Services without a class */
  lbClass?: string;
}

export interface ConvergeResult {
  /** false when the Service belongs to another LoadBalancerClass: leave it alone */
  handled: boolean;
  /** false when convergence failed (upstream ErrConverge) */
  ok: boolean;
  /** desired status.loadBalancer.ingress IPs (IPv4 first); empty = cleared */
  ingressIPs: string[];
  /** desired metallb.io/ip-allocated-from-pool; undefined = remove the annotation */
  pool?: string;
  events: ServiceEvent[];
  logs: ConvergeLog[];
  /** why the Service has no (or only part of its) addresses */
  problem?: Problem;
  /** status or annotation differ from the Service as given */
  changed: boolean;
  /** the Service gave addresses back: others waiting for one should be processed again */
  reprocessAll: boolean;
}

const DEPRECATED_PREFIX = 'metallb.universe.tf';

export function convergeService(alloc: Allocator, svc: Service, opts: ConvergeOptions = {}): ConvergeResult {
  const currentIPs = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
  const currentPool = svc.metadata.annotations?.[ANNOTATION.allocatedFromPool];
  if (!handlesLoadBalancerClass(svc, opts.lbClass)) {
    return { handled: false, ok: true, ingressIPs: currentIPs, pool: currentPool, events: [], logs: [], changed: false, reprocessAll: false };
  }
  const key = objectKey(svc);
  const prevIPs = alloc.ips(key);
  const run = new Convergence(alloc, svc, currentIPs.filter((ip) => ip !== ''), currentPool);
  const outcome = run.converge();

  const changed = !sameList(run.ips, currentIPs) || run.pool !== currentPool;
  const events = [...run.events];
  const logs = [...run.logs];
  let reprocessAll = false;
  if (!changed) logs.push(log('debug', { event: 'noChange' }, 'service converged, no change'));
  if (changed) {
    // Upstream warns about deprecated annotations only when it is changing the Service anyway.
    for (const k of Object.keys(svc.metadata.annotations ?? {}).sort()) {
      if (!k.startsWith(DEPRECATED_PREFIX)) continue;
      events.push(warning('deprecatedAnnotation', `Service uses deprecated annotation ${k}`));
      logs.push(log('warn', { event: 'deprecatedAnnotation', annotation: k }, 'the used annotation is deprecated'));
    }
    // Upstream reprocesses only when the Service ends up with no address; we also do when it moved,
    // since the address it left may be what another Service is waiting for.
    const now = new Set((alloc.ips(key) ?? []).map(formatIP));
    const givenBack = (prevIPs ?? []).filter((ip) => !now.has(formatIP(ip)));
    if (givenBack.length > 0 && alloc.poolForIPs(givenBack)) reprocessAll = true;
    if (reprocessAll && run.ips.length === 0) logs.push(log('info', { event: 'serviceUpdated' }, 'removed loadbalancer from service, services will be reprocessed'));
  }
  return {
    handled: true,
    ok: outcome === undefined,
    ingressIPs: run.ips,
    pool: run.pool,
    events,
    logs,
    ...(outcome ? { problem: outcome } : run.partial ? { problem: run.partial } : {}),
    changed,
    reprocessAll,
  };
}

/** A Service was deleted: free its addresses; others may now fit. */
export function serviceDeleted(alloc: Allocator, key: string): { reprocessAll: boolean } {
  return { reprocessAll: alloc.release(key) };
}

/** The Service with the converged status and annotation applied (a copy). */
export function applyConvergence(svc: Service, r: ConvergeResult): Service {
  const annotations = { ...(svc.metadata.annotations ?? {}) };
  if (r.pool === undefined) delete annotations[ANNOTATION.allocatedFromPool];
  else annotations[ANNOTATION.allocatedFromPool] = r.pool;
  return {
    ...svc,
    metadata: { ...svc.metadata, annotations },
    status: { ...(svc.status ?? {}), loadBalancer: r.ingressIPs.length > 0 ? { ingress: r.ingressIPs.map((ip) => ({ ip })) } : {} },
  };
}

class Convergence {
  events: ServiceEvent[] = [];
  logs: ConvergeLog[] = [];
  /** a problem that did not stop convergence (PreferDualStack second family) */
  partial?: Problem;
  private readonly key: string;
  private req: ServiceRequest;

  constructor(
    private readonly alloc: Allocator,
    private readonly svc: Service,
    public ips: string[],
    public pool: string | undefined,
  ) {
    this.key = objectKey(svc);
    this.req = serviceRequest(svc);
  }

  private clear(): void {
    this.alloc.release(this.key);
    this.ips = [];
    this.pool = undefined;
  }

  /** Returns the problem when convergence fails, undefined on success. */
  converge(): Problem | undefined {
    const { svc, alloc, key, req } = this;
    if (svc.spec.type !== 'LoadBalancer') {
      this.logs.push(log('debug', { event: 'clearAssignment', reason: 'notLoadBalancer' }, 'not a LoadBalancer'));
      this.clear();
      return undefined;
    }
    if (alloc.poolNames().length === 0) {
      this.logs.push(log('debug', { event: 'clearAssignment', reason: 'noConfig' }, 'pools are empty'));
      this.clear();
      return { reason: 'NoPoolsConfigured', message: 'no IPAddressPool is configured' };
    }
    const cips = clusterIPs(svc);
    // No ClusterIP at all: a Service from YAML files; its family is the declared one (declaredFamily).
    if (req.policy === 'RequireDualStack' && cips.length === 1) {
      this.logs.push(log('error', { event: 'clearAssignment', reason: 'requires dual stack but clusterips are not dual stack', clusterips: cips }, 'not enough clusterips'));
      this.clear();
      const message = `RequireDualStack service ${goQuote(key)} has fewer than two ClusterIPs ${goQuoteList(cips)}`;
      this.events.push(warning('not enough clusterips', message));
      return { reason: 'NotEnoughClusterIPs', message };
    }

    let lbIPs: IP[] = [];
    if (this.ips.length === 0) {
      this.clear();
    } else {
      const parsed = this.ips.map((t) => parseIP(t));
      let lbFamily: ServiceFamily | undefined;
      const bad = this.ips.find((_, i) => !parsed[i]);
      const fam = bad !== undefined ? { error: `invalid IP ${goQuote(bad)}` } : familyOfTexts(this.ips);
      if ('error' in fam) {
        this.logs.push(log('error', { event: 'clearAssignment', reason: 'nolbIPsIPFamily' }, 'Failed to retrieve lbIPs family'));
        this.events.push(warning('nolbIPsIPFamily', `Failed to retrieve LBIPs IPFamily for ${goQuoteList(this.ips)}: ${fam.error}`));
      } else {
        lbFamily = fam.family;
      }
      if (!req.family) {
        const message = `Failed to retrieve ClusterIPs IPFamily for ${goQuoteList(svc.spec.clusterIPs ?? [])} ${svc.spec.clusterIP ?? ''}: ${req.familyError}`;
        this.logs.push(log('error', { event: 'clearAssignment', reason: 'noclusterIPsIPFamily' }, 'Failed to retrieve clusterIPs family'));
        this.events.push(warning('noclusterIPsIPFamily', message));
        return { reason: 'InvalidClusterIPs', message: req.familyError ?? message };
      }
      if (familyChanged(lbFamily, req.family, req.policy)) this.clear();
      else lbIPs = parsed as IP[];
    }

    if (lbIPs.length > 0) {
      // Idempotent when the configuration still allows these addresses; otherwise says why not.
      const r = alloc.assign(req, lbIPs);
      if (!r.ok) {
        this.logs.push(log('info', { event: 'clearAssignment', error: r.problem.message }, 'current IP not allowed by config, clearing'));
        this.events.push(normal('ClearAssignment', `current IP for ${goQuote(key)} not allowed by config, will attempt for new IP assignment: ${r.problem.message}`));
        this.clear();
        lbIPs = [];
      }
      const desiredPool = requestedPool(svc);
      if (lbIPs.length > 0 && desiredPool !== '' && alloc.pool(key) !== desiredPool) {
        this.logs.push(log('info', { event: 'clearAssignment', reason: 'differentPoolRequested' }, 'user requested a different pool than the one currently assigned'));
        this.clear();
        lbIPs = [];
      }
      const desired = requestedIPs(svc);
      if ('error' in desired) {
        this.logs.push(log('error', { event: 'loadbalancerIP', error: desired.error }, 'invalid requested loadbalancer IPs'));
        this.events.push(warning('LoadBalancerFailed', `invalid requested loadbalancer IPs: ${desired.error}`));
        return { reason: 'InvalidRequestedIPs', message: desired.error };
      }
      if (desired.ips.length > 0 && !sameIPSet(lbIPs, desired.ips)) {
        this.logs.push(log('info', { event: 'clearAssignment', reason: 'differentIPRequested' }, 'user requested a different IP than the one currently assigned'));
        this.clear();
        lbIPs = [];
      }
    }

    if (lbIPs.length === 1 && req.policy === 'PreferDualStack') {
      this.logs.push(log('info', { event: 'tryAssignAdditionalIP' }, 'familyPolicy is PreferDualStack, trying to assign additional ip'));
      const r = alloc.allocateAdditionalFamily(req, lbIPs[0], alloc.pool(key) ?? '');
      if (!r.ok) {
        this.events.push(normal('AdditionalAssignFailed', `cannot assign additional IP in PreferDualStack: ${r.problem.message}`));
        this.partial = r.problem;
      } else {
        lbIPs = r.ips;
        this.logs.push(log('info', { event: 'ipAllocated', ip: formatIP(r.ip) }, 'Additional IP address assigned by controller'));
        this.events.push(normal('IPAllocated', `Assigned additional IP ${goQuote(formatIP(r.ip))}`));
      }
    }

    if (lbIPs.length === 0) {
      const r = this.allocateIPs();
      if (!r.ok) {
        this.logs.push(log('error', { op: 'allocateIPs', error: r.problem.message }, 'IP allocation failed'));
        this.events.push(warning('AllocationFailed', `Failed to allocate IP for ${goQuote(key)}: ${r.problem.message}`));
        return r.problem;
      }
      lbIPs = r.ips;
      this.logs.push(log('info', { event: 'ipAllocated', ip: lbIPs.map(formatIP) }, 'IP address assigned by controller'));
      this.events.push(normal('IPAllocated', `Assigned IP ${goQuoteList(lbIPs.map(formatIP))}`));
    }

    const pool = alloc.pool(key);
    if (!pool || !alloc.hasPool(pool)) {
      this.logs.push(log('error', { bug: 'true', ip: lbIPs.map(formatIP) }, 'internal error: allocated IP has no matching address pool'));
      this.events.push(warning('InternalError', 'allocated an IP that has no pool'));
      this.clear();
      return { reason: 'InternalError', message: 'allocated an IP that has no pool' };
    }
    this.ips = orderIPs(lbIPs).map(formatIP);
    this.pool = pool;
    return undefined;
  }

  /** Requested IPs, else the requested pool, else any pool (spec 3.3). */
  private allocateIPs(): Allocation {
    const { alloc, svc, req, key } = this;
    if (!req.family) return { ok: false, problem: { reason: 'InvalidClusterIPs', message: req.familyError ?? 'unknown family' } };
    const desired = requestedIPs(svc);
    if ('error' in desired) return { ok: false, problem: { reason: 'InvalidRequestedIPs', message: desired.error } };
    const desiredPool = requestedPool(svc);
    if (desired.ips.length > 0) {
      const texts = desired.ips.map(formatIP);
      if (desired.family !== req.family) {
        return {
          ok: false,
          problem: {
            reason: 'RequestedIPFamilyMismatch',
            message: `requested loadBalancer IP(s) ${goQuoteList(texts)} does not match the ipFamily of the service`,
            detail: `the Service is ${req.family}, the requested IPs are ${desired.family}`,
          },
        };
      }
      const r = alloc.assign(req, desired.ips);
      if (!r.ok) return r;
      if (desiredPool !== '' && r.pool !== desiredPool) {
        alloc.release(key);
        return {
          ok: false,
          problem: {
            reason: 'RequestedIPPoolMismatch',
            message: `requested loadBalancer IP(s) ${goQuoteList(texts)} is not compatible with requested address pool ${desiredPool}`,
            detail: `the requested IPs belong to pool ${r.pool}`,
          },
        };
      }
      return r;
    }
    if (desiredPool !== '') return alloc.allocateFromPool(req, desiredPool);
    return alloc.allocate(req);
  }
}

/** Status IPs of another family than the ClusterIPs are dropped, except PreferDualStack on a dual-stack Service. */
function familyChanged(lb: ServiceFamily | undefined, cluster: ServiceFamily, policy: string): boolean {
  if (lb === undefined) return true;
  if (lb === cluster) return false;
  return !(cluster === 'dual' && policy === 'PreferDualStack');
}

const normal = (reason: string, message: string): ServiceEvent => ({ type: 'Normal', reason, message });
const log = (level: ConvergeLog['level'], fields: Record<string, unknown>, msg: string): ConvergeLog => ({ level, fields, msg });
const warning = (reason: string, message: string): ServiceEvent => ({ type: 'Warning', reason, message });

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
