// `metallb-ts speaker` in a cluster: the kube source feeds the per-node config (buildConfig with
// this node) and the Services with the IPs the controller wrote into the shared SpeakerLoop (FRR
// applier + layer 2 announcer + metallb_speaker_announced + serviceAnnounced/serviceWithdrawn logs).
// Around it: ConfigurationState speaker-<node>, ServiceBGPStatus/ServiceL2Status, nodeAssigned
// events, membership among speakers, FRR metrics.
//
// Tests and labs can inject `applier` / `announcer` (anything with update() / setAnnouncements()):
// the speaker then plans and publishes status exactly as with FRR and packet sockets, which is how
// test/kube-roles checks ServiceBGPStatus without an FRR daemon.
import { hostname as osHostname } from 'node:os';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { OwnerReference } from '../api/meta.js';
import { objectKey } from '../api/meta.js';
import type { Snapshot } from '../api/snapshot.js';
import { buildConfig } from '../config/build.js';
import { formatConfigError, type Config } from '../config/types.js';
import type { FrrApplier } from '../frr/applier.js';
import type { Announcer } from '../layer2/announcer/announcer.js';
import type { MemberAddress, MembershipSettings, UdpMembership } from '../layer2/membership/index.js';
import { configMetrics } from '../metrics/product.js';
import type { NodePlan } from '../speaker/types.js';
import { KubeSource } from '../sources/kube/source.js';
import { AnnounceStatusWriter } from '../status/kube-announce-status.js';
import { ConfigStateWriter, type ReconcilerVerdict } from '../status/kube-config-state.js';
import { EventRecorder, serviceTarget } from '../status/kube-events.js';
import { reuseConnections } from '../status/kube-connections.js';
import { WriteCounter, describeError, type RetryOptions } from '../status/kube-retry.js';
import { componentLogger, type Logger, type LogLevel } from '../util/log.js';
import { startAnnouncer, startFrr } from './data-planes.js';
import { joinMembership, nodeMembers } from './join-membership.js';
import { MembershipKeySource } from './membership-key.js';
import { LatestWins } from './latest-wins.js';
import { roleRegistry, startRoleServers, type MetricsSecurity } from './role-servers.js';
import { SpeakerLoop } from './speaker-loop.js';
import { SpeakerPublisher, orphanedByConfig } from './speaker-status.js';
import { VERSION } from '../util/version.js';

export interface SpeakerOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  node: string;
  hostname?: string;
  lbClass?: string;
  logger: Logger;
  logLevel: LogLevel;
  registry?: Registry;
  bgp: boolean;
  layer2: boolean;
  /** injected BGP data plane (tests); default: FrrApplier over vtysh when bgp is on */
  applier?: Pick<FrrApplier, 'update'>;
  /** injected layer 2 data plane (tests); default: the packet-socket Announcer when layer2 is on */
  announcer?: Pick<Announcer, 'setAnnouncements'> & Partial<Pick<Announcer, 'knownInterfaces'>>;
  vtyshPathspace?: string;
  frrConfigFile?: string;
  bgpDebounceMs?: number;
  membership?: MembershipSettings;
  /** while a won layer 2 IP is skipped for missing interfaces, how often to look again (default 10 s) */
  interfaceRecheckMs?: number;
  /** label selector of the speaker Pods (memberlist --ml-labels); unset: members are the Nodes */
  memberLabels?: string;
  metricsPort?: number;
  /** default: HTTPS with TokenReview + SubjectAccessReview through this kubeConfig, self-signed */
  metrics?: MetricsSecurity;
  /** /healthz, /readyz on 127.0.0.1 */
  healthPort?: number;
  owner?: OwnerReference;
  debounceMs?: number;
  retry?: RetryOptions;
  ignoreExcludeLB?: boolean;
  excludeInterfaces?: string[];
}

