// A layer 2 site for the system tests and bench/l2-failover: the lab topology without router or FRR
// (nodes run `metallb-ts standalone --no-bgp` with membership on), and a config folder the test
// writes: both Nodes, an L2 pool (IPv4 + IPv6) with its L2Advertisement, and the Services it asks for.
import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLab, NODE_ADDRS, repoRoot, type LabTopology } from '../lab/topology.js';
import type { StandaloneProcess } from '../lab/standalone-process.js';

export interface L2Service {
  name: string;
  ip: string;
  /** nodes with a ready endpoint */
  endpointsOn: string[];
  local?: boolean;
}

const NODES = ['node-a', 'node-b'];

function nodesYaml(): string {
  return NODES.map((n) => `apiVersion: v1
kind: Node
metadata:
  name: ${n}
  labels:
    kubernetes.io/hostname: ${n}
status:
  addresses:
  - type: InternalIP
    address: ${NODE_ADDRS[n].ip4}
`).join('---\n');
}

const POOL_YAML = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: lan
  namespace: metallb-system
spec:
  addresses:
  - 198.51.100.0/28
  - 2001:db8::200/124
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: lan
  namespace: metallb-system
spec:
  ipAddressPools:
  - lan
`;

export function serviceYaml(s: L2Service): string {
  const v6 = s.ip.includes(':');
  return `apiVersion: v1
kind: Service
metadata:
  name: ${s.name}
  namespace: default
  annotations:
    metallb.io/loadBalancerIPs: "${s.ip}"
spec:
  type: LoadBalancer
  ipFamilies: [${v6 ? 'IPv6' : 'IPv4'}]
${s.local ? '  externalTrafficPolicy: Local\n' : ''}  ports:
  - port: 80
    protocol: TCP
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${s.name}-1
  namespace: default
  labels:
    kubernetes.io/service-name: ${s.name}
addressType: ${v6 ? 'IPv6' : 'IPv4'}
endpoints:
${s.endpointsOn.map((n, i) => `- addresses: [${v6 ? `fd00::${i + 1}` : `10.244.${i + 1}.5`}]
  nodeName: ${n}
  conditions: {ready: true}
`).join('')}`;
}

export interface Site {
  topo: LabTopology;
  configDir: string;
  workDir: string;
  /** (re)writes one Service's file in one atomic step */
  putService(s: L2Service): void;
  /** starts both standalones and waits until each sees the other alive */
  start(): Promise<void>;
  /** the standalone of a node */
  proc(node: string): StandaloneProcess;
  /** the layer 2 winner recorded by a node's planner (status.json decisions) */
  winner(node: string, service: string): string | undefined;
  /** the winner as `metallb-ts explain` computes it from the same folder */
  explainWinner(service: string): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

export async function buildSite(prefix: string, services: L2Service[], standaloneArgs: string[] = []): Promise<Site> {
  const workDir = `/tmp/${prefix}-site`;
  const configDir = join(workDir, 'config');
  rmSync(workDir, { recursive: true, force: true }); // leftovers of a killed run
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'nodes.yaml'), nodesYaml());
  writeFileSync(join(configDir, 'pool.yaml'), POOL_YAML);
  const putService = (s: L2Service) => {
    const tmp = join(workDir, `${s.name}.tmp`);
    writeFileSync(tmp, serviceYaml(s));
    renameSync(tmp, join(configDir, `svc-${s.name}.yaml`));
  };
  for (const s of services) putService(s);

  const topo = await buildLab({ prefix, configDir, workDir, bgp: false, nodes: NODES, standaloneArgs });
  const root = repoRoot();
  const site: Site = {
    topo, configDir, workDir, putService,
    async start() {
      for (const n of NODES) topo.startStandalone(n);
      for (const n of NODES) {
        await topo.node(n).proc!.waitLog((l) => l.event === 'memberChanged' && Array.isArray(l.live) && l.live.length === NODES.length,
          30_000, `${n} seeing every node alive`);
      }
    },
    proc: (n) => topo.node(n).proc!,
    winner(node, service) {
      return topo.node(node).proc!.status()?.decisions?.find((d) => d.service === service && d.protocol === 'layer2')?.winner;
    },
    async explainWinner(service) {
      const r = await execa(process.execPath, [join(root, 'bin', 'metallb-ts'), 'explain', '--json', '--service', service, configDir]);
      return (JSON.parse(String(r.stdout)) as { layer2Winner?: string }).layer2Winner;
    },
    async cleanup() {
      await topo.cleanup();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return site;
}

/** Compiles the CLI and the lab into dist/ when a source is newer (CI builds them in scripts/setup.sh). */
export async function ensureBuilt(extraEntries: string[] = []): Promise<void> {
  const root = repoRoot();
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) t = Math.max(t, newest(p));
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
    }
    return t;
  };
  const entries = ['src/cli/main.ts', 'e2e/lab/main.ts', ...extraEntries];
  const outs = entries.map((e) => join(root, 'dist', e.replace(/\.ts$/, '.js')));
  const addon = join(root, 'native', 'build', 'Release', 'af_packet.node');
  const fresh = () => {
    const src = Math.max(...['src', 'e2e/lab', 'e2e/harness', 'e2e/system-l2'].map((d) => newest(join(root, d))));
    return outs.every((o) => existsSync(o) && statSync(o).mtimeMs >= src) && existsSync(addon);
  };
  if (fresh()) return;
  // Suites run in parallel: one compiles while the others wait, so nobody loads a half-written file.
  const lock = join(root, 'dist', '.system-l2-build.lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true }); // left by a killed run
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (fresh()) return;
    if (!existsSync(addon)) await execa('npx', ['node-gyp', 'rebuild', '--directory', 'native'], { cwd: root });
    // tsc emits even when another module has a type error; the run itself shows whether it works
    await execa('npx', ['tsc', '--outDir', 'dist', '--rootDir', '.', '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
      '--target', 'ES2022', '--strict', '--skipLibCheck', '--esModuleInterop', '--resolveJsonModule', '--types', 'node', '--sourceMap', ...entries], { cwd: root, reject: false });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  for (const o of outs) if (!existsSync(o)) throw new Error(`${o} was not built: run npm run build`);
}
