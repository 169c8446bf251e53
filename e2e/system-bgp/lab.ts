// The BGP system lab: the real product (`bin/metallb-ts standalone`) on one or two node namespaces,
// each with its own FRR (pathspace = namespace name), peered with real FRR routers.
//
//   sw: bridge br0 (198.51.100.0/24, 2001:db8::/64)
//     node1 198.51.100.11 / 2001:db8::11     FRR (bgpd -p 0, bfdd) + standalone --node node1
//     node2 198.51.100.12 / 2001:db8::12     FRR (bgpd -p 0, bfdd) + standalone --node node2
//     rtra  198.51.100.1  / 2001:db8::1      FRR AS 64513, eBGP, MD5, BFD; IPv4 forwarding on
//     rtrc  198.51.100.3                     FRR AS 64512, iBGP (sees LOCAL_PREF)
//   rtra 192.0.2.1/30 <-> rtrb 192.0.2.2/30  rtrb: FRR AS 64514, bgpd on port 180, loopback 192.0.2.100
//     nodes reach 192.0.2.100 through rtra (two hops: eBGP multihop)
//
// The standalone processes read one shared config folder (a temp dir the test edits) and keep their
// state in per-node temp dirs. Everything is removed by Lab.cleanup, also when a test failed.
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startFrr, type FrrInstance } from '../harness/frr.js';
import { Lab, nsExec } from '../harness/netns.js';

/** The repository root (the folder with package.json): the same from e2e/ and from dist/e2e/. */
export const ROOT = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('repository root (package.json) not found');
    d = up;
  }
  return d;
})();
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'system-bgp');

export const NODE_ASN = 64512;
export const ASN_A = 64513;
export const ASN_B = 64514;
export const NODE_V4: Record<string, string> = { node1: '198.51.100.11', node2: '198.51.100.12' };
export const NODE_V6: Record<string, string> = { node1: '2001:db8::11', node2: '2001:db8::12' };
export const RTR_A_V4 = '198.51.100.1';
export const RTR_A_V6 = '2001:db8::1';
export const RTR_C_V4 = '198.51.100.3';
export const RTR_B_LOOPBACK = '192.0.2.100';
export const RTR_B_PORT = 180;
/** Router A's BFD timers; the nodes' BFDProfile (base.yaml) differs, so the router sees the profile's. */
export const ROUTER_BFD = { receive: 1000, transmit: 1000, multiplier: 5 };
const A_PASSWORD = 'md5-from-secret'; // the basic-auth Secret in base.yaml carries the same string

export interface SystemOptions {
  nodes: Array<'node1' | 'node2'>;
  /** which routers to start; A is always there */
  routers?: Array<'b' | 'c'>;
  /** MD5 and BFD on router A (base.yaml's peer-a uses both) */
  secure?: boolean;
}

export interface System {
  lab: Lab;
  nodes: Map<string, { ns: string; frr: FrrInstance }>;
  a: FrrInstance;
  b?: FrrInstance;
  c?: FrrInstance;
  configDir: string;
  tmp: string;
}

/**
 * Compiles the product when a source is newer than dist/ (CI builds first: then this is a stat walk).
 * A half-finished file of another change may make tsc report errors; it still emits, so the exit
 * code is not trusted: the entry file's freshness is.
 */
