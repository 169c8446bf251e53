// The admission and conversion webhooks over HTTPS (a throw-away certificate made with openssl),
// reading the current objects through the kube source from the stand-in API server.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/api/meta.js';
import { KubeSource } from '../../src/sources/kube/source.js';
import { DirCertSource } from '../../src/certs/source.js';
import { WebhookServer } from '../../src/webhook/server.js';
import type { AdmissionRequest, AdmissionResponse, ConversionReview } from '../../src/webhook/types.js';
import { DISABLE_MP_WARNING } from '../../src/webhook/validate.js';
import { FakeApiServer, kubeConfigFor } from '../apiserver/index.js';

// Real sockets and client-node's reconnect delays (1 s after an idle watch ends) on a shared, busy machine.
jest.setTimeout(30_000);

const NS = 'metallb-system';
const dir = mkdtempSync(join(tmpdir(), 'webhook-cert-'));
let ca: Buffer;
let api: FakeApiServer;
let source: KubeSource;
let webhook: WebhookServer;
let port: number;
let certs: DirCertSource;

function post(path: string, body: unknown, tls: { maxVersion?: 'TLSv1.2' } = {}): Promise<{ code: number; body: unknown; protocol: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', ca, ...tls, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      const chunks: Buffer[] = [];
      const protocol = (res.socket as import('node:tls').TLSSocket).getProtocol() ?? '';
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ code: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, protocol });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

let uid = 0;
async function admit(path: string, operation: AdmissionRequest['operation'], object: KubeObject | null, oldObject: KubeObject | null = null, namespace = NS): Promise<AdmissionResponse> {
  const o = object ?? oldObject!;
  const req: AdmissionRequest = {
    uid: `u${++uid}`, operation, name: o.metadata.name, namespace,
    kind: { group: 'metallb.io', version: o.apiVersion.split('/')[1], kind: o.kind }, object, oldObject,
  };
  const res = await post(path, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: req });
  expect(res.code).toBe(200);
  const review = res.body as { apiVersion: string; kind: string; response: AdmissionResponse };
  expect(review.apiVersion).toBe('admission.k8s.io/v1');
  expect(review.response.uid).toBe(req.uid);
  return review.response;
}

const POOL = '/validate-metallb-io-v1beta1-ipaddresspool';
const PEER = '/validate-metallb-io-v1beta2-bgppeer';
const ADV = '/validate-metallb-io-v1beta1-bgpadvertisement';
const L2 = '/validate-metallb-io-v1beta1-l2advertisement';
const COMMUNITY = '/validate-metallb-io-v1beta1-community';
const BFD = '/validate-metallb-io-v1beta1-bfdprofile';

const pool = (name: string, addresses: string[], ns = NS): KubeObject & { spec: unknown } =>
  ({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name, namespace: ns }, spec: { addresses } });
const peer = (name: string, spec: Record<string, unknown>): KubeObject & { spec: Record<string, unknown> } =>
  ({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name, namespace: NS }, spec: { myASN: 64500, peerASN: 64501, ...spec } });
const ad = (name: string, spec: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name, namespace: NS }, spec } as KubeObject);