export interface SpeakerHandle {
  loop: SpeakerLoop;
  source: KubeSource;
  registry: Registry;
  writes: WriteCounter;
  metricsPort?: number;
  healthPort?: number;
  firstPass: Promise<void>;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function runSpeaker(o: SpeakerOptions): Promise<SpeakerHandle> {
  reuseConnections(o.kubeConfig);
  const log = componentLogger(o.logger, 'main.go');
  const registry = roleRegistry(o.registry);
  const cfgMetrics = configMetrics(registry);
  const writes = new WriteCounter();
  let stopped = false;
  log.info({ version: VERSION, node: o.node, namespace: o.namespace, bgp: o.bgp, layer2: o.layer2 }, 'MetalLB-ts speaker starting');

  const frr = o.bgp && !o.applier
    ? startFrr({
        pathspace: o.vtyshPathspace ?? '', configPath: o.frrConfigFile ?? '/etc/frr/frr.conf', debounceMs: o.bgpDebounceMs, registry,
        logger: componentLogger(o.logger, 'frr.go'), metricsLogger: componentLogger(o.logger, 'frr-metrics'),
      })
    : undefined;
  const applier = o.bgp ? o.applier ?? frr : undefined;
  const ownAnnouncer = o.layer2 && !o.announcer
    ? await startAnnouncer({ registry, logger: componentLogger(o.logger, 'announcer.go'), excludePatterns: o.excludeInterfaces, log })
    : undefined;
  const announcer = o.layer2 ? o.announcer ?? ownAnnouncer : undefined;

  const events = new EventRecorder({ kubeConfig: o.kubeConfig, component: 'metallb-speaker', host: o.node, logger: o.logger, writes, retry: o.retry });
  const statusWriter = new AnnounceStatusWriter({ kubeConfig: o.kubeConfig, namespace: o.namespace, node: o.node, owner: o.owner, logger: o.logger, writes, retry: o.retry });
  const configState = new ConfigStateWriter(o.kubeConfig, { namespace: o.namespace, component: 'speaker', node: o.node, owner: o.owner }, writes, o.retry);
  const publisher = new SpeakerPublisher({ bgp: applier !== undefined, layer2: announcer !== undefined });

  let snapshot: Snapshot | undefined;
  let publishing = Promise.resolve();
  const publish = (plan: NodePlan) => {
    const out = publisher.publish(plan);
    const snap = snapshot;
    publishing = publishing.then(async () => {
      for (const s of out.started) {
        const svc = snap?.services.find((x) => objectKey(x) === s.service);
        if (svc) await events.record(serviceTarget(svc), 'Normal', 'nodeAssigned', `announcing from node ${JSON.stringify(o.node)} with protocol ${JSON.stringify(s.protocol)}`);
      }
      if (await statusWriter.sync(out.statuses, out.wonL2) > 0) republishLater();
    }).catch((err: unknown) => {
      log.error({ op: 'status', error: describeError(err) }, 'could not publish announcement status');
      republishLater();
    });
  };
  // A status write that failed is tried again with the newest plan (no duplicate events: the
  // publisher only reports announcements that started since the plan before).
  let republishTimer: NodeJS.Timeout | undefined;
  const republishLater = () => {
    if (republishTimer || stopped) return;
    republishTimer = setTimeout(() => {
      republishTimer = undefined;
      if (loop.lastPlan && !stopped) publish(loop.lastPlan);
    }, 1000);
  };

  let membership: UdpMembership | undefined;
  const keySource = o.membership ? new MembershipKeySource({ settings: o.membership, namespace: o.namespace, log }) : undefined;
  /** membership is configured but has no key yet: every Node counts as live meanwhile, as with membership off */
  let waitingForKey = false;
  /** members whose packets fail authentication here (another key): reported in ConfigurationState */
  let keyMismatches: string[] = [];
  const loop = new SpeakerLoop({
    node: o.node, hostname: o.hostname ?? osHostname(), logLevel: o.logLevel, lbClass: o.lbClass, ignoreExcludeLB: o.ignoreExcludeLB,
    logger: componentLogger(o.logger, 'main.go'), registry, applier, announcer,
    members: o.membership ? () => membership?.liveMembers() ?? (waitingForKey ? undefined : new Set([o.node])) : undefined,
    onPlan: publish,
    interfaceRecheckMs: o.interfaceRecheckMs,
    onAnnounceFailed: (f) => {
      const snap = snapshot;
      publishing = publishing.then(async () => {
        for (const key of f.services) {
          const svc = snap?.services.find((x) => objectKey(x) === key);
          if (svc) await events.record(serviceTarget(svc), 'Warning', 'announceFailed', `the interfaces specified by LB IP ${JSON.stringify(f.ip)} doesn't exist in assigned node ${JSON.stringify(o.node)} with protocol "layer2"`);
        }
      }).catch((err: unknown) => log.error({ op: 'event', error: describeError(err) }, 'could not record announceFailed'));
    },
  });

  let nodeConfig: Config | undefined;
  const reconcile = async (snap: Snapshot) => {
    cfgMetrics.updates.inc();
    snapshot = snap;
    const built = buildConfig(snap, { node: o.node, namespace: o.namespace });
    if (!built.ok) {
      const lines = [...new Set(built.errors.map(formatConfigError))];
      for (const e of lines) log.error({ op: 'setConfig', error: e }, 'failed to parse the configuration');
      cfgMetrics.stale.set(1);
      cfgMetrics.updateErrors.inc();
      const pool = built.errors.filter((e) => e.kind === 'IPAddressPool').map(formatConfigError);
      const other = built.errors.filter((e) => e.kind !== 'IPAddressPool').map(formatConfigError);
      await writeState([...new Set(other)], [...new Set(pool)]);
      if (!nodeConfig) return;
    } else {
      const orphaned = nodeConfig ? orphanedByConfig(loop.lastPlan, built.config) : [];
      if (orphaned.length > 0) {
        // Keep the running config until the controller has moved these Services (their new status
        // arrives as a change); retry meanwhile, as upstream's SyncStateError does.
        log.error({ op: 'setConfig', services: orphaned }, 'service has no configuration under new config');
        cfgMetrics.updateErrors.inc();
        retryLater();
      } else {
        nodeConfig = built.config;
        cfgMetrics.stale.set(0);
        cfgMetrics.loaded.set(1);
        await writeState([], []);
      }
    }
    if (!nodeConfig) return;
    if (o.membership) await ensureMembership(snap);
    loop.update(nodeConfig, snap);
  };
  // ConfigurationState speaker-<node>: the configuration's verdicts and, with membership, whether every
  // member shares this speaker's key. Writes are serialised (reconciles and membership both write).
  let lastVerdicts: { config: string[]; pool: string[] } = { config: [], pool: [] };
  let stateChain = Promise.resolve();
  const writeState = (config: string[], pool: string[]): Promise<void> => {
    lastVerdicts = { config, pool };
    const verdicts: ReconcilerVerdict[] = [{ type: 'configReconcilerValid', errors: config }, { type: 'poolReconcilerValid', errors: pool }];
    if (keySource) {
      verdicts.push({ type: 'membershipKeyValid', errors: keyMismatches.length === 0 ? [] : [
        `membership packets from ${keyMismatches.join(', ')} fail authentication: they hold another membership key than this speaker (${keySource.describe()}); give every speaker the same key`,
      ] });
    }
    stateChain = stateChain.then(() => configState.write(verdicts)).then(() => undefined, (err: unknown) => {
      log.warn({ op: 'configurationState', error: describeError(err) }, 'could not write ConfigurationState');
    });
    return stateChain;
  };

  // Members: the speaker Pods (by label, refreshed every minute) or, without labels, the Nodes.
  let podMembers: MemberAddress[] | undefined;
  let podsListedAt = 0;
  const core = o.kubeConfig.makeApiClient(CoreV1Api);
  const ensureMembership = async (snap: Snapshot) => {
    const ms = o.membership!;
    let members: MemberAddress[];
    if (o.memberLabels) {
      if (!podMembers || Date.now() - podsListedAt > 60_000) {
        try {
          const pods = await core.listNamespacedPod({ namespace: o.namespace, labelSelector: o.memberLabels });
          podMembers = pods.items
            .filter((p) => p.spec?.nodeName && p.status?.podIP)
            .map((p) => ({ name: p.spec!.nodeName!, address: p.status!.podIP!, port: ms.port }))
            .sort((a, b) => a.name.localeCompare(b.name));
          podsListedAt = Date.now();
        } catch (err) {
          log.warn({ op: 'membership', error: describeError(err) }, 'could not list speaker pods');
        }
      }
      members = podMembers ?? [];
    } else {
      members = nodeMembers(snap.nodes, ms);
    }
    const key = await keySource!.read(snap);
    if (!key) {
      // keep a running membership on its key; before the first key, plan as with membership off
      waitingForKey = !membership;
      return;
    }
    waitingForKey = false;
    membership?.setKey(key);
    const fresh = !membership;
    membership ??= await joinMembership({
      key, node: o.node, settings: ms, members, registry, logger: o.logger, log,
      noAddressHint: `membership needs this node's address: pass --ml-bind-addr or give Node ${o.node} an InternalIP`,
      onLiveChange: () => loop.membershipChanged(),
    });
    membership?.setMembers(members);
    if (fresh && membership) {
      membership.onKeyMismatchChange((names) => {
        keyMismatches = names;
        void writeState(lastVerdicts.config, lastVerdicts.pool);
      });
    }
  };

  const source = new KubeSource({ kubeConfig: o.kubeConfig, namespace: o.namespace, debounceMs: o.debounceMs, logger: componentLogger(o.logger, 'kube-source') });
  const queue = new LatestWins<Snapshot>(reconcile, (err) => log.error({ op: 'reconcile', error: (err as Error).message }, 'reconcile failed'));
  const submit = (snap: Snapshot) => queue.submit(snap);
  let retryTimer: NodeJS.Timeout | undefined;
  const retryLater = () => {
    if (retryTimer || stopped) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (!stopped && !queue.waiting) submit(source.snapshot());
    }, 1000);
  };

  const servers = await startRoleServers({
    registry, metricsPort: o.metricsPort, metrics: o.metrics ?? { kubeConfig: o.kubeConfig }, healthPort: o.healthPort, healthHost: '127.0.0.1',
    ready: () => queue.started, logger: log,
  });
  source.start();
  void source.synced.then(() => {
    source.on('change', submit);
    submit(source.snapshot());
  });

  return {
    loop, source, registry, writes, metricsPort: servers.metricsPort, healthPort: servers.healthPort, firstPass: queue.firstPass,
    async idle() {
      await queue.idle();
      await publishing;
    },
    async stop() {
      stopped = true;
      if (republishTimer) clearTimeout(republishTimer);
      if (retryTimer) clearTimeout(retryTimer);
      source.removeAllListeners('change');
      await source.stop();
      await queue.drain();
      await publishing;
      loop.stop();
      frr?.stop();
      ownAnnouncer?.stop();
      await membership?.close({ leave: true });
      await servers.close();
    },
  };
}
