// Controller-owned webhook certificates, against the stand-in API server holding the chart's BGPPeer
// CRD and a ValidatingWebhookConfiguration: the controller started bare (no certificate files, as a
// new user starts it) allocates, makes the CA and the serving certificate, stores them in the webhook
// Secret, writes the CA into every caBundle and serves the webhooks with it; it rotates before expiry
// without a restart; with --disable-cert-rotation and no files yet it still allocates and reports the
// webhook not ready until the files appear.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { parse } from 'yaml';
import { Registry } from 'prom-client';
import { startController } from '../../src/cli/controller.js';
import { runController, type ControllerHandle } from '../../src/roles/controller.js';
import { CUSTOM_RESOURCE_DEFINITIONS, FakeApiServer, VALIDATING_WEBHOOK_CONFIGURATIONS, kubeConfigFor, writeKubeconfig, type Obj } from '../apiserver/index.js';
import { CRD_TEMPLATE_DIR, RELEASE_NAMESPACE } from '../../scripts/gen-crds.js';
import { NS, httpGet, logSink, pool, service, svcStatus, waitFor } from './helpers.js';

// RSA keys are made natively but a busy 2-core machine can still take a while.
jest.setTimeout(60_000);

const CRD_FILE = join(import.meta.dirname, '../../', CRD_TEMPLATE_DIR, 'metallb.io_bgppeers.yaml');
const SERVICE_DNS = `metallb-webhook-service.${NS}.svc`;
const vwc = (): Obj => ({
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'metallb-webhook-configuration' },
  webhooks: ['ipaddresspool', 'bgppeer'].map((k) => ({
    name: `${k}validationwebhook.metallb.io`, admissionReviewVersions: ['v1'], sideEffects: 'None',
    clientConfig: { service: { name: 'metallb-webhook-service', namespace: NS, path: `/validate-metallb-io-v1beta1-${k}` } },
  })),
});
const text = (s: Obj, key: string) => Buffer.from(String(s.data?.[key] ?? ''), 'base64').toString('utf8');

