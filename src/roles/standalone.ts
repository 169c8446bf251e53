// `metallb-ts standalone`: the whole product on one Linux host from a folder of YAML. It allocates
// (assignments persisted in the state dir), plans this node's announcements and drives FRR through
// vtysh and the layer 2 announcer. An invalid configuration is logged object by object and the last
// good one keeps running.
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { writeFile, mkdir, rename } from 'node:fs/promises';
import { objectKey } from '../api/meta.js';
import type { Snapshot } from '../api/snapshot.js';
import { buildConfig } from '../config/build.js';
import { formatConfigError, type Config } from '../config/types.js';
import { readSecretFile, type MembershipSettings, type UdpMembership } from '../layer2/membership/index.js';
import { allocatorMetrics, configMetrics } from '../metrics/product.js';
import { startMetricsServer } from '../metrics/server.js';
import { FilesSource } from '../sources/files/watch.js';
import { StateFile } from '../status/state-file.js';
import type { NodePlan } from '../speaker/types.js';
import type { Logger, LogLevel } from '../util/log.js';
import { startAnnouncer, startFrr } from './data-planes.js';
import { joinMembership, nodeMembers } from './join-membership.js';
import { roleRegistry } from './role-servers.js';
import { writeServiceUpdateLogs } from './convergence-logs.js';
import { allocateStandalone } from './standalone-allocation.js';
import { SpeakerLoop } from './speaker-loop.js';
import type { ReconcileReport } from './service-readiness.js';
import { VERSION } from '../util/version.js';

export interface StandaloneOptions {
  configPaths: string[];
  node: string;
  hostname?: string;
  stateDir: string;
  logLevel: LogLevel;
  logger: Logger;
  lbClass?: string;
  /** FRR pathspace (`vtysh -N`); "" = default instance */
  vtyshPathspace: string;
  /** where the full frr.conf is written; default /etc/frr[/<pathspace>]/frr.conf */
  frrConfigFile?: string;
  bgp: boolean;
  layer2: boolean;
  metricsHost: string;
  /** 0 = a free port; -1 = no metrics server */
  metricsPort: number;
  membership?: MembershipSettings;
  garpRefreshMs?: number;
  excludeInterfaces?: string[];
  debounceMs?: number;
  /** after every reconcile (readiness for systemd: src/roles/service-readiness.ts) */
  onReconciled?: (r: ReconcileReport) => void;
}

export interface StandaloneHandle {
  metricsPort?: number;
  stop(): Promise<void>;
}

