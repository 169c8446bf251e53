// `metallb-ts standalone` logs upstream's `event` values with upstream's keys, as the controller and
// the speaker do (metallb/metallb controller/service.go, controller/main.go, speaker/main.go): its
// allocation and announcement run from a folder of YAML, and the test reads the JSON lines written.
// BGP and layer 2 are off (no FRR, no packet sockets); the plan and its log lines are the same.
import { afterAll, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runStandalone, type StandaloneHandle } from '../../src/roles/standalone.js';
import { createLogger } from '../../src/util/log.js';
import { waitFor } from '../kube-roles/helpers.js';

jest.setTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), 'standalone-logs-'));
let handle: StandaloneHandle | undefined;
afterAll(async () => {
  await handle?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const pool = (range: string) => `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: lan, namespace: metallb-system}
spec: {addresses: [${range}]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: lan, namespace: metallb-system}
---
apiVersion: v1
kind: Node
metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
status: {addresses: [{type: InternalIP, address: 127.0.0.1}]}
`;
const shop = `
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

type Line = Record<string, unknown>;

it('logs ipAllocated, serviceAnnounced, clearAssignment, serviceWithdrawn and serviceDeleted as upstream', async () => {
  const chunks: string[] = [];
  const logger = createLogger('debug', new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }));
  const lines = (): Line[] => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  const seen = (event: string, test: (l: Line) => boolean = () => true) => lines().filter((l) => l.event === event && l.service === 'default/shop' && test(l));
  const wait = (what: string, event: string, test?: (l: Line) => boolean) => waitFor(what, () => seen(event, test).length > 0, 20_000);

  writeFileSync(join(dir, 'pool.yaml'), pool('192.0.2.10/32'));
  writeFileSync(join(dir, 'shop.yaml'), shop);
  handle = await runStandalone({
    configPaths: [dir], node: 'n1', stateDir: join(dir, 'state'), logLevel: 'debug', logger,
    vtyshPathspace: '', bgp: false, layer2: false, metricsHost: '127.0.0.1', metricsPort: -1,
  });

  await wait('ipAllocated', 'ipAllocated');
  expect(seen('ipAllocated')[0]).toMatchObject({ level: 'info', ip: ['192.0.2.10'], msg: 'IP address assigned by controller' });
  await wait('serviceAnnounced', 'serviceAnnounced');
  expect(seen('serviceAnnounced')[0]).toMatchObject({ level: 'info', ips: ['192.0.2.10'], pool: 'lan', protocol: 'layer2' });

  // The pool moves: the address is no longer allowed.
  writeFileSync(join(dir, 'pool.yaml'), pool('198.51.100.10/32'));
  await wait('clearAssignment', 'clearAssignment');
  expect(seen('clearAssignment')[0]).toMatchObject({ level: 'info', msg: 'current IP not allowed by config, clearing', error: expect.stringContaining('192.0.2.10') });
  await wait('new address', 'ipAllocated', (l) => JSON.stringify(l.ip) === '["198.51.100.10"]');
  await wait('withdrawn on the change', 'serviceWithdrawn', (l) => l.reason === 'loadBalancerIPChanged');
  expect(seen('serviceWithdrawn', (l) => l.reason === 'loadBalancerIPChanged')[0]).toMatchObject({ level: 'info', ip: ['192.0.2.10'], protocol: 'layer2' });

  // The Service goes.
  rmSync(join(dir, 'shop.yaml'));
  await wait('serviceDeleted', 'serviceDeleted');
  expect(seen('serviceDeleted')[0]).toMatchObject({ level: 'info', msg: 'service deleted' });
  await wait('withdrawn on delete', 'serviceWithdrawn', (l) => l.reason === 'serviceDeleted');
  expect(seen('serviceWithdrawn', (l) => l.reason === 'serviceDeleted')[0]).toMatchObject({ ip: ['198.51.100.10'], msg: 'withdrawing service announcement' });

  // Stopping waits for the status file of the last plan (it was written after the line above): a
  // write still running after stop() raced with whatever came next (here: removing the directory).
  await handle.stop();
  handle = undefined;
  const status = JSON.parse(readFileSync(join(dir, 'state', 'status.json'), 'utf8')) as { decisions: Array<{ service: string }> };
  expect(status.decisions.filter((d) => d.service === 'default/shop')).toEqual([]);
});
