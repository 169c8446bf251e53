// The metrics side every role sets up the same way: its own prom-client registry with the process
// metrics (unless a test passes one), the /metrics server and, on its own port, the plain-HTTP
// /healthz and /readyz server for the kubelet.
//
// /metrics is secure by default, as upstream 0.16: HTTPS, and only for callers whose bearer token a
// TokenReview accepts and whose user a SubjectAccessReview allows `get` on /metrics. The serving
// certificate comes from --metrics-cert-dir (tls.crt, tls.key; reloaded when they change) or is made
// self-signed in memory at start. `insecure` (--metrics-insecure) serves plain HTTP to anyone.
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createServingCert } from '../certs/generate.js';
import { CertHolder, DirCertSource, type CertSource } from '../certs/source.js';
import { MetricsAuthorizer, type MetricsAuthOptions } from '../metrics/auth.js';
import { startMetricsServer } from '../metrics/server.js';
import type { Logger } from '../util/log.js';

/** The registry a test gave, else a new one with prom-client's default process and Node.js metrics. */
export function roleRegistry(given?: Registry): Registry {
  if (given) return given;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export type MetricsSecurity =
  | { insecure: true }
  | ({ insecure?: false; kubeConfig: KubeConfig; certDir?: string } & Pick<MetricsAuthOptions, 'allowedTtlMs' | 'deniedTtlMs'>);

export interface RoleServersOptions {
  registry: Registry;
  /** /metrics port; undefined = no server, 0 = any free port */
  metricsPort?: number;
  /** how /metrics is protected (required with metricsPort) */
  metrics?: MetricsSecurity;
  /** /healthz, /readyz port; undefined = no server */
  healthPort?: number;
  healthHost?: string;
  /** /readyz answers ok once this is true */
  ready: () => boolean;
  /** words for a not-ready /readyz */
  notReadyReason?: () => string;
  logger?: Logger;
}

export interface RoleServers {
  metricsPort?: number;
  healthPort?: number;
  /** the metrics server's authorizer (secure mode) */
  authorizer?: MetricsAuthorizer;
  /** the metrics server's certificate (secure mode) */
  metricsCerts?: CertSource;
  close(): Promise<void>;
}

/** A self-signed serving certificate for this host, valid for a year (made in memory, never written). */
async function selfSigned(): Promise<CertHolder> {
  const holder = new CertHolder();
  const now = Date.now();
  holder.set(await createServingCert({ dnsNames: [hostname(), 'localhost'], ips: ['127.0.0.1', '::1'], notBefore: now - 3600_000, notAfter: now + 365 * 24 * 3600_000 }));
  return holder;
}

export async function startRoleServers(o: RoleServersOptions): Promise<RoleServers> {
  let tls: CertSource | undefined;
  let authorizer: MetricsAuthorizer | undefined;
  if (o.metricsPort !== undefined) {
    const sec = o.metrics;
    if (!sec) throw new Error('the metrics server needs a security setting');
    if (!sec.insecure) {
      if (sec.certDir) {
        const dir = new DirCertSource({ dir: sec.certDir, onProblem: (message) => o.logger?.error({ op: 'metrics' }, `${message}; /metrics answers no TLS handshake until it is there`) });
        await dir.ready;
        tls = dir;
      } else {
        tls = await selfSigned();
      }
      authorizer = new MetricsAuthorizer({ kubeConfig: sec.kubeConfig, allowedTtlMs: sec.allowedTtlMs, deniedTtlMs: sec.deniedTtlMs, logger: o.logger });
    }
  }
  const metrics = o.metricsPort === undefined ? undefined : await startMetricsServer({
    port: o.metricsPort, registry: o.registry, probes: false, tls, authorize: authorizer ? (h) => authorizer!.check(h) : undefined,
  });
  const health = o.healthPort === undefined ? undefined
    : await startMetricsServer({ port: o.healthPort, host: o.healthHost, registry: o.registry, metrics: false, ready: o.ready, notReadyReason: o.notReadyReason });
  return {
    metricsPort: metrics?.port,
    healthPort: health?.port,
    authorizer,
    metricsCerts: tls,
    async close() {
      await metrics?.close();
      await health?.close();
      tls?.stop();
    },
  };
}
