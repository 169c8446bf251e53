// Two standalone processes' worth of runStandalone on loopback addresses (127.0.0.1 / 127.0.0.2 are
// both local on Linux, so no namespace is needed): their membership is built from the Nodes in the
// folder, the layer 2 election picks one winner, and when it leaves the other takes the IP over.
// Layer 2 and BGP are off (no packet sockets, no FRR): status.json shows the plan.
import { afterAll, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTimings } from '../../src/layer2/membership/index.js';
import { runStandalone, type StandaloneHandle } from '../../src/roles/standalone.js';
import { createLogger } from '../../src/util/log.js';
import { waitFor } from '../kube-roles/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'standalone-ml-'));
const handles: StandaloneHandle[] = [];
afterAll(async () => {
  for (const h of handles) await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

const CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: lan, namespace: metallb-system}
spec: {addresses: [192.0.2.10/32]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: lan, namespace: metallb-system}
---
apiVersion: v1
kind: Node
metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
status: {addresses: [{type: InternalIP, address: 127.0.0.1}]}
---
apiVersion: v1
kind: Node
metadata: {name: n2, labels: {kubernetes.io/hostname: n2}}
status: {addresses: [{type: InternalIP, address: 127.0.0.2}]}
---
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: default}
spec: {type: LoadBalancer, selector: {app: shop}, ports: [{port: 80, protocol: TCP}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: shop-1, namespace: default, labels: {kubernetes.io/service-name: shop}}
addressType: IPv4
endpoints: [{addresses: [10.244.1.10], nodeName: n1, conditions: {ready: true}}]
`;

type Decision = { protocol: string; announced: boolean; winner?: string; ips: string[] };
const decision = (node: string): Decision | undefined => {
  try {
    const st = JSON.parse(readFileSync(join(dir, `state-${node}`, 'status.json'), 'utf8')) as { decisions: Decision[] };
    return st.decisions.find((d) => d.protocol === 'layer2');
  } catch {
    return undefined;
  }
};

it('membership from the folder\'s Nodes: one winner, and the other node takes over when it leaves', async () => {
  writeFileSync(join(dir, 'config.yaml'), CONFIG);
  writeFileSync(join(dir, 'secretkey'), 'a-shared-membership-secret-for-tests');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const byNode: Record<string, StandaloneHandle> = {};
  for (const node of ['n1', 'n2']) {
    const h = await runStandalone({
      configPaths: [join(dir, 'config.yaml')], node, stateDir: join(dir, `state-${node}`), logLevel: 'none', logger: createLogger('none'),
      vtyshPathspace: '', bgp: false, layer2: false, metricsHost: '127.0.0.1', metricsPort: -1,
      membership: { port, secretFile: join(dir, 'secretkey'), timings: resolveTimings({}) },
    });
    handles.push(h);
    byNode[node] = h;
  }
  // Both see both members alive and agree on one winner.
  await waitFor('agreement', () => {
    const [a, b] = [decision('n1'), decision('n2')];
    return a?.winner !== undefined && a.winner === b?.winner && a.announced !== b?.announced;
  }, 10_000);
  const winner = decision('n1')!.winner!;
  const other = winner === 'n1' ? 'n2' : 'n1';
  expect(decision(winner)).toMatchObject({ announced: true, ips: ['192.0.2.10'] });

  await byNode[winner].stop();
  handles.splice(handles.indexOf(byNode[winner]), 1);
  await waitFor('takeover', () => decision(other)?.announced === true, 10_000);
  expect(decision(other)).toMatchObject({ winner: other, ips: ['192.0.2.10'] });
});
