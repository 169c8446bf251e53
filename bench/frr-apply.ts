// FRR apply benchmark: prints JSON figures.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/frr-apply.js [latency1] [latency50] [cpu] [first]
//
// - latency1 / latency50: time from FrrApplier.update() with one more Service to the prefix being in
//   the router FRR's RIB (on every peer), for 1 peer (IPv4) and 50 peers x 1000 prefixes (IPv6), plus
//   the router's session counters before and after (resets must stay 0).
// - cpu: CPU seconds per applied change at 1000 prefixes (1 peer): this product's incremental apply vs
//   upstream's method (whole upstream-style file, `frr-reload.py --reload --overwrite`). CPU = FRR
//   daemons of the node + vtysh/python children + this process.
// - first: first apply from an empty FRR (10 peers x 1000, 50 peers x 5000 prefixes): apply time and
//   time until the router holds the last prefix on every peer.
import { execa } from 'execa';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { FrrApplier, pidProbe } from '../src/frr/applier.js';
import { Vtysh, type VtyshRunner } from '../src/frr/vtysh.js';
import { VtySocketRunner } from '../src/frr/vty-socket.js';
import { Lab } from '../e2e/harness/netns.js';
import { pairIntent, routerSessions, servicePrefix, startPair, waitUntil, type Pair } from '../e2e/frr/topology.js';
import { upstreamStyleConf } from './frr-upstream-style.js';

const TICK = 100; // clock ticks per second (getconf CLK_TCK)

function procCPU(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK; // utime, stime
  } catch {
    return 0;
  }
}

/** CPU of this process, its waited-for children (vtysh, python), and the node's FRR daemons. */
function cpuNow(p: Pair): number {
  const self = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const children = (Number(self[13]) + Number(self[14])) / TICK; // cutime, cstime
  const own = process.cpuUsage();
  let daemons = 0;
  for (const pid of p.node.pids.values()) daemons += procCPU(pid);
  return children + (own.user + own.system) / 1e6 + daemons;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]);
};

async function established(p: Pair, timeoutMs: number): Promise<void> {
  await waitUntil('sessions established', async () => [...(await routerSessions(p)).values()].every((s) => s.bgpState === 'Established'), timeoutMs, 200);
}

async function resets(p: Pair): Promise<{ established: number; dropped: number }> {
  let e = 0;
  let d = 0;
  for (const s of (await routerSessions(p)).values()) {
    e += s.connectionsEstablished;
    d += s.connectionsDropped;
  }
  return { established: e, dropped: d };
}

type RunnerKind = 'socket' | 'vtysh';
const closers: Array<() => void> = [];

function runnerFor(ps: string, kind: RunnerKind): VtyshRunner {
  if (kind === 'vtysh') return new Vtysh({ pathspace: ps });
  const r = new VtySocketRunner({ pathspace: ps });
  closers.push(() => r.close());
  return r;
}

function applierFor(p: Pair, kind: RunnerKind = 'socket'): FrrApplier {
  return new FrrApplier({ vtysh: runnerFor(p.node.pathspace, kind), stateProbe: pidProbe(`/var/run/frr/${p.node.pathspace}`) });
}

/** Paths of a prefix at the router, read over bgpd's vty socket (a vtysh process per poll would dominate). */
async function pathsAt(router: VtyshRunner, prefix: string): Promise<number> {
  const j = await router.showJSON<{ paths?: unknown[] }>(`show bgp ${prefix.includes(':') ? 'ipv6' : 'ipv4'} unicast ${prefix} json`);
  return j.paths?.length ?? 0;
}

async function latency(lab: Lab, tag: string, peers: number, base: number, changes: number, family: 4 | 6, kind: RunnerKind = 'socket'): Promise<Record<string, unknown>> {
  const p = await startPair(lab, { tag, peers, family });
  const a = applierFor(p, kind);
  const router = runnerFor(p.router.pathspace, 'socket');
  a.update(pairIntent(p, base));
  await a.idle();
  if (a.lastError) throw a.lastError;
  await established(p, 120000);
  if (base > 0) await waitUntil('base prefixes', async () => (await pathsAt(router, servicePrefix(family, base - 1))) === peers, 120000, 200);
  const before = await resets(p);
  const ms: number[] = [];
  const applyMs: number[] = [];
  for (let i = 0; i < changes; i++) {
    await sleep(150); // past the debounce window: every change is a leading edge
    const t0 = performance.now();
    a.update(pairIntent(p, base + i + 1));
    await a.idle();
    applyMs.push(performance.now() - t0);
    const prefix = servicePrefix(family, base + i);
    await waitUntil(prefix, async () => (await pathsAt(router, prefix)) === peers, 30000, 2);
    ms.push(performance.now() - t0);
  }
  const after = await resets(p);
  a.stop();
  return {
    runner: kind,
    peers,
    prefixes: base,
    changes,
    ribLatencyMs: { median: pct(ms, 0.5), p99: pct(ms, 0.99), max: Math.round(Math.max(...ms)) },
    applyMs: { median: pct(applyMs, 0.5), p99: pct(applyMs, 0.99) },
    sessionResets: { established: after.established - before.established, dropped: after.dropped - before.dropped },
  };
}