export async function ensureBuilt(): Promise<string> {
  const main = join(ROOT, 'dist', 'src', 'cli', 'main.js');
  const newest = (dir: string): number => {
    let n = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) n = Math.max(n, newest(p));
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) n = Math.max(n, statSync(p).mtimeMs);
    }
    return n;
  };
  const fresh = () => existsSync(main) && statSync(main).mtimeMs >= newest(join(ROOT, 'src'));
  if (fresh()) return join(ROOT, 'bin', 'metallb-ts');
  const lock = join(ROOT, 'dist', '.system-bgp-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
    }
  }
  try {
    if (!fresh()) await execa('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, reject: false });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!existsSync(main)) throw new Error(`the product did not build: ${main} is missing (run npm run build)`);
  return join(ROOT, 'bin', 'metallb-ts');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs = 15000, stepMs = 50): Promise<number> {
  const start = performance.now();
  let last: unknown;
  for (;;) {
    try {
      if (await fn()) return performance.now() - start;
    } catch (e) {
      last = e;
    }
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(stepMs);
  }
}

/** Builds the namespaces and starts the FRRs; the product is started separately (startStandalone). */
export async function buildSystem(prefix: string, opts: SystemOptions): Promise<System> {
  const lab = new Lab(prefix);
  const tmp = mkdtempSync(join(tmpdir(), `${prefix}-`));
  lab.onCleanup(async () => rmSync(tmp, { recursive: true, force: true }));
  const configDir = join(tmp, 'config');
  mkdirSync(configDir);
  const routers = opts.routers ?? [];
  const secure = opts.secure ?? false;
  try {
    const sw = await lab.addNamespace('sw');
    await lab.addBridge(sw, 'br0');
    const nodes = new Map<string, { ns: string; frr: FrrInstance }>();
    let port = 0;
    for (const n of opts.nodes) {
      const ns = await lab.addNamespace(n);
      await lab.attach(sw, 'br0', `p${port++}`, { ns, ifname: 'eth0', addrs: [`${NODE_V4[n]}/24`, `${NODE_V6[n]}/64`] });
      if (routers.includes('b')) await nsExec(ns, 'ip', ['route', 'add', '192.0.2.0/24', 'via', RTR_A_V4]);
      nodes.set(n, { ns, frr: await startFrr(lab, { ns, listen: false }) });
    }
    const nsA = await lab.addNamespace('rtra');
    await lab.attach(sw, 'br0', `p${port++}`, { ns: nsA, ifname: 'eth0', addrs: [`${RTR_A_V4}/24`, `${RTR_A_V6}/64`] });
    const a = await startFrr(lab, { ns: nsA, listen: true, daemons: secure ? ['zebra', 'bgpd', 'bfdd'] : ['zebra', 'bgpd'] });
    await a.configure(routerAConfig(opts.nodes, secure));
    const sys: System = { lab, nodes, a, configDir, tmp };

    if (routers.includes('c')) {
      const nsC = await lab.addNamespace('rtrc');
      await lab.attach(sw, 'br0', `p${port++}`, { ns: nsC, ifname: 'eth0', addrs: [`${RTR_C_V4}/24`] });
      sys.c = await startFrr(lab, { ns: nsC, listen: true, daemons: ['zebra', 'bgpd'] });
      await sys.c.configure([
        `router bgp ${NODE_ASN}`, `bgp router-id ${RTR_C_V4}`, 'no bgp default ipv4-unicast',
        ...opts.nodes.map((n) => `neighbor ${NODE_V4[n]} remote-as ${NODE_ASN}`),
        'address-family ipv4 unicast', ...opts.nodes.map((n) => `neighbor ${NODE_V4[n]} activate`), 'exit-address-family', 'exit',
      ]);
    }
    if (routers.includes('b')) {
      const nsB = await lab.addNamespace('rtrb');
      await nsExec(nsA, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
      await lab.link({ ns: nsA, ifname: 'eth1', addrs: ['192.0.2.1/30'] }, { ns: nsB, ifname: 'eth0', addrs: ['192.0.2.2/30'] });
      await nsExec(nsB, 'ip', ['addr', 'add', `${RTR_B_LOOPBACK}/32`, 'dev', 'lo']);
      await nsExec(nsA, 'ip', ['route', 'add', `${RTR_B_LOOPBACK}/32`, 'via', '192.0.2.2']);
      await nsExec(nsB, 'ip', ['route', 'add', '198.51.100.0/24', 'via', '192.0.2.1']);
      sys.b = await startFrrOnPort(lab, nsB, RTR_B_PORT);
      await sys.b.configure([
        `router bgp ${ASN_B}`, `bgp router-id ${RTR_B_LOOPBACK}`, 'no bgp ebgp-requires-policy', 'no bgp default ipv4-unicast',
        ...opts.nodes.flatMap((n) => [`neighbor ${NODE_V4[n]} remote-as ${NODE_ASN}`, `neighbor ${NODE_V4[n]} ebgp-multihop 2`]),
        'address-family ipv4 unicast', ...opts.nodes.map((n) => `neighbor ${NODE_V4[n]} activate`), 'exit-address-family', 'exit',
      ]);
    }
    return sys;
  } catch (err) {
    await lab.cleanup();
    throw err;
  }
}

function routerAConfig(nodes: string[], secure: boolean): string[] {
  const lines: string[] = [];
  if (secure) {
    lines.push('bfd', 'profile routers', `receive-interval ${ROUTER_BFD.receive}`, `transmit-interval ${ROUTER_BFD.transmit}`,
      `detect-multiplier ${ROUTER_BFD.multiplier}`, 'exit', 'exit');
  }
  lines.push(`router bgp ${ASN_A}`, `bgp router-id ${RTR_A_V4}`, 'no bgp ebgp-requires-policy', 'no bgp default ipv4-unicast');
  for (const n of nodes) {
    lines.push(`neighbor ${NODE_V4[n]} remote-as ${NODE_ASN}`, `neighbor ${NODE_V6[n]} remote-as ${NODE_ASN}`);
    if (secure) lines.push(`neighbor ${NODE_V4[n]} password ${A_PASSWORD}`, `neighbor ${NODE_V4[n]} bfd`, `neighbor ${NODE_V4[n]} bfd profile routers`);
  }
  lines.push('address-family ipv4 unicast', ...nodes.map((n) => `neighbor ${NODE_V4[n]} activate`), 'exit-address-family');
  lines.push('address-family ipv6 unicast', ...nodes.map((n) => `neighbor ${NODE_V6[n]} activate`), 'exit-address-family', 'exit');
  return lines;
}

/** FRR with bgpd listening on a port other than 179 (the shared harness knows only 179 and -p 0). */
async function startFrrOnPort(lab: Lab, ns: string, port: number): Promise<FrrInstance> {
  const frr = await startFrr(lab, { ns, daemons: ['zebra'] });
  await execa('ip', ['netns', 'exec', ns, '/usr/lib/frr/bgpd', '-N', frr.pathspace, '-d', '-F', 'traditional', '-A', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  let pid = 0;
  await waitUntil('bgpd pid file', async () => {
    pid = Number(readFileSync(`/var/run/frr/${frr.pathspace}/bgpd.pid`, 'utf8').trim());
    return pid > 0;
  }, 5000);
  frr.pids.set('bgpd', pid); // stopped with the other daemons at cleanup
  lab.trackPid(pid);
  await waitUntil('bgpd up', async () => (await frr.vtysh(['show daemons'])).includes('bgpd'), 10000);
  return frr;
}

// ---------------------------------------------------------------- the product

export interface LogLine {
  level?: string;
  msg?: string;
  event?: string;
  service?: string;
  error?: string;
  [k: string]: unknown;
}

export class Standalone {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  private proc?: ResultPromise;
  readonly stateDir: string;

  constructor(private readonly sys: System, readonly node: string, private readonly bin: string, private readonly extraArgs: string[] = []) {
    this.stateDir = join(sys.tmp, `state-${node}`);
  }

  /** Starts the process in the node's namespace and waits until its first plan is written. */
  async start(): Promise<void> {
    const n = this.sys.nodes.get(this.node)!;
    const args = [
      this.bin, 'standalone', '--config', this.sys.configDir, '--node', this.node, '--hostname', this.node,
      '--vtysh-pathspace', n.frr.pathspace, '--state-dir', this.stateDir, '--frr-config-file', join(this.stateDir, 'frr.conf'),
      '--metrics-host', '127.0.0.1', '--metrics-port', '9120', '--no-layer2', '--log-level', 'info', ...this.extraArgs,
    ];
    const from = this.logs.length;
    const proc = this.sys.lab.spawn(n.ns, process.execPath, args);
    this.proc = proc;
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ msg: line });
      }
    });
    createInterface({ input: proc.stderr! }).on('line', (line) => this.stderr.push(line));
    await this.waitLog('the metrics server', (l) => l.msg === 'serving /metrics, /healthz, /readyz', 30000, from);
  }

  /** SIGTERM, like systemd or the kubelet; resolves when the process has exited. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p?.pid) return;
    process.kill(p.pid, 'SIGTERM');
    await p;
    this.proc = undefined;
  }

  async waitLog(what: string, pred: (l: LogLine) => boolean, timeoutMs = 15000, from = 0): Promise<LogLine> {
    let found: LogLine | undefined;
    await waitUntil(`${this.node} log: ${what}`, async () => {
      if (this.proc && this.proc.exitCode !== null && this.proc.exitCode !== undefined) {
        throw new Error(`standalone ${this.node} exited: ${this.stderr.join('\n')}`);
      }
      found = this.logs.slice(from).find(pred);
      return found !== undefined;
    }, timeoutMs, 25);
    return found!;
  }

  assignments(): Record<string, { ips: string[]; pool: string }> {
    const p = join(this.stateDir, 'assignments.json');
    return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { assignments: Record<string, { ips: string[]; pool: string }> }).assignments : {};
  }

  status(): Record<string, unknown> {
    return JSON.parse(readFileSync(join(this.stateDir, 'status.json'), 'utf8')) as Record<string, unknown>;
  }

  /** /metrics, fetched from inside the node's namespace (the server listens on its loopback). */
  async metrics(): Promise<string> {
    const get = "fetch('http://127.0.0.1:9120/metrics').then(async (r) => { if (!r.ok) process.exit(1); process.stdout.write(await r.text()); })";
    return nsExec(this.sys.nodes.get(this.node)!.ns, process.execPath, ['-e', get]);
  }
}

