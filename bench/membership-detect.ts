// Detection time of a crashed member over real UDP on loopback, with the default timings.
// Each run: start n members on 127.0.0.1, let them settle for a random 300-500 ms (a random probe
// phase), close one member's socket without a goodbye, and time until the first and until the last
// survivor marks it dead. Also counts false alarms (suspicions of members that were never stopped).
//
//   npx tsc -p tsconfig.build.json && node dist/bench/membership-detect.js [--runs 20] [--members 3,5]
import { performance } from 'node:perf_hooks';
import { DEFAULT_TIMINGS } from '../src/layer2/membership/timings.js';
import type { MemberEvent } from '../src/layer2/membership/types.js';
import { UdpMembership } from '../src/layer2/membership/udp.js';

const KEY = new TextEncoder().encode('bench-membership-shared-secret!!');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const round = (x: number) => Math.round(x * 10) / 10;
  return { median: round((s[Math.floor((s.length - 1) / 2)] + s[Math.ceil((s.length - 1) / 2)]) / 2), p90: round(q(0.9)), worst: round(s[s.length - 1]),
    best: round(s[0]) };
}

async function oneRun(n: number): Promise<{ first: number; all: number; falseAlarms: number }> {
  const names = Array.from({ length: n }, (_, i) => `node-${i + 1}`);
  const members: UdpMembership[] = [];
  for (const name of names) members.push(await UdpMembership.start({ name, bindAddress: '127.0.0.1', port: 0, key: KEY }));
  const list = names.map((name, i) => ({ name, address: '127.0.0.1', port: members[i].port }));
  for (const m of members) m.setMembers(list);
  const victim = names[Math.floor(Math.random() * n)];
  const deadAt = new Map<string, number>();
  let falseAlarms = 0;
  names.forEach((observer, i) => members[i].onChange((e: MemberEvent) => {
    if (e.name === victim && e.state === 'dead' && !deadAt.has(observer)) deadAt.set(observer, performance.now());
    if (e.name !== victim && (e.state === 'suspect' || e.state === 'dead')) falseAlarms++;
  }));
  await sleep(300 + Math.random() * 200);
  const t0 = performance.now();
  await members[names.indexOf(victim)].close({ leave: false });
  const deadline = t0 + 5_000;
  while (deadAt.size < n - 1 && performance.now() < deadline) await sleep(2);
  const times = [...deadAt.values()].map((t) => t - t0);
  await Promise.all(members.filter((_, i) => names[i] !== victim).map((m) => m.close({ leave: false })));
  if (times.length < n - 1) throw new Error(`run failed: only ${times.length} of ${n - 1} survivors detected ${victim} within 5 s`);
  return { first: Math.min(...times), all: Math.max(...times), falseAlarms };
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '20'));
  const sizes = arg('members', '3,5').split(',').map(Number);
  const T = DEFAULT_TIMINGS;
  const results = [];
  for (const n of sizes) {
    const first: number[] = [];
    const all: number[] = [];
    let falseAlarms = 0;
    for (let r = 0; r < runs; r++) {
      const res = await oneRun(n);
      first.push(res.first);
      all.push(res.all);
      falseAlarms += res.falseAlarms;
    }
    results.push({
      members: n,
      runs,
      boundMs: (n - 1) * T.probeInterval + T.probeInterval + T.suspicionTimeout,
      firstSurvivorMs: stats(first),
      allSurvivorsMs: stats(all),
      falseAlarms,
    });
  }
  console.log(JSON.stringify({
    benchmark: 'membership-detect',
    transport: 'udp loopback',
    timings: { probeInterval: T.probeInterval, probeTimeout: T.probeTimeout, suspicionTimeout: T.suspicionTimeout, indirectChecks: T.indirectChecks },
    results,
  }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
