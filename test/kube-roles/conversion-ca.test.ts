// The BGPPeer CRD's conversion webhook caBundle, kept equal to the webhook cert dir's ca.crt (the
// chart's generated CA), against the stand-in API server holding the chart's own CRD.
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runController } from '../../src/roles/controller.js';
import { ConversionCaSync } from '../../src/roles/conversion-ca.js';
import { FakeApiServer, kubeConfigFor, type Obj } from '../apiserver/index.js';
import { NS, logSink, waitFor } from './helpers.js';
import { CRD_TEMPLATE_DIR, RELEASE_NAMESPACE } from '../../scripts/gen-crds.js';

const dir = mkdtempSync(join(tmpdir(), 'conversion-ca-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CRD_FILE = join(import.meta.dirname, '../../', CRD_TEMPLATE_DIR, 'metallb.io_bgppeers.yaml');
const crdResource = {
  group: 'apiextensions.k8s.io', versions: ['v1'], plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, statusSubresource: true,
};
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('conversion webhook caBundle', () => {
  let server: FakeApiServer;
  const sink = logSink();
  beforeEach(async () => {
    server = await new FakeApiServer().start();
    server.addResource(crdResource);
    // The chart's CRD as Helm renders it for a release in metallb-system.
    server.create(parse(readFileSync(CRD_FILE, 'utf8').replace(RELEASE_NAMESPACE, 'metallb-system')) as Obj);
  });
  afterEach(() => server.stop());
  const bundle = () => server.get('CustomResourceDefinition', undefined, 'bgppeers.metallb.io').spec.conversion.webhook.clientConfig.caBundle as string | undefined;
  const crdWrites = () => server.requests.filter((r) => r.resource === 'customresourcedefinitions' && r.verb === 'patch');

  it('patches only when ca.crt differs from the CRD, by merge patch, keeping the webhook Service reference', async () => {
    const certDir = mkdtempSync(join(dir, 'unit-'));
    const sync = new ConversionCaSync({ kubeConfig: kubeConfigFor(server.url), certDir, logger: sink.logger });
    expect(await sync.sync()).toBe('no-ca'); // certificates from elsewhere: the CRD is left alone
    expect(server.requests.filter((r) => r.resource === 'customresourcedefinitions')).toEqual([]);

    writeFileSync(join(certDir, 'ca.crt'), 'PEM ONE\n');
    expect(await sync.sync()).toBe('patched');
    expect(bundle()).toBe(b64('PEM ONE\n'));
    expect(crdWrites().map((r) => r.contentType)).toEqual(['application/merge-patch+json']);
    const clientConfig = server.get('CustomResourceDefinition', undefined, 'bgppeers.metallb.io').spec.conversion.webhook.clientConfig;
    expect(clientConfig.service).toEqual({ name: 'metallb-webhook-service', namespace: 'metallb-system', path: '/convert' });

    expect(await sync.sync()).toBe('unchanged');
    // A restarted controller finds the bundle already right: it reads, it does not write.
    const again = new ConversionCaSync({ kubeConfig: kubeConfigFor(server.url), certDir, logger: sink.logger });
    expect(await again.sync()).toBe('unchanged');
    expect(crdWrites()).toHaveLength(1);

    writeFileSync(join(certDir, 'ca.crt'), 'PEM TWO\n');
    expect(await sync.sync()).toBe('patched');
    expect(bundle()).toBe(b64('PEM TWO\n'));
  });

  it('leaves a CRD without webhook conversion alone', async () => {
    const crd = server.get('CustomResourceDefinition', undefined, 'bgppeers.metallb.io');
    crd.spec.conversion = { strategy: 'None' };
    server.update(crd);
    const certDir = mkdtempSync(join(dir, 'none-'));
    writeFileSync(join(certDir, 'ca.crt'), 'PEM\n');
    expect(await new ConversionCaSync({ kubeConfig: kubeConfigFor(server.url), certDir, logger: sink.logger }).sync()).toBe('no-webhook-conversion');
    expect(crdWrites()).toEqual([]);
  });

  it('the controller serving the webhooks sets the bundle at start-up, again after the Secret rotates, and retries a failed patch', async () => {
    const certDir = mkdtempSync(join(dir, 'controller-'));
    const cert = (cn: string) => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${cn}`,
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'tls.key'), '-out', join(certDir, 'tls.crt')], { stdio: 'ignore' });
      writeFileSync(join(certDir, 'ca.crt'), readFileSync(join(certDir, 'tls.crt'))); // self-signed: its own CA
      return readFileSync(join(certDir, 'ca.crt'), 'utf8');
    };
    const first = cert('ca-one');
    server.failNext({ verb: 'patch', resource: 'customresourcedefinitions', count: 1, code: 500 });
    const h = await runController({
      kubeConfig: kubeConfigFor(server.url), namespace: NS, logger: sink.logger, debounceMs: 10,
      webhook: { port: 0, host: '127.0.0.1', certs: { mode: 'dir', dir: certDir, caCheckMs: 30 } },
    });
    try {
      await waitFor('bundle after the retry', () => bundle() === b64(first));
      expect(crdWrites().map((r) => r.code)).toEqual([500, 200]);
      const second = cert('ca-two');
      await waitFor('rotated bundle', () => bundle() === b64(second));
      expect(crdWrites()).toHaveLength(3);
    } finally {
      await h.stop();
    }
  });
});
