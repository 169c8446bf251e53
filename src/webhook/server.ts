// The admission webhook server: validating webhooks on upstream's paths and the BGPPeer conversion
// webhook on /convert. HTTPS (TLS 1.3 minimum) with the certificate of a CertSource, taken anew
// whenever it changes; plain HTTP when no source is given (tests).
//
// It fails fast and stays bounded: every review is answered within its deadline (the API server's
// `?timeout=` minus a margin, else 8 s); while the current objects cannot be read (caches not synced,
// API unreachable) the answer is a denial that says so (failurePolicy Fail semantics, with words).
// At most `maxInFlight` reviews read the API at once; others wait for a turn within their deadline.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { emptySnapshot, type Snapshot } from '../api/snapshot.js';
import { tlsOptions, type CertSource } from '../certs/source.js';
import { buildConfig } from '../config/build.js';
import { createLogger, type Logger } from '../util/log.js';
import { convertReview } from './conversion.js';
import type { AdmissionRequest, AdmissionReview, ConversionReview } from './types.js';
import { OPERATIONS, WEBHOOKS, deny, needs, review, type BuildFn, type WebhookKind } from './validate.js';

export interface WebhookServerOptions {
  /** the MetalLB namespace: objects must be created there */
  namespace: string;
  /**
   * The current objects, read on every request (a cache or a direct API read); `keys` says which
   * parts of the snapshot the review needs (others may be left empty). `signal` aborts the reads
   * when the review's deadline passes.
   */
  lister: (keys: Array<keyof Snapshot>, signal: AbortSignal) => Promise<Snapshot>;
  /** false while the objects cannot be read yet (caches not synced): reviews are denied at once */
  canRead?: () => boolean;
  /** the serving certificate; omitted = plain HTTP (tests only) */
  certs?: CertSource;
  /** deadline of a review when the request names none (default 8000 ms) */
  reviewTimeoutMs?: number;
  /** reviews reading the API at the same time (default 16); others wait for a turn */
  maxInFlight?: number;
  build?: BuildFn;
  logger?: Logger;
}

const MAX_BODY = 3 * 1024 * 1024;

export class WebhookServer {
  readonly server: Server;
  private readonly log: Logger;
  private readonly build: BuildFn;
  private readonly unsubscribe: () => void = () => {};
  private inFlight = 0;
  /** reviews waiting for a turn to read the API, oldest first */
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly opts: WebhookServerOptions) {
    this.log = opts.logger ?? createLogger('none');
    this.build = opts.build ?? buildConfig;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ op: 'webhook', error: String(err) }, 'request failed');
        if (!res.headersSent) this.reply(res, 500, { error: String(err) });
      });
    };
    if (opts.certs) {
      const first = opts.certs.current();
      // Without a certificate yet the server listens but completes no TLS handshake: the webhook is
      // not ready (readiness says so); the certificate is taken the moment it exists.
      const https = createHttpsServer({ ...(first ? tlsOptions(first) : { minVersion: 'TLSv1.3' }) }, handler);
      this.unsubscribe = opts.certs.onChange((c) => {
        https.setSecureContext(tlsOptions(c));
        this.log.info({ op: 'webhook' }, 'serving with a new webhook certificate');
      });
      this.server = https;
    } else {
      this.server = createHttpServer(handler);
    }
    // A client that never finishes sending cannot hold a socket for long.
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
  }

  /** True when the webhook can answer: it has a certificate (or serves plain HTTP). */
  ready(): boolean {
    return !this.opts.certs || this.opts.certs.current() !== undefined;
  }

  async listen(port: number, host?: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.unsubscribe();
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
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
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
    const request = (body as AdmissionReview)?.request;
    if (!request?.uid) {
      this.reply(res, 400, { error: 'not an AdmissionReview with a request' });
      return;
    }
    const response = await this.admit(hook!, request, deadlineOf(url, this.opts.reviewTimeoutMs ?? 8000));
    this.log.info({ op: 'admission', kind: hook!.kind, name: request.name ?? request.object?.metadata?.name, operation: request.operation,
      allowed: response.allowed, ...(response.status ? { reason: response.status.message } : {}) }, 'admission review');
    this.reply(res, 200, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
  }

  private async admit(hook: WebhookKind, request: AdmissionRequest, deadlineMs: number) {
    if (!OPERATIONS.includes(request.operation as string)) return review(hook, request, emptySnapshot(), { namespace: this.opts.namespace, build: this.build });
    if (this.opts.canRead && !this.opts.canRead()) {
      return deny(request.uid, `failed to get existing ${hook.kind} objects: the webhook cannot read the current objects yet (its caches have not synced with the API server); try again in a moment`, 503);
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`reading the current objects took longer than ${deadlineMs} ms`)), deadlineMs);
    try {
      await this.turn(abort.signal);
    } catch (err) {
      clearTimeout(timer);
      return deny(request.uid, `failed to get existing ${hook.kind} objects: ${(err as Error).message} (too many reviews at once)`, 503);
    }
    try {
      const current = await abortable(this.opts.lister(needs(hook), abort.signal), abort.signal);
      return review(hook, request, current, { namespace: this.opts.namespace, build: this.build });
    } catch (err) {
      // Failing closed matches failurePolicy Fail; say why.
      return deny(request.uid, `failed to get existing ${hook.kind} objects: ${(err as Error).message}`, 500);
    } finally {
      clearTimeout(timer);
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  /** Resolves when this review may read the API (counted in inFlight); rejects when `signal` aborts first. */
  private turn(signal: AbortSignal): Promise<void> {
    if (this.inFlight < (this.opts.maxInFlight ?? 16)) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        signal.removeEventListener('abort', onAbort);
        this.inFlight++;
        resolve();
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(go);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal.reason as Error);
      };
      this.waiting.push(go);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The review's deadline: the API server's `?timeout=10s` minus a second of margin, else `dflt`. */
function deadlineOf(url: URL, dflt: number): number {
  const m = /^(\d+)s$/.exec(url.searchParams.get('timeout') ?? '');
  if (!m) return dflt;
  return Math.max(500, Number(m[1]) * 1000 - 1000);
}

/** Settles with `p`, or rejects as soon as `signal` aborts (a read that ignores its signal is left behind). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => {
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    }, (e: unknown) => {
      signal.removeEventListener('abort', onAbort);
      reject(e as Error);
    });
  });
}
