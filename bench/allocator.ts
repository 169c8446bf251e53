// Allocation speed and memory with many Services:
//   - 10,000 Services over 100 IPv4 pools (/25 each, tried by name: early pools fill up first),
//   - 10,000 Services from one IPv6 /64 pool,
//   - the restart case: the same 10,000 Services again, now holding their IPs in status,
//   - a mix: 10,000 dual-stack and shared-IP Services over 100 dual pools,
//   - 10,000 Services with one sharing key and the same port (none can share).
// Each case runs the whole controller decision per Service (allocateAll -> convergeService ->
// Allocator), as the controller does at start-up, and the bare Allocator.allocate loop.
//
//   npx tsc -p tsconfig.build.json && node --expose-gc dist/bench/allocator.js [--services 10000] [--pools 100]
import { performance } from 'node:perf_hooks';
import { allocateAll } from '../src/allocator/allocate-all.js';
import { Allocator } from '../src/allocator/allocator.js';
import { serviceRequest } from '../src/allocator/service-info.js';
import type { Service } from '../src/api/core.js';
import { type Family, parsePrefix } from '../src/api/ip.js';
import { emptySnapshot } from '../src/api/snapshot.js';
import type { Config, Pool } from '../src/config/types.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : dflt;
}

const SERVICES = arg('services', 10_000);
const POOLS = arg('pools', 100);

function pool(name: string, cidrs: string[]): Pool {
  const parsed = cidrs.map((c, entry) => ({ prefix: parsePrefix(c)!, entry }));
  return {
    name,
    cidrs: parsed,
    families: new Set<Family>(parsed.map((c) => c.prefix.family)),
    autoAssign: true,
    avoidBuggyIPs: false,
    labels: {},
    bgpAdvertisements: [],
    l2Advertisements: [],
  };
}

const config = (pools: Pool[]): Config => ({ pools: new Map(pools.map((p) => [p.name, p])), peers: [], bfdProfiles: new Map(), communityAliases: new Map() });

