// ARP reply latency seen by a client: the announcer (Node.js + AF_PACKET addon) in one namespace,
// arping in another across a veth pair. The kernel answering for an address of its own is the
// reference. Prints one JSON object.
//   npx tsc -p tsconfig.build.json && node dist/bench/l2-arp.js [requests]
import { buildRunner, buildTopology, nsExec, RunnerProcess } from '../e2e/layer2/lab.js';

const requests = Number(process.argv[2] ?? 500);

interface Stats {
  sent: number;
  answered: number;
  median_us: number;
  p99_us: number;
  min_us: number;
  max_us: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** arping prints "time=12.422 usec" or "time=1.2 msec" per reply. */
async function arpingStats(ns: string, ip: string): Promise<Stats> {
  const out = await nsExec(ns, 'arping', ['-c', String(requests), '-W', '0.01', '-I', 'eth0', ip], { reject: false });
  const times = [...out.matchAll(/time=([\d.]+) (usec|msec|sec)/g)]
    .map((m) => Number(m[1]) * (m[2] === 'usec' ? 1 : m[2] === 'msec' ? 1000 : 1e6))
    .sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    sent: requests,
    answered: times.length,
    median_us: round(quantile(times, 0.5)),
    p99_us: round(quantile(times, 0.99)),
    min_us: round(times[0]),
    max_us: round(times[times.length - 1]),
  };
}

const runnerJs = await buildRunner(process.cwd());
const topo = await buildTopology('mtl2', 'bench');
try {
  const runner = await RunnerProcess.start(topo.lab, topo.node, runnerJs);
  await runner.command({ set: [{ ip: '192.0.2.100', interfaces: 'all' }] });
  await new Promise((r) => setTimeout(r, 300));
  const announcer = await arpingStats(topo.client, '192.0.2.100');
  await nsExec(topo.node, 'ip', ['addr', 'add', '192.0.2.200/32', 'dev', 'eth0']);
  const kernel = await arpingStats(topo.client, '192.0.2.200');
  const m = await runner.command<{ ok: boolean; metrics: string }>({ metrics: true });
  const responses = Number(/metallb_layer2_responses_sent\{ip="192\.0\.2\.100"\} (\d+)/.exec(m.metrics)?.[1] ?? 0);
  console.log(JSON.stringify({ bench: 'l2-arp', requests, interval_ms: 10, announcer, kernel, announcer_responses_metric: responses }));
} finally {
  await topo.lab.cleanup();
}