/** The certificate the webhook port presents, and the answer to a review, trusting only `ca`. */
function reviewOverTLS(port: number, ca: string): Promise<{ serial: string; allowed: boolean; message?: string }> {
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: { uid: 'u1', operation: 'CREATE', name: 'b', namespace: NS, kind: { group: 'metallb.io', version: 'v1beta1', kind: 'IPAddressPool' },
      object: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'b', namespace: NS }, spec: { addresses: ['192.0.2.128/25'] } } },
  });
  return new Promise((resolve, reject) => {
    // as the API server calls it: by the Service's DNS name, trusting the caBundle only
    const req = request({ host: '127.0.0.1', servername: SERVICE_DNS, port, method: 'POST', path: '/validate-metallb-io-v1beta1-ipaddresspool', ca, agent: false,
      headers: { 'content-type': 'application/json' } }, (res) => {
      const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const r = (JSON.parse(Buffer.concat(chunks).toString()) as { response: { allowed: boolean; status?: { message: string } } }).response;
        resolve({ serial, allowed: r.allowed, message: r.status?.message });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('controller-owned webhook certificates', () => {
  let api: FakeApiServer;
  let dir: string;
  const stops: Array<() => Promise<void>> = [];
  const sink = logSink();

  beforeEach(async () => {
    api = await new FakeApiServer().start();
    api.addResource(CUSTOM_RESOURCE_DEFINITIONS);
    api.addResource(VALIDATING_WEBHOOK_CONFIGURATIONS);
    api.create(parse(readFileSync(CRD_FILE, 'utf8').replace(RELEASE_NAMESPACE, NS)) as Obj);
    api.create(vwc());
    dir = mkdtempSync(join(tmpdir(), 'controller-certs-'));
  });
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s();
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const secret = () => api.list('Secret', NS).find((s) => s.metadata.name === 'metallb-webhook-cert');
  const crdBundle = () => api.get('CustomResourceDefinition', undefined, 'bgppeers.metallb.io').spec.conversion.webhook.clientConfig.caBundle as string | undefined;
  const webhookBundles = () => (api.get('ValidatingWebhookConfiguration', undefined, 'metallb-webhook-configuration').webhooks as Array<{ clientConfig: { caBundle?: string } }>)
    .map((w) => w.clientConfig.caBundle);

  it('started bare, it allocates, makes and stores the certificates, sets every caBundle and serves the webhooks', async () => {
    api.create(pool('a', ['192.0.2.0/24']));
    api.create(service('web'));
    writeKubeconfig(join(dir, 'kubeconfig'), api.url);
    // the flags of a new user's first try: no certificate anywhere (the cert dir does not exist)
    const h = await startController({
      kubeconfig: join(dir, 'kubeconfig'), namespace: NS, logLevel: 'none', port: '0', healthProbePort: '0', webhookPort: '0', certDir: join(dir, 'missing'),
    });
    if (!h) throw new Error('expected a controller');
    stops.push(() => h.stop());
    await waitFor('web', () => svcStatus(api, 'web').ips.length === 1, 20_000);
    expect(svcStatus(api, 'web')).toMatchObject({ ips: ['192.0.2.0'], pool: 'a' });

    await waitFor('webhook Secret', () => secret() !== undefined, 20_000);
    const s = secret()!;
    expect(Object.keys(s.data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    const ca = new X509Certificate(text(s, 'ca.crt'));
    const cert = new X509Certificate(text(s, 'tls.crt'));
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=cert\nO=metallb');
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost(SERVICE_DNS)).toBe(SERVICE_DNS);

    const bundle = String(s.data['ca.crt']);
    await waitFor('caBundles', () => crdBundle() === bundle && webhookBundles().every((b) => b === bundle), 20_000);
    await waitFor('ready', () => h.webhook!.ready());
    const answer = await reviewOverTLS(h.webhookPort!, text(s, 'ca.crt'));
    expect(answer).toMatchObject({ allowed: false, message: expect.stringMatching(/overlaps with already defined CIDR/) });
    expect(answer.serial).toBe(cert.serialNumber);
    expect(await httpGet(h.healthPort!, '/readyz')).toEqual({ code: 200, body: 'ok' });
  });

  it('keeps a good Secret across restarts (no write), replaces an unusable one, and rotates before expiry without a restart', async () => {
    const kc = kubeConfigFor(api.url);
    const start = async (certs: Record<string, number> = {}) => {
      const h: ControllerHandle = await runController({
        kubeConfig: kc, namespace: NS, logger: sink.logger, debounceMs: 10, registry: new Registry(),
        webhook: { port: 0, host: '127.0.0.1', certs: { mode: 'rotate', checkMs: 100, ...certs } },
      });
      stops.push(() => h.stop());
      return h;
    };
    // a Secret from elsewhere without the CA's key: the controller cannot sign with it, so it starts over
    api.create({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'metallb-webhook-cert', namespace: NS, labels: { keep: 'me' } },
      data: { 'tls.crt': Buffer.from('garbage').toString('base64'), 'tls.key': Buffer.from('garbage').toString('base64') } });
    const first = await start();
    await waitFor('replaced', () => text(secret()!, 'ca.key') !== '', 20_000);
    expect(secret()!.metadata.labels).toEqual({ keep: 'me' });
    expect(secret()!.type).toBe('kubernetes.io/tls');
    const pemOne = text(secret()!, 'tls.crt');
    await first.stop();
    stops.pop();

    const writes = () => api.requests.filter((r) => r.resource === 'secrets' && ['create', 'update', 'patch'].includes(r.verb)).length;
    const before = writes();
    const second = await start();
    await waitFor('served from the Secret', () => second.webhook!.ready());
    await second.webhook!.rotator!.check();
    expect(writes()).toBe(before);
    expect(second.webhook!.certs.current()?.cert).toBe(pemOne);
    await second.stop();
    stops.pop();

    // Short-lived serving certificates (30 s, renewed with 25 s left, so about every 5 s; the margin
    // leaves a loaded machine time to make the next one): the served one changes by itself.
    // The serving pair is spoilt first so that a short one is made; the CA is still good and stays.
    const caBefore = text(secret()!, 'ca.crt');
    const cur = secret()!;
    api.update({ ...cur, data: { ...cur.data, 'tls.crt': Buffer.from('spoilt').toString('base64') } });
    const third = await start({ certValidityMs: 30_000, renewBeforeMs: 25_000 });
    await waitFor('short certificate', () => text(secret()!, 'tls.crt').startsWith('-----BEGIN CERTIFICATE-----') && text(secret()!, 'tls.crt') !== pemOne, 20_000);
    await waitFor('ready', () => third.webhook!.ready());
    // Whatever the process serves now, it serves another certificate a few seconds later: rotated
    // in place. Every handshake trusts only the first CA: the CA stayed.
    const servedFirst = (await reviewOverTLS(third.webhookPort!, caBefore)).serial;
    await waitFor('serving a rotated certificate', async () => (await reviewOverTLS(third.webhookPort!, caBefore)).serial !== servedFirst, 20_000);
    const rotated = new X509Certificate(text(secret()!, 'tls.crt'));
    expect(text(secret()!, 'ca.crt')).toBe(caBefore);
    expect(rotated.verify(new X509Certificate(caBefore).publicKey)).toBe(true);
    expect(crdBundle()).toBe(Buffer.from(caBefore).toString('base64'));
  });

  it('--disable-cert-rotation without files yet: allocates, reports the webhook not ready, and serves once the files appear', async () => {
    api.create(pool('a', ['192.0.2.0/24']));
    api.create(service('web'));
    const registry = new Registry();
    const h = await runController({
      kubeConfig: kubeConfigFor(api.url), namespace: NS, logger: sink.logger, debounceMs: 10, registry, healthPort: 0, healthHost: '127.0.0.1',
      webhook: { port: 0, host: '127.0.0.1', certs: { mode: 'dir', dir, checkMs: 50, caCheckMs: 50 } },
    });
    stops.push(() => h.stop());
    await waitFor('web', () => svcStatus(api, 'web').ips.length === 1, 20_000);
    expect(await httpGet(h.healthPort!, '/readyz')).toEqual({ code: 503, body: 'not ready: the webhook has no serving certificate yet' });
    expect((await registry.getSingleMetric('metallb_webhook_ready')!.get()).values[0].value).toBe(0);
    expect(sink.lines().some((l) => String(l.msg).startsWith(`cannot read the serving certificate from ${dir}`))).toBe(true);
    expect(secret()).toBeUndefined(); // certificates are someone else's job in this mode

    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${SERVICE_DNS}`,
      '-addext', `subjectAltName=DNS:${SERVICE_DNS}`, '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')], { stdio: 'ignore' });
    writeFileSync(join(dir, 'ca.crt'), readFileSync(join(dir, 'tls.crt')));
    await waitFor('ready', async () => (await httpGet(h.healthPort!, '/readyz')).code === 200, 20_000);
    expect((await reviewOverTLS(h.webhookPort!, readFileSync(join(dir, 'tls.crt'), 'utf8'))).allowed).toBe(false);
    expect((await registry.getSingleMetric('metallb_webhook_ready')!.get()).values[0].value).toBe(1);
    await waitFor('conversion caBundle from ca.crt', () => crdBundle() === readFileSync(join(dir, 'ca.crt')).toString('base64'));
  });
});
