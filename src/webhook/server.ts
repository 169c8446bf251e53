// The admission webhook server: validating webhooks on upstream's paths and the BGPPeer conversion
// webhook on /convert. HTTPS (TLS 1.3 minimum) from a certificate directory, or plain HTTP for tests.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Snapshot } from '../api/snapshot.js';
import { buildConfig } from '../config/build.js';
import { createLogger, type Logger } from '../util/log.js';
import { convertReview } from './conversion.js';
import { certStamp, readCertDir, secureOptions } from './tls.js';
import type { AdmissionReview, ConversionReview } from './types.js';
import { WEBHOOKS, deny, needs, review, type BuildFn } from './validate.js';

export interface WebhookServerOptions {
  /** the MetalLB namespace: objects must be created there */
  namespace: string;
  /**
   * The current objects, read on every request (a cache or a direct API read); `keys` says which
   * parts of the snapshot the review needs (others may be left empty).
   */
  lister: (keys: Array<keyof Snapshot>) => Promise<Snapshot>;
  /** directory holding tls.crt and tls.key; omitted = plain HTTP (tests only) */
  certDir?: string;
  /** how often to look for a rotated certificate (default 10 s) */
  certCheckMs?: number;
  build?: BuildFn;
  logger?: Logger;
}

const MAX_BODY = 3 * 1024 * 1024;

export class WebhookServer {
  readonly server: Server;
  private certTimer?: NodeJS.Timeout;
  private readonly log: Logger;
  private readonly build: BuildFn;

  constructor(private readonly opts: WebhookServerOptions) {
    this.log = opts.logger ?? createLogger('none');
    this.build = opts.build ?? buildConfig;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ op: 'webhook', error: String(err) }, 'request failed');
        if (!res.headersSent) this.reply(res, 500, { error: String(err) });
      });
    };
    if (opts.certDir) {
      const dir = opts.certDir;
      let files = readCertDir(dir);
      const https = createHttpsServer(secureOptions(files), handler);
      this.certTimer = setInterval(() => {
        const stamp = certStamp(dir);
        if (stamp === undefined || stamp === files.stamp) return;
        try {
          files = readCertDir(dir);
          https.setSecureContext(secureOptions(files));
          this.log.info({ op: 'webhook', dir }, 'reloaded the webhook certificate');
        } catch (err) {
          this.log.error({ op: 'webhook', error: String(err) }, 'cannot reload the webhook certificate');
        }
      }, opts.certCheckMs ?? 10_000);
      this.certTimer.unref();
      this.server = https;
    } else {
      this.server = createHttpServer(handler);
    }
  }

  async listen(port: number, host?: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.certTimer) clearInterval(this.certTimer);
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private reply(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async readJSON(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) throw new Error('request body too large');
      chunks.push(c as Buffer);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && (path === '/healthz' || path === '/readyz')) {
      this.reply(res, 200, { status: 'ok' });
      return;
    }
    const hook = WEBHOOKS.find((h) => h.path === path);
    if (!hook && path !== '/convert') {
      this.reply(res, 404, { error: `no webhook at ${path}` });
      return;
    }
    if (req.method !== 'POST') {
      this.reply(res, 405, { error: 'use POST' });
      return;
    }
    let body: unknown;
    try {
      body = await this.readJSON(req);
    } catch (err) {
      this.reply(res, 400, { error: `invalid request body: ${(err as Error).message}` });
      return;
    }
    if (path === '/convert') {
      const out = convertReview(body as ConversionReview);
      if (out.response?.result.status === 'Failure') this.log.warn({ op: 'convert', error: out.response.result.message }, 'conversion failed');
      this.reply(res, 200, out);
      return;
    }
    const ar = body as AdmissionReview;
    const request = ar?.request;
    if (!request?.uid) {
      this.reply(res, 400, { error: 'not an AdmissionReview with a request' });
      return;
    }
    let response;
    try {
      response = review(hook!, request, await this.opts.lister(needs(hook!)), { namespace: this.opts.namespace, build: this.build });
    } catch (err) {
      // Failing closed matches failurePolicy Fail; say why.
      response = deny(request.uid, `cannot validate ${hook!.kind} ${request.name ?? ''}: ${(err as Error).message}`, 500);
    }
    this.log.info({ op: 'admission', kind: hook!.kind, name: request.name ?? request.object?.metadata?.name, operation: request.operation,
      allowed: response.allowed, ...(response.status ? { reason: response.status.message } : {}) }, 'admission review');
    this.reply(res, 200, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
  }
}
