// Log queries written for MetalLB keep matching: the controller and the speaker, running against the
// stand-in API server, log upstream's `event` values with upstream's keys on the occasions upstream
// logs them (metallb/metallb controller/service.go, controller/main.go, speaker/main.go). Each test
// reads the JSON lines the real logger wrote.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { KubeConfig } from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { runController, type ControllerHandle } from '../../src/roles/controller.js';
import { runSpeaker, type SpeakerHandle } from '../../src/roles/speaker.js';
import { createLogger } from '../../src/util/log.js';
import { FakeApiServer, kubeConfigFor, type Obj } from '../apiserver/index.js';
import { NS, endpoints, node, pool, service, svcStatus, waitFor } from './helpers.js';

// A loaded 2-core machine: generous deadlines, no timing asserted.
jest.setTimeout(60_000);

type Line = Record<string, unknown>;

/** A debug-level logger writing JSON lines into memory. */
function debugSink() {
  const chunks: string[] = [];
  const dest = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } });
  return {
    logger: createLogger('debug', dest),
    lines: (): Line[] => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line),
  };
}

const withEvent = (lines: Line[], event: string, service?: string) => lines.filter((l) => l.event === event && (service === undefined || l.service === service));

describe('controller log events', () => {
  let server: FakeApiServer;
  let kc: KubeConfig;
  let ctl: ControllerHandle | undefined;
  let sink: ReturnType<typeof debugSink>;

  const start = async () => {
    ctl = await runController({ kubeConfig: kc, namespace: NS, logger: sink.logger, registry: new Registry(), debounceMs: 10, retry: { initialMs: 5 } });
    await ctl.firstPass;
  };
  const logged = (what: string, test: (lines: Line[]) => boolean) => waitFor(what, () => test(sink.lines()), 20_000);

  beforeEach(async () => {
    sink = debugSink();
    server = await new FakeApiServer().start();
    kc = kubeConfigFor(server.url);
    server.create(node('n1', '203.0.113.1'));
  });
  afterEach(async () => {
    await ctl?.stop();
    ctl = undefined;
    await server.stop();
  });

  it('ipAllocated with ip, then serviceUpdated when the status is written', async () => {
    server.create(pool('pool-a', ['192.0.2.0/30']));
    server.create(service('web'));
    await start();
    await logged('serviceUpdated', (l) => withEvent(l, 'serviceUpdated', 'default/web').length > 0);
    const [alloc] = withEvent(sink.lines(), 'ipAllocated', 'default/web');
    expect(alloc).toMatchObject({ level: 'info', ip: ['192.0.2.0'], msg: 'IP address assigned by controller' });
    expect(withEvent(sink.lines(), 'serviceUpdated', 'default/web')[0]).toMatchObject({ level: 'info', msg: 'updated service object' });
    // Framed like upstream's service update, at debug.
    const order = sink.lines().filter((l) => l.service === 'default/web').map((l) => l.event);
    expect(order.indexOf('startUpdate')).toBeLessThan(order.indexOf('ipAllocated'));
    expect(order.indexOf('ipAllocated')).toBeLessThan(order.indexOf('endUpdate'));
    // Converged and unchanged: no second ipAllocated.
    server.create(service('other'));
    await logged('other', (l) => withEvent(l, 'ipAllocated', 'default/other').length > 0);
    expect(withEvent(sink.lines(), 'ipAllocated', 'default/web')).toHaveLength(1);
  });

  it('serviceDeleted when a Service holding an IP goes', async () => {
    server.create(pool('pool-a', ['192.0.2.0/30']));
    server.create(service('web'));
    await start();
    await waitFor('web status', () => svcStatus(server, 'web').ips.length > 0, 20_000);
    server.remove('Service', 'default', 'web');
    await logged('serviceDeleted', (l) => withEvent(l, 'serviceDeleted', 'default/web').length > 0);
    expect(withEvent(sink.lines(), 'serviceDeleted', 'default/web')[0]).toMatchObject({ level: 'info', msg: 'service deleted' });
  });

  it('clearAssignment with the error when the configuration no longer allows the IP, then ipAllocated again', async () => {
    server.create(pool('pool-a', ['192.0.2.0/30']));
    server.create(service('web'));
    await start();
    await waitFor('web status', () => svcStatus(server, 'web').ips.length > 0, 20_000);
    server.update(pool('pool-a', ['198.51.100.0/30']));
    await logged('clearAssignment', (l) => withEvent(l, 'clearAssignment', 'default/web').length > 0);
    expect(withEvent(sink.lines(), 'clearAssignment', 'default/web')[0]).toMatchObject({
      level: 'info', msg: 'current IP not allowed by config, clearing', error: expect.stringContaining('192.0.2.0'),
    });
    await logged('new ip', (l) => withEvent(l, 'ipAllocated', 'default/web').some((x) => JSON.stringify(x.ip) === '["198.51.100.0"]'));
  });

  it('clearAssignment with reason differentIPRequested / differentPoolRequested when the user asks for another IP or pool', async () => {
    server.create(pool('pool-a', ['192.0.2.0/30']));
    server.create(pool('pool-b', ['198.51.100.0/30']));
    server.create(service('web', { annotations: { 'metallb.io/address-pool': 'pool-a' } }));
    await start();
    await waitFor('web status', () => svcStatus(server, 'web').ips.length > 0, 20_000);
    const current = server.get('Service', 'default', 'web');
    server.update({ ...current, metadata: { ...current.metadata, annotations: { 'metallb.io/address-pool': 'pool-b' } } });
    await logged('differentPoolRequested', (l) => withEvent(l, 'clearAssignment', 'default/web').some((x) => x.reason === 'differentPoolRequested'));
    expect(withEvent(sink.lines(), 'clearAssignment', 'default/web').find((x) => x.reason === 'differentPoolRequested'))
      .toMatchObject({ level: 'info', msg: 'user requested a different pool than the one currently assigned' });
    await waitFor('moved', () => svcStatus(server, 'web').ips[0] === '198.51.100.0', 20_000);
    const moved = server.get('Service', 'default', 'web');
    server.update({ ...moved, metadata: { ...moved.metadata, annotations: { 'metallb.io/loadBalancerIPs': '198.51.100.2' } } });
    await logged('differentIPRequested', (l) => withEvent(l, 'clearAssignment', 'default/web').some((x) => x.reason === 'differentIPRequested'));
    expect(withEvent(sink.lines(), 'clearAssignment', 'default/web').find((x) => x.reason === 'differentIPRequested'))
      .toMatchObject({ level: 'info', msg: 'user requested a different IP than the one currently assigned' });
  });

  it('op allocateIPs with the error when no IP is left', async () => {
    server.create(pool('pool-a', ['192.0.2.0/32']));
    server.create(service('first'));
    server.create(service('second'));
    await start();
    await logged('allocateIPs', (l) => l.some((x) => x.op === 'allocateIPs'));
    expect(sink.lines().find((x) => x.op === 'allocateIPs')).toMatchObject({ level: 'error', service: 'default/second', msg: 'IP allocation failed', error: expect.any(String) });
  });

  it('noConfig while no configuration has loaded, clearAssignment noConfig while there is no pool', async () => {
    server.create(pool('broken', ['not-a-range']));
    server.create(service('web'));
    await start();
    await logged('noConfig', (l) => withEvent(l, 'noConfig').length > 0);
    expect(withEvent(sink.lines(), 'noConfig')[0]).toMatchObject({ level: 'debug', msg: 'not processing, still waiting for config' });
    server.remove('IPAddressPool', NS, 'broken');
    await logged('pools are empty', (l) => withEvent(l, 'clearAssignment', 'default/web').some((x) => x.reason === 'noConfig'));
    expect(withEvent(sink.lines(), 'clearAssignment', 'default/web').find((x) => x.reason === 'noConfig')).toMatchObject({ level: 'debug', msg: 'pools are empty' });
  });

  it('loadbalancerIP when the requested IPs are invalid, clearAssignment notLoadBalancer when it stops being one', async () => {
    server.create(pool('pool-a', ['192.0.2.0/30']));
    server.create(service('web'));
    await start();
    await waitFor('web status', () => svcStatus(server, 'web').ips.length > 0, 20_000);
    const svc = server.get('Service', 'default', 'web');
    server.update({ ...svc, metadata: { ...svc.metadata, annotations: { 'metallb.io/loadBalancerIPs': 'not-an-ip' } } });
    await logged('loadbalancerIP', (l) => withEvent(l, 'loadbalancerIP', 'default/web').length > 0);
    expect(withEvent(sink.lines(), 'loadbalancerIP', 'default/web')[0]).toMatchObject({ level: 'error', msg: 'invalid requested loadbalancer IPs', error: expect.stringContaining('not-an-ip') });
    const again = server.get('Service', 'default', 'web');
    server.update({ ...again, metadata: { ...again.metadata, annotations: {} }, spec: { ...(again.spec as object), type: 'ClusterIP' } });
    await logged('notLoadBalancer', (l) => withEvent(l, 'clearAssignment', 'default/web').some((x) => x.reason === 'notLoadBalancer'));
    expect(withEvent(sink.lines(), 'clearAssignment', 'default/web').find((x) => x.reason === 'notLoadBalancer')).toMatchObject({ level: 'debug', msg: 'not a LoadBalancer' });
  });

  it('tryAssignAdditionalIP and ipAllocated for the second family of a PreferDualStack Service', async () => {
    server.create(pool('dual', ['192.0.2.0/30', '2001:db8::/126']));
    const svc = service('web', { status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } }, annotations: { 'metallb.io/ip-allocated-from-pool': 'dual' } });
    const spec = svc.spec as Record<string, unknown>;
    server.create({ ...svc, spec: { ...spec, ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'], clusterIPs: [spec.clusterIP, '2001:db8:ffff::1'] } });
    await start();
    await logged('additional', (l) => withEvent(l, 'ipAllocated', 'default/web').length > 0);
    expect(withEvent(sink.lines(), 'tryAssignAdditionalIP', 'default/web')[0]).toMatchObject({ level: 'info', msg: 'familyPolicy is PreferDualStack, trying to assign additional ip' });
    expect(withEvent(sink.lines(), 'ipAllocated', 'default/web')[0]).toMatchObject({ level: 'info', ip: '2001:db8::', msg: 'Additional IP address assigned by controller' });
  });

  it('deprecatedAnnotation with the annotation when it changes a Service that uses one', async () => {
    server.create(pool('pool-a', ['192.0.2.0/30']));
    server.create(service('web', { annotations: { 'metallb.universe.tf/address-pool': 'pool-a' } }));
    await start();
    await logged('deprecatedAnnotation', (l) => withEvent(l, 'deprecatedAnnotation', 'default/web').length > 0);
    expect(withEvent(sink.lines(), 'deprecatedAnnotation', 'default/web')[0]).toMatchObject({ level: 'warn', annotation: 'metallb.universe.tf/address-pool' });
  });
});

describe('speaker log events', () => {
  let server: FakeApiServer;
  let kc: KubeConfig;
  let speaker: SpeakerHandle | undefined;
  const sink = debugSink();

  beforeEach(async () => {
    server = await new FakeApiServer().start();
    kc = kubeConfigFor(server.url);
  });
  afterEach(async () => {
    await speaker?.stop();
    speaker = undefined;
    await server.stop();
  });

  it('serviceAnnounced with ips, pool and protocol; serviceWithdrawn with ip and the reason', async () => {
    server.create(pool('p', ['192.0.2.0/28']));
    server.create(node('n1', '203.0.113.1'));
    server.create({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'r', namespace: NS }, spec: { myASN: 64500, peerASN: 64501, peerAddress: '203.0.113.254' } } as Obj);
    server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name: 'bgp', namespace: NS }, spec: {} } as Obj);
    server.create(service('web', { annotations: { 'metallb.io/ip-allocated-from-pool': 'p' }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.5' }] } } }));
    server.create(endpoints('web', 'n1', '10.0.0.9'));
    speaker = await runSpeaker({
      kubeConfig: kc, namespace: NS, node: 'n1', logger: sink.logger, logLevel: 'debug', registry: new Registry(),
      bgp: true, layer2: false, debounceMs: 10, retry: { initialMs: 5 }, applier: { update: () => undefined },
    });
    await waitFor('announced', () => withEvent(sink.lines(), 'serviceAnnounced', 'default/web').length > 0, 20_000);
    expect(withEvent(sink.lines(), 'serviceAnnounced', 'default/web')[0]).toMatchObject({
      level: 'info', ips: ['192.0.2.5'], pool: 'p', protocol: 'bgp', msg: 'service has IP, announcing',
    });
    server.remove('Service', 'default', 'web');
    await waitFor('withdrawn', () => withEvent(sink.lines(), 'serviceWithdrawn', 'default/web').length > 0, 20_000);
    expect(withEvent(sink.lines(), 'serviceWithdrawn', 'default/web')[0]).toMatchObject({
      level: 'info', ip: ['192.0.2.5'], reason: 'serviceDeleted', protocol: 'bgp', msg: 'withdrawing service announcement',
    });
  });
});