async function cpu(lab: Lab): Promise<Record<string, unknown>> {
  const base = 1000;
  const ours = await startPair(lab, { tag: 'co', family: 6 });
  const a = applierFor(ours);
  a.update(pairIntent(ours, base));
  await a.idle();
  await established(ours, 60000);
  const n = 20;
  await sleep(1000);
  let c0 = cpuNow(ours);
  for (let i = 0; i < n; i++) {
    a.update(pairIntent(ours, base + i + 1));
    await a.idle();
    await sleep(100);
  }
  await sleep(1000); // let bgpd finish its work (update groups, zebra)
  const oursPerChange = (cpuNow(ours) - c0) / n;
  a.stop();

  // Upstream: a fresh pair loaded with the upstream-style file, then one frr-reload.py per change.
  const up = await startPair(lab, { tag: 'cu', family: 6 });
  const file = `/etc/frr/${up.node.pathspace}/bench-frr.conf`;
  const reload = async (services: number): Promise<number> => {
    writeFileSync(file, upstreamStyleConf(pairIntent(up, services)), { mode: 0o600 });
    const t = performance.now();
    const r = await execa('python3', ['/usr/lib/frr/frr-reload.py', '--reload', '--overwrite', '-N', up.node.pathspace, file], { reject: false, all: true });
    if (r.exitCode !== 0) throw new Error(`frr-reload.py failed: ${String(r.all).slice(-500)}`);
    return performance.now() - t;
  };
  const firstLoadMs = await reload(base);
  await established(up, 60000);
  const m = 3;
  await sleep(1000);
  c0 = cpuNow(up);
  const reloadMs: number[] = [];
  for (let i = 0; i < m; i++) reloadMs.push(await reload(base + i + 1));
  await sleep(1000);
  const upstreamPerChange = (cpuNow(up) - c0) / m;
  rmSync(file, { force: true });
  return {
    prefixes: base,
    oursCpuSecondsPerChange: Number(oursPerChange.toFixed(3)),
    upstreamCpuSecondsPerChange: Number(upstreamPerChange.toFixed(3)),
    ratio: Number((upstreamPerChange / Math.max(oursPerChange, 1e-3)).toFixed(1)),
    upstreamReloadMs: reloadMs.map(Math.round),
    upstreamFirstLoadMs: Math.round(firstLoadMs),
    changes: { ours: n, upstream: m },
  };
}

async function first(lab: Lab, tag: string, peers: number, prefixes: number): Promise<Record<string, unknown>> {
  const p = await startPair(lab, { tag, peers, family: 6 });
  const a = applierFor(p);
  const router = runnerFor(p.router.pathspace, 'socket');
  const t0 = performance.now();
  a.update(pairIntent(p, prefixes));
  await a.idle();
  if (a.lastError) throw a.lastError;
  const applyMs = performance.now() - t0;
  const last = servicePrefix(6, prefixes - 1);
  await waitUntil(`${last} on every peer`, async () => (await pathsAt(router, last)) === peers, 600000, 100);
  const ribMs = performance.now() - t0;
  const cmds = a.lastApply?.commands;
  a.stop();
  return { peers, prefixes, commands: cmds, applyMs: Math.round(applyMs), lastPrefixAtRouterMs: Math.round(ribMs) };
}

const wanted = new Set(process.argv.slice(2));
const all = wanted.size === 0;
const results: Record<string, unknown> = {};
const lab = new Lab('mtfrr');
try {
  if (all || wanted.has('latency1')) {
    results.latency1Peer = await latency(lab, 'l1', 1, 0, 50, 4);
    results.latency1PeerVtyshProcess = await latency(lab, 'l1v', 1, 0, 30, 4, 'vtysh');
  }
  if (all || wanted.has('latency50')) results.latency50x1000 = await latency(lab, 'l50', 50, 1000, 20, 6);
  if (all || wanted.has('cpu')) results.cpuPerChange = await cpu(lab);
  if (all || wanted.has('first')) {
    results.first10x1000 = await first(lab, 'f10', 10, 1000);
    await lab.cleanup();
    results.first50x5000 = await first(lab, 'f50', 50, 5000);
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(JSON.stringify({ loadavg: load, ...results }, null, 1));
} finally {
  for (const c of closers) c();
  await lab.cleanup();
}
