// Memory and answer time of the admission webhook under a flood of reviews, wired as the controller
// wires it (kube source + admission lister over the real client-node with shared connections,
// HTTPS, TLS 1.3):
//   unreachable: the API server accepts connections and never answers, so the caches never sync
//                (every review must be denied at once, and memory must stay flat);
//   reachable:   the stand-in API server (test/apiserver), synced; every review reads the current
//                pools fresh from the API and is judged.
// RSS and heap are measured after a forced GC before and after the flood. Prints JSON.
//   npx tsc -p tsconfig.build.json && node --expose-gc dist/bench/webhook-flood.js [--reviews 2000] [--concurrency 50] [--scenario unreachable|reachable]
import { Agent, request } from 'node:https';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createServingCert } from '../src/certs/generate.js';
import { CertHolder } from '../src/certs/source.js';
import { KubeSource, admissionLister } from '../src/sources/kube/source.js';
import { reuseConnections } from '../src/status/kube-connections.js';
import { WebhookServer } from '../src/webhook/server.js';
import { FakeApiServer, kubeConfigFor } from '../test/apiserver/index.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : dflt;
}
const REVIEWS = arg('reviews', 2000);
const CONCURRENCY = arg('concurrency', 50);
const ONLY = process.argv.includes('--scenario') ? process.argv[process.argv.indexOf('--scenario') + 1] : undefined;
const NS = 'metallb-system';
const MB = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssMB: MB(m.rss), heapUsedMB: MB(m.heapUsed) };
}

async function flood(port: number, ca: string): Promise<{ denied: number; allowed: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number; messages: string[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca });
  const times: number[] = [];
  const messages = new Set<string>();
  let denied = 0;
  let allowed = 0;
  let failed = 0;
  let next = 0;
  const one = (i: number) => new Promise<void>((resolve) => {
    const body = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
      request: { uid: `u${i}`, operation: 'CREATE', name: `p${i}`, namespace: NS, kind: { group: 'metallb.io', version: 'v1beta1', kind: 'IPAddressPool' },
        object: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: `p${i}`, namespace: NS },
          spec: { addresses: [`10.${(i >> 8) & 255}.${i & 255}.0/24`] } } },
    });
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', servername: 'localhost', port, method: 'POST', agent, path: '/validate-metallb-io-v1beta1-ipaddresspool?timeout=10s',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        times.push(performance.now() - t0);
        const r = (JSON.parse(Buffer.concat(chunks).toString()) as { response: { allowed: boolean; status?: { message: string } } }).response;
        if (r.allowed) allowed++;
        else {
          denied++;
          messages.add(r.status?.message ?? '');
        }
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', () => {
      failed++;
      resolve();
    });
    req.end(body);
  });
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < REVIEWS) await one(next++);
  }));
  agent.destroy();
  times.sort((a, b) => a - b);
  const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0);
  return { denied, allowed, failed, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: Math.round(times.at(-1) ?? 0), messages: [...messages].slice(0, 3) };
}

async function run(scenario: 'unreachable' | 'reachable', certs: CertHolder, ca: string) {
  let url: string;
  let stopApi: () => Promise<void>;
  if (scenario === 'unreachable') {
    const sockets = new Set<Socket>();
    const hole = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(hole.address() as AddressInfo).port}`;
    stopApi = () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      hole.close(() => r());
    });
  } else {
    const api = await new FakeApiServer().start();
    for (let p = 0; p < 50; p++) {
      api.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: `existing-${p}`, namespace: NS }, spec: { addresses: [`172.16.${p}.0/24`] } });
    }
    url = api.url;
    stopApi = () => api.stop();
  }
  // as startWebhookServing does for the controller and `metallb-ts webhook`
  const kc = reuseConnections(kubeConfigFor(url));
  const source = new KubeSource({ kubeConfig: kc, namespace: NS }).start();
  if (scenario === 'reachable') await source.synced;
  const webhook = new WebhookServer({ namespace: NS, certs, lister: admissionLister(source, kc, NS), canRead: () => source.isReady });
  const port = await webhook.listen(0, '127.0.0.1');
  // warm-up (TLS contexts, JIT) before the baseline
  await flood(port, ca).catch(() => undefined);
  const before = memory();
  const t0 = performance.now();
  const result = await flood(port, ca);
  const seconds = (performance.now() - t0) / 1000;
  const after = memory();
  await webhook.close();
  await source.stop();
  await stopApi();
  return { scenario, reviews: REVIEWS, concurrency: CONCURRENCY, before, after, rssGrowthMB: Math.round((after.rssMB - before.rssMB) * 10) / 10,
    reviewsPerSecond: Math.round(REVIEWS / seconds), ...result };
}

async function main(): Promise<void> {
  const now = Date.now();
  const pair = await createServingCert({ dnsNames: ['localhost'], notBefore: now - 3600_000, notAfter: now + 86_400_000 });
  const certs = new CertHolder();
  certs.set(pair);
  const results = [];
  for (const scenario of ['unreachable', 'reachable'] as const) if (!ONLY || ONLY === scenario) results.push(await run(scenario, certs, pair.cert));
  process.stdout.write(`${JSON.stringify({
    bench: 'webhook-flood', gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
    host: { cpus: cpus().length, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) }, results,
  }, null, 2)}\n`);
}

void main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
