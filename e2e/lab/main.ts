// The lab demo (scripts/lab.sh runs it after setup): builds the lab (see topology.ts), applies
// examples/basic and shows, step by step, metallb-ts doing its job: allocations, BGP sessions with BFD
// and MD5 on the router, the router's routes with communities and LOCAL_PREF, the ARP answer at the
// client, a live change, and a node failure. Ends with a summary table; exits non-zero if a step failed.
//
//   node dist/e2e/lab/main.js [--keep] [--json FILE] [--prefix P] [--workdir DIR]
//   node dist/e2e/lab/main.js --cleanup [--prefix P] [--workdir DIR]
//
// Everything is removed on exit, on Ctrl-C (SIGINT/SIGTERM) and on failure, except with --keep, which
// leaves the lab running for exploring and records what to remove in WORKDIR/lab.json for --cleanup.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { startFrr } from '../harness/frr.js';
import { Capture } from '../layer2/lab.js';
import { arpingFromClient, buildLab, METRICS_PORT, nsExec, repoRoot, type LabTopology } from './topology.js';
import { bfdPeers, paths, sessions, type RoutePath, type Session } from './router.js';
import type { LogLine } from './standalone-process.js';

interface Args {
  keep: boolean;
  cleanup: boolean;
  json?: string;
  prefix: string;
  workDir: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { keep: false, cleanup: false, prefix: 'mtlab', workDir: '' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--keep') a.keep = true;
    else if (v === '--cleanup') a.cleanup = true;
    else if (v === '--json') a.json = argv[++i];
    else if (v === '--prefix') a.prefix = argv[++i];
    else if (v === '--workdir') a.workDir = argv[++i];
    else if (v === '-h' || v === '--help') {
      process.stdout.write('usage: lab [--keep] [--json FILE] [--prefix P] [--workdir DIR] | lab --cleanup [--prefix P]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${v}: use --keep, --cleanup, --json FILE, --prefix P or --workdir DIR`);
  }
  if (!/^[a-z][a-z0-9]{1,9}$/.test(a.prefix)) throw new Error(`--prefix ${a.prefix}: use 2-10 lowercase letters/digits`);
  a.workDir ||= `/tmp/${a.prefix}-lab`;
  return a;
}

// ---------------------------------------------------------------- output

const t0 = Date.now();
const clock = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s`;
const say = (line: string) => process.stdout.write(`${clock()}  ${line}\n`);
const detail = (line: string) => process.stdout.write(`         ${line}\n`);
const header = (n: number, title: string) => process.stdout.write(`\n${clock()}  == ${n}. ${title}\n`);

export interface StepResult {
  step: string;
  ok: boolean;
  result: string;
  figure: string;
  data?: Record<string, unknown>;
}

const results: StepResult[] = [];

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, stepMs = 10): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return { value: v, ms: performance.now() - start };
    } catch (e) {
      last = e;
    }
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const pathLine = (p: RoutePath) => `via ${p.nexthop} (from ${p.from})${p.best ? ' best' : ''}  localPref ${p.localPref ?? '-'}  communities ${p.communities || '-'}`;

// ---------------------------------------------------------------- the story

interface Ctx {
  topo: LabTopology;
  configDir: string;
  ips: Record<string, string>;
  sessionsBefore: Session[];
  l2Owner: string;
}

const WEB = 'default/web';
const API = 'default/api';
const SHOP = 'default/shop';
const LIVE_IP = '203.0.113.10';

async function stepAllocations(c: Ctx): Promise<StepResult> {
  const { topo } = c;
  for (const n of topo.nodes.values()) {
    say(`starting metallb-ts standalone on ${n.name} (namespace ${n.ns}, FRR pathspace ${n.frr!.pathspace}, state ${n.stateDir})`);
    topo.startStandalone(n.name);
  }
  const a = topo.node('node-a').proc!;
  const seen = new Set<string>();
  const want = [WEB, API, SHOP];
  await until('ipAllocated for every Service', async () => {
    for (const l of a.logs) {
      if (l.event === 'ipAllocated' && typeof l.service === 'string' && !seen.has(l.service)) {
        seen.add(l.service);
        detail(`${l.service}: ${String(l.msg)}${l.pool ? ` (pool ${String(l.pool)})` : ''}`);
      }
    }
    return want.every((s) => seen.has(s));
  }, 30_000, 50);
  // The state dir says which IPs each Service got (the same on both nodes: same input, same allocator).
  const st = await until('status.json with allocations', async () => {
    const s = a.status();
    return s?.allocations && want.every((k) => s.allocations![k] && 'ips' in s.allocations![k]) ? s : undefined;
  }, 10_000, 50);
  for (const k of want) c.ips[k] = (st.value.allocations![k] as { ips: string[] }).ips[0];
  const b = await until('node-b allocations', async () => topo.node('node-b').proc!.status()?.allocations, 10_000, 50);
  const same = want.every((k) => JSON.stringify(b.value[k]) === JSON.stringify(st.value.allocations![k]));
  detail(`node-a and node-b agree on the allocations: ${same ? 'yes' : 'NO'}`);
  return {
    step: 'allocations', ok: same,
    result: want.map((k) => `${k.split('/')[1]}=${c.ips[k]}`).join(' '),
    figure: `${want.length} Services`, data: { ips: c.ips },
  };
}

async function stepSessions(c: Ctx): Promise<StepResult> {
  const router = c.topo.router!;
  const nodes = [...c.topo.nodes.values()].map((n) => n.ip4);
  say(`waiting for the router (vtysh -N ${router.pathspace}) to see both nodes Established, BFD up, MD5 password in use`);
  const s = await until('BGP sessions Established', async () => {
    const ss = await sessions(router);
    return nodes.every((ip) => ss.find((x) => x.neighbor === ip)?.state === 'Established') ? ss : undefined;
  }, 60_000, 100);
  const bfd = await until('BFD peers up', async () => {
    const ps = await bfdPeers(router);
    return nodes.every((ip) => ps.find((p) => p.peer === ip)?.status === 'up') ? ps : undefined;
  }, 20_000, 100);
  detail(`$ vtysh -N ${router.pathspace} -c 'show bgp summary'`);
  for (const l of (await router.vtysh(['show bgp summary'])).split('\n').filter((l) => /^(Neighbor|\d)/.test(l))) detail(`  ${l}`);
  for (const x of s.value) detail(`BGP ${x.neighbor}: ${x.state} (established ${x.established}, dropped ${x.dropped})`);
  for (const p of bfd.value) detail(`BFD ${p.peer}: ${p.status}`);
  c.sessionsBefore = s.value;
  const md5 = (await router.vtysh(['show running-config'])).includes('password');
  detail(`router neighbors use an MD5 password: ${md5 ? 'yes' : 'no'}`);
  return {
    step: 'bgp sessions', ok: md5,
    result: `${s.value.filter((x) => x.state === 'Established').length}/${nodes.length} Established, BFD ${bfd.value.filter((p) => p.status === 'up').length} up`,
    figure: `${fmtMs(s.ms + bfd.ms)} to up`, data: { sessions: s.value, bfd: bfd.value, md5 },
  };
}

async function stepRoutes(c: Ctx): Promise<StepResult> {
  const router = c.topo.router!;
  const a = c.topo.node('node-a').ip4;
  const b = c.topo.node('node-b').ip4;
  const web = `${c.ips[WEB]}/32`;
  const api = `${c.ips[API]}/32`;
  say(`the router's routes for the service IPs (show bgp ipv4 unicast <prefix>)`);
  const w = await until(`${web} from both nodes`, async () => {
    const ps = await paths(router, web);
    return ps.length === 2 ? ps : undefined;
  }, 15_000, 50);
  const ap = await until(`${api} from node-b`, async () => {
    const ps = await paths(router, api);
    return ps.length >= 1 ? ps : undefined;
  }, 15_000, 50);
  detail(`${web} (web, externalTrafficPolicy Cluster, endpoints on both nodes):`);
  for (const p of w.value) detail(`  ${pathLine(p)}`);
  detail(`${api} (api, externalTrafficPolicy Local, endpoint on node-b only):`);
  for (const p of ap.value) detail(`  ${pathLine(p)}`);
  detail(`$ vtysh -N ${router.pathspace} -c 'show bgp ipv4 unicast'`);
  for (const l of (await router.vtysh(['show bgp ipv4 unicast'])).split('\n').filter((l) => /^\s*(Network|\*)/.test(l))) detail(`  ${l}`);
  const shopRoute = await paths(router, `${c.ips[SHOP]}/32`);
  detail(`${c.ips[SHOP]}/32 (shop, layer 2 pool): ${shopRoute.length === 0 ? 'not in BGP, as configured' : 'UNEXPECTED: in BGP'}`);
  const attrsOk = [...w.value, ...ap.value].every((p) => p.localPref === 150 && p.communities.includes('64512:100') && p.communities.includes('64512:200'));
  const fromOk = w.value.map((p) => p.from).sort().join() === [a, b].sort().join() && ap.value.length === 1 && ap.value[0].from === b;
  return {
    step: 'router routes', ok: attrsOk && fromOk && shopRoute.length === 0,
    result: `web via ${w.value.map((p) => p.from).join('+')}, api via ${ap.value.map((p) => p.from).join('+')}; ${w.value[0]?.communities}, localPref ${w.value[0]?.localPref}`,
    figure: `${w.value.length + ap.value.length} paths`,
    data: { web: w.value, api: ap.value, shopInBgp: shopRoute.length > 0 },
  };
}

async function stepArp(c: Ctx): Promise<StepResult> {
  const { topo } = c;
  const ip = c.ips[SHOP];
  say(`the client asks who has ${ip} (arping from ${topo.client})`);
  const r = await until(`an ARP reply for ${ip}`, async () => {
    const x = await arpingFromClient(topo, ip);
    return x.mac ? x : undefined;
  }, 15_000, 100);
  const owner = topo.nodeByMac(r.value.mac!);
  const elected = (topo.node('node-a').proc!.status()?.decisions ?? []).find((d) => d.service === SHOP && d.protocol === 'layer2')?.winner;
  detail(`reply from ${r.value.mac} = ${owner ?? 'unknown host'}'s eth0, in ${r.value.ms?.toFixed(2)} ms`);
  detail(`the election (status.json decisions) picked ${elected}; ${owner === elected ? 'the answer comes from the elected node' : 'MISMATCH'}`);
  c.l2Owner = owner ?? '';
  return {
    step: 'arp answer', ok: owner !== undefined && owner === elected,
    result: `${ip} is-at ${r.value.mac} (${owner})`, figure: `${r.value.ms?.toFixed(2)} ms reply`,
    data: { ip, mac: r.value.mac, owner, elected, replyMs: r.value.ms },
  };
}

const LIVE_YAML = `# added by the lab demo's live change
apiVersion: v1
kind: Service
metadata:
  name: blog
  namespace: default
  annotations:
    metallb.io/loadBalancerIPs: ${LIVE_IP}
spec:
  type: LoadBalancer
  selector:
    app: blog
  ports:
  - port: 80
    protocol: TCP
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: blog-1
  namespace: default
  labels:
    kubernetes.io/service-name: blog
addressType: IPv4
endpoints:
- addresses: [10.244.1.40]
  nodeName: node-a
  conditions: {ready: true}
- addresses: [10.244.2.40]
  nodeName: node-b
  conditions: {ready: true}
`;

async function stepLiveChange(c: Ctx): Promise<StepResult> {
  const router = c.topo.router!;
  const file = join(c.configDir, 'live-blog.yaml');
  const prefix = `${LIVE_IP}/32`;
  say(`live change: adding Service default/blog (${LIVE_IP}) with an EndpointSlice to the config folder`);
  const tmp = join(c.configDir, '..', 'live-blog.yaml.tmp');
  writeFileSync(tmp, LIVE_YAML);
  const tAdd = performance.now();
  renameSync(tmp, file); // one atomic change for the watchers
  await until(`${prefix} on the router`, async () => ((await paths(router, prefix)).length >= 1 ? true : undefined), 15_000, 5);
  const addMs = performance.now() - tAdd;
  detail(`router has a route for ${prefix} ${fmtMs(addMs)} after the file appeared`);
  await until(`${prefix} from both nodes`, async () => ((await paths(router, prefix)).length === 2 ? true : undefined), 15_000, 5);
  const bothMs = performance.now() - tAdd;
  detail(`and from both nodes after ${fmtMs(bothMs)}:`);
  for (const p of await paths(router, prefix)) detail(`  ${pathLine(p)}`);

  say('live change: removing it again');
  const tDel = performance.now();
  unlinkSync(file);
  await until(`${prefix} withdrawn`, async () => ((await paths(router, prefix)).length === 0 ? true : undefined), 15_000, 5);
  const delMs = performance.now() - tDel;
  detail(`router dropped ${prefix} ${fmtMs(delMs)} after the file was removed`);

  const after = await sessions(router);
  const untouched = c.sessionsBefore.every((b) => {
    const x = after.find((s) => s.neighbor === b.neighbor);
    return x && x.state === 'Established' && x.established === b.established && x.dropped === b.dropped;
  });
  for (const s of after) detail(`BGP ${s.neighbor}: ${s.state}, established ${s.established}, dropped ${s.dropped} (${untouched ? 'unchanged' : 'CHANGED'})`);
  return {
    step: 'live change', ok: untouched,
    result: `blog added and withdrawn; sessions ${untouched ? 'untouched' : 'reset'}`,
    figure: `add ${fmtMs(addMs)} (both nodes ${fmtMs(bothMs)}), remove ${fmtMs(delMs)}`,
    data: { addMs, bothMs, delMs, sessionsUntouched: untouched },
  };
}

async function stepFailover(c: Ctx): Promise<StepResult> {
  const { topo } = c;
  const router = topo.router!;
  const ip = c.ips[SHOP];
  const victim = topo.node(c.l2Owner);
  const survivor = [...topo.nodes.values()].find((n) => n.name !== victim.name)!;
  const web = `${c.ips[WEB]}/32`;

  // The client talks to the layer 2 IP, so its kernel has a neighbour entry a GARP can update.
  await nsExec(topo.client, 'bash', ['-c', `echo x > /dev/udp/${ip}/9`], { reject: false });
  await until('the client neighbour entry', async () => (await nsExec(topo.client, 'ip', ['neigh', 'show', ip, 'dev', 'eth0'])).includes(victim.mac), 3000, 20);
  detail(`client neighbour cache: ${(await nsExec(topo.client, 'ip', ['neigh', 'show', ip, 'dev', 'eth0'])).trim()} (${victim.name})`);
  await new Promise((r) => setTimeout(r, 1100)); // past the kernel's 1 s locktime, so a GARP is taken
  const capture = await Capture.start(topo.lab, topo.client, 'arp');

  say(`failover: ${victim.name} crashes: its metallb-ts standalone (pid ${victim.proc!.pid}) and its FRR are SIGKILLed`);
  const logsBefore = survivor.proc!.logs.length;
  const tKill = Date.now();
  const tKillPerf = performance.now();
  victim.proc!.kill('SIGKILL');
  victim.frr!.stop();

  // Layer 2: the survivor's first gratuitous ARP for the IP, as the client's tcpdump saw it.
  const garp = await until(`a gratuitous ARP for ${ip} from ${survivor.name}`, async () =>
    capture.lines.find((l) => l.toLowerCase().includes(survivor.mac) && l.includes(ip)), 10_000, 5);
  const garpMs = Number(garp.value.split(' ')[0]) * 1000 - tKill;
  detail(`client saw ${survivor.name}'s gratuitous ARP ${fmtMs(garpMs)} after the kill:`);
  detail(`  ${garp.value.slice(0, 160)}`);
  const memberLog = await survivor.proc!.waitLog((l: LogLine) => l.event === 'memberChanged' && l.member === victim.name, 5000, 'memberChanged', logsBefore);
  detail(`${survivor.name} log: memberChanged ${victim.name} -> ${String(memberLog.state)}`);
  const neigh = await until('the client neighbour entry moving', async () => {
    const out = await nsExec(topo.client, 'ip', ['neigh', 'show', ip, 'dev', 'eth0']);
    return out.includes(survivor.mac) ? out.trim() : undefined;
  }, 3000, 10);
  detail(`client neighbour cache now: ${neigh.value} (${survivor.name}, learnt from the GARP, no new request)`);
  const arp = await arpingFromClient(topo, ip);
  detail(`arping ${ip}: reply from ${arp.mac} (${arp.mac ? topo.nodeByMac(arp.mac) : 'none'})`);

  // BGP: BFD on the router notices the dead node; its paths go, the survivor's stay.
  const moved = await until(`${web} only from ${survivor.name}`, async () => {
    const ps = await paths(router, web);
    return ps.length === 1 && ps[0].from === survivor.ip4 ? ps : undefined;
  }, 15_000, 10);
  const bgpMs = performance.now() - tKillPerf;
  const bfd = await bfdPeers(router);
  detail(`router: ${web} now only ${pathLine(moved.value[0])}, ${fmtMs(bgpMs)} after the kill`);
  for (const p of bfd) detail(`BFD ${p.peer}: ${p.status}`);
  const allFromSurvivor = await Promise.all([WEB, API].map(async (k) => (await paths(router, `${c.ips[k]}/32`)).every((p) => p.from === survivor.ip4)));
  await capture.stop();
  const ok = arp.mac === survivor.mac && allFromSurvivor.every(Boolean);
  return {
    step: 'failover', ok,
    result: `${ip} moved ${victim.name} -> ${survivor.name}; routes only via ${survivor.name}`,
    figure: `GARP ${fmtMs(garpMs)}, BGP ${fmtMs(bgpMs)}`,
    data: { victim: victim.name, survivor: survivor.name, garpMs, bgpMs, arpOwner: arp.mac ? topo.nodeByMac(arp.mac) : undefined, routesFromSurvivorOnly: allFromSurvivor.every(Boolean) },
  };
}

// ---------------------------------------------------------------- cleanup, --keep, --cleanup

interface KeepRecord {
  prefix: string;
  namespaces: string[];
  pids: number[];
  pathspaces: string[];
  workDir: string;
}

async function cleanupKept(a: Args): Promise<void> {
  const recFile = join(a.workDir, 'lab.json');
  const rec: KeepRecord | undefined = existsSync(recFile) ? (JSON.parse(readFileSync(recFile, 'utf8')) as KeepRecord) : undefined;
  const namespaces = rec?.namespaces ?? ['node-a', 'node-b', 'router', 'client', 'sw'].map((n) => `${a.prefix}-${n}`);
  const pids = new Set(rec?.pids ?? []);
  // Anything still running inside the lab's namespaces is the lab's (FRR daemons, standalones).
  for (const ns of namespaces) {
    const out = await execa('ip', ['netns', 'pids', ns], { reject: false });
    for (const p of String(out.stdout).split(/\s+/).filter(Boolean)) pids.add(Number(p));
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  for (const ns of namespaces) await execa('ip', ['netns', 'del', ns], { reject: false });
  for (const ps of rec?.pathspaces ?? namespaces) {
    rmSync(`/etc/frr/${ps}`, { recursive: true, force: true });
    rmSync(`/var/run/frr/${ps}`, { recursive: true, force: true });
  }
  rmSync(a.workDir, { recursive: true, force: true });
  say(`removed ${namespaces.join(', ')}, ${pids.size} processes and ${a.workDir}`);
}

/** What a failed step leaves to look at: the router's sessions, each node's FRR view and recent warnings. */
async function diagnostics(topo: LabTopology): Promise<void> {
  const show = async (what: string, fn: () => Promise<string>) => {
    const text = await fn().catch((e: Error) => `(${e.message})`);
    detail(`-- ${what}`);
    for (const l of text.split('\n').filter((x) => x.trim()).slice(-12)) detail(`   ${l.slice(0, 200)}`);
  };
  if (topo.router) await show(`vtysh -N ${topo.router.pathspace} -c 'show bgp summary'`, () => topo.router!.vtysh(['show bgp summary']));
  for (const n of topo.nodes.values()) {
    if (n.frr) await show(`vtysh -N ${n.frr.pathspace} -c 'show bgp summary'`, () => n.frr!.vtysh(['show bgp summary']));
    await show(`${n.name} standalone: last warnings and errors (${n.stateDir}/standalone.log)`, async () =>
      (n.proc?.logs ?? []).filter((l) => l.level === 'warn' || l.level === 'error').slice(-6).map((l) => JSON.stringify(l)).join('\n') || 'none');
  }
}

/** With --keep, a node killed by the failover step comes back, so the lab is whole for exploring. */
async function reviveForExploring(topo: LabTopology): Promise<void> {
  for (const n of topo.nodes.values()) {
    if (n.proc?.running) continue;
    n.frr = await startFrr(topo.lab, { ns: n.ns, listen: false });
    topo.startStandalone(n.name);
    say(`--keep: ${n.name} restarted (FRR and metallb-ts standalone) so the lab is whole again`);
  }
}

function printSummary(rs: StepResult[], a: Args, topo?: LabTopology): void {
  const w = [Math.max(4, ...rs.map((r) => r.step.length)), Math.max(6, ...rs.map((r) => r.result.length + 5)), 6];
  const row = (x: string[]) => `  ${x[0].padEnd(w[0])}  ${x[1].padEnd(w[1])}  ${x[2]}`;
  process.stdout.write(`\n== Summary\n${row(['step', 'result', 'figure'])}\n${row(['-'.repeat(w[0]), '-'.repeat(w[1]), '-'.repeat(w[2])])}\n`);
  for (const r of rs) process.stdout.write(`${row([r.step, `${r.ok ? 'ok' : 'FAIL'}   ${r.result}`, r.figure])}\n`);
  const p = a.prefix;
  process.stdout.write(`\n== Where to look next${a.keep ? '' : ' (run with --keep to leave the lab up)'}\n`);
  process.stdout.write([
    `  vtysh -N ${p}-router -c 'show bgp summary'               # sessions on the router`,
    `  vtysh -N ${p}-router -c 'show bgp ipv4 unicast'          # service routes, communities, localPref`,
    `  vtysh -N ${p}-router -c 'show bfd peers'`,
    `  vtysh -N ${p}-node-b -c 'show running-config'            # the FRR config metallb-ts rendered`,
    `  ip netns exec ${p}-node-b curl -s http://127.0.0.1:${METRICS_PORT}/metrics | grep ^metallb_   # metrics while it runs`,
    `  ip netns exec ${p}-client arping -c 3 -I eth0 <layer 2 IP>   # who answers ARP`,
    `  bin/metallb-ts explain --service default/shop ${a.workDir}/config`,
    `  cat ${a.workDir}/node-b/status.json ${a.workDir}/node-b/standalone.log`,
  ].join('\n') + '\n');
  if (a.keep && topo) {
    process.stdout.write(`\n  The lab is still running (node-b's standalone still follows ${a.workDir}/config: edit files there).\n`);
    process.stdout.write(`  Remove it with: node dist/e2e/lab/main.js --cleanup${a.prefix !== 'mtlab' ? ` --prefix ${a.prefix}` : ''}   (or scripts/lab.sh --cleanup)\n`);
  }
}

async function main(): Promise<number> {
  const a = parseArgs(process.argv.slice(2));
  if (a.cleanup) {
    await cleanupKept(a);
    return 0;
  }
  const root = repoRoot();
  if (existsSync(join(a.workDir, 'lab.json'))) {
    say(`a lab kept from an earlier run is still recorded in ${a.workDir}/lab.json: removing it first`);
    await cleanupKept(a);
  }
  rmSync(a.workDir, { recursive: true, force: true });
  const configDir = join(a.workDir, 'config');
  mkdirSync(configDir, { recursive: true });

  let topo: LabTopology | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = async () => {
    cleaning ??= (async () => {
      if (topo) await topo.cleanup();
      if (!a.keep) rmSync(a.workDir, { recursive: true, force: true });
    })();
    return cleaning;
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stdout.write(`\n${sig}: removing the lab\n`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  const steps: Array<[string, string, (c: Ctx) => Promise<StepResult>]> = [
    ['allocations', 'Services get IPs (examples/basic applied to both nodes)', stepAllocations],
    ['bgp sessions', 'BGP sessions and BFD on the router', stepSessions],
    ['router routes', 'the router\'s routes with communities and LOCAL_PREF', stepRoutes],
    ['arp answer', 'the client\'s ARP answer for the layer 2 IP', stepArp],
    ['live change', 'a Service added and removed while everything runs', stepLiveChange],
    ['failover', 'a node dies: the layer 2 IP and the routes move', stepFailover],
  ];
  let failed = false;
  try {
    header(0, `building the lab (namespaces ${a.prefix}-*, work dir ${a.workDir})`);
    const tBuild = performance.now();
    topo = await buildLab({ prefix: a.prefix, configDir, workDir: a.workDir, progress: say });
    results.push({ step: 'lab', ok: true, result: `${topo.nodes.size} nodes, router, client on one bridge (192.0.2.0/24)`, figure: fmtMs(performance.now() - tBuild) });
    for (const f of readdirSync(join(root, 'examples', 'basic')).filter((x) => x.endsWith('.yaml'))) copyFileSync(join(root, 'examples', 'basic', f), join(configDir, f));
    say(`examples/basic copied to ${configDir} (${readdirSync(configDir).join(', ')})`);

    const c: Ctx = { topo, configDir, ips: {}, sessionsBefore: [], l2Owner: '' };
    for (const [i, [name, title, fn]] of steps.entries()) {
      header(i + 1, title);
      try {
        const r = await fn(c);
        results.push(r);
        say(`${r.ok ? 'ok' : 'FAILED'}: ${r.result} (${r.figure})`);
        if (!r.ok) failed = true;
      } catch (e) {
        failed = true;
        results.push({ step: name, ok: false, result: (e as Error).message.slice(0, 200), figure: '-' });
        say(`FAILED: ${(e as Error).message}`);
        await diagnostics(topo);
      }
      if (failed) break;
    }
    for (const [name] of steps.slice(results.length - 1)) if (!results.some((r) => r.step === name)) results.push({ step: name, ok: false, result: 'skipped after a failure', figure: '-' });
  } catch (e) {
    failed = true;
    results.push({ step: 'lab', ok: false, result: (e as Error).message.slice(0, 300), figure: '-' });
    say(`FAILED: ${(e as Error).message}`);
  }

  if (a.keep && topo) await reviveForExploring(topo).catch((e: Error) => say(`could not restart the failed node: ${e.message}`));
  printSummary(results, a, topo);
  if (a.json) writeFileSync(a.json, `${JSON.stringify({ ok: !failed, steps: results }, null, 2)}\n`);

  if (a.keep && topo) {
    // Record what --cleanup must remove; stop following logs so this process can exit.
    const rec: KeepRecord = {
      prefix: a.prefix,
      namespaces: [topo.sw, ...[...topo.nodes.values()].map((n) => n.ns), topo.routerNs ?? '', topo.client].filter(Boolean),
      pids: [...topo.nodes.values()].flatMap((n) => (n.proc?.running ? [n.proc.pid] : [])),
      pathspaces: [...[...topo.nodes.values()].map((n) => n.ns), topo.routerNs ?? ''].filter(Boolean),
      workDir: a.workDir,
    };
    writeFileSync(join(a.workDir, 'lab.json'), `${JSON.stringify(rec, null, 2)}\n`);
    for (const n of topo.nodes.values()) n.proc?.detach();
    return failed ? 1 : 0;
  }
  await cleanup();
  say(failed ? 'lab removed; a step FAILED (see above)' : 'lab removed; every step passed');
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e: Error) => {
  process.stderr.write(`lab: ${e.message}\n`);
  process.exit(2);
});
