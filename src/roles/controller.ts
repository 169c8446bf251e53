// `metallb-ts controller` in a cluster: the kube source's informers feed the reconciler (allocation,
// Service status, conditions, events, pool status, ConfigurationState). Nothing is allocated before
// every cache has synced and every existing assignment is loaded from Service status. Reconciles are
// serialised; snapshots arriving during one coalesce into the next. Optionally serves the admission
// webhooks in-process (--webhook-mode enabled) with controller-owned or mounted certificates, and
// creates the memberlist Secret. Allocation never waits for either: without a webhook certificate
// the controller allocates and reports the webhook not ready (/readyz, log, metallb_webhook_ready).
import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { OwnerReference } from '../api/meta.js';
import type { Snapshot } from '../api/snapshot.js';
import { KubeSource } from '../sources/kube/source.js';
import { reuseConnections } from '../status/kube-connections.js';
import type { RetryOptions } from '../status/kube-retry.js';
import { componentLogger, type Logger } from '../util/log.js';
import { ControllerReconciler } from './controller-reconciler.js';
import { LatestWins } from './latest-wins.js';
import { keepMemberlistSecret } from './memberlist-secret.js';
import { roleRegistry, startRoleServers, type MetricsSecurity } from './role-servers.js';
import { startWebhookServing, type WebhookCerts, type WebhookServing } from './webhook-serving.js';
import { VERSION } from '../util/version.js';

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  lbClass?: string;
  logger: Logger;
  registry?: Registry;
  /** /metrics port; undefined = no server, 0 = any free port */
  metricsPort?: number;
  /** default: HTTPS with TokenReview + SubjectAccessReview through this kubeConfig, self-signed */
  metrics?: MetricsSecurity;
  /** /healthz, /readyz port; undefined = no server */
  healthPort?: number;
  healthHost?: string;
  /** serve the admission webhooks in-process, with controller-owned certificates or from a directory */
  webhook?: { port: number; host?: string; certs: WebhookCerts };
  /** create the memberlist Secret (--ml-secret-name) owned by this Deployment (--deployment) */
  memberlistSecret?: { name: string; deployment?: string };
  debounceMs?: number;
  retry?: RetryOptions;
  writeConcurrency?: number;
  announcedCondition?: boolean;
  /** ConfigurationState is owner-referenced to this Pod when known */
  owner?: OwnerReference;
}

export interface ControllerHandle {
  reconciler: ControllerReconciler;
  source: KubeSource;
  registry: Registry;
  metricsPort?: number;
  healthPort?: number;
  webhookPort?: number;
  webhook?: WebhookServing;
  /** resolves after the first full pass over every Service */
  firstPass: Promise<void>;
  /** resolves when no reconcile runs or waits */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function runController(o: ControllerOptions): Promise<ControllerHandle> {
  reuseConnections(o.kubeConfig);
  const log = componentLogger(o.logger, 'main.go');
  const registry = roleRegistry(o.registry);
  const reconciler = new ControllerReconciler({
    kubeConfig: o.kubeConfig, namespace: o.namespace, lbClass: o.lbClass, logger: componentLogger(o.logger, 'service_controller.go'),
    registry, retry: o.retry, writeConcurrency: o.writeConcurrency, announcedCondition: o.announcedCondition, owner: o.owner,
  });
  const source = new KubeSource({ kubeConfig: o.kubeConfig, namespace: o.namespace, debounceMs: o.debounceMs, logger: componentLogger(o.logger, 'kube-source') });
  log.info({ version: VERSION, namespace: o.namespace, lbClass: o.lbClass ?? '' }, 'MetalLB-ts controller starting');

  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = 1000;
  const queue = new LatestWins<Snapshot>(async (snap) => {
    let failed = false;
    try {
      await reconciler.reconcile(snap);
      failed = reconciler.lastPass.failures > 0;
    } catch (err) {
      failed = true;
      log.error({ op: 'reconcile', error: (err as Error).message }, 'reconcile failed');
    }
    // Writes that failed after their retries are tried again with the newest view, with backoff
    // (upstream requeues the same way); any change of the objects retries sooner.
    if (failed && !stopped) {
      if (!retryTimer) {
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          if (!stopped && !queue.waiting) submit(source.snapshot());
        }, retryMs);
        retryMs = Math.min(retryMs * 2, 30_000);
      }
    } else if (!failed) {
      retryMs = 1000;
    }
  }, (err) => log.error({ op: 'reconcile', error: String(err) }, 'reconcile failed'));
  const submit = (snap: Snapshot) => queue.submit(snap);

  const webhook = o.webhook ? await startWebhookServing({
    kubeConfig: o.kubeConfig, namespace: o.namespace, source, logger: componentLogger(o.logger, 'webhook.go'), registry,
    port: o.webhook.port, host: o.webhook.host, certs: o.webhook.certs,
  }) : undefined;
  const mlSecret = o.memberlistSecret
    ? keepMemberlistSecret({ kubeConfig: o.kubeConfig, namespace: o.namespace, name: o.memberlistSecret.name, deployment: o.memberlistSecret.deployment, logger: log })
    : undefined;
  const servers = await startRoleServers({
    registry, metricsPort: o.metricsPort, metrics: o.metrics ?? { kubeConfig: o.kubeConfig }, healthPort: o.healthPort, healthHost: o.healthHost, logger: log,
    // Ready once allocating and, with the webhooks, able to serve them (the webhook Service only
    // sends reviews to a ready Pod); allocation itself never waits for the webhook.
    ready: () => queue.started && (webhook?.ready() ?? true),
    notReadyReason: () => (!queue.started ? 'not ready: the caches have not synced yet' : 'not ready: the webhook has no serving certificate yet'),
  });

  source.start();
  // Order matters (P7): every cache synced, then every existing assignment loaded, then allocation.
  void source.synced.then(() => {
    const snap = source.snapshot();
    reconciler.seed(snap);
    source.on('change', submit);
    submit(snap);
  });

  return {
    reconciler, source, registry, metricsPort: servers.metricsPort, healthPort: servers.healthPort, webhookPort: webhook?.port, webhook, firstPass: queue.firstPass,
    idle: () => queue.idle(),
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      source.removeAllListeners('change');
      await source.stop();
      await queue.drain();
      mlSecret?.stop();
      await mlSecret?.done;
      await webhook?.stop();
      await servers.close();
    },
  };
}

/** The Pod this process runs in, from the downward API (METALLB_POD_NAME / METALLB_POD_UID). */
export function podOwner(env: NodeJS.ProcessEnv = process.env): OwnerReference | undefined {
  const name = env.METALLB_POD_NAME;
  const uid = env.METALLB_POD_UID;
  return name && uid ? { apiVersion: 'v1', kind: 'Pod', name, uid } : undefined;
}
