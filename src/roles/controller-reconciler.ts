// The in-cluster controller's reconcile: snapshot in, Service status / conditions / events /
// IPAddressPool status / ConfigurationState out. It remembers what it assigned (seeded from the
// Service statuses once every cache has synced) and treats that memory as the truth: a reconcile
// that runs on a cache which has not yet seen the controller's own status write still sees the
// Service's IP, so it can neither hand the IP to another Service nor move it (user pain P7).
import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Service } from '../api/core.js';
import { objectKey } from '../api/meta.js';
import type { Snapshot } from '../api/snapshot.js';
import { ANNOTATION } from '../api/metallb.js';
import { handlesLoadBalancerClass } from '../allocator/service-info.js';
import { buildConfig } from '../config/build.js';
import { formatConfigError, type Config, type ConfigError } from '../config/types.js';
import { allocatorMetrics, configMetrics } from '../metrics/product.js';
import { ElectionMemo } from '../layer2/election/memo.js';
import { planNode } from '../speaker/plan.js';
import { ConfigStateWriter, type ReconcilerVerdict } from '../status/kube-config-state.js';
import { EventRecorder, serviceTarget } from '../status/kube-events.js';
import { PoolStatusWriter, poolStatusFrom } from '../status/kube-pool-status.js';
import { WriteCounter, describeError, mapLimit, type RetryOptions } from '../status/kube-retry.js';
import { ServiceStatusWriter, type DesiredServiceStatus } from '../status/kube-service-status.js';
import type { Assignment } from '../status/state-file.js';
import type { Logger } from '../util/log.js';
import {
  allocatedCondition, announcedCondition, conditionsFingerprint, decisionsByService, mergeConditions, OUR_CONDITIONS,
} from './controller-conditions.js';
import { writeServiceUpdateLogs } from './convergence-logs.js';
import { allocateStandalone } from './standalone-allocation.js';
import type { OwnerReference } from '../api/meta.js';

export interface ReconcilerOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  lbClass?: string;
  logger: Logger;
  registry: Registry;
  retry?: RetryOptions;
  /** parallel API writes (default 16) */
  writeConcurrency?: number;
  /** compute metallb.io/Announced (default true) */
  announcedCondition?: boolean;
  owner?: OwnerReference;
}

interface Remembered extends Assignment {
  uid?: string;
}

interface Written {
  fingerprint: string;
  /** the resourceVersion the cache showed when we wrote: while it still shows it, the cache is behind */
  baseRV?: string;
}

export class ControllerReconciler {
  readonly writes = new WriteCounter();
  private readonly memory = new Map<string, Remembered>();
  private readonly written = new Map<string, Written>();
  private readonly eventsSent = new Map<string, string>();
  private readonly logsWritten = new Map<string, string>();
  private readonly statusWriter: ServiceStatusWriter;
  private readonly events: EventRecorder;
  private readonly pools: PoolStatusWriter;
  private readonly configState: ConfigStateWriter;
  private readonly cfgMetrics: ReturnType<typeof configMetrics>;
  private readonly poolGauges: ReturnType<typeof allocatorMetrics>;
  private readonly poolsWithSeries = new Set<string>();
  private config: Config | undefined;
  private readonly electionMemo = new ElectionMemo();
  private seeded = false;
  /** Services reconciled by the last pass (for the benchmark and logs) */
  lastPass = { services: 0, statusWrites: 0, failures: 0 };
  private failures = 0;

  constructor(private readonly o: ReconcilerOptions) {
    this.statusWriter = new ServiceStatusWriter(o.kubeConfig, this.writes, o.retry);
    this.events = new EventRecorder({ kubeConfig: o.kubeConfig, component: 'metallb-controller', logger: o.logger, writes: this.writes, retry: o.retry });
    this.pools = new PoolStatusWriter(o.kubeConfig, o.namespace, this.writes, o.retry);
    this.configState = new ConfigStateWriter(o.kubeConfig, { namespace: o.namespace, component: 'controller', owner: o.owner }, this.writes, o.retry);
    this.cfgMetrics = configMetrics(o.registry);
    this.poolGauges = allocatorMetrics(o.registry);
  }

  get hasConfig(): boolean {
    return this.config !== undefined;
  }

  /** Load every existing assignment from the synced caches; call once, before the first reconcile. */
  seed(snapshot: Snapshot): void {
    for (const svc of snapshot.services) {
      const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
      if (ips.length === 0 || !handlesLoadBalancerClass(svc, this.o.lbClass)) continue;
      this.memory.set(objectKey(svc), { ips, pool: svc.metadata.annotations?.[ANNOTATION.allocatedFromPool] ?? '', uid: svc.metadata.uid });
    }
    this.seeded = true;
    this.o.logger.info({ op: 'startup', assignments: this.memory.size }, 'existing assignments loaded from Service status');
  }

