// The registry and HTTP servers the controller and speaker start (standalone uses the registry), and
// /metrics as upstream 0.16 serves it: HTTPS, a bearer token checked by TokenReview, `get` on
// /metrics checked by SubjectAccessReview against the RBAC objects in the stand-in API server.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Registry } from 'prom-client';
import { roleRegistry, startRoleServers, type RoleServers } from '../../src/roles/role-servers.js';
import { FakeApiServer, installAuthReviews, kubeConfigFor, type AuthReviews } from '../apiserver/index.js';
import { httpGet } from '../kube-roles/helpers.js';

// A self-signed certificate (an RSA key) is made at start; a busy 2-core machine can take seconds.
jest.setTimeout(30_000);

it('a role\'s own registry has the process metrics; a given one is used as it is', async () => {
  expect(await roleRegistry().metrics()).toMatch(/^process_cpu_user_seconds_total /m);
  const given = new Registry();
  expect(roleRegistry(given)).toBe(given);
  expect(await given.metrics()).not.toMatch(/process_/); // no default metrics added to it
});

/** GET https://127.0.0.1:port/metrics with an optional bearer token: code, body and the served certificate's CN. */
const scrape = (port: number, token?: string, ca?: string) => new Promise<{ code: number; body: string; cn: string }>((resolve, reject) => {
  httpsGet({ host: '127.0.0.1', port, path: '/metrics', agent: false, ...(ca ? { ca, servername: 'localhost' } : { rejectUnauthorized: false }),
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }, (res) => {
    const cn = String((res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
    let body = '';
    res.on('data', (c: Buffer) => (body += c.toString()));
    res.on('end', () => resolve({ code: res.statusCode ?? 0, body, cn }));
  }).on('error', reject);
});

describe('secure metrics', () => {
  let api: FakeApiServer;
  let auth: AuthReviews;
  let servers: RoleServers;
  let ready = false;
  const registry = new Registry();
  const reviews = () => api.requests.filter((r) => r.resource === 'tokenreviews' || r.resource === 'subjectaccessreviews').length;

  beforeAll(async () => {
    api = await new FakeApiServer().start();
    auth = installAuthReviews(api);
    registry.registerMetric(new (await import('prom-client')).Gauge({ name: 'metallb_test_gauge', help: 'a gauge', registers: [] }));
    // Prometheus' service account, allowed to get /metrics as upstream's chart grants it
    auth.addServiceAccountToken('prom-token', 'monitoring', 'prometheus');
    auth.addServiceAccountToken('other-token', 'default', 'nosy');
    api.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'metallb-metrics-reader' }, rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] });
    api.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'prometheus-metallb' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'metallb-metrics-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }] });
    // a role that grants other things (resources, another URL) does not grant /metrics
    api.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'broad' }, rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }] });
    api.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'nosy-broad' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'broad' }, subjects: [{ kind: 'ServiceAccount', name: 'nosy', namespace: 'default' }] });
    servers = await startRoleServers({
      registry, metricsPort: 0, metrics: { kubeConfig: kubeConfigFor(api.url) },
      healthPort: 0, healthHost: '127.0.0.1', ready: () => ready, notReadyReason: () => 'not ready: testing',
    });
  });
  afterAll(async () => {
    await servers.close();
    await api.stop();
  });

  it('answers 401 without a token or with an unknown one, 403 without RBAC on /metrics, the metrics with it', async () => {
    expect(await scrape(servers.metricsPort!)).toMatchObject({ code: 401, body: 'Unauthorized: a bearer token is required (Authorization: Bearer <token>)\n' });
    expect(await scrape(servers.metricsPort!, 'made-up')).toMatchObject({ code: 401, body: 'Unauthorized: the token is not valid (invalid bearer token)\n' });
    expect(await scrape(servers.metricsPort!, 'other-token')).toMatchObject({ code: 403, body: 'Forbidden: user "system:serviceaccount:default:nosy" cannot get path "/metrics"\n' });
    const ok = await scrape(servers.metricsPort!, 'prom-token');
    expect(ok.code).toBe(200);
    expect(ok.body).toMatch(/^# HELP metallb_test_gauge a gauge$/m);
    // a self-signed certificate made at start for this host
    expect(ok.cn).not.toBe('');
  });

  it('probes stay plain HTTP on their own port, without /metrics', async () => {
    expect(await httpGet(servers.healthPort!, '/readyz')).toEqual({ code: 503, body: 'not ready: testing' });
    ready = true;
    expect(await httpGet(servers.healthPort!, '/readyz')).toEqual({ code: 200, body: 'ok' });
    expect(await httpGet(servers.healthPort!, '/healthz')).toEqual({ code: 200, body: 'ok' });
    expect((await httpGet(servers.healthPort!, '/metrics')).code).toBe(404);
  });

  it('a scrape storm costs one TokenReview and one SubjectAccessReview', async () => {
    auth.addServiceAccountToken('storm-token', 'monitoring', 'prometheus');
    const before = reviews();
    const answers = await Promise.all(Array.from({ length: 40 }, () => scrape(servers.metricsPort!, 'storm-token')));
    expect(answers.map((a) => a.code)).toEqual(Array(40).fill(200));
    expect(reviews() - before).toBe(2);
  });

  it('an allowed decision lasts its short life: after the binding goes, the answer becomes 403', async () => {
    const short = await startRoleServers({ registry, metricsPort: 0, metrics: { kubeConfig: kubeConfigFor(api.url), allowedTtlMs: 200, deniedTtlMs: 200 }, ready: () => true });
    try {
      expect((await scrape(short.metricsPort!, 'storm-token')).code).toBe(200);
      api.remove('ClusterRoleBinding', undefined, 'prometheus-metallb');
      const end = Date.now() + 10_000;
      let code = 200;
      while (code === 200 && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
        code = (await scrape(short.metricsPort!, 'storm-token')).code;
      }
      expect(code).toBe(403);
    } finally {
      await short.close();
    }
  });

  it('does not cache an API failure', async () => {
    auth.addToken('flaky', { username: 'admin', groups: ['system:masters'] });
    api.failNext({ verb: 'create', resource: 'tokenreviews', count: 1, code: 500 });
    expect((await scrape(servers.metricsPort!, 'flaky')).code).toBe(500);
    expect((await scrape(servers.metricsPort!, 'flaky')).code).toBe(200);
  });
});

describe('metrics certificate and insecure mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metrics-certs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves --metrics-cert-dir\'s certificate; --metrics-insecure serves plain HTTP to anyone; no port, no server', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')], { stdio: 'ignore' });
    const api = await new FakeApiServer().start();
    const withDir = await startRoleServers({ registry: roleRegistry(), metricsPort: 0, metrics: { kubeConfig: kubeConfigFor(api.url), certDir: dir }, ready: () => true });
    try {
      // trusting only that certificate: the handshake succeeds, and the token is still required
      expect(await scrape(withDir.metricsPort!, undefined, readFileSync(join(dir, 'tls.crt'), 'utf8'))).toMatchObject({ code: 401, cn: 'localhost' });
    } finally {
      await withDir.close();
      await api.stop();
    }
    const insecure = await startRoleServers({ registry: roleRegistry(), metricsPort: 0, metrics: { insecure: true }, ready: () => true });
    try {
      expect((await httpGet(insecure.metricsPort!, '/metrics')).body).toMatch(/process_cpu_user_seconds_total/);
    } finally {
      await insecure.close();
    }
    const none = await startRoleServers({ registry: roleRegistry(), ready: () => true });
    expect(none).toMatchObject({ metricsPort: undefined, healthPort: undefined });
    await none.close();
  });
});
