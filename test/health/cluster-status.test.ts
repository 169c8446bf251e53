// `metallb-ts status` for a cluster: the stand-in API server (the real @kubernetes/client-node talks to
// it) holding what the controller and the speakers write (Service status and conditions, pool status,
// ConfigurationStates, ServiceBGPStatus/ServiceL2Status), and a scripted exec standing in for the
// speakers' frr containers, answering with FRR 8.4's captured JSON.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from '../../src/cli/status.js';
import { clusterReport } from '../../src/health/cluster.js';
import type { ExecResult, PodExec } from '../../src/mustgather/pod-frr.js';
import { FakeApiServer, kubeConfigFor, writeKubeconfig } from '../apiserver/index.js';

jest.setTimeout(60_000);

const NS = 'metallb-system';
const FIXTURES = join(process.cwd(), 'src', 'frr', 'fixtures');
const captured = JSON.parse(readFileSync(join(FIXTURES, 'bgp-neighbors-default.json'), 'utf8')) as Record<string, Record<string, unknown>>;

// node-1's FRR: the router session Established (BFD up); node-2's: Active.
const neighbors: Record<string, unknown> = {
  'speaker-1': { '192.0.2.1': captured['198.51.100.1'] },
  'speaker-2': { '192.0.2.1': { ...captured['198.51.100.1'], bgpState: 'Active', peerBfdInfo: { status: 'Down' } } },
};
const execCalls: string[] = [];
const exec: PodExec = async (namespace, pod, container, argv): Promise<ExecResult> => {
  execCalls.push(`${namespace}/${pod}/${container}: ${argv.join(' ')}`);
  const cmd = argv[0] === 'vtysh' && argv[1] === '-c' ? argv[2] : '';
  if (cmd === 'show bgp vrfs json') return { stdout: JSON.stringify({ vrfs: { default: {} } }), stderr: '', code: 0 };
  if (cmd === 'show bgp vrf default neighbors json') return { stdout: JSON.stringify(neighbors[pod]), stderr: '', code: 0 };
  if (cmd.startsWith('show bfd vrf default peers')) return { stdout: '[]', stderr: '', code: 0 };
  return { stdout: '', stderr: `unexpected ${argv.join(' ')}`, code: 1 };
};

const svc = (name: string, ips: string[], conditions: unknown[], pool?: string) => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name, namespace: 'apps', ...(pool ? { annotations: { 'metallb.io/ip-allocated-from-pool': pool } } : {}) },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
  status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) }, conditions },
});
const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastTransitionTime: '2026-01-01T00:00:00Z' });
const announce = (kind: 'ServiceBGPStatus' | 'ServiceL2Status', name: string, node: string, service: string, extra: Record<string, unknown>) => ({
  apiVersion: 'metallb.io/v1beta1', kind, metadata: { name, namespace: NS, labels: { 'metallb.io/node': node, 'metallb.io/service-name': service, 'metallb.io/service-namespace': 'apps' } },
  status: { node, serviceName: service, serviceNamespace: 'apps', ...extra },
});
const speaker = (name: string, node: string, phase: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels: { component: 'speaker' } },
  spec: { nodeName: node, containers: [{ name: 'speaker', image: 'x' }, { name: 'frr', image: 'y' }] }, status: { phase },
});

let server: FakeApiServer;
let dir: string;

