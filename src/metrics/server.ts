// HTTP endpoints every role serves: /metrics (Prometheus text), /healthz and /readyz (plain pings,
// with readiness gated on a caller-supplied check), /livez for the FRR sidecar probe.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  host?: string;
  port: number;
  registry: Registry;
  ready?: () => boolean;
  live?: () => Promise<boolean>;
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(body);
    };
    if (path === '/metrics') {
      opts.registry.metrics().then((m) => reply(200, m, opts.registry.contentType), (e: Error) => reply(500, e.message));
    } else if (path === '/healthz') {
      reply(200, 'ok');
    } else if (path === '/readyz') {
      const ok = opts.ready ? opts.ready() : true;
      reply(ok ? 200 : 503, ok ? 'ok' : 'not ready');
    } else if (path === '/livez') {
      const check = opts.live ?? (async () => true);
      check().then((ok) => reply(ok ? 200 : 404, ok ? 'ok' : 'not live'), () => reply(404, 'not live'));
    } else {
      reply(404, 'not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return { server, port, close: () => new Promise((r) => server.close(() => r())) };
}
