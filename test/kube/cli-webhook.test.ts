// `metallb-ts webhook` wiring: kubeconfig -> kube source -> HTTPS admission server.
import { afterAll, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWebhook } from '../../src/cli/webhook.js';
import { FakeApiServer, writeKubeconfig } from '../apiserver/index.js';

// Real sockets and client-node's reconnect delays (1 s after an idle watch ends) on a shared, busy machine.
jest.setTimeout(30_000);

const dir = mkdtempSync(join(tmpdir(), 'cli-webhook-'));
let cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup) await c();
  rmSync(dir, { recursive: true, force: true });
});

it('serves admission reviews judged against the cluster state from the kubeconfig', async () => {
  const api = await new FakeApiServer().start();
  cleanup.push(() => api.stop());
  api.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'a', namespace: 'lb' }, spec: { addresses: ['192.0.2.0/24'] } });
  writeKubeconfig(join(dir, 'kubeconfig'), api.url);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')], { stdio: 'ignore' });
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = join(dir, 'kubeconfig');
  const { serving, source, port } = await runWebhook({ port: '0', certDir: dir, namespace: 'lb', logLevel: 'none' });
  process.env.KUBECONFIG = saved;
  cleanup = [() => serving.stop(), () => source.stop(), ...cleanup];

  // Blind the pool cache (its watch keeps failing), then create a pool: the review must still see it.
  await source.synced;
  api.failNext({ verb: 'watch', resource: 'ipaddresspools', count: 1_000_000, code: 500 });
  api.dropWatches({ abrupt: true });
  api.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'c', namespace: 'lb' }, spec: { addresses: ['198.51.100.0/24'] } });
  const review = {
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: { uid: 'x1', operation: 'CREATE', name: 'b', namespace: 'lb', kind: { group: 'metallb.io', version: 'v1beta1', kind: 'IPAddressPool' },
      object: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'b', namespace: 'lb' }, spec: { addresses: ['198.51.100.128/25'] } } },
  };
  const body = JSON.stringify(review);
  const answer = await new Promise<{ response: { allowed: boolean; status?: { message: string } } }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/validate-metallb-io-v1beta1-ipaddresspool', ca: readFileSync(join(dir, 'tls.crt')),
      headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on('error', reject);
    req.end(body);
  });
  expect(answer.response.allowed).toBe(false);
  expect(answer.response.status?.message).toMatch(/overlaps with already defined CIDR/);
  expect(source.snapshot().pools.map((p) => p.metadata.name)).toEqual(['a']); // the cache never saw "c
});
