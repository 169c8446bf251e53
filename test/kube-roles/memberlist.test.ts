// The membership key as upstream runs it: the controller creates the memberlist Secret at run time
// (owned by its Deployment), speakers read it through the API (--ml-secret-name), a changed key is
// taken without a restart, and a speaker holding another key is reported (log, metric,
// ConfigurationState) instead of silently splitting the membership.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { resolveTimings } from '../../src/layer2/membership/index.js';
import { runController } from '../../src/roles/controller.js';
import { runSpeaker, type SpeakerHandle } from '../../src/roles/speaker.js';
import { DEPLOYMENTS, FakeApiServer, kubeConfigFor, type Obj } from '../apiserver/index.js';
import { NS, endpoints, logSink, node, pool, service, waitFor } from './helpers.js';

jest.setTimeout(60_000);

const deployment = (): Obj => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'metallb-controller', namespace: NS },
  spec: { selector: { matchLabels: { app: 'c' } }, template: { metadata: { labels: { app: 'c' } }, spec: { containers: [] } } },
});
const secretObj = (name: string, key: string): Obj => ({
  apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name, namespace: NS }, data: { secretkey: Buffer.from(key).toString('base64') },
});

describe('memberlist Secret', () => {
  let api: FakeApiServer;
  let kc: KubeConfig;
  const stops: Array<() => Promise<void>> = [];
  const sink = logSink();
  beforeEach(async () => {
    api = await new FakeApiServer().start();
    api.addResource(DEPLOYMENTS);
    kc = kubeConfigFor(api.url);
  });
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s();
    await api.stop();
  });
  const secret = (name = 'metallb-memberlist') => api.list('Secret', NS).find((s) => s.metadata.name === name);
  const controller = async () => {
    const h = await runController({ kubeConfig: kc, namespace: NS, logger: sink.logger, debounceMs: 10, registry: new Registry(),
      memberlistSecret: { name: 'metallb-memberlist', deployment: 'metallb-controller' } });
    stops.push(() => h.stop());
    return h;
  };

  it('the controller creates it, owned by its Deployment, once the Deployment can be read; an existing one is kept', async () => {
    await controller();
    await waitFor('a failed try', () => sink.lines().some((l) => l.msg === 'failed to create memberlist secret; retrying'));
    expect(secret()).toBeUndefined();
    const d = api.create(deployment());
    await waitFor('the Secret', () => secret() !== undefined, 10_000);
    const s = secret()!;
    expect(s.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'metallb-controller', uid: d.metadata.uid }]);
    const key = Buffer.from(s.data.secretkey, 'base64').toString();
    expect(key).toMatch(/^[A-Za-z0-9+/]{22}$/); // 16 random bytes, unpadded base64, as upstream
    // a restarted controller leaves it alone
    for (const st of stops.splice(0)) await st();
    const creates = api.requests.filter((r) => r.resource === 'secrets' && r.verb === 'create').length;
    await controller();
    await waitFor('checked', () => api.requests.filter((r) => r.resource === 'secrets' && r.verb === 'list' && r.path.includes('fieldSelector')).length >= 2);
    expect(api.requests.filter((r) => r.resource === 'secrets' && r.verb === 'create').length).toBe(creates);
    expect(Buffer.from(secret()!.data.secretkey, 'base64').toString()).toBe(key);
  });

  describe('speakers reading it through the API', () => {
    const speakers: SpeakerHandle[] = [];
    const registries = new Map<string, Registry>();
    const mlPort = 20000 + Math.floor(Math.random() * 20000);
    afterEach(async () => {
      for (const s of speakers.splice(0)) await s.stop();
    });
    const startSpeaker = async (n: string, secretName: string) => {
      const registry = new Registry();
      registries.set(n, registry);
      const h = await runSpeaker({
        kubeConfig: kc, namespace: NS, node: n, logger: sink.logger, logLevel: 'info', registry, bgp: false, layer2: true,
        announcer: { setAnnouncements: () => {} }, debounceMs: 10, retry: { initialMs: 5 }, memberLabels: 'app=speaker',
        // short key-change windows so that the test sees a change settle
        membership: { port: mlPort, secretName, timings: resolveTimings({ keyChangeGrace: 1_000, keyMismatchWindow: 2_000 }) },
      });
      speakers.push(h);
      return h;
    };
    // undefined until the speaker's membership runs (the gauge is registered with it)
    const mismatchGauge = async (n: string) => (await registries.get(n)!.getSingleMetric('metallb_membership_key_mismatch_members')?.get())?.values[0]?.value;
    const keyCondition = (n: string) => (api.get('ConfigurationState', NS, `speaker-${n}`).status?.conditions as Array<{ type: string; status: string; message: string }> | undefined)
      ?.find((c) => c.type === 'membershipKeyValid');

    beforeEach(() => {
      api.create(pool('p', ['192.0.2.0/28']));
      api.create(node('n1', '127.0.0.1'));
      api.create(node('n2', '127.0.0.2'));
      for (const [n, ip] of [['n1', '127.0.0.1'], ['n2', '127.0.0.2']]) {
        api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `speaker-${n}`, namespace: NS, labels: { app: 'speaker' } }, spec: { nodeName: n, containers: [] }, status: { podIP: ip } });
      }
      api.create({ apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l2', namespace: NS }, spec: {} });
      api.create(service('web', { annotations: { 'metallb.io/ip-allocated-from-pool': 'p' }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.7' }] } } }));
      api.create(endpoints('web', 'n1', '10.0.0.9'));
    });

    it('another key is reported by log, metric and ConfigurationState; the Secret fixed, it is taken without a restart', async () => {
      api.create(secretObj('metallb-memberlist', 'the-shared-key-of-this-cluster'));
      api.create(secretObj('stale-copy', 'an-old-key-from-another-render'));
      const [a, b] = [await startSpeaker('n1', 'metallb-memberlist'), await startSpeaker('n2', 'stale-copy')];
      // Each sees the other's packets fail authentication: a split, and said so.
      await waitFor('n1 reports n2', async () => (await mismatchGauge('n1')) === 1, 20_000);
      await waitFor('ConfigurationState', () => keyCondition('n1')?.status === 'False', 20_000);
      expect(keyCondition('n1')!.message).toBe('membership packets from n2 fail authentication: they hold another membership key than this speaker '
        + `(Secret ${NS}/metallb-memberlist key secretkey); give every speaker the same key`);
      expect(api.get('ConfigurationState', NS, 'speaker-n1').status.result).toBe('Invalid');
      expect(sink.lines().some((l) => l.msg === 'membership packets from n2 fail authentication: it holds another membership key; give every speaker the same Secret')).toBe(true);
      await waitFor('n2 reports n1', async () => (await mismatchGauge('n2')) === 1, 20_000);

      // The stale copy gets the cluster's key: n2 takes it without a restart, the split heals.
      const cur = api.get('Secret', NS, 'stale-copy');
      api.update({ ...cur, data: { secretkey: Buffer.from('the-shared-key-of-this-cluster').toString('base64') } });
      await waitFor('healed', async () => (await mismatchGauge('n1')) === 0 && (await mismatchGauge('n2')) === 0, 20_000);
      await waitFor('Valid again', () => keyCondition('n1')?.status === 'True' && keyCondition('n2')?.status === 'True', 20_000);
      await waitFor('both live', () => [a, b].every((h) => h.loop.lastPlan?.decisions.some((d) => d.protocol === 'layer2' && d.winner !== undefined) ?? false));
    });
  });
});
