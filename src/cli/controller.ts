// `metallb-ts controller`: allocation and status for a cluster (see src/roles/controller.ts).
import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { podOwner, runController, type ControllerHandle } from '../roles/controller.js';
import { ConversionCaSync } from '../roles/conversion-ca.js';
import { loadKubeConfig } from '../sources/kube/client.js';
import { resolveNamespace } from '../sources/kube/namespace.js';
import { componentLogger, createLogger, parseLogLevel } from '../util/log.js';
import { DEFAULT_CERT_DIR, runWebhook } from './webhook.js';

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

export function register(program: Command): void {
  program
    .command('controller')
    .description('allocate LoadBalancer IPs in a cluster and write Service status, events, pool status and ConfigurationState')
    .option('--namespace <ns>', 'the MetalLB namespace (default: METALLB_NAMESPACE, else the pod namespace)')
    .option('--lb-class <name>', 'handle only Services of this loadBalancerClass (default: only Services without a class)')
    .option('--log-level <level>', 'all, debug, info, warn, error or none', 'info')
    .option('--port <port>', 'metrics port (0 = off)', '9120')
    .option('--health-probe-port <port>', 'port of /healthz and /readyz', '17472')
    .option('--webhook-mode <mode>', 'enabled (serve the admission webhooks too), disabled, or onlywebhook', 'enabled')
    .option('--webhook-port <port>', 'HTTPS port of the webhooks', '9443')
    .option('--cert-dir <dir>', 'directory holding the webhook\'s tls.crt and tls.key (and ca.crt, copied into the BGPPeer CRD\'s conversion caBundle)', DEFAULT_CERT_DIR)
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

export type ControllerFlags = Record<string, string | undefined>;

/** The command's work, from its parsed flags; undefined in onlywebhook mode. */
export async function startController(opts: ControllerFlags): Promise<ControllerHandle | undefined> {
  const mode = (opts.webhookMode ?? 'enabled') as WebhookMode;
  if (!['enabled', 'disabled', 'onlywebhook'].includes(mode)) throw new Error(`--webhook-mode "${mode}" is invalid: use enabled, disabled or onlywebhook`);
  if (mode === 'onlywebhook') {
    if (opts.kubeconfig) process.env.KUBECONFIG = opts.kubeconfig;
    const certDir = opts.certDir ?? DEFAULT_CERT_DIR;
    await runWebhook({ port: opts.webhookPort ?? '9443', certDir, namespace: opts.namespace, logLevel: opts.logLevel ?? 'info' });
    // The conversion webhook is served here too, so its CA goes into the BGPPeer CRD from here.
    const logger = componentLogger(createLogger(parseLogLevel(opts.logLevel ?? 'info')), 'webhook.go');
    await new ConversionCaSync({ kubeConfig: loadKubeConfig(), certDir, logger }).start();
    return undefined;
  }
  const logger = createLogger(parseLogLevel(opts.logLevel ?? 'info'));
  const metricsPort = port('--port', opts.port ?? '9120');
  return runController({
    kubeConfig: kubeConfigFrom(opts.kubeconfig),
    namespace: resolveNamespace(opts.namespace),
    lbClass: opts.lbClass,
    logger,
    metricsPort: metricsPort === 0 ? undefined : metricsPort,
    healthPort: port('--health-probe-port', opts.healthProbePort ?? '17472'),
    webhook: mode === 'enabled' ? { port: port('--webhook-port', opts.webhookPort ?? '9443'), certDir: opts.certDir ?? DEFAULT_CERT_DIR } : undefined,
    owner: podOwner(),
  });
}
