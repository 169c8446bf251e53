// `metallb-ts webhook --port 9443 --cert-dir DIR --namespace NS [--log-level L]`: the validating
// admission webhooks and the BGPPeer conversion webhook, reading the current objects through the
// kube source. Certificates from --cert-dir (reloaded when they change), or, with --cert-rotation,
// owned by this process (the webhook Secret, the caBundles) as the controller does.
import type { Command } from 'commander';
import { startWebhookServing, type WebhookServing } from '../roles/webhook-serving.js';
import { KubeSource } from '../sources/kube/source.js';
import { loadKubeConfig } from '../sources/kube/client.js';
import { resolveNamespace } from '../sources/kube/namespace.js';
import { componentLogger, createLogger, parseLogLevel } from '../util/log.js';

export const DEFAULT_CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';
export const DEFAULT_WEBHOOK_SECRET = 'metallb-webhook-cert';
export const DEFAULT_CERT_SERVICE = 'metallb-webhook-service';

export interface WebhookOptions {
  port: string;
  certDir: string;
  namespace?: string;
  logLevel: string;
  /** own the certificates (webhook Secret, caBundles) instead of reading --cert-dir */
  certRotation?: boolean;
  webhookSecret?: string;
  certServiceName?: string;
}

export async function runWebhook(opts: WebhookOptions): Promise<{ serving: WebhookServing; source: KubeSource; port: number }> {
  const logger = createLogger(parseLogLevel(opts.logLevel));
  const log = componentLogger(logger, 'webhook.go');
  const namespace = resolveNamespace(opts.namespace);
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port "${opts.port}": use a TCP port number`);
  const kc = loadKubeConfig();
  const source = new KubeSource({ kubeConfig: kc, namespace, logger: componentLogger(logger, 'kube-source') }).start();
  const serving = await startWebhookServing({
    kubeConfig: kc, namespace, source, logger: log, port,
    certs: opts.certRotation
      ? { mode: 'rotate', secretName: opts.webhookSecret ?? DEFAULT_WEBHOOK_SECRET, serviceName: opts.certServiceName ?? DEFAULT_CERT_SERVICE }
      : { mode: 'dir', dir: opts.certDir },
  });
  const stop = () => {
    void Promise.all([serving.stop(), source.stop()]).finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return { serving, source, port: serving.port };
}

export function register(program: Command): void {
  program
    .command('webhook')
    .description('serve the validating admission webhooks and the BGPPeer conversion webhook (HTTPS)')
    .option('--port <port>', 'HTTPS port', '9443')
    .option('--cert-dir <dir>', 'directory holding tls.crt and tls.key (reloaded when they change)', DEFAULT_CERT_DIR)
    .option('--cert-rotation', 'make and rotate the certificates in the webhook Secret and set the caBundles, instead of reading --cert-dir')
    .option('--webhook-secret <name>', 'with --cert-rotation: the Secret holding the webhook certificates', DEFAULT_WEBHOOK_SECRET)
    .option('--cert-service-name <name>', 'with --cert-rotation: the webhook Service; the certificate is for <name>.<namespace>.svc', DEFAULT_CERT_SERVICE)
    .option('--namespace <ns>', 'the MetalLB namespace (default: METALLB_NAMESPACE, else the pod namespace)')
    .option('--log-level <level>', 'all, debug, info, warn, error or none', 'info')
    .action(async (opts: WebhookOptions) => {
      try {
        await runWebhook(opts);
      } catch (err) {
        process.stderr.write(`metallb-ts webhook: ${(err as Error).message}\n`);
        process.exit(1);
      }
    });
}
