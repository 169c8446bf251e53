// The in-cluster speaker against the stand-in API server: ServiceBGPStatus / ServiceL2Status,
// nodeAssigned events, ConfigurationState speaker-<node>. FRR and packet sockets are replaced by
// injected stand-ins (runSpeaker's `applier` / `announcer` options): the speaker plans and publishes
// exactly as it would with them, and the stand-ins record what they were asked to do.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KubeConfig } from '@kubernetes/client-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { resolveTimings } from '../../src/layer2/membership/index.js';
import type { NodeBGPIntent } from '../../src/bgp/types.js';
import { runSpeaker, type SpeakerHandle, type SpeakerOptions } from '../../src/roles/speaker.js';
import { FakeApiServer, kubeConfigFor, type Obj } from '../apiserver/index.js';
import { NS, endpoints, events, logSink, node, pool, service, waitFor } from './helpers.js';

const peer = (name: string, extra: Record<string, unknown> = {}): Obj => ({
  apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name, namespace: NS },
  spec: { myASN: 64500, peerASN: 64501, peerAddress: '203.0.113.254', ...extra },
});
const bgpAd = { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name: 'bgp', namespace: NS }, spec: {} };
const l2Ad = (interfaces?: string[]): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l2', namespace: NS }, spec: interfaces ? { interfaces } : {} });
const withIP = (name: string, ip: string) => service(name, { annotations: { 'metallb.io/ip-allocated-from-pool': 'p' }, status: { loadBalancer: { ingress: [{ ip }] } } });

