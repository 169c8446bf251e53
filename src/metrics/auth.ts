// Who may read /metrics, decided as upstream 0.16's metrics servers do (controller-runtime's
// authentication and authorization filter): the bearer token is checked with a TokenReview, then the
// token's user needs `get` on the non-resource URL /metrics, checked with a SubjectAccessReview.
// Decisions are cached for a short while (by a hash of the token, never the token itself) and
// concurrent requests with the same token share one review, so a scrape storm is not an API storm.
import { createHash } from 'node:crypto';
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig, type V1UserInfo } from '@kubernetes/client-node';
import { describeError } from '../status/kube-retry.js';
import type { Logger } from '../util/log.js';

export type AuthDecision = { code: 200; user: string } | { code: 401 | 403 | 500; message: string };

export interface MetricsAuthOptions {
  kubeConfig: KubeConfig;
  /** the non-resource URL the caller needs `get` on (default /metrics) */
  path?: string;
  /** how long an allowed decision is reused (default 60 s) */
  allowedTtlMs?: number;
  /** how long a refusal (401, 403) is reused (default 10 s); API errors are never cached */
  deniedTtlMs?: number;
  /** cached decisions kept at most (default 1024; the oldest go first) */
  maxEntries?: number;
  logger?: Logger;
  now?: () => number;
}

export class MetricsAuthorizer {
  private readonly authn: AuthenticationV1Api;
  private readonly authz: AuthorizationV1Api;
  private readonly cache = new Map<string, { until: number; decision: AuthDecision }>();
  private readonly pending = new Map<string, Promise<AuthDecision>>();
  private readonly now: () => number;
  /** reviews sent to the API server (for tests and the bench) */
  reviews = 0;

  constructor(private readonly o: MetricsAuthOptions) {
    this.authn = o.kubeConfig.makeApiClient(AuthenticationV1Api);
    this.authz = o.kubeConfig.makeApiClient(AuthorizationV1Api);
    this.now = o.now ?? Date.now;
  }

  /** The decision for a request's Authorization header. */
  async check(authorization: string | undefined): Promise<AuthDecision> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return { code: 401, message: 'Unauthorized: a bearer token is required (Authorization: Bearer <token>)' };
    const key = createHash('sha256').update(m[1]).digest('hex');
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.decision;
    let p = this.pending.get(key);
    if (!p) {
      p = this.decide(m[1]).then((decision) => {
        const ttl = decision.code === 200 ? this.o.allowedTtlMs ?? 60_000 : decision.code === 500 ? 0 : this.o.deniedTtlMs ?? 10_000;
        if (ttl > 0) this.remember(key, decision, ttl);
        return decision;
      }).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  private remember(key: string, decision: AuthDecision, ttl: number): void {
    this.cache.delete(key);
    this.cache.set(key, { until: this.now() + ttl, decision });
    const max = this.o.maxEntries ?? 1024;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value as string);
  }

  private async decide(token: string): Promise<AuthDecision> {
    const path = this.o.path ?? '/metrics';
    let user: V1UserInfo | undefined;
    try {
      this.reviews++;
      const tr = await this.authn.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
      if (!tr.status?.authenticated || !tr.status.user?.username) {
        return { code: 401, message: `Unauthorized: the token is not valid${tr.status?.error ? ` (${tr.status.error})` : ''}` };
      }
      user = tr.status.user;
      this.reviews++;
      const sar = await this.authz.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
          spec: { user: user.username!, uid: user.uid, groups: user.groups, extra: user.extra, nonResourceAttributes: { path, verb: 'get' } },
        },
      });
      if (!sar.status?.allowed) {
        return { code: 403, message: `Forbidden: user "${user.username}" cannot get path "${path}"${sar.status?.reason ? ` (${sar.status.reason})` : ''}` };
      }
      return { code: 200, user: user.username! };
    } catch (err) {
      this.o.logger?.error({ op: 'metricsAuth', user: user?.username, error: describeError(err) }, 'could not check a metrics request with the API server');
      return { code: 500, message: 'Internal Server Error: the request could not be authenticated or authorized' };
    }
  }
}