  async reconcile(snapshot: Snapshot): Promise<void> {
    if (!this.seeded) throw new Error('reconcile before seed: the caches must sync and assignments load first');
    const log = this.o.logger;
    this.cfgMetrics.updates.inc();
    const built = buildConfig(snapshot, { namespace: this.o.namespace });
    if (!built.ok) {
      const lines = [...new Set(built.errors.map(formatConfigError))];
      for (const e of lines) log.error({ controller: 'ConfigReconciler', error: e }, 'failed to parse the configuration');
      this.cfgMetrics.stale.set(1);
      this.cfgMetrics.updateErrors.inc();
      await this.writeConfigState(splitVerdicts(built.errors));
      if (!this.config) {
        log.error({ controller: 'ConfigReconciler' }, 'no valid configuration yet: nothing is allocated');
        log.debug({ controller: 'ServiceReconciler', event: 'noConfig' }, 'not processing, still waiting for config');
        return;
      }
    } else {
      this.config = built.config;
      this.cfgMetrics.stale.set(0);
      this.cfgMetrics.loaded.set(1);
      await this.writeConfigState(splitVerdicts([]));
    }
    await this.allocate(this.config!, snapshot);
  }

  private async writeConfigState(verdicts: ReconcilerVerdict[]): Promise<void> {
    try {
      await this.configState.write(verdicts);
    } catch (err) {
      this.o.logger.warn({ op: 'configurationState', error: describeError(err) }, 'could not write ConfigurationState');
    }
  }

