// The in-cluster controller against the stand-in API server through the real client-node: status,
// annotation, conditions, events, pool counters, ConfigurationState, retries, restarts.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { runController, type ControllerHandle } from '../../src/roles/controller.js';
import { listSnapshot } from '../../src/sources/kube/source.js';
import { ControllerReconciler } from '../../src/roles/controller-reconciler.js';
import { FakeApiServer, kubeConfigFor } from '../apiserver/index.js';
import { NS, cond, endpoints, events, logSink, node, pool, service, svcStatus, waitFor } from './helpers.js';

const l2ad = { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l2', namespace: NS }, spec: {} };

describe('controller role', () => {
  let server: FakeApiServer;
  let kc: KubeConfig;
  let ctl: ControllerHandle | undefined;
  const sink = logSink();

  const start = async (registry = new Registry()) => {
    ctl = await runController({ kubeConfig: kc, namespace: NS, logger: sink.logger, registry, debounceMs: 10, retry: { initialMs: 5 } });
    await ctl.firstPass;
    return ctl;
  };

  beforeEach(async () => {
    server = await new FakeApiServer().start();
    kc = kubeConfigFor(server.url);
  });
  afterEach(async () => {
    await ctl?.stop();
    ctl = undefined;
    await server.stop();
  });

  it('allocates end to end: status, annotation, IPAllocated event, conditions, pool counters, ConfigurationState', async () => {
    server.create(pool('pool-a', ['192.0.2.0/30']));
    server.create(node('n1', '203.0.113.1'));
    server.create(service('web'));
    await start();
    await waitFor('web status', () => svcStatus(server, 'web').ips.length > 0);
    expect(svcStatus(server, 'web')).toMatchObject({ ips: ['192.0.2.0'], pool: 'pool-a' });
    // one status write carried status and annotation together
    const writes = server.requests.filter((r) => r.resource === 'services' && r.verb === 'patch');
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ subresource: 'status', contentType: 'application/merge-patch+json', code: 200 });

    expect(cond(server, 'web', 'metallb.io/IPAllocated')).toMatchObject({ status: 'True', reason: 'Allocated', message: '192.0.2.0 from IPAddressPool pool-a' });
    // no advertisement yet: the Announced condition says why, in words
    expect(cond(server, 'web', 'metallb.io/Announced')).toMatchObject({
      status: 'False',
      message: 'not announced: BGP: notOwner (pool pool-a has no BGPAdvertisement) on every node; layer 2: notOwner (the Service has no serving endpoint on any node) on every node',
    });
    const ev = events(server, 'web');
    expect(ev).toEqual([expect.objectContaining({ type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["192.0.2.0"]', count: 1, source: { component: 'metallb-controller' } })]);

    await waitFor('pool status', () => (server.get('IPAddressPool', NS, 'pool-a').status as { assignedIPv4?: number } | undefined)?.assignedIPv4 === 1);
    expect(server.get('IPAddressPool', NS, 'pool-a').status).toEqual({ assignedIPv4: 1, assignedIPv6: 0, availableIPv4: 3, availableIPv6: 0 });
    const state = server.get('ConfigurationState', NS, 'controller');
    expect(state.metadata.labels).toEqual({ 'metallb.io/component-type': 'controller' });
    expect(state.status).toMatchObject({ result: 'Valid', errorSummary: '' });
    expect(state.status.conditions.map((c: { type: string; status: string; reason: string }) => [c.type, c.status, c.reason]))
      .toEqual([['configReconcilerValid', 'True', 'Reconciled'], ['poolReconcilerValid', 'True', 'Reconciled']]);

    // Endpoints and an L2Advertisement: the controller's planner run says who announces.
    server.create(endpoints('web', 'n1', '10.0.0.5'));
    server.create(l2ad);
    await waitFor('announced', () => cond(server, 'web', 'metallb.io/Announced')?.status === 'True');
    expect(cond(server, 'web', 'metallb.io/Announced')).toMatchObject({ reason: 'Layer2', message: 'announced by layer 2 from node n1' });
    expect(svcStatus(server, 'web').ips).toEqual(['192.0.2.0']);
    expect(events(server, 'web')).toHaveLength(1); // nothing new to say about the allocation
  });

  it('Announced names the BGP nodes and peers, computed once by the controller for all nodes', async () => {
    server.create(pool('p', ['192.0.2.0/30']));
    server.create(node('n1', '203.0.113.1'));
    server.create(node('n2', '203.0.113.2'));
    server.create({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'router', namespace: NS }, spec: { myASN: 64500, peerASN: 64501, peerAddress: '203.0.113.254' } });
    server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name: 'bgp', namespace: NS }, spec: {} });
    server.create(service('web'));
    server.create(endpoints('web', 'n2', '10.0.0.5'));
    await start();
    await waitFor('announced', () => cond(server, 'web', 'metallb.io/Announced')?.status === 'True');
    expect(cond(server, 'web', 'metallb.io/Announced')).toMatchObject({ reason: 'BGP', message: 'announced by BGP from nodes n1,n2 to peer router' });
  });

  it('pool exhausted: AllocationFailed event and IPAllocated=False with the reason; a freed IP goes to the waiting Service', async () => {
    server.create(pool('tiny', ['192.0.2.10/32']));
    server.create(service('first'));
    await start();
    await waitFor('first', () => svcStatus(server, 'first').ips.length === 1);
    server.create(service('second'));
    await waitFor('second condition', () => cond(server, 'second', 'metallb.io/IPAllocated') !== undefined);
    const c = cond(server, 'second', 'metallb.io/IPAllocated')!;
    expect(c).toMatchObject({ status: 'False', reason: 'PoolExhausted' });
    expect(c.message).toMatch(/^no available IPs.*to fix: free an address/);
    expect(svcStatus(server, 'second').ips).toEqual([]);
    await waitFor('warning event', () => events(server, 'second').length > 0);
    expect(events(server, 'second')).toEqual([expect.objectContaining({ type: 'Warning', reason: 'AllocationFailed', message: expect.stringMatching(/^Failed to allocate IP for "default\/second": no available IPs/) })]);
    // The Service is edited and still fails the same way: the same Event's count goes up (aggregation).
    const cur = server.get('Service', 'default', 'second');
    server.update({ ...cur, spec: { ...cur.spec, ports: [{ port: 8080, protocol: 'TCP' }] } });
    await waitFor('count bump', () => events(server, 'second')[0]?.count === 2);
    expect(events(server, 'second')).toHaveLength(1);

    server.remove('Service', 'default', 'first');
    await waitFor('second gets the freed IP', () => svcStatus(server, 'second').ips[0] === '192.0.2.10');
    expect(cond(server, 'second', 'metallb.io/IPAllocated')?.status).toBe('True');
  });

  it('a restart with existing assignments and a new Service that sorts first moves and duplicates nothing', async () => {
    server.create(pool('p', ['192.0.2.0/30']));
    server.create(service('mmm'));
    server.create(service('zzz'));
    await start();
    await waitFor('both', () => svcStatus(server, 'mmm').ips.length === 1 && svcStatus(server, 'zzz').ips.length === 1);
    const before = { mmm: svcStatus(server, 'mmm').ips[0], zzz: svcStatus(server, 'zzz').ips[0] };
    await ctl!.stop();
    ctl = undefined;
    server.create(service('aaa'));
    await start();
    await ctl!.idle();
    await waitFor('aaa', () => svcStatus(server, 'aaa').ips.length === 1);
    expect(svcStatus(server, 'mmm').ips[0]).toBe(before.mmm);
    expect(svcStatus(server, 'zzz').ips[0]).toBe(before.zzz);
    const all = ['aaa', 'mmm', 'zzz'].map((n) => svcStatus(server, n).ips[0]);
    expect(new Set(all).size).toBe(3);
  });

  it('its memory wins over a cache that has not seen its own status write yet', async () => {
    server.create(pool('p', ['192.0.2.0/31']));
    server.create(service('one'));
    const stale = await listSnapshot(kc, NS); // taken before any write: 'one' has no status here
    const r = new ControllerReconciler({ kubeConfig: kc, namespace: NS, logger: sink.logger, registry: new Registry(), announcedCondition: false });
    r.seed(stale);
    await r.reconcile(stale);
    expect(svcStatus(server, 'one').ips).toEqual(['192.0.2.0']);
    const writesAfterFirst = r.writes.total;
    // A second reconcile on the same stale view, plus a newcomer: 'one' keeps .0, the newcomer gets .1,
    // and 'one' is not written again.
    server.create(service('two'));
    const staleish = await listSnapshot(kc, NS);
    staleish.services = staleish.services.map((s) => (s.metadata.name === 'one' ? stale.services.find((x) => x.metadata.name === 'one')! : s));
    await r.reconcile(staleish);
    expect(svcStatus(server, 'one').ips).toEqual(['192.0.2.0']);
    expect(svcStatus(server, 'two').ips).toEqual(['192.0.2.1']);
    const serviceWrites = server.requests.filter((q) => q.resource === 'services' && q.verb === 'patch').length;
    expect(serviceWrites).toBe(2);
    expect(r.writes.total).toBeGreaterThan(writesAfterFirst);
  });

  it('retries status writes after 409 conflicts and 500s', async () => {
    server.create(pool('p', ['192.0.2.0/30']));
    server.create(service('web'));
    server.failNext({ verb: 'patch', resource: 'services', subresource: 'status', count: 2, code: 409 });
    server.failNext({ verb: 'patch', resource: 'services', subresource: 'status', count: 1, code: 500 });
    await start();
    await waitFor('web status', () => svcStatus(server, 'web').ips.length === 1);
    const codes = server.requests.filter((r) => r.resource === 'services' && r.subresource === 'status').map((r) => r.code);
    expect(codes).toEqual([409, 409, 500, 200]);
  });

  it('tries again later when a status write still fails after its retries', async () => {
    server.create(pool('p', ['192.0.2.0/30']));
    server.create(service('web'));
    server.failNext({ verb: 'patch', resource: 'services', subresource: 'status', count: 6, code: 503 });
    await start();
    expect(svcStatus(server, 'web').ips).toEqual([]); // the first pass gave up after 6 attempts
    expect(sink.lines().some((l) => l.op === 'updateServiceStatus' && l.msg === 'failed to update service' && l.service === 'default/web')).toBe(true);
    await waitFor('written on the later pass', () => svcStatus(server, 'web').ips.length === 1);
  });

  it('keeps an invalid configuration out: ConfigurationState Invalid, stale metric 1, IPs untouched', async () => {
    server.create(pool('good', ['192.0.2.0/30']));
    server.create(service('web'));
    const registry = new Registry();
    await start(registry);
    await waitFor('web', () => svcStatus(server, 'web').ips.length === 1);
    server.create(pool('bad', ['192.0.2.300/30']));
    await waitFor('Invalid', () => server.get('ConfigurationState', NS, 'controller').status?.result === 'Invalid');
    const st = server.get('ConfigurationState', NS, 'controller').status;
    expect(st.errorSummary).toMatch(/^IPAddressPool\/bad: /);
    expect(st.conditions.find((c: { type: string }) => c.type === 'poolReconcilerValid')).toMatchObject({ status: 'False', reason: 'ConfigurationError' });
    expect((await registry.getSingleMetric('metallb_k8s_client_config_stale_bool')!.get()).values[0].value).toBe(1);
    expect(sink.lines().some((l) => l.msg === 'failed to parse the configuration' && String(l.error).startsWith('IPAddressPool/bad'))).toBe(true);
    // the last good config keeps running: a new Service still gets an IP from it
    server.create(service('late'));
    await waitFor('late', () => svcStatus(server, 'late').ips.length === 1);
    expect(svcStatus(server, 'web').ips).toEqual(['192.0.2.0']);
    // fixing it makes the state Valid again
    server.remove('IPAddressPool', NS, 'bad');
    await waitFor('Valid', () => server.get('ConfigurationState', NS, 'controller').status?.result === 'Valid');
    expect((await registry.getSingleMetric('metallb_k8s_client_config_stale_bool')!.get()).values[0].value).toBe(0);
  });

  it('clears status, annotation and its conditions when a Service stops being a LoadBalancer', async () => {
    server.create(pool('p', ['192.0.2.0/30']));
    server.create(service('web'));
    await start();
    await waitFor('web', () => svcStatus(server, 'web').ips.length === 1);
    const cur = server.get('Service', 'default', 'web');
    server.update({ ...cur, spec: { ...cur.spec, type: 'ClusterIP' } });
    await waitFor('cleared', () => svcStatus(server, 'web').ips.length === 0 && svcStatus(server, 'web').pool === undefined);
    expect(svcStatus(server, 'web').conditions).toEqual([]);
    await waitFor('pool counters', () => (server.get('IPAddressPool', NS, 'p').status as { assignedIPv4: number }).assignedIPv4 === 0);
  });
});
