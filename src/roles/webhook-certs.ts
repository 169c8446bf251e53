// Controller-owned webhook certificates (the default, as upstream's cert rotation): the controller
// keeps a CA and a serving certificate for the webhook Service's DNS names in the webhook Secret
// (upstream's name metallb-webhook-cert and keys ca.crt, ca.key, tls.crt, tls.key), makes new ones
// when they are missing, unusable or within `renewBeforeMs` of expiry (a still-good CA is kept, so
// the caBundle does not change needlessly), writes the CA into the ValidatingWebhookConfiguration
// and the BGPPeer CRD's conversion webhook, and hands the serving pair to the webhook server in
// memory: the server takes a new certificate without a restart and without waiting for the kubelet
// to refresh a Secret mount. Failures are logged and retried; nothing else waits for this.
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { createCA, createServingCert, type KeyPairPem } from '../certs/generate.js';
import { pairProblem, expiresAt, type ServingPair } from '../certs/inspect.js';
import { CertHolder } from '../certs/source.js';
import { describeError, statusCode } from '../status/kube-retry.js';
import type { Logger } from '../util/log.js';
import { injectCaBundle, type CaTargets } from './conversion-ca.js';

const DAY = 24 * 3600 * 1000;

export interface WebhookCertOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** the webhook Secret (default metallb-webhook-cert) */
  secretName?: string;
  /** the webhook Service (default metallb-webhook-service); the certificate names <svc>.<ns>.svc */
  serviceName?: string;
  targets: CaTargets;
  logger: Logger;
  /** validity of a new CA and of a new serving certificate (default 10 years each, as upstream's rotator) */
  caValidityMs?: number;
  certValidityMs?: number;
  /** renew when less than this is left (default 90 days, as upstream's rotator) */
  renewBeforeMs?: number;
  /**
   * how often the Secret and the caBundles are checked (default 10 s: a `helm upgrade` re-applies the
   * ValidatingWebhookConfiguration without a caBundle, and reviews fail until it is set again)
   */
  checkMs?: number;
  now?: () => number;
}

export class WebhookCertRotator {
  /** the serving certificate, for the webhook server */
  readonly certs = new CertHolder();
  private ca: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  private readonly core: CoreV1Api;
  private readonly secretName: string;
  readonly dnsNames: string[];
  private readonly now: () => number;

  constructor(private readonly o: WebhookCertOptions) {
    this.core = o.kubeConfig.makeApiClient(CoreV1Api);
    this.secretName = o.secretName ?? 'metallb-webhook-cert';
    const svc = o.serviceName ?? 'metallb-webhook-service';
    // <svc>.<ns>.svc is the name the API server checks; the others serve clients inside the cluster
    this.dnsNames = [`${svc}.${o.namespace}.svc`, svc, `${svc}.${o.namespace}`, `${svc}.${o.namespace}.svc.cluster.local`];
    this.now = o.now ?? Date.now;
  }

  /** The CA that signed the current serving certificate (PEM). */
  caPem(): string | undefined {
    return this.ca;
  }

  /** Starts the checks; the first runs at once (not awaited: nothing waits for the certificate). */
  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.certs.stop();
  }

  /** One check now (tests); resolves when it is done. */
  async check(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.reconcile().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.check().finally(() => {
        // after a failure: again soon (1 s doubling), else at the normal pace
        const every = this.o.checkMs ?? 10_000;
        const retry = this.failures > 0 ? Math.min(1000 * 2 ** (this.failures - 1), every) : every;
        this.schedule(retry);
      });
    }, ms);
    this.timer.unref();
  }

  private async reconcile(): Promise<void> {
    const log = this.o.logger;
    try {
      const pair = await this.ensureSecret();
      this.ca = pair.ca.cert;
      this.certs.set(pair.serving);
      const injected = await injectCaBundle(this.o.kubeConfig, this.o.targets, pair.ca.cert, log);
      this.failures = injected ? 0 : this.failures + 1;
    } catch (err) {
      this.failures++;
      log.error({ op: 'certRotation', secret: `${this.o.namespace}/${this.secretName}`, error: describeError(err) },
        this.certs.current() ? 'could not check the webhook certificate; still serving the current one' : 'no webhook certificate yet: the webhooks are not served; retrying');
    }
  }

  /** The pair in the Secret, made anew (and written) when missing, unusable or about to expire. */
  private async ensureSecret(): Promise<ServingPair> {
    let secret: V1Secret | undefined;
    try {
      secret = await this.core.readNamespacedSecret({ name: this.secretName, namespace: this.o.namespace });
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
    const data = secret?.data ?? {};
    const text = (k: string) => (data[k] ? Buffer.from(data[k], 'base64').toString('utf8') : '');
    const stored: ServingPair = { ca: { cert: text('ca.crt'), key: text('ca.key') }, serving: { cert: text('tls.crt'), key: text('tls.key') } };
    const renewBy = this.now() + (this.o.renewBeforeMs ?? 90 * DAY);
    const problem = pairProblem(stored, this.dnsNames, renewBy);
    if (!problem) return stored;

    // Keep a CA that is still good (and has its key): only the serving certificate changes then.
    const caProblem = pairProblem({ ca: stored.ca, serving: stored.ca }, [], renewBy);
    const keepCA = stored.ca.cert !== '' && caProblem === undefined;
    const now = this.now();
    const ca: KeyPairPem = keepCA ? stored.ca : await createCA({
      commonName: 'cert', organization: 'metallb', notBefore: now - 3600_000, notAfter: now + (this.o.caValidityMs ?? 10 * 365 * DAY),
    });
    const caEnd = expiresAt(ca.cert);
    const serving = await createServingCert({
      dnsNames: this.dnsNames, organization: 'metallb', notBefore: now - 3600_000,
      // never outlive the CA that signed it
      notAfter: Math.min(now + (this.o.certValidityMs ?? 10 * 365 * DAY), caEnd),
    }, ca);
    const body: V1Secret = {
      apiVersion: 'v1', kind: 'Secret',
      metadata: { name: this.secretName, namespace: this.o.namespace, ...(secret?.metadata?.resourceVersion ? { resourceVersion: secret.metadata.resourceVersion } : {}),
        labels: secret?.metadata?.labels, annotations: secret?.metadata?.annotations, ownerReferences: secret?.metadata?.ownerReferences },
      type: secret?.type ?? 'kubernetes.io/tls',
      data: {
        ...data,
        'ca.crt': b64(ca.cert), 'ca.key': b64(ca.key), 'tls.crt': b64(serving.cert), 'tls.key': b64(serving.key),
      },
    };
    if (secret) await this.core.replaceNamespacedSecret({ name: this.secretName, namespace: this.o.namespace, body });
    else await this.core.createNamespacedSecret({ namespace: this.o.namespace, body });
    this.o.logger.info({ op: 'certRotation', secret: `${this.o.namespace}/${this.secretName}`, reason: secret ? problem : 'no Secret yet', newCA: !keepCA,
      expires: new Date(expiresAt(serving.cert)).toISOString() }, 'wrote a new webhook certificate');
    return { ca, serving };
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
