// The stand-in API server, driven by the real @kubernetes/client-node over HTTP.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ApiException, CoreV1Api, CustomObjectsApi, EventsV1Api, KubernetesObjectApi, PatchStrategy, Watch, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { FakeApiServer, kubeConfigFor } from './index.js';

// Real sockets and client-node's reconnect delays (1 s after an idle watch ends) on a shared, busy machine.
jest.setTimeout(30_000);

const svc = (name: string, labels: Record<string, string> = {}): V1Service => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', labels },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
});

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
}

interface Ev { type: string; object: { metadata: { name: string; resourceVersion: string }; code?: number } }

/** Collects watch events until `until` says stop, or the stream ends. */
function collect(server: FakeApiServer, path: string, query: Record<string, string>, until: (evs: Ev[]) => boolean): Promise<{ events: Ev[]; err: unknown; ended: boolean }> {
  const w = new Watch(kubeConfigFor(server.url));
  const events: Ev[] = [];
  return new Promise((resolve) => {
    let ctl: AbortController | undefined;
    let settled = false;
    const finish = (err: unknown, ended: boolean) => {
      if (settled) return;
      settled = true;
      ctl?.abort();
      resolve({ events, err, ended });
    };
    void w.watch(path, query, (type, object) => {
      events.push({ type, object });
      if (until(events)) finish(null, false);
    }, (err) => finish(err, true)).then((c) => {
      ctl = c;
      if (settled) c.abort();
    });
  });
}

