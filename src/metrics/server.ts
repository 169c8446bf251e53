// HTTP endpoints of the roles: /metrics (Prometheus text) and the probes /healthz, /readyz (readiness
// gated on a caller-supplied check) and /livez (the FRR sidecar probe). /metrics can be served over
// HTTPS with a certificate that changes while running, behind an authorization check (upstream 0.16's
// secure metrics); the probes stay plain HTTP, on their own port, for the kubelet.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Registry } from 'prom-client';
import { tlsOptions, type CertSource } from '../certs/source.js';
import type { AuthDecision } from './auth.js';

export interface MetricsServerOptions {
  host?: string;
  port: number;
  registry: Registry;
  /** serve /metrics (default true); false for a probes-only server */
  metrics?: boolean;
  /** serve the probes (default true) */
  probes?: boolean;
  ready?: () => boolean;
  /** words for a 503 from /readyz */
  notReadyReason?: () => string;
  live?: () => Promise<boolean>;
  /** HTTPS with this certificate (taken anew when it changes); omitted = plain HTTP */
  tls?: CertSource;
  /** who may read /metrics; omitted = anyone who reaches the port */
  authorize?: (authorization: string | undefined) => Promise<AuthDecision>;
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const serveMetrics = opts.metrics ?? true;
  const serveProbes = opts.probes ?? true;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(body);
    };
    if (path === '/metrics' && serveMetrics) {
      const send = () => opts.registry.metrics().then((m) => reply(200, m, opts.registry.contentType), (e: Error) => reply(500, e.message));
      if (!opts.authorize) {
        void send();
        return;
      }
      opts.authorize(req.headers.authorization).then((d) => (d.code === 200 ? send() : reply(d.code, `${d.message}\n`)), () => reply(500, 'Internal Server Error\n'));
    } else if (path === '/healthz' && serveProbes) {
      reply(200, 'ok');
    } else if (path === '/readyz' && serveProbes) {
      const ok = opts.ready ? opts.ready() : true;
      reply(ok ? 200 : 503, ok ? 'ok' : opts.notReadyReason?.() ?? 'not ready');
    } else if (path === '/livez' && serveProbes) {
      const check = opts.live ?? (async () => true);
      check().then((ok) => reply(ok ? 200 : 404, ok ? 'ok' : 'not live'), () => reply(404, 'not live'));
    } else {
      reply(404, 'not found');
    }
  };
  let server: Server;
  let unsubscribe = () => {};
  if (opts.tls) {
    const first = opts.tls.current();
    const https = createHttpsServer(first ? tlsOptions(first) : { minVersion: 'TLSv1.3' }, handler);
    unsubscribe = opts.tls.onChange((c) => https.setSecureContext(tlsOptions(c)));
    server = https;
  } else {
    server = createHttpServer(handler);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    server, port,
    close: () => new Promise((r) => {
      unsubscribe();
      server.closeAllConnections?.();
      server.close(() => r());
    }),
  };
}
