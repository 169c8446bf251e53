// `metallb-ts controller` wiring from its flags: kubeconfig file, namespace, health probes and the
// in-process admission webhook (--webhook-mode enabled, certificates from --cert-dir).
import { afterAll, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startController } from '../../src/cli/controller.js';
import { startSpeaker } from '../../src/cli/speaker.js';
import { FakeApiServer, writeKubeconfig } from '../apiserver/index.js';
import { NS, httpGet, pool, service, svcStatus, waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-controller-'));
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

it('allocates from the kubeconfig cluster, answers probes and serves the webhooks in-process', async () => {
  const api = await new FakeApiServer().start();
  cleanup.push(() => api.stop());
  api.create(pool('a', ['192.0.2.0/24']));
  api.create(service('web'));
  writeKubeconfig(join(dir, 'kubeconfig'), api.url);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')], { stdio: 'ignore' });
  const h = await startController({
    kubeconfig: join(dir, 'kubeconfig'), namespace: NS, logLevel: 'none', port: '0', healthProbePort: '0',
    webhookMode: 'enabled', webhookPort: '0', certDir: dir, disableCertRotation: true,
  });
  if (!h) throw new Error('expected a controller');
  cleanup.push(() => h.stop());
  await h.firstPass;
  await waitFor('web', () => svcStatus(api, 'web').ips.length === 1);
  expect(svcStatus(api, 'web')).toMatchObject({ ips: ['192.0.2.0'], pool: 'a' });
  expect(h.metricsPort).toBeUndefined(); // --port 0 turns metrics off, as upstream
  expect(await httpGet(h.healthPort!, '/readyz')).toEqual({ code: 200, body: 'ok' });
  // the probes port is plain HTTP for the kubelet: /metrics is not there (it needs a token elsewhere)
  expect((await httpGet(h.healthPort!, '/metrics')).code).toBe(404);

  const review = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: { uid: 'u1', operation: 'CREATE', name: 'b', namespace: NS, kind: { group: 'metallb.io', version: 'v1beta1', kind: 'IPAddressPool' },
      object: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'b', namespace: NS }, spec: { addresses: ['192.0.2.128/25'] } } },
  });
  const answer = await new Promise<{ response: { allowed: boolean; status?: { message: string } } }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.webhookPort, method: 'POST', path: '/validate-metallb-io-v1beta1-ipaddresspool',
      ca: readFileSync(join(dir, 'tls.crt')), headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on('error', reject);
    req.end(review);
  });
  expect(answer.response.allowed).toBe(false);
  expect(answer.response.status?.message).toMatch(/overlaps/);
});

it('rejects an unknown --webhook-mode', async () => {
  await expect(startController({ webhookMode: 'sometimes', namespace: NS })).rejects.toThrow(/--webhook-mode "sometimes" is invalid/);
});

it('speaker from its flags: --no-bgp --no-layer2, owner Pod from the downward API, probes on 127.0.0.1', async () => {
  const api = await new FakeApiServer().start();
  cleanup.push(() => api.stop());
  api.create(pool('a', ['192.0.2.0/24']));
  writeKubeconfig(join(dir, 'kubeconfig-speaker'), api.url);
  process.env.METALLB_POD_NAME = 'speaker-xyz';
  process.env.METALLB_POD_UID = 'uid-1';
  const h = await startSpeaker({
    node: 'n1', kubeconfig: join(dir, 'kubeconfig-speaker'), namespace: NS, logLevel: 'none', port: '0', healthProbePort: '0', bgp: false, layer2: false,
  });
  delete process.env.METALLB_POD_NAME;
  delete process.env.METALLB_POD_UID;
  cleanup.push(() => h.stop());
  await h.idle();
  const state = api.get('ConfigurationState', NS, 'speaker-n1');
  expect(state.status.result).toBe('Valid');
  expect(state.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Pod', name: 'speaker-xyz', uid: 'uid-1' }]);
  expect(await httpGet(h.healthPort!, '/healthz')).toEqual({ code: 200, body: 'ok' });
  await expect(startSpeaker({ namespace: NS })).rejects.toThrow(/needs its Node name/);
});
