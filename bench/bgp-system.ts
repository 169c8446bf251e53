// Config-file change -> route in the router's RIB, through the whole product: the files source sees
// a Service file appear in the config folder, `bin/metallb-ts standalone` allocates, plans and applies
// to its node FRR through vtysh, FRR sends the UPDATE, and the router FRR has the prefix. Also the
// removal (file deleted -> prefix gone), and for each the product's own share (file written ->
// serviceAnnounced / serviceWithdrawn log line). One node, one router (topology in
// e2e/system-bgp/lab.ts), each change after a quiet period (leading edge of the debounce).
//
//   npx tsc -p tsconfig.build.json && node dist/bench/bgp-system.js [--runs 20] [--gap-ms 300]
//
// Prints JSON. The router is polled with `show bgp ipv4 unicast <prefix> json` (a vtysh process per
// poll, about 30 ms on an idle machine): the figures include up to one poll of resolution.
import { performance } from 'node:perf_hooks';
import {
  NODE_V4, Standalone, buildSystem, ensureBuilt, putFile, putFixture, removeFile, ribPaths, serviceYaml, sleep, waitEstablished,
  type System,
} from '../e2e/system-bgp/lab.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : dflt;
}

const RUNS = arg('runs', 20);
const GAP_MS = arg('gap-ms', 300);

function stats(xs: number[]): { median: number; p90: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  const r = (v: number) => Math.round(v * 10) / 10;
  return { median: r(q(0.5)), p90: r(q(0.9)), min: r(s[0]), max: r(s[s.length - 1]) };
}

async function until(fn: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await fn()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms`);
  }
}

async function main(): Promise<void> {
  const bin = await ensureBuilt();
  let sys: System | undefined;
  let node: Standalone | undefined;
  try {
    sys = await buildSystem('mtbgpb', { nodes: ['node1'] });
    putFixture(sys, 'latency');
    node = new Standalone(sys, 'node1', bin);
    await node.start();
    await waitEstablished(sys.a, NODE_V4.node1, 30_000);
    const toRib: number[] = [];
    const toLog: number[] = [];
    const goneRib: number[] = [];
    const goneLog: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ip = `203.0.113.${1 + (i % 30)}`;
      const name = `lat-${i}`;
      await sleep(GAP_MS);
      let from = node.logs.length;
      const t0 = performance.now();
      putFile(sys, name, serviceYaml({ name, ip, endpointNodes: ['node1'] }));
      toRib.push(await until(async () => (await ribPaths(sys!.a, `${ip}/32`)).length === 1, 20_000));
      const ann = await node.waitLog('announced', (l) => l.event === 'serviceAnnounced' && l.service === `default/${name}`, 5000, from);
      toLog.push(Date.parse(String(ann.ts)) - (performance.timeOrigin + t0));
      await sleep(GAP_MS);
      from = node.logs.length;
      const t1 = performance.now();
      removeFile(sys, name);
      goneRib.push(await until(async () => (await ribPaths(sys!.a, `${ip}/32`)).length === 0, 20_000));
      const wd = await node.waitLog('withdrawn', (l) => l.event === 'serviceWithdrawn' && l.service === `default/${name}`, 5000, from);
      goneLog.push(Date.parse(String(wd.ts)) - (performance.timeOrigin + t1));
    }
    const metrics = await node.metrics();
    const applies = /metallb_frr_applies_total\{mode="incremental"\} (\d+)/.exec(metrics)?.[1];
    const applySum = Number(/metallb_frr_apply_duration_seconds_sum\{mode="incremental"\} ([\d.e-]+)/.exec(metrics)?.[1]);
    const applyCount = Number(/metallb_frr_apply_duration_seconds_count\{mode="incremental"\} (\d+)/.exec(metrics)?.[1]);
    // The measuring instrument: one router poll (a vtysh process) on this machine right now.
    const polls: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await ribPaths(sys.a, '203.0.113.1/32');
      polls.push(performance.now() - t);
    }
    console.log(JSON.stringify({
      bench: 'bgp-system',
      what: 'Service file written in the config folder -> prefix in the router FRR RIB (standalone + node FRR + router FRR)',
      runs: RUNS,
      gapMs: GAP_MS,
      addToRouterRibMs: stats(toRib),
      addToServiceAnnouncedLogMs: stats(toLog),
      removeToGoneFromRouterRibMs: stats(goneRib),
      removeToServiceWithdrawnLogMs: stats(goneLog),
      incrementalApplies: applies === undefined ? undefined : Number(applies),
      incrementalApplyMeanMs: applyCount > 0 ? Math.round((applySum / applyCount) * 10000) / 10 : undefined,
      routerPollMs: stats(polls),
      loadAverage1m: Number((await import('node:os')).loadavg()[0].toFixed(2)),
    }, null, 2));
  } finally {
    await node?.stop().catch(() => undefined);
    await sys?.lab.cleanup();
  }
}

await main();