function service(i: number, o: { v6?: boolean; dual?: boolean; share?: string; port?: number; status?: string[] } = {}): Service {
  const clusterIPs = o.dual ? ['10.96.0.1', 'fd00::1'] : o.v6 ? ['fd00::1'] : ['10.96.0.1'];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${String(i).padStart(5, '0')}`, namespace: `ns-${i % 50}`, ...(o.share ? { annotations: { 'metallb.io/allow-shared-ip': o.share } } : {}) },
    spec: {
      type: 'LoadBalancer',
      clusterIPs,
      ...(o.dual ? { ipFamilyPolicy: 'RequireDualStack' as const } : {}),
      ports: [{ protocol: 'TCP', port: o.port ?? 80 }],
      selector: { app: `a${i}` },
    },
    ...(o.status ? { status: { loadBalancer: { ingress: o.status.map((ip) => ({ ip })) } } } : {}),
  };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function measure<T>(name: string, run: () => T, check: (r: T) => string | undefined): Record<string, unknown> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = run();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // The machine is shared: CPU time is the steadier figure, wall time shows what a user waits.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  gc();
  const retained = process.memoryUsage().heapUsed;
  const problem = check(result);
  if (problem) throw new Error(`${name}: ${problem}`);
  return {
    case: name,
    wallMs: Math.round(ms),
    cpuMs: Math.round(cpuMs),
    cpuPerServiceUs: Math.round((cpuMs * 1000) / SERVICES),
    heapUsedMB: Math.round(heapAfter / 1e5) / 10,
    heapRetainedMB: Math.round(retained / 1e5) / 10,
    // the result is still referenced (check runs after the gc), so this is what it retains
    heapGrowthMB: Math.round((retained - before) / 1e5) / 10,
  };
}

type Out = Map<string, { ips: string[]; pool: string } | { error: string }>;

const allAllocated = (out: Out): string | undefined => {
  const failed = [...out.values()].filter((e) => 'error' in e);
  if (failed.length > 0) return `${failed.length} Services without IP, e.g. ${JSON.stringify(failed[0])}`;
  if (out.size !== SERVICES) return `expected ${SERVICES} entries, got ${out.size}`;
  return undefined;
};

// 100 x /25 = 12,800 IPv4 addresses for 10,000 Services.
const v4Pools = Array.from({ length: POOLS }, (_, i) => pool(`pool-${String(i).padStart(3, '0')}`, [`10.${1 + Math.floor(i / 2)}.${(i % 2) * 128}.0/25`]));
const v4Config = config(v4Pools);
const v6Config = config([pool('big-v6', ['2001:db8::/64'])]);
const dualConfig = config(
  Array.from({ length: POOLS }, (_, i) => pool(`dual-${String(i).padStart(3, '0')}`, [`10.${1 + Math.floor(i / 2)}.${(i % 2) * 128}.0/25`, `2001:db8:${i}::/120`])),
);

const v4Services = Array.from({ length: SERVICES }, (_, i) => service(i));
const v6Services = Array.from({ length: SERVICES }, (_, i) => service(i, { v6: true }));
// every 4 Services share one key and one IP (ports 80..83); dual-stack
const mixedServices = Array.from({ length: SERVICES }, (_, i) => service(i, { dual: true, share: `k${Math.floor(i / 4)}`, port: 80 + (i % 4) }));

const results: Record<string, unknown>[] = [];
let firstRun: Out | undefined;
results.push(
  measure(
    `${SERVICES} Services over ${POOLS} IPv4 pools (allocateAll)`,
    () => (firstRun = allocateAll(v4Config, { ...emptySnapshot(), services: v4Services })),
    allAllocated,
  ),
);
const withStatus = v4Services.map((s) => {
  const e = firstRun!.get(`${s.metadata.namespace}/${s.metadata.name}`)!;
  return { ...s, status: { loadBalancer: { ingress: ('ips' in e ? e.ips : []).map((ip) => ({ ip })) } } };
});
results.push(
  measure(`restart: ${SERVICES} Services keep their status IPs (allocateAll)`, () => allocateAll(v4Config, { ...emptySnapshot(), services: withStatus }), (out) => {
    const bad = allAllocated(out);
    if (bad) return bad;
    for (const [k, e] of out) if ('ips' in e && JSON.stringify(e) !== JSON.stringify(firstRun!.get(k))) return `${k} moved`;
    return undefined;
  }),
);
results.push(measure(`${SERVICES} Services from one IPv6 /64 (allocateAll)`, () => allocateAll(v6Config, { ...emptySnapshot(), services: v6Services }), allAllocated));
results.push(
  measure(`${SERVICES} dual-stack Services, 4 per shared IP, over ${POOLS} dual pools (allocateAll)`, () => allocateAll(dualConfig, { ...emptySnapshot(), services: mixedServices }), (out) => {
    const bad = allAllocated(out);
    if (bad) return bad;
    const distinct = new Set([...out.values()].flatMap((e) => ('ips' in e ? e.ips : [])));
    return distinct.size === (SERVICES / 4) * 2 ? undefined : `expected ${(SERVICES / 4) * 2} distinct IPs, got ${distinct.size}`;
  }),
);

// Everyone uses one sharing key and the same port: no two can share, each needs its own IP.
// A naive "try every shared address" scan is quadratic here.
const oneKeySamePort = Array.from({ length: SERVICES }, (_, i) => service(i, { share: 'everyone', port: 80 }));
results.push(
  measure(`${SERVICES} Services with one sharing key and the same port (allocateAll)`, () => allocateAll(config([pool('wide', ['10.128.0.0/16'])]), { ...emptySnapshot(), services: oneKeySamePort }), (out) => {
    const bad = allAllocated(out);
    if (bad) return bad;
    const distinct = new Set([...out.values()].flatMap((e) => ('ips' in e ? e.ips : [])));
    return distinct.size === SERVICES ? undefined : `expected ${SERVICES} distinct IPs, got ${distinct.size}`;
  }),
);

function bareLoop(cfg: Config, services: Service[]): Allocator {
  const a = new Allocator();
  a.setPools(cfg);
  for (const s of services) {
    const r = a.allocate(serviceRequest(s));
    if (!r.ok) throw new Error(`${s.metadata.name}: ${r.problem.message}`);
  }
  return a;
}
const inUse = (a: Allocator) => (a.allStats().reduce((n, s) => n + s.inUse, 0) === SERVICES ? undefined : 'wrong in-use count');
results.push(measure(`${SERVICES} Services over ${POOLS} IPv4 pools (Allocator.allocate only)`, () => bareLoop(v4Config, v4Services), inUse));
results.push(measure(`${SERVICES} Services from one IPv6 /64 (Allocator.allocate only)`, () => bareLoop(v6Config, v6Services), inUse));

process.stdout.write(
  `${JSON.stringify({ node: process.version, gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function', services: SERVICES, pools: POOLS, results }, null, 2)}\n`,
);