describe('speaker role', () => {
  let server: FakeApiServer;
  let kc: KubeConfig;
  const speakers: SpeakerHandle[] = [];
  const sink = logSink();

  const start = async (nodeName: string, extra: Partial<SpeakerOptions>) => {
    const h = await runSpeaker({
      kubeConfig: kc, namespace: NS, node: nodeName, logger: sink.logger, logLevel: 'info', registry: new Registry(),
      bgp: false, layer2: false, debounceMs: 10, retry: { initialMs: 5 }, ...extra,
    });
    speakers.push(h);
    await h.idle();
    return h;
  };

  beforeEach(async () => {
    server = await new FakeApiServer().start();
    kc = kubeConfigFor(server.url);
    server.create(pool('p', ['192.0.2.0/28']));
    server.create(node('n1', '203.0.113.1'));
    server.create(node('n2', '203.0.113.2'));
  });
  afterEach(async () => {
    for (const s of speakers.splice(0)) await s.stop();
    await server.stop();
  });

  it('BGP: writes ServiceBGPStatus (owner Pod, labels, sorted peers) and a nodeAssigned event only while it announces', async () => {
    server.create(peer('router-b'));
    server.create(peer('router-a', { peerAddress: '203.0.113.253' }));
    server.create(bgpAd);
    server.create(withIP('web', '192.0.2.5'));
    server.create(endpoints('web', 'n2', '10.0.0.9'));
    const intents: NodeBGPIntent[] = [];
    const owner = { apiVersion: 'v1', kind: 'Pod', name: 'speaker-abc', uid: '1234' };
    await start('n1', { bgp: true, applier: { update: (i: NodeBGPIntent) => void intents.push(i) }, owner });
    await waitFor('bgp status', () => server.list('ServiceBGPStatus', NS).length === 1);
    const st = server.list('ServiceBGPStatus', NS)[0];
    expect(st.metadata.name).toMatch(/^bgp-/);
    expect(st.metadata.labels).toEqual({ 'metallb.io/node': 'n1', 'metallb.io/service-name': 'web', 'metallb.io/service-namespace': 'default' });
    expect(st.metadata.ownerReferences).toEqual([owner]);
    expect(st.status).toEqual({ node: 'n1', serviceName: 'web', serviceNamespace: 'default', peers: ['router-a', 'router-b'] });
    expect(JSON.stringify(intents.at(-1))).toContain('192.0.2.5/32');
    expect(server.list('ServiceL2Status', NS)).toEqual([]); // layer 2 is off on this speaker
    await waitFor('event', () => events(server, 'web').length === 1);
    expect(events(server, 'web')[0]).toMatchObject({ type: 'Normal', reason: 'nodeAssigned', message: 'announcing from node "n1" with protocol "bgp"', source: { component: 'metallb-speaker', host: 'n1' } });
    const state = server.get('ConfigurationState', NS, 'speaker-n1');
    expect(state.metadata.labels).toEqual({ 'metallb.io/component-type': 'speaker', 'metallb.io/node-name': 'n1' });
    expect(state.status.result).toBe('Valid');

    // A peer goes away: the list follows; the advertisement goes away: the object goes.
    server.remove('BGPPeer', NS, 'router-b');
    await waitFor('peers', () => JSON.stringify(server.list('ServiceBGPStatus', NS)[0]?.status?.peers) === '["router-a"]');
    server.remove('BGPAdvertisement', NS, 'bgp');
    await waitFor('deleted', () => server.list('ServiceBGPStatus', NS).length === 0);
    expect(events(server, 'web')).toHaveLength(1);
  });

  it('a status object whose create failed is written on a later try, with one nodeAssigned event', async () => {
    server.create(peer('router'));
    server.create(bgpAd);
    server.create(withIP('web', '192.0.2.5'));
    server.create(endpoints('web', 'n1', '10.0.0.9'));
    server.failNext({ verb: 'create', resource: 'servicebgpstatuses', count: 1, code: 500 });
    await start('n1', { bgp: true, applier: { update: () => {} } });
    await waitFor('bgp status after the retry', () => server.list('ServiceBGPStatus', NS).length === 1);
    expect(server.requests.filter((r) => r.resource === 'servicebgpstatuses' && r.verb === 'create').map((r) => r.code)).toEqual([500, 201]);
    expect(events(server, 'web')).toHaveLength(1);
  });

  it('with --no-bgp it computes the plan but writes no ServiceBGPStatus', async () => {
    server.create(peer('router'));
    server.create(bgpAd);
    server.create(withIP('web', '192.0.2.5'));
    server.create(endpoints('web', 'n1', '10.0.0.9'));
    const h = await start('n1', { bgp: false });
    expect(h.loop.lastPlan?.decisions.find((d) => d.protocol === 'bgp')).toMatchObject({ announced: true, peers: ['router'] });
    expect(server.list('ServiceBGPStatus', NS)).toEqual([]);
    expect(events(server, 'web')).toEqual([]);
  });

  it('layer 2: only the winner holds a ServiceL2Status (interfaces when the ad restricts them) and it removes other nodes\' objects', async () => {
    server.create(l2Ad(['eth0']));
    server.create(withIP('web', '192.0.2.7'));
    server.create(endpoints('web', 'n1', '10.0.0.9'));
    // left over from a node that died
    server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', metadata: { name: 'l2-old', namespace: NS, labels: { 'metallb.io/node': 'gone', 'metallb.io/service-name': 'web', 'metallb.io/service-namespace': 'default' } } });
    const announced: Record<string, unknown[]> = { n1: [], n2: [] };
    for (const n of ['n1', 'n2']) await start(n, { layer2: true, announcer: { setAnnouncements: (l) => void (announced[n] = l) } });
    const winner = speakers[0].loop.lastPlan!.decisions.find((d) => d.protocol === 'layer2')!.winner!;
    await waitFor('one L2 status', () => server.list('ServiceL2Status', NS).length === 1);
    const st = server.list('ServiceL2Status', NS)[0];
    expect(st.metadata.name).toMatch(/^l2-/);
    expect(st.metadata.name).not.toBe('l2-old'); // the dead node's object was removed by the winner
    expect(st.metadata.labels['metallb.io/node']).toBe(winner);
    expect(st.status).toEqual({ node: winner, serviceName: 'web', serviceNamespace: 'default', interfaces: [{ name: 'eth0' }] });
    expect(announced[winner]).toEqual([{ ip: '192.0.2.7', interfaces: ['eth0'] }]);
    expect(announced[winner === 'n1' ? 'n2' : 'n1']).toEqual([]);
    await waitFor('event', () => events(server, 'web').length === 1);
    expect(events(server, 'web')[0]).toMatchObject({ reason: 'nodeAssigned', message: `announcing from node "${winner}" with protocol "layer2"` });
  });

  it('layer 2: a won IP whose advertisement names only interfaces the node lacks is skipped with an announceFailed Warning event', async () => {
    server.create(l2Ad(['eth0']));
    server.create(withIP('web', '192.0.2.7'));
    server.create(endpoints('web', 'n1', '10.0.0.9'));
    const announced: Record<string, unknown[]> = { n1: [], n2: [] };
    const interfaces = ['eth1', 'lo'];
    for (const n of ['n1', 'n2']) {
      await start(n, { layer2: true, interfaceRecheckMs: 20, announcer: { setAnnouncements: (l) => void (announced[n] = l), knownInterfaces: () => interfaces } });
    }
    const winner = speakers[0].loop.lastPlan!.decisions.find((d) => d.protocol === 'layer2')!.winner!;
    await waitFor('announceFailed event', () => events(server, 'web').some((e) => e.reason === 'announceFailed'));
    expect(events(server, 'web').find((e) => e.reason === 'announceFailed')).toMatchObject({
      type: 'Warning', message: `the interfaces specified by LB IP "192.0.2.7" doesn't exist in assigned node "${winner}" with protocol "layer2"`,
      source: { component: 'metallb-speaker', host: winner },
    });
    expect(announced).toEqual({ n1: [], n2: [] }); // the winner skipped the IP, the loser never had it
    expect(sink.lines().some((l) => l.level === 'warn' && l.ip === '192.0.2.7' && JSON.stringify(l.interfaces) === '["eth0"]')).toBe(true);

    // eth0 appears on the node (the announcer's rescan): announced without any config change, no second warning.
    interfaces.push('eth0');
    await waitFor('announced on eth0', () => JSON.stringify(announced[winner]) === JSON.stringify([{ ip: '192.0.2.7', interfaces: ['eth0'] }]));

    // eth0 goes away again, and the advertisement now names eth1 too, which exists: still announced,
    // and no new warning was due.
    interfaces.pop();
    server.update({ ...l2Ad(['eth0', 'eth1']) });
    await waitFor('announced on eth1', () => JSON.stringify(announced[winner]) === JSON.stringify([{ ip: '192.0.2.7', interfaces: ['eth0', 'eth1'] }]));
    for (const s of speakers) await s.idle();
    expect(events(server, 'web').filter((e) => e.reason === 'announceFailed').map((e) => e.count)).toEqual([1]);

    // Back to eth0 only, which the node lacks: a new episode, a repeat of the Warning.
    server.update({ ...l2Ad(['eth0']) });
    await waitFor('skipped again', () => announced[winner].length === 0);
    await waitFor('repeated event', () => events(server, 'web').find((e) => e.reason === 'announceFailed')?.count === 2);
  });

  it('refuses a config that leaves an announced IP without a pool until the Service has moved', async () => {
    server.create(peer('router'));
    server.create(bgpAd);
    server.create(withIP('web', '192.0.2.5'));
    server.create(endpoints('web', 'n1', '10.0.0.9'));
    const intents: NodeBGPIntent[] = [];
    const h = await start('n1', { bgp: true, applier: { update: (i: NodeBGPIntent) => void intents.push(i) } });
    const cur = server.get('IPAddressPool', NS, 'p');
    server.update({ ...cur, spec: { addresses: ['198.51.100.0/28'] } });
    await waitFor('refusal logged', () => sink.lines().some((l) => l.msg === 'service has no configuration under new config'));
    await h.idle();
    expect(JSON.stringify(intents.at(-1))).toContain('192.0.2.5/32'); // still announced with the old config
    // The controller moves the Service into the new pool: the new config is taken.
    const svc = server.get('Service', 'default', 'web');
    server.update({ ...svc, status: { loadBalancer: { ingress: [{ ip: '198.51.100.1' }] } } });
    await waitFor('new IP announced', () => JSON.stringify(intents.at(-1)).includes('198.51.100.1/32'));
    expect(JSON.stringify(intents.at(-1))).not.toContain('192.0.2.5');
  });

  it('membership from speaker Pods (--ml-labels): when the layer 2 winner leaves, the other node takes over the ServiceL2Status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'speaker-ml-'));
    writeFileSync(join(dir, 'secretkey'), 'a-shared-membership-secret-for-tests');
    const mlPort = 20000 + Math.floor(Math.random() * 20000);
    for (const [n, ip] of [['n1', '127.0.0.1'], ['n2', '127.0.0.2']]) {
      server.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `speaker-${n}`, namespace: NS, labels: { app: 'speaker' } }, spec: { nodeName: n, containers: [] }, status: { podIP: ip } });
    }
    server.create(l2Ad());
    server.create(withIP('web', '192.0.2.7'));
    server.create(endpoints('web', 'n1', '10.0.0.9'));
    try {
      const membership = { port: mlPort, secretFile: join(dir, 'secretkey'), timings: resolveTimings({}) };
      for (const n of ['n1', 'n2']) await start(n, { layer2: true, announcer: { setAnnouncements: () => {} }, membership, memberLabels: 'app=speaker' });
      await waitFor('both members live', () => speakers.every((h) => h.loop.lastPlan?.decisions.some((d) => d.protocol === 'layer2' && d.winner !== undefined) ?? false));
      await waitFor('one L2 status', () => server.list('ServiceL2Status', NS).length === 1);
      const winner = server.list('ServiceL2Status', NS)[0].status.node as string;
      const [gone, stays] = winner === 'n1' ? [speakers[0], speakers[1]] : [speakers[1], speakers[0]];
      await gone.stop();
      speakers.splice(speakers.indexOf(gone), 1);
      const other = winner === 'n1' ? 'n2' : 'n1';
      await waitFor('takeover', () => {
        const all = server.list('ServiceL2Status', NS);
        return all.length === 1 && all[0].status?.node === other;
      }, 10_000);
      expect(stays.loop.lastPlan!.decisions.find((d) => d.protocol === 'layer2')).toMatchObject({ announced: true, winner: other });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an invalid peer selected only for n1 makes speaker-n1 Invalid and keeps its last good config; n2 stays Valid', async () => {
    server.create(peer('router'));
    server.create(bgpAd);
    server.create(withIP('web', '192.0.2.5'));
    server.create(endpoints('web', 'n1', '10.0.0.9'));
    const intents: NodeBGPIntent[] = [];
    await start('n1', { bgp: true, applier: { update: (i: NodeBGPIntent) => void intents.push(i) } });
    await start('n2', { bgp: true, applier: { update: () => {} } });
    await waitFor('both announce', () => server.list('ServiceBGPStatus', NS).length === 2);
    server.create(peer('broken', { peerAddress: 'not-an-address', nodeSelectors: [{ matchLabels: { 'kubernetes.io/hostname': 'n1' } }] }));
    await waitFor('n1 Invalid', () => server.get('ConfigurationState', NS, 'speaker-n1').status?.result === 'Invalid');
    expect(server.get('ConfigurationState', NS, 'speaker-n1').status.errorSummary).toMatch(/^BGPPeer\/broken: /);
    await speakers[1].idle();
    expect(server.get('ConfigurationState', NS, 'speaker-n2').status.result).toBe('Valid');
    expect(sink.lines().some((l) => l.msg === 'failed to parse the configuration' && String(l.error).startsWith('BGPPeer/broken'))).toBe(true);
    // n1 still announces with its last good config
    expect(server.list('ServiceBGPStatus', NS)).toHaveLength(2);
    expect(JSON.stringify(intents.at(-1))).not.toContain('not-an-address');
  });
});
