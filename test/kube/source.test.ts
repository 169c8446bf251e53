// The kube source against the stand-in API server, through the real client-node.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '../../src/api/snapshot.js';
import { KubeSource, listSnapshot } from '../../src/sources/kube/source.js';
import { resolveNamespace } from '../../src/sources/kube/namespace.js';
import { FakeApiServer, kubeConfigFor } from '../apiserver/index.js';

// Real sockets and client-node's reconnect delays (1 s after an idle watch ends) on a shared, busy machine.
jest.setTimeout(30_000);

const NS = 'metallb-system';

async function waitFor(what: string, cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const names = (items: { metadata: { name: string } }[]) => items.map((o) => o.metadata.name).sort();

function seed(server: FakeApiServer): void {
  server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'pool-a', namespace: NS }, spec: { addresses: ['192.0.2.0/24'] } });
  server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'elsewhere', namespace: 'other' }, spec: { addresses: ['198.51.100.0/24'] } });
  server.create({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'router', namespace: NS }, spec: { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.254' } });
  server.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bgp-pass', namespace: NS }, type: 'kubernetes.io/basic-auth', data: { password: 'c2VjcmV0' } });
  server.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'not-ours', namespace: 'default' }, data: {} });
  server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bgpextras', namespace: NS }, data: { extras: '' } });
  server.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
  server.create({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], nodeName: 'n1' }] });
  server.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { zone: 'a' } } });
  server.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
}