describe('stand-in API server with the real client', () => {
  const server = new FakeApiServer();
  let core: CoreV1Api;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    await server.start();
    const kc = kubeConfigFor(server.url);
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
  });
  afterAll(() => server.stop());

  it('creates, gets, lists with selectors, replaces, patches and deletes', async () => {
    const created = await core.createNamespacedService({ namespace: 'default', body: svc('web', { app: 'web' }) });
    expect(created.metadata?.uid).toBeTruthy();
    await core.createNamespacedService({ namespace: 'other', body: { ...svc('db', { app: 'db' }), metadata: { name: 'db', labels: { app: 'db' } } } });

    const got = await core.readNamespacedService({ name: 'web', namespace: 'default' });
    expect(got.spec?.ports?.[0].port).toBe(80);

    const all = await core.listServiceForAllNamespaces({});
    expect(all.items.map((s) => s.metadata?.name).sort()).toEqual(['db', 'web']);
    expect(Number(all.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect((await core.listServiceForAllNamespaces({ labelSelector: 'app in (db,x)' })).items.map((s) => s.metadata?.name)).toEqual(['db']);
    expect((await core.listServiceForAllNamespaces({ labelSelector: 'app!=db' })).items.map((s) => s.metadata?.name)).toEqual(['web']);
    expect((await core.listServiceForAllNamespaces({ fieldSelector: 'metadata.namespace=other' })).items.map((s) => s.metadata?.name)).toEqual(['db']);
    expect((await core.listServiceForAllNamespaces({ fieldSelector: 'metadata.name=web' })).items.map((s) => s.metadata?.namespace)).toEqual(['default']);
    expect((await core.listNamespacedService({ namespace: 'default' })).items).toHaveLength(1);

    // optimistic concurrency: replacing with a stale resourceVersion is a 409
    const v1 = got;
    v1.metadata!.labels = { app: 'web', tier: 'front' };
    const v2 = await core.replaceNamespacedService({ name: 'web', namespace: 'default', body: v1 });
    expect(v2.metadata?.resourceVersion).not.toBe(got.metadata?.resourceVersion);
    expect(await statusOf(core.replaceNamespacedService({ name: 'web', namespace: 'default', body: { ...v1, metadata: { ...v1.metadata, resourceVersion: got.metadata?.resourceVersion } } }))).toBe(409);

    // merge patch and JSON patch
    const merged = await core.patchNamespacedService({ name: 'web', namespace: 'default', body: { metadata: { annotations: { a: '1' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(merged.metadata?.annotations).toEqual({ a: '1' });
    const patched = await core.patchNamespacedService({ name: 'web', namespace: 'default', body: [{ op: 'replace', path: '/spec/ports/0/port', value: 8080 }] });
    expect(patched.spec?.ports?.[0].port).toBe(8080);
    expect(server.requests.some((r) => r.verb === 'patch' && r.contentType === 'application/json-patch+json')).toBe(true);

    await core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    expect(await statusOf(core.readNamespacedService({ name: 'web', namespace: 'default' }))).toBe(404);
    expect(await statusOf(core.createNamespacedService({ namespace: 'other', body: { ...svc('db'), metadata: { name: 'db' } } }))).toBe(409);
  });

  it('keeps status and spec apart when the kind has a status subresource', async () => {
    await core.createNamespacedService({ namespace: 'st', body: { ...svc('lb'), metadata: { name: 'lb' } } });
    const withStatus = await core.patchNamespacedServiceStatus({ name: 'lb', namespace: 'st',
      body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } }, spec: { type: 'ClusterIP' } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(withStatus.status?.loadBalancer?.ingress?.[0].ip).toBe('192.0.2.10');
    expect(withStatus.spec?.type).toBe('LoadBalancer'); // the status endpoint ignored the spec change
    const main = await core.replaceNamespacedService({ name: 'lb', namespace: 'st', body: { ...withStatus, status: {} } });
    expect(main.status?.loadBalancer?.ingress?.[0].ip).toBe('192.0.2.10'); // the main endpoint ignored the status change
  });

  it('serves custom resources, generateName, and both event APIs', async () => {
    const pool = await custom.createNamespacedCustomObject({ group: 'metallb.io', version: 'v1beta1', namespace: 'metallb-system', plural: 'ipaddresspools',
      body: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p' }, spec: { addresses: ['192.0.2.0/24'] } } });
    expect(pool.metadata.namespace).toBe('metallb-system');
    const peer = await custom.createNamespacedCustomObject({ group: 'metallb.io', version: 'v1beta2', namespace: 'metallb-system', plural: 'bgppeers',
      body: { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'r' }, spec: { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1' } } });
    expect(peer.apiVersion).toBe('metallb.io/v1beta2');
    const asV1beta1 = await custom.getNamespacedCustomObject({ group: 'metallb.io', version: 'v1beta1', namespace: 'metallb-system', plural: 'bgppeers', name: 'r' });
    expect(asV1beta1.apiVersion).toBe('metallb.io/v1beta1');

    const l2 = await custom.createNamespacedCustomObject({ group: 'metallb.io', version: 'v1beta1', namespace: 'metallb-system', plural: 'servicel2statuses',
      body: { apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', metadata: { generateName: 'l2-' } } });
    expect(l2.metadata.name).toMatch(/^l2-[a-z0-9]{1,5}$/);

    await core.createNamespacedEvent({ namespace: 'default', body: { metadata: { generateName: 'web.' }, involvedObject: { kind: 'Service', name: 'web' }, reason: 'IPAllocated', message: 'Assigned IP' } });
    const events = kubeConfigFor(server.url).makeApiClient(EventsV1Api);
    await events.createNamespacedEvent({ namespace: 'default', body: { metadata: { name: 'e1' }, eventTime: new Date(), reason: 'nodeAssigned', action: 'Announce', reportingController: 'metallb', reportingInstance: 'x' } });
    expect(server.list('events', undefined, '').length).toBe(1);
    expect(server.list('events', 'default', 'events.k8s.io').map((e) => e.reason)).toEqual(['nodeAssigned']);
    await core.createNamespace({ body: { metadata: { name: 'ns1', labels: { team: 'a' } } } });
    expect((await core.readNamespace({ name: 'ns1' })).metadata?.labels).toEqual({ team: 'a' });
  });

  it('watches: replays history after a version, streams changes, honours timeoutSeconds', async () => {
    const base = (await core.listNamespacedConfigMap({ namespace: 'w' })).metadata!.resourceVersion!;
    server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'w' }, data: { k: '1' } });
    const pending = collect(server, '/api/v1/namespaces/w/configmaps', { resourceVersion: base }, (evs) => evs.length >= 3);
    while (server.openWatchCount() === 0) await new Promise((r) => setTimeout(r, 10));
    const a = server.get('ConfigMap', 'w', 'a');
    server.update({ ...a, data: { k: '2' } });
    server.remove('ConfigMap', 'w', 'a');
    const { events } = await pending;
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);

    const t0 = Date.now();
    const timed = await collect(server, '/api/v1/namespaces/w/configmaps', { resourceVersion: base, timeoutSeconds: '1' }, () => false);
    expect(timed.ended).toBe(true);
    expect(timed.err).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('sends an in-stream 410 for a version older than the history, and drops watches on demand', async () => {
    const base = (await core.listNamespacedConfigMap({ namespace: 'x' })).metadata!.resourceVersion!;
    server.expireHistory();
    const gone = await collect(server, '/api/v1/namespaces/x/configmaps', { resourceVersion: base }, () => false);
    expect(gone.events[0].type).toBe('ERROR');
    expect(gone.events[0].object.code).toBe(410);
    expect(gone.ended).toBe(true);

    const now = (await core.listNamespacedConfigMap({ namespace: 'x' })).metadata!.resourceVersion!;
    const open = collect(server, '/api/v1/namespaces/x/configmaps', { resourceVersion: now }, () => false);
    while (server.openWatchCount() === 0) await new Promise((r) => setTimeout(r, 10));
    expect(server.dropWatches()).toBe(1);
    const dropped = await open;
    expect(dropped.ended).toBe(true);
    expect(dropped.err).toBeNull();
  });

  it('answers discovery well enough for the generic KubernetesObjectApi', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfigFor(server.url));
    await objects.create({ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'fast', namespace: 'metallb-system' }, spec: { receiveInterval: 100 } } as never);
    const read = await objects.read({ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'fast', namespace: 'metallb-system' } });
    expect((read as unknown as { spec: { receiveInterval: number } }).spec.receiveInterval).toBe(100);
    const patched = await objects.patch({ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'fast', namespace: 'metallb-system' }, spec: { echoMode: true } } as never,
      undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    expect((patched as unknown as { spec: Record<string, unknown> }).spec).toEqual({ receiveInterval: 100, echoMode: true });
    expect(server.requests.some((r) => r.path.startsWith('/apis/metallb.io/v1beta1') && r.resource === 'bfdprofiles')).toBe(true);
  });

  it('fails the next N requests of a verb and resource on demand', async () => {
    server.failNext({ verb: 'list', resource: 'nodes', count: 2, code: 500 });
    expect(await statusOf(core.listNode({}))).toBe(500);
    expect(await statusOf(core.listNamespacedService({ namespace: 'default' }))).toBe(200);
    expect(await statusOf(core.listNode({}))).toBe(500);
    expect(await statusOf(core.listNode({}))).toBe(200);
    server.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    server.failNext({ verb: 'update', resource: 'nodes', count: 1, code: 409 });
    const n = await core.readNode({ name: 'n1' });
    expect(await statusOf(core.replaceNode({ name: 'n1', body: n }))).toBe(409);
    expect(await statusOf(core.replaceNode({ name: 'n1', body: { ...n, metadata: { ...n.metadata, labels: { a: 'b' } } } }))).toBe(200);
  });
});
