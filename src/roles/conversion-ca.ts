// The API server trusts a webhook only when the caBundle it calls it with holds the CA that signed
// the serving certificate: the BGPPeer CRD's spec.conversion.webhook.clientConfig.caBundle for the
// conversion webhook, each webhook's clientConfig.caBundle in the ValidatingWebhookConfiguration for
// the admission webhooks. The functions here make those bundles equal to a given CA, reading first
// and patching only on a difference (a restarted controller writes nothing).
//
// ConversionCaSync serves the certificates-from-files mode (--disable-cert-rotation): it copies the
// cert dir's ca.crt (when the Secret has one) into the CRD at start-up and whenever the file changes.
// With controller-owned certificates (src/roles/webhook-certs.ts) the rotator calls injectCaBundle.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AdmissionregistrationV1Api, ApiextensionsV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { MERGE_PATCH, describeError } from '../status/kube-retry.js';
import type { Logger } from '../util/log.js';

export const BGPPEER_CRD = 'bgppeers.metallb.io';
export const WEBHOOK_CONFIGURATION = 'metallb-webhook-configuration';

const JSON_PATCH = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

export type CaSyncResult = 'patched' | 'unchanged' | 'no-ca' | 'no-webhook-conversion';

/** Makes the CRD's conversion caBundle equal to `pem` (base64 of the PEM text). */
export async function injectConversionCa(api: ApiextensionsV1Api, crdName: string, pem: string): Promise<CaSyncResult> {
  const bundle = Buffer.from(pem).toString('base64');
  const crd = await api.readCustomResourceDefinition({ name: crdName });
  // without webhook conversion there is nothing to trust, and the API server refuses a caBundle
  if (crd.spec.conversion?.strategy !== 'Webhook') return 'no-webhook-conversion';
  if (crd.spec.conversion.webhook?.clientConfig?.caBundle === bundle) return 'unchanged';
  await api.patchCustomResourceDefinition(
    { name: crdName, body: { spec: { conversion: { webhook: { clientConfig: { caBundle: bundle } } } } } },
    MERGE_PATCH,
  );
  return 'patched';
}

/**
 * Makes every webhook's caBundle in the ValidatingWebhookConfiguration equal to `pem`. A JSON patch
 * per webhook, guarded by a test of its name, so a configuration changed meanwhile is not overwritten
 * by position (merge patches would replace the whole webhooks list).
 */
export async function injectWebhookCa(api: AdmissionregistrationV1Api, name: string, pem: string): Promise<CaSyncResult> {
  const bundle = Buffer.from(pem).toString('base64');
  const vwc = await api.readValidatingWebhookConfiguration({ name });
  const ops = (vwc.webhooks ?? []).flatMap((w, i) => (w.clientConfig?.caBundle === bundle ? [] : [
    { op: 'test', path: `/webhooks/${i}/name`, value: w.name },
    { op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: bundle },
  ]));
  if (ops.length === 0) return 'unchanged';
  await api.patchValidatingWebhookConfiguration({ name, body: ops }, JSON_PATCH);
  return 'patched';
}

export interface CaTargets {
  /** the ValidatingWebhookConfiguration's name; undefined = leave it alone */
  webhookConfiguration?: string;
  /** the CRD with the conversion webhook; undefined = leave it alone */
  conversionCrd?: string;
}

/** Both injections; each target's result, or its error (the other target is still done). */
export async function injectCaBundle(kc: KubeConfig, targets: CaTargets, pem: string, log: Logger): Promise<boolean> {
  let ok = true;
  if (targets.webhookConfiguration) {
    try {
      const r = await injectWebhookCa(kc.makeApiClient(AdmissionregistrationV1Api), targets.webhookConfiguration, pem);
      if (r === 'patched') log.info({ op: 'caBundle', webhookConfiguration: targets.webhookConfiguration }, 'set the admission webhooks\' caBundle');
    } catch (err) {
      ok = false;
      log.error({ op: 'caBundle', webhookConfiguration: targets.webhookConfiguration, error: describeError(err) }, 'could not set the admission webhooks\' caBundle; retrying');
    }
  }
  if (targets.conversionCrd) {
    try {
      const r = await injectConversionCa(kc.makeApiClient(ApiextensionsV1Api), targets.conversionCrd, pem);
      if (r === 'patched') log.info({ op: 'conversionCA', crd: targets.conversionCrd }, 'set the conversion webhook caBundle');
    } catch (err) {
      ok = false;
      log.error({ op: 'conversionCA', crd: targets.conversionCrd, error: describeError(err) }, 'could not set the conversion webhook caBundle; retrying');
    }
  }
  return ok;
}

export interface ConversionCaOptions {
  kubeConfig: KubeConfig;
  /** the webhook cert dir; its ca.crt is the bundle */
  certDir: string;
  logger: Logger;
  crdName?: string;
  /** how often ca.crt is re-read; the kubelet updates Secret mounts within about a minute */
  checkMs?: number;
}

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
    const result = await injectConversionCa(this.api, this.crd, pem);
    this.synced = pem;
    if (result === 'patched') this.o.logger.info({ op: 'conversionCA', crd: this.crd }, 'set the conversion webhook caBundle from ca.crt');
    return result;
  }
}