describe('kube source', () => {
  let server: FakeApiServer;
  let source: KubeSource;
  let changes: Snapshot[];

  beforeEach(async () => {
    server = await new FakeApiServer().start();
    seed(server);
    changes = [];
  });
  afterEach(async () => {
    await source?.stop();
    await server.stop();
  });

  const startSource = () => {
    source = new KubeSource({ kubeConfig: kubeConfigFor(server.url), namespace: NS, debounceMs: 20, backoff: { initialMs: 20, maxMs: 200 } });
    source.on('change', (s) => changes.push(s));
    return source.start();
  };

  it('syncs every cache, namespaced kinds only from the MetalLB namespace, and emits one snapshot', async () => {
    startSource();
    await source.synced;
    await waitFor('first change', () => changes.length > 0);
    const s = changes[0];
    expect(names(s.pools)).toEqual(['pool-a']);
    expect(s.pools[0].kind).toBe('IPAddressPool');
    expect(s.bgpPeers[0].apiVersion).toBe('metallb.io/v1beta2');
    expect(names(s.secrets)).toEqual(['bgp-pass']);
    expect(s.secrets[0].data).toEqual({ password: 'c2VjcmV0' });
    expect(names(s.configMaps)).toEqual(['bgpextras']);
    expect(names(s.services)).toEqual(['web']);
    expect(s.endpointSlices[0].endpoints?.[0].nodeName).toBe('n1');
    expect(names(s.nodes)).toEqual(['n1']);
    expect(names(s.namespaces)).toEqual(['default']);
    expect(typeof s.nodes[0].metadata.creationTimestamp).toBe('string'); // plain JSON, not Date objects
    await waitFor('all watches open', () => server.openWatchCount() === 12);
    // The watches are namespaced for namespaced kinds (so a Role is enough) and cluster-wide for the rest.
    const watchPaths = server.requests.filter((r) => r.verb === 'watch').map((r) => r.path.split('?')[0]);
    expect(watchPaths).toContain('/apis/metallb.io/v1beta2/namespaces/metallb-system/bgppeers');
    expect(watchPaths).toContain('/api/v1/services');
  });

  it('reflects adds, updates and deletes with a debounced change', async () => {
    startSource();
    await source.synced;
    await waitFor('first change', () => changes.length > 0);
    server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l2', namespace: NS }, spec: {} });
    const node = server.get('Node', undefined, 'n1');
    server.update({ ...node, metadata: { ...node.metadata, labels: { zone: 'b' } } });
    server.remove('Service', 'default', 'web');
    await waitFor('all three changes', () => {
      const s = changes[changes.length - 1];
      return s.l2Advertisements.length === 1 && s.nodes[0]?.metadata.labels?.zone === 'b' && s.services.length === 0;
    });
    // a burst of changes coalesces: far fewer snapshots than events
    const beforeBurst = changes.length;
    for (let i = 0; i < 30; i++) server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `burst-${i}`, namespace: NS }, data: {} });
    await waitFor('the whole burst', () => changes[changes.length - 1].configMaps.length === 31);
    expect(changes.length - beforeBurst).toBeLessThan(30);
    server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'ignored', namespace: 'other' }, spec: { addresses: ['203.0.113.0/24'] } });
    await new Promise((r) => setTimeout(r, 150));
    expect(names(source.snapshot().pools)).toEqual(['pool-a']);
  });

  it('resumes after the server closes its watches, and restarts after a broken connection', async () => {
    startSource();
    await source.synced;
    await waitFor('all watches open', () => server.openWatchCount() === 12);
    const lists = server.requests.filter((r) => r.verb === 'list').length;
    expect(server.dropWatches()).toBe(12);
    server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'Community', metadata: { name: 'c', namespace: NS }, spec: { communities: [] } });
    await waitFor('community after clean drop', () => source.snapshot().communities.length === 1);
    // a clean close resumes from the last version without relisting
    expect(server.requests.filter((r) => r.verb === 'list').length).toBe(lists);

    await waitFor('watches reopened', () => server.openWatchCount() === 12);
    server.dropWatches({ abrupt: true });
    server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'fast', namespace: NS }, spec: { receiveInterval: 100 } });
    await waitFor('bfd profile after abrupt drop', () => source.snapshot().bfdProfiles.length === 1);
    expect(source.informers.some((i) => i.restarts > 0)).toBe(true);
  });

  it('relists when the watch answers 410 Gone', async () => {
    startSource();
    await source.synced;
    const poolLists = () => server.requests.filter((r) => r.verb === 'list' && r.resource === 'ipaddresspools').length;
    expect(poolLists()).toBe(1);
    server.expireHistory();
    server.dropWatches();
    await waitFor('relist of pools', () => poolLists() === 2);
    server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'pool-b', namespace: NS }, spec: { addresses: ['198.51.100.0/24'] } });
    await waitFor('pool-b', () => source.snapshot().pools.length === 2);
    expect(source.informers.every((i) => i.restarts === 0)).toBe(true); // 410 is handled without a restart
  });

  it('retries a failing LIST with backoff until it syncs', async () => {
    server.failNext({ verb: 'list', resource: 'ipaddresspools', count: 3, code: 500 });
    startSource();
    await source.synced;
    expect(names(source.snapshot().pools)).toEqual(['pool-a']);
    const pools = source.informers.find((i) => i.kind.key === 'pools')!;
    expect(pools.restarts).toBe(3);
  });

  it('builds partial snapshots on request and reuses sorted caches until something changes', async () => {
    startSource();
    await source.synced;
    const partial = source.snapshot(['pools', 'nodes']);
    expect(names(partial.pools)).toEqual(['pool-a']);
    expect(names(partial.nodes)).toEqual(['n1']);
    expect(partial.services).toEqual([]);
    const a = source.snapshot();
    const b = source.snapshot();
    expect(b.services[0]).toBe(a.services[0]); // same cached objects, no re-sort
    server.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'aaa', namespace: 'default' }, spec: { type: 'ClusterIP' } });
    await waitFor('new service first in order', () => source.snapshot().services[0]?.metadata.name === 'aaa');
    expect(names(source.snapshot().services)).toEqual(['aaa', 'web']);
  });

  it('reads a one-off snapshot without a cache', async () => {
    const s = await listSnapshot(kubeConfigFor(server.url), NS);
    expect(names(s.pools)).toEqual(['pool-a']);
    expect(names(s.bgpPeers)).toEqual(['router']);
    expect(s.services[0].kind).toBe('Service');
  });
});

describe('MetalLB namespace', () => {
  it('prefers the flag, then METALLB_NAMESPACE, then the service-account file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-'));
    const file = join(dir, 'namespace');
    writeFileSync(file, 'from-file\n');
    expect(resolveNamespace('flag', { METALLB_NAMESPACE: 'env' }, file)).toBe('flag');
    expect(resolveNamespace(undefined, { METALLB_NAMESPACE: 'env' }, file)).toBe('env');
    expect(resolveNamespace(undefined, {}, file)).toBe('from-file');
    expect(() => resolveNamespace(undefined, {}, join(dir, 'missing'))).toThrow(/--namespace/);
  });
});