export async function runStandalone(o: StandaloneOptions): Promise<StandaloneHandle> {
  const log = o.logger.child({ caller: 'standalone.ts' });
  const registry = roleRegistry();
  const cfgMetrics = configMetrics(registry);
  const poolGauges = allocatorMetrics(registry);
  const state = new StateFile(o.stateDir);
  let persisted = await state.read();
  log.info({ node: o.node, stateDir: o.stateDir, assignments: Object.keys(persisted).length, version: VERSION }, 'MetalLB-ts standalone starting');

  // One vtysh edge for applying and for the metallb_bgp_*/metallb_bfd_* metrics read at scrape time.
  const applier = o.bgp
    ? startFrr({
        pathspace: o.vtyshPathspace, configPath: o.frrConfigFile ?? join('/etc/frr', o.vtyshPathspace, 'frr.conf'), debounceMs: o.debounceMs, registry,
        logger: o.logger.child({ caller: 'frr/applier.ts' }), metricsLogger: o.logger.child({ caller: 'frr-metrics' }),
      })
    : undefined;
  const announcer = o.layer2
    ? await startAnnouncer({ registry, logger: o.logger.child({ caller: 'layer2/announcer.ts' }), refreshIntervalMs: o.garpRefreshMs, excludePatterns: o.excludeInterfaces, log })
    : undefined;

  let membership: UdpMembership | undefined;
  let statusWrites: Promise<void> = Promise.resolve();
  const loop = new SpeakerLoop({
    node: o.node,
    hostname: o.hostname ?? osHostname(),
    logLevel: o.logLevel,
    lbClass: o.lbClass,
    logger: o.logger.child({ caller: 'speaker.ts' }),
    registry,
    applier,
    announcer,
    members: o.membership ? () => membership?.liveMembers() ?? new Set([o.node]) : undefined,
    // One status write at a time, in plan order; stop() waits for the last one.
    onPlan: (plan) => {
      statusWrites = statusWrites.then(() => writeStatus(plan)).catch((e: Error) => log.warn({ op: 'status', error: e.message }, 'could not write status.json'));
    },
  });

  let clusterConfig: Config | undefined;
  let nodeConfig: Config | undefined;
  /** per Service, the convergence log lines last written (written again only when they change) */
  const logsWritten = new Map<string, string>();
  let lastStatus: Record<string, unknown> = {};

  const writeStatus = async (plan: NodePlan) => {
    const status = { ...lastStatus, node: o.node, decisions: plan.decisions, planErrors: plan.errors };
    const path = join(o.stateDir, 'status.json');
    await mkdir(o.stateDir, { recursive: true });
    await writeFile(`${path}.tmp`, `${JSON.stringify(status, null, 2)}\n`);
    await rename(`${path}.tmp`, path);
  };

  const reconcile = async (snapshot: Snapshot, loadErrors: string[]) => {
    cfgMetrics.updates.inc();
    if (loadErrors.length > 0) {
      for (const e of loadErrors) log.error({ op: 'load', error: e }, 'failed to read the configuration folder');
      cfgMetrics.stale.set(1);
      cfgMetrics.updateErrors.inc();
      return; // a half-read folder is no basis for anything: keep everything as it runs
    }
    const cluster = buildConfig(snapshot);
    const perNode = buildConfig(snapshot, { node: o.node });
    const errors = [...(cluster.ok ? [] : cluster.errors), ...(perNode.ok ? [] : perNode.errors)];
    const unique = [...new Set(errors.map(formatConfigError))];
    for (const e of unique) log.error({ op: 'setConfig', error: e }, 'failed to parse the configuration');
    if (cluster.ok) clusterConfig = cluster.config;
    if (perNode.ok) nodeConfig = perNode.config;
    cfgMetrics.stale.set(unique.length > 0 ? 1 : 0);
    if (unique.length > 0) cfgMetrics.updateErrors.inc();
    if (!clusterConfig || !nodeConfig) {
      log.error({ op: 'setConfig' }, 'no valid configuration yet: nothing is allocated or announced');
      log.debug({ event: 'noConfig' }, 'not processing, still waiting for config');
      return;
    }
    cfgMetrics.loaded.set(1);
    lastStatus = { configValid: unique.length === 0, configErrors: unique };

    const alloc = allocateStandalone(clusterConfig, snapshot, persisted, o.lbClass);
    const present = new Set(snapshot.services.map(objectKey));
    for (const key of Object.keys(persisted)) {
      if (!present.has(key)) log.info({ service: key, event: 'serviceDeleted' }, 'service deleted');
    }
    for (const key of [...logsWritten.keys()]) if (!alloc.results.has(key)) logsWritten.delete(key);
    for (const [key, r] of alloc.results) {
      const fingerprint = JSON.stringify(r.logs);
      if (r.changed || logsWritten.get(key) !== fingerprint) writeServiceUpdateLogs(log, { service: key }, r.logs);
      logsWritten.set(key, fingerprint);
    }
    if (await state.write(alloc.assignments)) persisted = alloc.assignments;
    for (const s of alloc.allocator.allStats()) {
      const l = { pool: s.name };
      poolGauges.addressesTotal.set(l, Number(s.capacity.total));
      poolGauges.ipv4Total.set(l, Number(s.capacity.ipv4));
      poolGauges.ipv6Total.set(l, Number(s.capacity.ipv6));
      poolGauges.inUse.set(l, s.inUse);
      poolGauges.ipv4InUse.set(l, s.inUseIPv4);
      poolGauges.ipv6InUse.set(l, s.inUseIPv6);
    }
    lastStatus = {
      ...lastStatus,
      allocations: Object.fromEntries([...alloc.results].map(([k, r]) => [k, r.ingressIPs.length ? { ips: r.ingressIPs, pool: r.pool } : { error: r.problem?.message ?? 'no IP allocated' }])),
      pools: alloc.allocator.allStats().map((s) => ({ name: s.name, inUse: s.inUse, availableIPv4: String(s.availableIPv4), availableIPv6: String(s.availableIPv6) })),
    };

    if (o.membership) await ensureMembership(snapshot);
    loop.update(nodeConfig, alloc.snapshot);
  };

  const ensureMembership = async (snapshot: Snapshot) => {
    const ms = o.membership!;
    const members = nodeMembers(snapshot.nodes, ms);
    membership ??= await joinMembership({
      key: await readSecretFile(ms.secretFile!),
      node: o.node, settings: ms, members, registry, logger: o.logger, log,
      noAddressHint: `membership needs this node's address: add Node ${o.node} with an InternalIP to the configuration or pass --ml-bind-addr`,
      onLiveChange: () => loop.membershipChanged(),
    });
    membership?.setMembers(members);
  };

  // Serialise reconciles: a burst of file changes never runs two at once; the newest wins.
  let chain = Promise.resolve();
  const source = new FilesSource(o.configPaths);
  source.on('change', ({ snapshot, errors }) => {
    chain = chain.then(() => reconcile(snapshot, errors))
      .then(() => o.onReconciled?.({ running: nodeConfig !== undefined, status: lastStatus, plan: loop.lastPlan, applied: async () => applier?.idle(), frrError: () => applier?.lastError }))
      .catch((err: Error) => log.error({ op: 'reconcile', error: err.message }, 'reconcile failed'));
  });

  const metrics = o.metricsPort >= 0
    ? await startMetricsServer({ host: o.metricsHost, port: o.metricsPort, registry, ready: () => nodeConfig !== undefined })
    : undefined;
  if (metrics) log.info({ port: metrics.port }, 'serving /metrics, /healthz, /readyz');

  await source.start();
  await chain;

  return {
    metricsPort: metrics?.port,
    async stop() {
      await source.stop();
      await chain;
      await statusWrites;
      loop.stop();
      applier?.stop();
      announcer?.stop();
      await membership?.close({ leave: true });
      await metrics?.close();
    },
  };
}
