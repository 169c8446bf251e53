// Controller start-up against the stand-in API server (test/apiserver, same process, real
// client-node over HTTP on 127.0.0.1): N LoadBalancer Services and P pools, three Nodes.
//   cold: no Service has an IP yet -> time until every Service's status is written, API writes per Service
//   warm restart: a new controller over the same, now assigned, Services -> time until the first pass
//     ends and how many writes it needed (should be none for Services; upstream-style startup)
// Prints JSON.
//   npx tsc -p tsconfig.build.json && node dist/bench/controller-startup.js [--services 5000] [--pools 50]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { runController } from '../src/roles/controller.js';
import { createLogger } from '../src/util/log.js';
import { FakeApiServer, kubeConfigFor } from '../test/apiserver/index.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : dflt;
}
const SERVICES = arg('services', 5000);
const POOLS = arg('pools', 50);
const NS = 'metallb-system';

async function main(): Promise<void> {
  const server = await new FakeApiServer().start();
  for (let p = 0; p < POOLS; p++) {
    server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: `pool-${String(p).padStart(2, '0')}`, namespace: NS },
      spec: { addresses: [`10.${100 + (p >> 8)}.${p & 255}.0/24`] } });
  }
  server.create({ apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l2', namespace: NS }, spec: {} });
  for (let n = 1; n <= 3; n++) {
    server.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${n}`, labels: {} }, status: { addresses: [{ type: 'InternalIP', address: `192.0.2.${n}` }] } });
  }
  for (let i = 0; i < SERVICES; i++) {
    const ip = `172.20.${i >> 8}.${i & 255}`;
    const name = `svc-${String(i).padStart(5, '0')}`;
    server.create({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: `ns-${i % 20}` },
      spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }], selector: { app: name }, clusterIP: ip, clusterIPs: [ip], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' } });
    if (i % 2 === 0) {
      server.create({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${name}-x`, namespace: `ns-${i % 20}`, labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], nodeName: `node-${1 + (i % 3)}`, conditions: { ready: true } }] });
    }
  }
  const kc = kubeConfigFor(server.url);
  const writesOf = () => server.requests.filter((r) => ['create', 'patch', 'update', 'delete'].includes(r.verb));

  const run = async () => {
    const before = writesOf().length;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const ctl = await runController({ kubeConfig: kc, namespace: NS, logger: createLogger('none'), registry: new Registry() });
    await ctl.firstPass;
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await ctl.idle();
    const writes = writesOf().slice(before);
    await ctl.stop();
    const byResource: Record<string, number> = {};
    for (const w of writes) byResource[`${w.resource}${w.subresource ? `/${w.subresource}` : ''}`] = (byResource[`${w.resource}${w.subresource ? `/${w.subresource}` : ''}`] ?? 0) + 1;
    return { ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000), loadAverage1m: Number(loadavg()[0].toFixed(1)), writes: writes.length, writesPerService: Number((writes.length / SERVICES).toFixed(3)), byResource };
  };

  const cold = await run();
  const services = server.list('Service');
  const assigned = services.filter((s) => (s.status?.loadBalancer?.ingress ?? []).length === 1);
  const ips = assigned.map((s) => s.status.loadBalancer.ingress[0].ip as string);
  const warm = await run();
  const after = server.list('Service').map((s) => s.status?.loadBalancer?.ingress?.[0]?.ip as string);
  const moved = server.list('Service').filter((s, i) => after[i] !== services[i].status?.loadBalancer?.ingress?.[0]?.ip).length;
  await server.stop();
  console.log(JSON.stringify({
    bench: 'controller-startup',
    services: SERVICES, pools: POOLS, nodes: 3,
    cold: { ...cold, servicesAssigned: assigned.length, distinctIPs: new Set(ips).size },
    warmRestart: { ...warm, ipsMoved: moved },
    note: 'stand-in API server in the same process (its CPU counts in cpuMs, which covers controller and stand-in together); ms is wall-clock on a shared 2-core machine (see loadAverage1m); time = controller start until its first full pass (allocation, status, conditions, events, pool status) has been written',
  }, null, 2));
}

void main();
