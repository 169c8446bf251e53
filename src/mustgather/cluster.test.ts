// Cluster mode against the stand-in API server (real @kubernetes/client-node) with a scripted exec in
// place of the frr container; the real-FRR path is covered by e2e/mustgather.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FakeApiServer, kubeConfigFor } from '../../test/apiserver/index.js';
import { mustGather } from './must-gather.js';
import type { ExecResult, PodExec } from './pod-frr.js';
import { unpack, type Unpacked } from './testing.js';

const NS = 'metallb-system';
const SECRETS = ['TopSecret1', 'TopSecret2', 'TopSecret3', Buffer.from('TopSecret1').toString('base64')];

let server: FakeApiServer;
let out: string;
let result: Awaited<ReturnType<typeof mustGather>>;
let got: Unpacked;
const execCalls: string[] = [];

const exec: PodExec = async (namespace, pod, container, argv): Promise<ExecResult> => {
  execCalls.push(`${namespace}/${pod}/${container}: ${argv.join(' ')}`);
  const cmd = argv.join(' ');
  if (argv[0] === 'vtysh') {
    if (cmd.includes('counters')) return { stdout: '', stderr: 'bfdd is not running', code: 1 };
    return { stdout: `output of ${argv[2]}\n neighbor 192.0.2.1 password TopSecret3\n`, stderr: '', code: 0 };
  }
  if (cmd.includes('/etc/frr/frr.log')) return { stdout: '', stderr: '', code: 3 };
  if (cmd.includes('/etc/frr/frr.conf')) return { stdout: 'router bgp 64512\n neighbor 192.0.2.1 password TopSecret3\n', stderr: '', code: 0 };
  return { stdout: `# ${argv.at(-1)}\n`, stderr: '', code: 0 };
};

const pod = (name: string, containers: string[], phase: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels: { component: name.split('-')[0] } },
  spec: { nodeName: 'node-1', containers: containers.map((c) => ({ name: c, image: `img/${c}` })) }, status: { phase },
});

beforeAll(async () => {
  server = await new FakeApiServer().start();
  // Kinds the stand-in does not know by default; a real API server serves them all.
  server.addResource({ group: '', versions: ['v1'], plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, statusSubresource: false });
  server.addResource({ group: 'apps', versions: ['v1'], plural: 'daemonsets', kind: 'DaemonSet', namespaced: true, statusSubresource: true });
  server.addResource({ group: 'apiextensions.k8s.io', versions: ['v1'], plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, statusSubresource: true });
  server.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
  server.create(pod('speaker-abc', ['speaker', 'frr'], 'Running'));
  server.create(pod('speaker-def', ['speaker', 'frr'], 'Pending'));
  server.create(pod('controller-xyz', ['controller'], 'Running'));
  server.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bgp-pass', namespace: NS }, type: 'kubernetes.io/basic-auth',
    data: { password: Buffer.from('TopSecret1').toString('base64') } });
  server.create({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'r1', namespace: NS },
    spec: { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', password: 'TopSecret2' } });
  server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p1', namespace: NS }, spec: { addresses: ['203.0.113.0/28'] } });
  server.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'apps' }, spec: { type: 'LoadBalancer' } });
  server.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'internal', namespace: 'apps' }, spec: { type: 'ClusterIP' } });
  server.create({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'ipaddresspools.metallb.io' }, spec: {} });
  server.create({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: {} });

  out = await mkdtemp(join(tmpdir(), 'mg-cluster-'));
  result = await mustGather({ output: out, namespace: NS, kubeConfig: kubeConfigFor(server.url, NS), exec, logLines: 100, now: new Date('2026-11-27T10:00:00Z') });
  got = await unpack(result.archive);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

const docs = (text: string | undefined) => parseAllDocuments(text ?? '').map((d) => d.toJS() as { metadata: { name: string }; [k: string]: unknown });