// ---------------------------------------------------------------- the config folder

/** Copies a fixture (test/fixtures/system-bgp/NAME.yaml) into the config folder, optionally edited. */
export function putFixture(sys: System, name: string, edit: (text: string) => string = (t) => t): string {
  const text = edit(readFileSync(join(FIXTURES, `${name}.yaml`), 'utf8'));
  const path = join(sys.configDir, `${name}.yaml`);
  putFile(sys, name, text);
  return path;
}

/** Writes NAME.yaml into the config folder atomically (temp file + rename: never read half-written). */
export function putFile(sys: System, name: string, text: string): void {
  const path = join(sys.configDir, `${name}.yaml`);
  const tmp = join(sys.tmp, `${name}.yaml.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function removeFile(sys: System, name: string): void {
  rmSync(join(sys.configDir, `${name}.yaml`));
}

/** A LoadBalancer Service and its EndpointSlice (ready endpoints on the given nodes). */
export function serviceYaml(o: { name: string; pool?: string; family?: 4 | 6; local?: boolean; endpointNodes: string[]; ip?: string }): string {
  const ann = [
    ...(o.pool ? [`    metallb.io/address-pool: ${o.pool}`] : []),
    ...(o.ip ? [`    metallb.io/loadBalancerIPs: ${o.ip}`] : []),
  ];
  return [
    'apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${o.name}`, '  namespace: default',
    ...(ann.length ? ['  annotations:', ...ann] : []),
    'spec:', '  type: LoadBalancer', `  ipFamilies: [${o.family === 6 ? 'IPv6' : 'IPv4'}]`, '  ipFamilyPolicy: SingleStack',
    `  externalTrafficPolicy: ${o.local ? 'Local' : 'Cluster'}`, '  ports:', '    - port: 80', '      protocol: TCP',
    '---',
    'apiVersion: discovery.k8s.io/v1', 'kind: EndpointSlice', 'metadata:', `  name: ${o.name}-1`, '  namespace: default',
    '  labels:', `    kubernetes.io/service-name: ${o.name}`, `addressType: IPv4`, 'ports:', '  - port: 80', '    protocol: TCP',
    'endpoints:',
    ...o.endpointNodes.flatMap((n, i) => [`  - addresses: ["10.244.${i}.10"]`, '    conditions: {ready: true, serving: true}', `    nodeName: ${n}`]),
    ...(o.endpointNodes.length === 0 ? ['  []'] : []),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- the router's view

export interface RibPath {
  /** the neighbor the path came from */
  peer: string;
  localPref?: number;
  communities: string[];
  largeCommunities: string[];
  nexthop?: string;
}

interface FrrPathJson {
  peer?: { peerId?: string };
  locPrf?: number;
  localpref?: number;
  community?: { string?: string };
  largeCommunity?: { string?: string };
  nexthops?: Array<{ ip?: string }>;
}

/** The router's paths for one prefix (empty: not in its RIB). Polls a single prefix, never the table. */
export async function ribPaths(r: FrrInstance, prefix: string): Promise<RibPath[]> {
  const afi = prefix.includes(':') ? 'ipv6' : 'ipv4';
  const j = await r.json<{ paths?: FrrPathJson[] }>(`show bgp ${afi} unicast ${prefix} json`);
  return (j.paths ?? []).map((p) => ({
    peer: p.peer?.peerId ?? '',
    localPref: p.locPrf ?? p.localpref,
    communities: (p.community?.string ?? '').split(' ').filter(Boolean),
    largeCommunities: (p.largeCommunity?.string ?? '').split(' ').filter(Boolean),
    nexthop: p.nexthops?.[0]?.ip,
  }));
}

export async function waitPaths(r: FrrInstance, prefix: string, pred: (paths: RibPath[]) => boolean, timeoutMs = 15000): Promise<RibPath[]> {
  let paths: RibPath[] = [];
  await waitUntil(`${prefix} at ${r.pathspace}`, async () => pred((paths = await ribPaths(r, prefix))), timeoutMs);
  return paths;
}

/**
 * Path counts of every prefix inside `cidr` (one vtysh call; for a bounded range such as one pool,
 * never the whole table).
 */
export async function ribUnder(r: FrrInstance, cidr: string): Promise<Map<string, number>> {
  const afi = cidr.includes(':') ? 'ipv6' : 'ipv4';
  const j = await r.json<{ routes?: Record<string, unknown[]> }>(`show bgp ${afi} unicast ${cidr} longer-prefixes json`);
  return new Map(Object.entries(j.routes ?? {}).map(([p, paths]) => [p, paths.length]));
}

export interface NeighborState {
  bgpState: string;
  connectionsEstablished: number;
  connectionsDropped: number;
}

export async function neighbors(r: FrrInstance): Promise<Record<string, NeighborState>> {
  const j = await r.json<Record<string, Partial<NeighborState>>>('show bgp neighbors json');
  const out: Record<string, NeighborState> = {};
  for (const [addr, n] of Object.entries(j)) {
    out[addr] = { bgpState: n.bgpState ?? '', connectionsEstablished: n.connectionsEstablished ?? 0, connectionsDropped: n.connectionsDropped ?? 0 };
  }
  return out;
}

export async function waitEstablished(r: FrrInstance, addr: string, timeoutMs = 20000): Promise<void> {
  await waitUntil(`${addr} Established at ${r.pathspace}`, async () => (await neighbors(r))[addr]?.bgpState === 'Established', timeoutMs, 100);
}

export interface BfdPeer {
  peer: string;
  status: string;
  'remote-receive-interval'?: number;
  'remote-transmit-interval'?: number;
  'remote-detect-multiplier'?: number;
}

export async function bfdPeers(r: FrrInstance): Promise<BfdPeer[]> {
  return r.json<BfdPeer[]>('show bfd peers json');
}
