// Layer 2 failover time as a client sees it, with real `metallb-ts standalone --no-bgp` processes in
// network namespaces ("mtsysb-*", see e2e/system-l2/site.ts): the owner of a Service IP is SIGKILLed;
// the time until the client's tcpdump sees the first gratuitous ARP for the IP from the other node.
// 20 runs (the killed node is restarted and wins its IP back in between); median and worst; target:
// median under 1 s. Also the ARP reply latency at the client (arping round trips to the owner).
//
//   npx tsc -p tsconfig.build.json && node dist/bench/l2-failover.js [runs]
// Needs root. Prints one JSON object.
import { Capture } from '../e2e/layer2/lab.js';
import { arpingFromClient, nsExec } from '../e2e/lab/topology.js';
import { buildSite, type Site } from '../e2e/system-l2/site.js';

const RUNS = Number(process.argv[2] ?? 20);
const IP = '198.51.100.6';

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number, step = 10): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, step));
  }
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const median = (xs: number[]) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

async function arpReplyLatency(site: Site): Promise<number[]> {
  const out = await nsExec(site.topo.client, 'arping', ['-c', '50', '-W', '0.02', '-w', '10', '-I', 'eth0', IP], { reject: false });
  return [...out.matchAll(/time=([\d.]+) (usec|msec)/g)].map((m) => Number(m[1]) * (m[2] === 'usec' ? 0.001 : 1));
}

async function main(): Promise<void> {
  const site = await buildSite('mtsysb', [{ name: 'v4', ip: IP, endpointsOn: ['node-a', 'node-b'] }]);
  const onSignal = () => void site.cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await site.start();
    const owner = await until('a settled owner', async () => {
      const a = site.winner('node-a', 'default/v4');
      return a && a === site.winner('node-b', 'default/v4') ? a : undefined;
    }, 20_000);
    const survivor = owner === 'node-a' ? 'node-b' : 'node-a';
    const ownerMac = site.topo.node(owner).mac;
    const survivorMac = site.topo.node(survivor).mac;
    await until('the owner answering ARP', async () => ((await arpingFromClient(site.topo, IP)).mac === ownerMac ? true : undefined), 10_000, 100);
    const arp = await arpReplyLatency(site);

    const cap = await Capture.start(site.topo.lab, site.topo.client, 'arp');
    const failover: number[] = [];
    const detect: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const from = site.proc(survivor).logs.length;
      const tKill = Date.now();
      site.proc(owner).kill('SIGKILL');
      // first gratuitous ARP for the IP from the survivor, by the client's kernel timestamp
      const line = await until('the survivor\'s GARP', async () => cap.lines.find((l) => {
        const ts = Number(l.split(' ')[0]) * 1000;
        return ts >= tKill && l.toLowerCase().includes(survivorMac) && l.includes(IP);
      }), 10_000, 5);
      failover.push(Number(line.split(' ')[0]) * 1000 - tKill);
      const dead = await site.proc(survivor).waitLog((l) => l.event === 'memberChanged' && l.member === owner && l.state === 'dead', 5000, 'memberChanged dead', from);
      detect.push(Date.parse(String(dead.ts)) - tKill);
      await site.proc(owner).exited();

      // Bring the owner back; it wins its IP back (same hash) before the next run.
      const back = site.proc(survivor).logs.length;
      site.topo.startStandalone(owner);
      await site.proc(survivor).waitLog((l) => l.event === 'memberChanged' && l.member === owner && l.state === 'alive', 30_000, 'owner back', back);
      await until('the owner answering again', async () => ((await arpingFromClient(site.topo, IP)).mac === ownerMac ? true : undefined), 15_000, 100);
      await until('the survivor standing down', async () => (site.winner(survivor, 'default/v4') === owner ? true : undefined), 10_000, 50);
      await new Promise((r) => setTimeout(r, 200));
      process.stderr.write(`run ${i + 1}/${RUNS}: failover ${r1(failover[i])} ms (membership detection ${detect[i]} ms)\n`);
    }
    await cap.stop();
    const result = {
      bench: 'l2-failover',
      what: 'owner standalone SIGKILLed -> first gratuitous ARP from the new owner seen by the client (tcpdump in the client namespace)',
      runs: RUNS,
      failoverMs: { median: r1(median(failover)), worst: r1(Math.max(...failover)), best: r1(Math.min(...failover)), samples: failover.map(r1) },
      detectionMs: { median: median(detect), worst: Math.max(...detect), note: 'kill -> survivor logs memberChanged dead (log timestamp, ms resolution)' },
      target: { failoverMedianMs: 1000, met: median(failover) < 1000 },
      arpReplyMs: { count: arp.length, median: Math.round(median(arp) * 1000) / 1000, p90: Math.round(pct(arp, 90) * 1000) / 1000, worst: Math.round(Math.max(...arp) * 1000) / 1000, note: 'arping round trip at the client to the owner (request -> reply)' },
      host: { cpus: (await import('node:os')).cpus().length, loadavg: (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100) },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await site.cleanup();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`l2-failover: ${e.message}\n`);
  process.exit(1);
});