describe('must-gather, cluster mode', () => {
  it('writes one timestamped archive with an index of what was collected, absent and failed', () => {
    expect(result.archive).toBe(join(out, 'metallb-must-gather-20261127T100000Z.tar.gz'));
    expect(result.mode).toBe('cluster');
    expect(got.top).toBe('metallb-must-gather-20261127T100000Z');
    expect(got.index.mode).toBe('cluster');
    expect(got.index.namespace).toBe(NS);
    const txt = got.files.get('index.txt')!;
    expect(txt).toMatch(/^collected +namespace\/metallb-system\/metallb.io\/bgppeers.yaml +list metallb.io\/v1beta2 BGPPeer -n metallb-system$/m);
    expect(result.collected).toBe(got.index.entries.filter((e) => e.status === 'collected').length);
    // Every collected entry is in the archive, and nothing else is.
    const collected = got.index.entries.filter((e) => e.status === 'collected').map((e) => e.path).sort();
    expect([...got.files.keys()].filter((f) => !f.startsWith('index.')).sort()).toEqual(collected);
  });

  it('lists the namespace, every MetalLB kind and the cluster objects MetalLB depends on', () => {
    for (const f of ['ipaddresspools', 'bgppeers', 'bgpadvertisements', 'l2advertisements', 'communities', 'bfdprofiles',
      'servicel2statuses', 'servicebgpstatuses', 'configurationstates']) {
      expect(got.entry(`namespace/${NS}/metallb.io/${f}.yaml`)?.status).toBe('collected');
    }
    expect(docs(got.files.get(`namespace/${NS}/metallb.io/ipaddresspools.yaml`))[0]).toMatchObject({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', spec: { addresses: ['203.0.113.0/28'] } });
    expect(docs(got.files.get(`namespace/${NS}/pods.yaml`)).map((p) => p.metadata.name).sort()).toEqual(['controller-xyz', 'speaker-abc', 'speaker-def']);
    expect(docs(got.files.get('cluster/crds.yaml')).map((c) => c.metadata.name)).toEqual(['ipaddresspools.metallb.io']);
    expect(docs(got.files.get('cluster/loadbalancer-services.yaml')).map((s) => s.metadata.name)).toEqual(['web']);
    expect(got.entry('cluster/nodes.yaml')?.status).toBe('collected');
    // Kinds this API server does not serve are reported, not fatal.
    expect(got.entry(`namespace/${NS}/deployments.yaml`)).toMatchObject({ status: 'failed' });
    expect(got.entry(`namespace/${NS}/deployments.yaml`)?.error).toBeTruthy();
  });

  it('collects FRR files and vtysh views from each running speaker pod through its frr container only', () => {
    expect(execCalls.every((c) => c.startsWith(`${NS}/speaker-abc/frr: `))).toBe(true);
    expect(execCalls).toContain(`${NS}/speaker-abc/frr: vtysh -c show running-config`);
    expect(execCalls).toContain(`${NS}/speaker-abc/frr: vtysh -c show bgp neighbors json`);
    expect(got.files.get('frr/speaker-abc/vtysh/show-running-config.txt')).toContain('output of show running-config');
    expect(got.files.get('frr/speaker-abc/etc-frr/frr.conf')).toContain('router bgp 64512');
    expect(got.entry('frr/speaker-abc/etc-frr/frr.log')?.status).toBe('absent');
    expect(got.entry('frr/speaker-abc/vtysh/show-bfd-peers-counters.json')).toMatchObject({ status: 'failed', error: expect.stringContaining('bfdd is not running') });
    expect(got.entry('frr/speaker-def')).toMatchObject({ status: 'failed', error: 'pod is Pending, not Running' });
  });

  it('redacts Secret data and every password, in objects and in FRR output', () => {
    for (const [path, text] of got.files) {
      for (const s of SECRETS) expect({ path, leaked: text.includes(s) ? s : undefined }).toEqual({ path, leaked: undefined });
    }
    const secret = docs(got.files.get(`namespace/${NS}/secrets.yaml`))[0] as unknown as { data: Record<string, string> };
    expect(secret.data).toEqual({ password: '<redacted>' });
    const peer = docs(got.files.get(`namespace/${NS}/metallb.io/bgppeers.yaml`))[0] as unknown as { spec: Record<string, unknown> };
    expect(peer.spec).toMatchObject({ password: '<redacted>', peerAddress: '192.0.2.1' });
    expect(got.files.get('frr/speaker-abc/etc-frr/frr.conf')).toContain('neighbor 192.0.2.1 password <redacted>');
  });
});