  private async allocate(config: Config, snapshot: Snapshot): Promise<void> {
    const log = this.o.logger;
    const byKey = new Map(snapshot.services.map((s) => [objectKey(s), s]));
    // Forget Services that are gone (or were recreated under the same name).
    for (const [key, m] of [...this.memory]) {
      const svc = byKey.get(key);
      if (!svc || (m.uid && svc.metadata.uid && m.uid !== svc.metadata.uid)) {
        this.memory.delete(key);
        log.info({ controller: 'ServiceReconciler', service: key, event: 'serviceDeleted' }, 'service deleted');
      }
    }
    for (const key of [...this.logsWritten.keys()]) if (!byKey.has(key)) this.logsWritten.delete(key);
    for (const key of [...this.written.keys()]) if (!byKey.has(key)) this.written.delete(key);
    for (const key of [...this.eventsSent.keys()]) if (!byKey.has(key)) this.eventsSent.delete(key);

    const remembered: Record<string, Assignment> = {};
    for (const [key, m] of this.memory) remembered[key] = { ips: m.ips, pool: m.pool };
    const alloc = allocateStandalone(config, snapshot, remembered, this.o.lbClass, { rememberedWins: true });

    const announced = this.o.announcedCondition === false ? undefined : decisionsByService(
      // One election memo shared by every node's plan and kept between passes: the layer 2 winner of an
      // IP does not depend on which node plans, so each election is hashed once, not once per node.
      snapshot.nodes.map((n) => planNode({ config, snapshot: alloc.snapshot, node: n.metadata.name, lbClass: this.o.lbClass, electionMemo: this.electionMemo })));
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const jobs: Array<() => Promise<void>> = [];
    let services = 0;
    for (const svc of snapshot.services) {
      const key = objectKey(svc);
      if (!handlesLoadBalancerClass(svc, this.o.lbClass)) continue;
      const r = alloc.results.get(key);
      let desired: DesiredServiceStatus;
      if (r && r.handled) {
        services++;
        if (r.ingressIPs.length > 0 && r.pool) this.memory.set(key, { ips: r.ingressIPs, pool: r.pool, uid: svc.metadata.uid });
        else this.memory.delete(key);
        const ours = [allocatedCondition(r, svc.metadata.generation)];
        if (announced) ours.push(announcedCondition(announced.get(key), snapshot.nodes.length, svc.metadata.generation));
        desired = { ips: r.ingressIPs, pool: r.pool, conditions: mergeConditions(svc.status?.conditions, ours, now) };
        const evFingerprint = JSON.stringify([svc.metadata.generation, r.events]);
        if (r.events.length > 0 && (r.changed || this.eventsSent.get(key) !== evFingerprint)) {
          for (const ev of r.events) jobs.push(() => this.events.record(serviceTarget(svc), ev.type, ev.reason, ev.message));
        }
        this.eventsSent.set(key, evFingerprint);
        // Upstream logs on each reconcile of a Service; every pass here sees every Service, so a
        // Service's lines are written when it changes or they differ from the last ones written.
        const logFingerprint = JSON.stringify([svc.metadata.generation, r.logs]);
        if (r.changed || this.logsWritten.get(key) !== logFingerprint) writeServiceUpdateLogs(log, { controller: 'ServiceReconciler', service: key }, r.logs);
        this.logsWritten.set(key, logFingerprint);
      } else if (svc.spec.type !== 'LoadBalancer' && this.wasOurs(svc)) {
        // No longer a LoadBalancer: give the address back and clear what we wrote (spec 3.2 step 1).
        this.memory.delete(key);
        log.debug({ controller: 'ServiceReconciler', service: key, event: 'clearAssignment', reason: 'notLoadBalancer' }, 'not a LoadBalancer');
        desired = { ips: [], conditions: (svc.status?.conditions ?? []).filter((c) => !OUR_CONDITIONS.has(c.type)) };
      } else {
        continue;
      }
      const fp = fingerprint(desired);
      if (fp === fingerprint(shown(svc))) {
        this.written.set(key, { fingerprint: fp, baseRV: svc.metadata.resourceVersion });
        continue;
      }
      const w = this.written.get(key);
      if (w && w.fingerprint === fp && w.baseRV === svc.metadata.resourceVersion) continue; // cache behind our write
      jobs.push(async () => {
        try {
          await this.statusWriter.write(svc.metadata.namespace ?? 'default', svc.metadata.name, desired);
          this.written.set(key, { fingerprint: fp, baseRV: svc.metadata.resourceVersion });
          log.info({ controller: 'ServiceReconciler', service: key, event: 'serviceUpdated' }, 'updated service object');
        } catch (err) {
          this.failures++;
          this.cfgMetrics.updateErrors.inc();
          log.error({ controller: 'ServiceReconciler', service: key, op: 'updateServiceStatus', error: describeError(err) }, 'failed to update service');
        }
      });
    }
    const statusJobs = jobs.length;
    // Pool counters and metrics.
    const stats = alloc.allocator.allStats();
    const cached = new Map(snapshot.pools.map((p) => [p.metadata.name, p]));
    for (const s of stats) {
      const l = { pool: s.name };
      this.poolGauges.addressesTotal.set(l, Number(s.capacity.total));
      this.poolGauges.ipv4Total.set(l, Number(s.capacity.ipv4));
      this.poolGauges.ipv6Total.set(l, Number(s.capacity.ipv6));
      this.poolGauges.inUse.set(l, s.inUse);
      this.poolGauges.ipv4InUse.set(l, s.inUseIPv4);
      this.poolGauges.ipv6InUse.set(l, s.inUseIPv6);
      this.poolsWithSeries.add(s.name);
      if (!cached.has(s.name)) continue;
      jobs.push(async () => {
        try {
          await this.pools.write(s.name, poolStatusFrom(s), cached.get(s.name)!.status);
        } catch (err) {
          this.failures++;
          log.warn({ controller: 'PoolStatusReconciler', pool: s.name, error: describeError(err) }, 'could not write pool status');
        }
      });
    }
    const live = new Set(stats.map((s) => s.name));
    for (const name of [...this.poolsWithSeries]) {
      if (live.has(name)) continue;
      for (const g of Object.values(this.poolGauges)) g.remove({ pool: name });
      this.poolsWithSeries.delete(name);
      this.pools.forget(name);
    }
    this.failures = 0;
    await mapLimit(jobs, this.o.writeConcurrency ?? 16, (j) => j());
    this.lastPass = { services, statusWrites: statusJobs, failures: this.failures };
  }

  private wasOurs(svc: Service): boolean {
    return this.memory.has(objectKey(svc)) || svc.metadata.annotations?.[ANNOTATION.allocatedFromPool] !== undefined
      || (svc.status?.conditions ?? []).some((c) => OUR_CONDITIONS.has(c.type));
  }
}

/** Pool problems make poolReconcilerValid False, everything else configReconcilerValid. */
function splitVerdicts(errors: ConfigError[]): ReconcilerVerdict[] {
  const pool = errors.filter((e) => e.kind === 'IPAddressPool').map(formatConfigError);
  const other = errors.filter((e) => e.kind !== 'IPAddressPool').map(formatConfigError);
  return [
    { type: 'configReconcilerValid', errors: [...new Set(other)] },
    { type: 'poolReconcilerValid', errors: [...new Set(pool)] },
  ];
}

function shown(svc: Service): DesiredServiceStatus {
  return {
    ips: (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? ''),
    pool: svc.metadata.annotations?.[ANNOTATION.allocatedFromPool],
    conditions: svc.status?.conditions ?? [],
  };
}

function fingerprint(d: DesiredServiceStatus): string {
  return JSON.stringify([d.ips, d.pool ?? null, conditionsFingerprint(d.conditions)]);
}
