// TokenReview and SubjectAccessReview for the stand-in, as the API server answers them: tokens are
// known only when a test registered them (anything else is not authenticated), and access reviews
// are decided by RBAC over the Roles, ClusterRoles and bindings stored in the stand-in (rbac.ts), not
// by a fixed answer. Install with `installAuthReviews(server)`.
import { authorize, type Attributes } from './rbac.js';
import { RBAC_RESOURCES } from './resources.js';
import type { FakeApiServer } from './server.js';
import type { Obj } from './store.js';

export interface Identity {
  username: string;
  uid?: string;
  groups?: string[];
}

export interface AuthReviews {
  /** `token` authenticates as `who` from now on */
  addToken(token: string, who: Identity): void;
  /** a service account's token: user system:serviceaccount:<ns>:<name> with its groups */
  addServiceAccountToken(token: string, namespace: string, name: string): void;
  removeToken(token: string): void;
}

export function installAuthReviews(server: FakeApiServer): AuthReviews {
  for (const r of RBAC_RESOURCES) {
    if (!server.hasResource(r)) server.addResource(r);
  }
  const tokens = new Map<string, Identity>();
  server.addReviewEndpoint('/apis/authentication.k8s.io/v1/tokenreviews', (body) => {
    const token = (body.spec as { token?: string } | undefined)?.token ?? '';
    const who = tokens.get(token);
    const status = who
      ? { authenticated: true, user: { username: who.username, uid: who.uid ?? '', groups: [...(who.groups ?? []), 'system:authenticated'] } }
      : { authenticated: false, error: 'invalid bearer token' };
    return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: { creationTimestamp: null }, spec: body.spec ?? {}, status };
  });
  server.addReviewEndpoint('/apis/authorization.k8s.io/v1/subjectaccessreviews', (body) => {
    const spec = (body.spec ?? {}) as { user?: string; groups?: string[]; nonResourceAttributes?: { path?: string; verb?: string };
      resourceAttributes?: { namespace?: string; verb?: string; group?: string; resource?: string; subresource?: string; name?: string } };
    let attrs: Attributes;
    if (spec.nonResourceAttributes) {
      attrs = { kind: 'nonResource', path: spec.nonResourceAttributes.path ?? '', verb: spec.nonResourceAttributes.verb ?? '' };
    } else {
      const r = spec.resourceAttributes ?? {};
      attrs = { kind: 'resource', verb: r.verb ?? '', group: r.group ?? '', resource: r.resource ?? '', subresource: r.subresource, namespace: r.namespace, name: r.name };
    }
    const list = (kind: string) => server.list(kind, undefined, 'rbac.authorization.k8s.io') as Obj[];
    const decision = authorize(
      { roles: list('Role'), clusterRoles: list('ClusterRole'), roleBindings: list('RoleBinding'), clusterRoleBindings: list('ClusterRoleBinding') },
      { user: spec.user ?? '', groups: spec.groups ?? [] }, attrs,
    );
    return { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: { creationTimestamp: null }, spec, status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) } };
  });
  return {
    addToken: (token, who) => tokens.set(token, who),
    addServiceAccountToken: (token, namespace, name) => tokens.set(token, {
      username: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`],
    }),
    removeToken: (token) => tokens.delete(token),
  };
}