beforeAll(async () => {
  server = await new FakeApiServer().start();
  dir = mkdtempSync(join(tmpdir(), 'mt-cluster-status-'));
  for (const [n, zone] of [['node-1', 'a'], ['node-2', 'b'], ['node-3', 'c']]) server.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { zone } } });
  server.create(speaker('speaker-1', 'node-1', 'Running'));
  server.create(speaker('speaker-2', 'node-2', 'Running'));
  server.create(speaker('speaker-3', 'node-3', 'Pending'));
  server.create({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'router', namespace: NS },
    spec: { myASN: 64512, peerASN: 64512, peerAddress: '192.0.2.1', nodeSelectors: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } });
  server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'public', namespace: NS }, spec: { addresses: ['203.0.113.0/28'] },
    status: { assignedIPv4: 2, assignedIPv6: 0, availableIPv4: 14, availableIPv6: 0 } });
  server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'ConfigurationState', metadata: { name: 'controller', namespace: NS }, status: { result: 'Valid', errorSummary: '' } });
  server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'ConfigurationState', metadata: { name: 'speaker-node-1', namespace: NS }, status: { result: 'Valid' } });
  server.create(svc('web', ['203.0.113.1'], [cond('metallb.io/IPAllocated', 'True', 'Allocated', '203.0.113.1 from IPAddressPool public')], 'public'));
  server.create(svc('shop', ['203.0.113.2'], [cond('metallb.io/Announced', 'False', 'NoEndpoints', 'not announced: the Service has no serving endpoint')], 'public'));
  server.create(svc('big', [], [cond('metallb.io/IPAllocated', 'False', 'PoolExhausted', 'no available IPs; to fix: free an address')]));
  server.create({ ...svc('other', [], []), spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/other', ports: [{ port: 80, protocol: 'TCP' }] } });
  server.create(announce('ServiceBGPStatus', 'bgp-1', 'node-1', 'web', { peers: ['router'] }));
  server.create(announce('ServiceL2Status', 'l2-1', 'node-2', 'web', { interfaces: [{ name: 'eth1' }] }));
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('cluster status', () => {
  test('pools, Services, sessions per speaker and layer 2 owners from the API and the speakers\' FRR', async () => {
    const r = await clusterReport({ kc: kubeConfigFor(server.url, NS), namespace: NS, exec, readFrr: true });
    expect(r.scope).toBe(NS);
    expect(r.configs).toEqual([{ component: 'controller', valid: true, errors: [] }, { component: 'speaker-node-1', valid: true, errors: [] }]);
    expect(r.pools).toEqual([{ name: 'public', used: 2, freeIPv4: '14', freeIPv6: '0' }]);
    expect(r.services.map((s) => [s.name, s.ips, s.pool, s.state, s.why])).toEqual([
      ['apps/big', [], undefined, 'pending', '[PoolExhausted] no available IPs; to fix: free an address'],
      ['apps/shop', ['203.0.113.2'], 'public', 'down', '[NoEndpoints] not announced: the Service has no serving endpoint'],
      ['apps/web', ['203.0.113.1'], 'public', 'ok', undefined],
    ]);
    expect(r.services[2].announcedBy).toEqual([{ node: 'node-1', protocol: 'bgp', peers: ['router'] }, { node: 'node-2', protocol: 'layer2', interfaces: ['eth1'] }]);
    expect(r.layer2).toEqual([{ service: 'apps/web', ips: ['203.0.113.1'], owner: 'node-2', interfaces: ['eth1'] }]);
    // node-3 is not selected by the peer: its (pending) speaker is not asked
    expect(r.peers.map((p) => [p.node, p.name, p.state, p.up, p.prefixesSent, p.bfd])).toEqual([
      ['node-1', 'router', 'Established', true, 3, 'up'],
      ['node-2', 'router', 'Active', false, 3, 'down'],
    ]);
    expect(execCalls.every((c) => c.startsWith(`${NS}/speaker-1/frr: vtysh -c `) || c.startsWith(`${NS}/speaker-2/frr: vtysh -c `))).toBe(true);
    expect(r.problems).toEqual([
      'Service apps/big: no IP: [PoolExhausted] no available IPs; to fix: free an address',
      'Service apps/shop (203.0.113.2): not announced: [NoEndpoints] not announced: the Service has no serving endpoint',
      'BGP peer router (192.0.2.1) on node-2: session Active',
    ]);
  });

  test('a speaker that cannot be read, and a Service of another class left out', async () => {
    server.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-4', labels: { zone: 'a' } } });
    server.create(speaker('speaker-4', 'node-4', 'Pending'));
    try {
      const r = await clusterReport({ kc: kubeConfigFor(server.url, NS), namespace: NS, exec, readFrr: true });
      expect(r.unread).toEqual([`speaker speaker-4 on node-4: pod is Pending`]);
      expect(r.peers.find((p) => p.node === 'node-4')).toMatchObject({ name: 'router', state: 'not read' });
      expect(r.services.map((s) => s.name)).not.toContain('apps/other');
      const other = await clusterReport({ kc: kubeConfigFor(server.url, NS), namespace: NS, exec, readFrr: false, lbClass: 'example.com/other' });
      expect(other.services.map((s) => [s.name, s.state])).toEqual([['apps/other', 'pending']]);
    } finally {
      server.remove('Pod', NS, 'speaker-4');
      server.remove('Node', undefined, 'node-4');
    }
  });

  test('the command: --kubeconfig switches to the cluster, exit 1 with problems, --json', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, server.url, NS);
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
    process.exitCode = 0;
    try {
      const program = new Command().exitOverride();
      register(program);
      await program.parseAsync(['node', 'metallb-ts', 'status', '--kubeconfig', kubeconfig, '--no-frr', '--json']);
    } finally {
      spy.mockRestore();
    }
    const code = process.exitCode;
    process.exitCode = 0;
    expect(code).toBe(1);
    const j = JSON.parse(chunks.join('')) as { ok: boolean; mode: string; scope: string; peers: Array<{ state: string }> };
    expect(j).toMatchObject({ ok: false, mode: 'cluster', scope: NS });
    expect(j.peers.map((p) => p.state)).toEqual(['not read', 'not read']);
  });
});