async function settle(check: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) throw new Error('the kube source did not catch up');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=metallb-webhook-service.metallb-system.svc', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'tls.crt'));

  api = await new FakeApiServer().start();
  api.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { rack: 'a' } } });
  api.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2', labels: { rack: 'b' } } });
  api.create(pool('existing', ['192.0.2.0/25']));
  api.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'small', namespace: NS }, spec: { addresses: ['198.51.100.0/28'] } });
  api.create(peer('router-a', { peerAddress: '203.0.113.1', nodeSelectors: [{ matchLabels: { rack: 'a' } }], bfdProfile: 'fast' }));
  api.create({ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'fast', namespace: NS }, spec: { receiveInterval: 100 } });
  api.create({ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'unused', namespace: NS }, spec: {} });
  api.create({ apiVersion: 'metallb.io/v1beta1', kind: 'Community', metadata: { name: 'aliases', namespace: NS }, spec: { communities: [{ name: 'gold', value: '65000:100' }] } });

  source = new KubeSource({ kubeConfig: kubeConfigFor(api.url), namespace: NS, debounceMs: 10 }).start();
  certs = new DirCertSource({ dir });
  await certs.ready;
  webhook = new WebhookServer({ namespace: NS, certs, lister: async () => { await source.synced; return source.snapshot(); } });
  port = await webhook.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await webhook?.close();
  certs?.stop();
  await source?.stop();
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('admission webhook over HTTPS', () => {
  it('speaks TLS 1.3 and refuses older clients', async () => {
    const ok = await post('/healthz-does-not-exist', {});
    expect(ok.code).toBe(404);
    expect(ok.protocol).toBe('TLSv1.3');
    await expect(post(POOL, {}, { maxVersion: 'TLSv1.2' })).rejects.toThrow();
  });

  it('refuses objects created outside the MetalLB namespace, for every kind', async () => {
    for (const [path, obj] of [[POOL, pool('p', ['203.0.113.0/24'], 'default')], [PEER, peer('x', { peerAddress: '203.0.113.9' })], [ADV, ad('a', {})],
      [L2, { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l' }, spec: {} }],
      [COMMUNITY, { apiVersion: 'metallb.io/v1beta1', kind: 'Community', metadata: { name: 'c' }, spec: {} }],
      [BFD, { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'b' }, spec: {} }]] as Array<[string, KubeObject]>) {
      const res = await admit(path, 'CREATE', { ...obj, metadata: { ...obj.metadata, namespace: 'default' } }, null, 'default');
      expect([path, res.allowed, res.status?.message]).toEqual([path, false, `resource must be created in ${NS} namespace`]);
      expect(res.status?.code).toBe(403);
    }
  });

  it('validates a pool together with the existing ones', async () => {
    const overlap = await admit(POOL, 'CREATE', pool('new', ['192.0.2.64/26']));
    expect(overlap.allowed).toBe(false);
    expect(overlap.status?.message).toMatch(/overlaps with already defined CIDR/);
    expect((await admit(POOL, 'CREATE', pool('bad', ['192.0.2.0/33']))).status?.message).toMatch(/invalid CIDR/);
    expect((await admit(POOL, 'CREATE', pool('fine', ['203.0.113.0/24']))).allowed).toBe(true);
    // An update replaces the pool's own old version: growing "existing" does not overlap with itself.
    const grown = { ...pool('existing', ['192.0.2.0/24']), metadata: { name: 'existing', namespace: NS } };
    expect((await admit(POOL, 'UPDATE', grown, pool('existing', ['192.0.2.0/25']))).allowed).toBe(true);
    // Deleting is always allowed.
    expect((await admit(POOL, 'DELETE', null, pool('existing', ['192.0.2.0/25']))).allowed).toBe(true);
  });

  it('sees objects created a moment ago (through the kube source)', async () => {
    api.create(pool('just-made', ['203.0.113.128/25']));
    await settle(() => source.snapshot().pools.some((p) => p.metadata.name === 'just-made'));
    expect((await admit(POOL, 'CREATE', pool('late', ['203.0.113.200/29']))).status?.message).toMatch(/overlaps/);
  });

  it('validates peers with nodes, ignores references that may appear later, and warns on disableMP', async () => {
    // bfdProfile and passwordSecret that do not exist yet are fine at admission
    expect((await admit(PEER, 'CREATE', peer('later', { peerAddress: '203.0.113.2', bfdProfile: 'missing', passwordSecret: { name: 'nope' }, nodeSelectors: [{ matchLabels: { rack: 'a' } }] }))).allowed).toBe(true);
    const dup = await admit(PEER, 'CREATE', peer('dup', { peerAddress: '203.0.113.1' }));
    expect(dup.allowed).toBe(false);
    expect(dup.status?.message).toMatch(/already exists/);
    // same address, but only on nodes router-a does not select
    expect((await admit(PEER, 'CREATE', peer('other-rack', { peerAddress: '203.0.113.1', nodeSelectors: [{ matchLabels: { rack: 'b' } }] }))).allowed).toBe(true);
    expect((await admit(PEER, 'CREATE', peer('badaddr', { peerAddress: '203.0.113.300' }))).status?.message).toMatch(/invalid BGPPeer address/);
    const mp = await admit(PEER, 'CREATE', peer('mp', { peerAddress: '203.0.113.3', disableMP: true, nodeSelectors: [{ matchLabels: { rack: 'b' } }] }));
    expect(mp.allowed).toBe(true);
    expect(mp.warnings).toContain(DISABLE_MP_WARNING);
    // Deviation from upstream: disableMP does not switch the other checks off.
    const mpBad = await admit(PEER, 'CREATE', peer('mp-bad', { peerAddress: 'nonsense', disableMP: true }));
    expect(mpBad.allowed).toBe(false);
  });

  it('refuses a peer with both password and passwordSecret, or a password with a space, as `metallb-ts validate` does', async () => {
    const both = await admit(PEER, 'CREATE', peer('both', { peerAddress: '203.0.113.20', password: 'pw', passwordSecret: { name: 'later' }, nodeSelectors: [{ matchLabels: { rack: 'b' } }] }));
    expect(both.allowed).toBe(false);
    expect(both.status?.message).toMatch(/^BGPPeer\/both: spec.password: can not have both password and secret ref set in peer config "metallb-system"\/"both"/);
    const spaced = await admit(PEER, 'CREATE', peer('spaced', { peerAddress: '203.0.113.21', password: 'two words', nodeSelectors: [{ matchLabels: { rack: 'b' } }] }));
    expect(spaced.allowed).toBe(false);
    expect(spaced.status?.message).toMatch(/^BGPPeer\/spaced: spec.password: password for peer "metallb-system"\/"spaced" contains a space/);
    // an update that adds the space is refused too; the same peer without it is fine
    const fine = peer('spaced', { peerAddress: '203.0.113.21', password: 'oneword', nodeSelectors: [{ matchLabels: { rack: 'b' } }] });
    expect((await admit(PEER, 'CREATE', fine)).allowed).toBe(true);
    expect((await admit(PEER, 'UPDATE', peer('spaced', { ...fine.spec, password: 'one word' }), fine)).allowed).toBe(false);
  });

  it('refuses a review with a missing or unknown operation', async () => {
    for (const operation of [undefined, 'PATCH', ''] as Array<string | undefined>) {
      const req = { uid: `op-${String(operation)}`, ...(operation === undefined ? {} : { operation }), name: 'x', namespace: NS,
        kind: { group: 'metallb.io', version: 'v1beta1', kind: 'IPAddressPool' }, object: pool('x', ['203.0.113.0/29']) };
      const res = await post(POOL, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: req });
      const response = (res.body as { response: AdmissionResponse }).response;
      expect([operation, response.allowed, response.status?.code]).toEqual([operation, false, 400]);
      expect(response.status?.message).toBe(`cannot validate IPAddressPool x: unknown operation ${JSON.stringify(operation ?? '')} (expected CREATE, UPDATE, DELETE, CONNECT)`);
    }
  });

  it('validates advertisements against pools, and accepts community aliases that do not exist yet', async () => {
    const agg = await admit(ADV, 'CREATE', ad('agg', { ipAddressPools: ['small'], aggregationLength: 26 }));
    expect(agg.allowed).toBe(false);
    expect(agg.status?.message).toMatch(/more specific than the aggregation length/);
    expect((await admit(ADV, 'CREATE', ad('sel', { serviceSelectors: [{ matchLabels: { a: 'b' } }], aggregationLength: 24 }))).status?.message).toMatch(/mutually exclusive/);
    expect((await admit(ADV, 'CREATE', ad('alias', { communities: ['not-yet-defined'] }))).allowed).toBe(true);
    expect((await admit(ADV, 'CREATE', ad('badcomm', { communities: ['99999999:1'] }))).status?.message).toMatch(/invalid section/);
    const l2 = await admit(L2, 'CREATE', { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l2', namespace: NS }, spec: { ipAddressPools: ['small', 'small'] } } as KubeObject);
    expect(l2.allowed).toBe(false);
  });

  it('validates communities across all Community objects', async () => {
    const c = (name: string, communities: unknown[]) => ({ apiVersion: 'metallb.io/v1beta1', kind: 'Community', metadata: { name, namespace: NS }, spec: { communities } } as KubeObject);
    expect((await admit(COMMUNITY, 'CREATE', c('more', [{ name: 'gold', value: '65000:200' }]))).status?.message).toMatch(/duplicate definition of community/);
    expect((await admit(COMMUNITY, 'CREATE', c('bad', [{ name: 'x', value: 'lar:123:9999:123' }]))).status?.message).toMatch(/expected community to be of format large/);
    expect((await admit(COMMUNITY, 'CREATE', c('ok', [{ name: 'silver', value: 'large:1:2:3' }]))).allowed).toBe(true);
  });

  it('refuses to delete a BFDProfile a BGPPeer uses', async () => {
    const fast = { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'fast', namespace: NS }, spec: {} } as KubeObject;
    const res = await admit(BFD, 'DELETE', null, fast);
    expect(res).toMatchObject({ allowed: false, status: { message: 'failed to delete BFDProfile fast, used by BGPPeer router-a' } });
    expect((await admit(BFD, 'DELETE', null, { ...fast, metadata: { name: 'unused', namespace: NS } }))).toMatchObject({ allowed: true });
  });

  it('does not let an already broken object block a valid change to another one', async () => {
    api.create(pool('broken-a', ['198.51.100.128/25']));
    api.create(pool('broken-b', ['198.51.100.192/26'])); // overlaps broken-a (created while the webhook was down)
    await settle(() => source.snapshot().pools.some((p) => p.metadata.name === 'broken-b'));
    expect((await admit(POOL, 'CREATE', pool('unrelated', ['203.0.113.64/27']))).allowed).toBe(true);
    // fixing broken-b is allowed, making it worse is not
    expect((await admit(POOL, 'UPDATE', pool('broken-b', ['198.51.100.16/28']), pool('broken-b', ['198.51.100.192/26']))).allowed).toBe(true);
    expect((await admit(POOL, 'UPDATE', pool('broken-b', ['198.51.100.192/26', '192.0.2.0/24']), pool('broken-b', ['198.51.100.192/26']))).allowed).toBe(false);
  });

  it('answers malformed requests with 400 and unknown paths with 404', async () => {
    expect((await post(POOL, { kind: 'AdmissionReview' })).code).toBe(400);
    expect((await post('/validate-something-else', {})).code).toBe(404);
  });
});

describe('BGPPeer conversion webhook', () => {
  const v1beta1 = {
    apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { name: 'old', namespace: NS },
    spec: { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1', holdTime: '90s', nodeSelectors: [{ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'rack', operator: 'In', values: ['x'] }] }] },
  };

  it('converts v1beta1 to v1beta2 and back', async () => {
    const up = (await post('/convert', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { uid: 'c1', desiredAPIVersion: 'metallb.io/v1beta2', objects: [v1beta1] } })).body as ConversionReview;
    expect(up.response?.uid).toBe('c1');
    expect(up.response?.result.status).toBe('Success');
    const converted = up.response!.convertedObjects[0] as unknown as { apiVersion: string; spec: Record<string, unknown> };
    expect(converted.apiVersion).toBe('metallb.io/v1beta2');
    expect(converted.spec).toMatchObject({ myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1', holdTime: '90s' });
    expect(converted.spec.nodeSelectors).toEqual([{ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'rack', operator: 'In', values: ['x'] }] }]);

    const down = (await post('/convert', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { uid: 'c2', desiredAPIVersion: 'metallb.io/v1beta1', objects: [converted] } })).body as ConversionReview;
    expect(down.response?.convertedObjects[0]).toEqual(v1beta1);
  });

  it('fails cleanly for kinds and versions it does not know', async () => {
    const bad = (await post('/convert', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { uid: 'c3', desiredAPIVersion: 'metallb.io/v9', objects: [v1beta1] } })).body as ConversionReview;
    expect(bad.response?.result.status).toBe('Failure');
    expect(bad.response?.result.message).toMatch(/v9/);
  });
});

