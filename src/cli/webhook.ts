// `metallb-ts webhook --port 9443 --cert-dir DIR --namespace NS [--log-level L]`: the validating
// admission webhooks and the BGPPeer conversion webhook, reading the current objects from the
// kube source's informers.
import type { Command } from 'commander';
import { KubeSource, admissionLister } from '../sources/kube/source.js';
import { loadKubeConfig } from '../sources/kube/client.js';
import { resolveNamespace } from '../sources/kube/namespace.js';
import { componentLogger, createLogger, parseLogLevel } from '../util/log.js';
import { WebhookServer } from '../webhook/server.js';

export const DEFAULT_CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';

interface WebhookOptions {
  port: string;
  certDir: string;
  namespace?: string;
  logLevel: string;
}

export async function runWebhook(opts: WebhookOptions): Promise<{ server: WebhookServer; source: KubeSource; port: number }> {
  const logger = createLogger(parseLogLevel(opts.logLevel));
  const log = componentLogger(logger, 'webhook.go');
  const namespace = resolveNamespace(opts.namespace);
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port "${opts.port}": use a TCP port number`);
  const kc = loadKubeConfig();
  const source = new KubeSource({ kubeConfig: kc, namespace, logger: componentLogger(logger, 'kube-source') }).start();
  const server = new WebhookServer({
    namespace,
    certDir: opts.certDir,
    // MetalLB objects read fresh on each review (as upstream's API reader), Nodes and Namespaces from
    // the caches; nothing is judged before every cache has listed.
    lister: admissionLister(source, kc, namespace),
    logger: log,
  });
  const bound = await server.listen(port);
  log.info({ op: 'startup', port: bound, namespace, certDir: opts.certDir }, 'webhook server listening');
  const stop = () => {
    void Promise.all([server.close(), source.stop()]).finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return { server, source, port: bound };
}

export function register(program: Command): void {
  program
    .command('webhook')
    .description('serve the validating admission webhooks and the BGPPeer conversion webhook (HTTPS)')
    .option('--port <port>', 'HTTPS port', '9443')
    .option('--cert-dir <dir>', 'directory holding tls.crt and tls.key (reloaded when they change)', DEFAULT_CERT_DIR)
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
