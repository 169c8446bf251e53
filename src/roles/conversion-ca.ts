// The BGPPeer CRD converts v1beta1 <-> v1beta2 through the controller's webhook; the API server only
// trusts that webhook when the CRD's spec.conversion.webhook.clientConfig.caBundle holds the CA that
// signed the serving certificate. The chart generates CA + certificate into the webhook Secret that is
// mounted as the cert dir (ca.crt, tls.crt, tls.key), so the controller copies ca.crt into the CRD at
// start-up and again whenever the mounted file changes (Secret rotation), patching only on a change.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { MERGE_PATCH, describeError } from '../status/kube-retry.js';
import type { Logger } from '../util/log.js';

export const BGPPEER_CRD = 'bgppeers.metallb.io';

export interface ConversionCaOptions {
  kubeConfig: KubeConfig;
  /** the webhook cert dir; its ca.crt is the bundle */
  certDir: string;
  logger: Logger;
  crdName?: string;
  /** how often ca.crt is re-read; the kubelet updates Secret mounts within about a minute */
  checkMs?: number;
}

export type CaSyncResult = 'patched' | 'unchanged' | 'no-ca' | 'no-webhook-conversion';

export class ConversionCaSync {
  private readonly api: ApiextensionsV1Api;
  private readonly crd: string;
  /** the ca.crt text last confirmed in the CRD; a change of the file triggers a new check */
  private synced: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly o: ConversionCaOptions) {
    this.api = o.kubeConfig.makeApiClient(ApiextensionsV1Api);
    this.crd = o.crdName ?? BGPPEER_CRD;
  }

  /** First sync (failures are logged and retried at the next check), then the periodic check. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.o.checkMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): Promise<unknown> {
    if (this.running) return this.running;
    this.running = this.sync()
      .catch((err: unknown) => this.o.logger.error({ op: 'conversionCA', crd: this.crd, error: describeError(err) }, 'could not set the conversion webhook caBundle; retrying'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Makes the CRD's caBundle match ca.crt when it does not already. */
  async sync(): Promise<CaSyncResult> {
    let pem: string;
    try {
      pem = await readFile(join(this.o.certDir, 'ca.crt'), 'utf8');
    } catch {
      return 'no-ca'; // certificates not from the chart (e.g. cert-manager injects the bundle itself)
    }
    if (pem === this.synced) return 'unchanged';
    const bundle = Buffer.from(pem).toString('base64');
    const crd = await this.api.readCustomResourceDefinition({ name: this.crd });
    if (crd.spec.conversion?.strategy !== 'Webhook') {
      this.synced = pem; // nothing to trust: a caBundle is refused without webhook conversion
      return 'no-webhook-conversion';
    }
    if (crd.spec.conversion.webhook?.clientConfig?.caBundle === bundle) {
      this.synced = pem;
      return 'unchanged';
    }
    await this.api.patchCustomResourceDefinition(
      { name: this.crd, body: { spec: { conversion: { webhook: { clientConfig: { caBundle: bundle } } } } } },
      MERGE_PATCH,
    );
    this.synced = pem;
    this.o.logger.info({ op: 'conversionCA', crd: this.crd }, 'set the conversion webhook caBundle from ca.crt');
    return 'patched';
  }
}