describe('certificate rotation', () => {
  it('serves a new tls.crt/tls.key without a restart', async () => {
    const certDir = mkdtempSync(join(tmpdir(), 'webhook-rotate-'));
    const make = (cn: string) => execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', `/CN=${cn}`, '-keyout', join(certDir, 'tls.key'), '-out', join(certDir, 'tls.crt')], { stdio: 'ignore' });
    make('first');
    const rotating = new DirCertSource({ dir: certDir, checkMs: 50 });
    await rotating.ready;
    const server = new WebhookServer({ namespace: NS, certs: rotating, lister: async () => { throw new Error('unused'); } });
    const p = await server.listen(0, '127.0.0.1');
    const subject = () => new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: p, path: '/healthz', rejectUnauthorized: false, agent: false }, (res) => {
        const cn = String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN);
        res.resume();
        res.on('end', () => resolve(cn));
      });
      req.on('error', reject);
      req.end();
    });
    try {
      expect(await subject()).toBe('first');
      await new Promise((r) => setTimeout(r, 20));
      make('second');
      const end = Date.now() + 3000;
      let cn = await subject();
      while (cn !== 'second' && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
        cn = await subject();
      }
      expect(cn).toBe('second');
    } finally {
      await server.close();
      rotating.stop();
      rmSync(certDir, { recursive: true, force: true });
    }
  });
});
