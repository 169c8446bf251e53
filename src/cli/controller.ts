// `metallb-ts controller`: allocation and status for a cluster (see src/roles/controller.ts). Flags
// keep upstream's names: --port (HTTPS metrics), --metrics-cert-dir, --health-probe-port,
// --webhook-mode, --cert-dir, --cert-service-name, --webhook-secret, --disable-cert-rotation,
// --ml-secret-name and --deployment (env METALLB_ML_SECRET_NAME, METALLB_DEPLOYMENT).
import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { podOwner, runController, type ControllerHandle } from '../roles/controller.js';
import type { MetricsSecurity } from '../roles/role-servers.js';
import { loadKubeConfig } from '../sources/kube/client.js';
import { resolveNamespace } from '../sources/kube/namespace.js';
import { createLogger, parseLogLevel } from '../util/log.js';
import { DEFAULT_CERT_DIR, DEFAULT_CERT_SERVICE, DEFAULT_WEBHOOK_SECRET, runWebhook } from './webhook.js';

export type WebhookMode = 'enabled' | 'disabled' | 'onlywebhook';

/** --kubeconfig PATH, else in-cluster / KUBECONFIG / ~/.kube/config. */
export function kubeConfigFrom(path: string | undefined): KubeConfig {
  if (!path) return loadKubeConfig();
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

export function port(flag: string, v: unknown, min = 0): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > 65535) throw new Error(`${flag} "${String(v)}" is invalid: use a TCP port number`);
  return n;
}

/** --port's metrics server: HTTPS with TokenReview + SubjectAccessReview unless --metrics-insecure. */
export function metricsSecurity(opts: Record<string, unknown>, kubeConfig: KubeConfig): MetricsSecurity {
  if (opts.metricsInsecure === true) return { insecure: true };
  return { kubeConfig, certDir: typeof opts.metricsCertDir === 'string' && opts.metricsCertDir !== '' ? opts.metricsCertDir : undefined };
}

/** The metrics flags both roles take. */
export function addMetricsOptions(cmd: Command): Command {
  return cmd
    .option('--port <port>', 'HTTPS port of /metrics (0 = off); callers need a bearer token allowed to get /metrics', '9120')
    .option('--metrics-cert-dir <dir>', 'directory with tls.crt and tls.key for /metrics (reloaded when they change; default: a self-signed certificate made at start)')
    .option('--metrics-insecure', 'serve /metrics over plain HTTP to anyone who reaches the port (no TLS, no token)');
}

export function register(program: Command): void {
  const cmd = program
    .command('controller')
    .description('allocate LoadBalancer IPs in a cluster and write Service status, events, pool status and ConfigurationState')
    .option('--namespace <ns>', 'the MetalLB namespace (default: METALLB_NAMESPACE, else the pod namespace)')
    .option('--lb-class <name>', 'handle only Services of this loadBalancerClass (default: only Services without a class)')
    .option('--log-level <level>', 'all, debug, info, warn, error or none', 'info');
  addMetricsOptions(cmd)
    .option('--health-probe-port <port>', 'port of /healthz and /readyz (plain HTTP)', '17472')
    .option('--webhook-mode <mode>', 'enabled (serve the admission webhooks too), disabled, or onlywebhook', 'enabled')
    .option('--webhook-port <port>', 'HTTPS port of the webhooks', '9443')
    .option('--disable-cert-rotation', 'do not make the webhook certificates: read tls.crt and tls.key from --cert-dir (e.g. cert-manager\'s Secret)')
    .option('--cert-dir <dir>', 'with --disable-cert-rotation: directory holding the webhook\'s tls.crt and tls.key (and ca.crt, copied into the BGPPeer CRD\'s conversion caBundle)', DEFAULT_CERT_DIR)
    .option('--cert-service-name <name>', 'the webhook Service; the certificate the controller makes is for <name>.<namespace>.svc', DEFAULT_CERT_SERVICE)
    .option('--webhook-secret <name>', 'the Secret the controller keeps the webhook CA and certificate in', DEFAULT_WEBHOOK_SECRET)
    .option('--ml-secret-name <name>', 'create this memberlist Secret (key secretkey) when it does not exist (env METALLB_ML_SECRET_NAME)', process.env.METALLB_ML_SECRET_NAME)
    .option('--deployment <name>', 'this controller\'s Deployment, owner of the memberlist Secret (env METALLB_DEPLOYMENT)', process.env.METALLB_DEPLOYMENT)
    .option('--kubeconfig <path>', 'kubeconfig file (default: in-cluster, else KUBECONFIG or ~/.kube/config)')
    .action(async (opts: ControllerFlags) => {
      try {
        const handle = await startController(opts);
        if (!handle) return; // onlywebhook: runWebhook handles its own lifetime
        const shutdown = () => void handle.stop().then(() => process.exit(0));
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
      } catch (err) {
        process.stderr.write(`metallb-ts controller: ${(err as Error).message}\n`);
        process.exit(1);
      }
    });
}

export type ControllerFlags = Record<string, string | boolean | undefined>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The command's work, from its parsed flags; undefined in onlywebhook mode. */
export async function startController(opts: ControllerFlags): Promise<ControllerHandle | undefined> {
  const mode = (opts.webhookMode ?? 'enabled') as WebhookMode;
  if (!['enabled', 'disabled', 'onlywebhook'].includes(mode)) throw new Error(`--webhook-mode "${mode}" is invalid: use enabled, disabled or onlywebhook`);
  const certDir = str(opts.certDir) ?? DEFAULT_CERT_DIR;
  const rotate = opts.disableCertRotation !== true;
  if (mode === 'onlywebhook') {
    if (opts.kubeconfig) process.env.KUBECONFIG = String(opts.kubeconfig);
    await runWebhook({
      port: str(opts.webhookPort) ?? '9443', certDir, namespace: str(opts.namespace), logLevel: str(opts.logLevel) ?? 'info',
      certRotation: rotate, webhookSecret: str(opts.webhookSecret), certServiceName: str(opts.certServiceName),
    });
    return undefined;
  }
  const logger = createLogger(parseLogLevel(str(opts.logLevel) ?? 'info'));
  const metricsPort = port('--port', opts.port ?? '9120');
  const kubeConfig = kubeConfigFrom(str(opts.kubeconfig));
  return runController({
    kubeConfig,
    namespace: resolveNamespace(str(opts.namespace)),
    lbClass: str(opts.lbClass),
    logger,
    metricsPort: metricsPort === 0 ? undefined : metricsPort,
    metrics: metricsSecurity(opts, kubeConfig),
    healthPort: port('--health-probe-port', opts.healthProbePort ?? '17472'),
    webhook: mode === 'enabled' ? {
      port: port('--webhook-port', opts.webhookPort ?? '9443'),
      certs: rotate
        ? { mode: 'rotate', secretName: str(opts.webhookSecret) ?? DEFAULT_WEBHOOK_SECRET, serviceName: str(opts.certServiceName) ?? DEFAULT_CERT_SERVICE }
        : { mode: 'dir', dir: certDir },
    } : undefined,
    memberlistSecret: str(opts.mlSecretName) ? { name: str(opts.mlSecretName)!, deployment: str(opts.deployment) } : undefined,
    owner: podOwner(),
  });
}
