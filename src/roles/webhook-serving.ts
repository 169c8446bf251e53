// The admission and conversion webhooks as the controller (--webhook-mode enabled or onlywebhook) and
// `metallb-ts webhook` serve them: a WebhookServer reading through the kube source, with its
// certificate either owned by this process (WebhookCertRotator: the webhook Secret, the caBundles)
// or read from a directory (--disable-cert-rotation: cert-manager's or the user's Secret mounted
// there; its ca.crt, when present, still goes into the BGPPeer CRD's conversion caBundle).
// Nothing here blocks: without a certificate the server listens, answers no handshake, and
// `ready()` is false until one exists.
import type { KubeConfig } from '@kubernetes/client-node';
import { Gauge, type Registry } from 'prom-client';
import { DirCertSource, type CertSource } from '../certs/source.js';
import { admissionLister, type KubeSource } from '../sources/kube/source.js';
import { reuseConnections } from '../status/kube-connections.js';
import type { Logger } from '../util/log.js';
import { WebhookServer } from '../webhook/server.js';
import { BGPPEER_CRD, ConversionCaSync, WEBHOOK_CONFIGURATION } from './conversion-ca.js';
import { WebhookCertRotator, type WebhookCertOptions } from './webhook-certs.js';

export type WebhookCerts =
  | ({ mode: 'rotate' } & Partial<Pick<WebhookCertOptions, 'secretName' | 'serviceName' | 'caValidityMs' | 'certValidityMs' | 'renewBeforeMs' | 'checkMs'>>
    & { webhookConfiguration?: string; conversionCrd?: string })
  | { mode: 'dir'; dir: string; checkMs?: number; caCheckMs?: number };

export interface WebhookServingOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  source: KubeSource;
  logger: Logger;
  registry?: Registry;
  port: number;
  host?: string;
  certs: WebhookCerts;
}

export interface WebhookServing {
  server: WebhookServer;
  port: number;
  certs: CertSource;
  rotator?: WebhookCertRotator;
  ready(): boolean;
  stop(): Promise<void>;
}

export async function startWebhookServing(o: WebhookServingOptions): Promise<WebhookServing> {
  const log = o.logger;
  // Every review lists objects: without this each list would build (and keep) its own HTTP agent.
  reuseConnections(o.kubeConfig);
  let certs: CertSource;
  let rotator: WebhookCertRotator | undefined;
  let caSync: ConversionCaSync | undefined;
  if (o.certs.mode === 'rotate') {
    rotator = new WebhookCertRotator({
      kubeConfig: o.kubeConfig, namespace: o.namespace, logger: log, ...o.certs,
      targets: { webhookConfiguration: o.certs.webhookConfiguration ?? WEBHOOK_CONFIGURATION, conversionCrd: o.certs.conversionCrd ?? BGPPEER_CRD },
    });
    certs = rotator.certs;
  } else {
    const dir = o.certs.dir;
    const source = new DirCertSource({
      dir, checkMs: o.certs.checkMs,
      onProblem: (message) => log.error({ op: 'webhook', dir }, `${message}; the webhooks are not served until it is there`),
      onLoaded: () => log.info({ op: 'webhook', dir }, 'loaded the webhook certificate'),
    });
    await source.ready;
    certs = source;
    caSync = new ConversionCaSync({ kubeConfig: o.kubeConfig, certDir: dir, logger: log, checkMs: o.certs.caCheckMs });
  }
  const server = new WebhookServer({
    namespace: o.namespace, certs, logger: log,
    // MetalLB objects fresh from the API on each review (as upstream's API reader), Nodes and
    // Namespaces from the caches; before the caches have synced, reviews are denied at once.
    lister: admissionLister(o.source, o.kubeConfig, o.namespace),
    canRead: () => o.source.isReady,
  });
  const port = await server.listen(o.port, o.host);
  log.info({ op: 'startup', port, certificates: o.certs.mode === 'rotate' ? 'controller-owned' : o.certs.dir }, 'webhook server listening');
  if (o.registry) {
    new Gauge({
      name: 'metallb_webhook_ready', help: '1 while the admission webhook has a serving certificate and can read the current objects',
      registers: [o.registry], collect() { this.set(server.ready() && o.source.isReady ? 1 : 0); },
    });
  }
  rotator?.start();
  await caSync?.start();
  return {
    server, port, certs, rotator,
    ready: () => server.ready(),
    async stop() {
      await rotator?.stop();
      await caSync?.stop();
      certs.stop();
      await server.close();
    },
  };
}
