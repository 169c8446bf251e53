// The stand-in's RBAC decisions (used by its SubjectAccessReview endpoint): the API server's rules
// for bindings, subjects, resource and non-resource rules.
import { expect, it } from '@jest/globals';
import { authorize, type Attributes, type RbacObjects } from './rbac.js';
import type { Obj } from './store.js';

const role = (kind: 'Role' | 'ClusterRole', name: string, rules: unknown[], namespace?: string): Obj => ({ kind, metadata: { name, ...(namespace ? { namespace } : {}) }, rules });
const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, roleRef: { kind: string; name: string }, subjects: unknown[], namespace?: string): Obj =>
  ({ kind, metadata: { name, ...(namespace ? { namespace } : {}) }, roleRef, subjects });

const objs: RbacObjects = {
  clusterRoles: [
    role('ClusterRole', 'metrics', [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]),
    role('ClusterRole', 'debug', [{ nonResourceURLs: ['/debug/*'], verbs: ['*'] }]),
    role('ClusterRole', 'secrets-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]),
  ],
  roles: [role('Role', 'one-secret', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['webhook-cert'], verbs: ['update'] },
    { apiGroups: ['metallb.io'], resources: ['ipaddresspools/status'], verbs: ['update'] }], 'ns1')],
  clusterRoleBindings: [
    binding('ClusterRoleBinding', 'prom', { kind: 'ClusterRole', name: 'metrics' }, [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }]),
    binding('ClusterRoleBinding', 'ops', { kind: 'ClusterRole', name: 'debug' }, [{ kind: 'Group', name: 'ops' }]),
  ],
  roleBindings: [
    // a ClusterRole bound in one namespace grants only there, and never non-resource URLs
    binding('RoleBinding', 'read-ns1', { kind: 'ClusterRole', name: 'secrets-reader' }, [{ kind: 'User', name: 'alice' }], 'ns1'),
    binding('RoleBinding', 'metrics-ns1', { kind: 'ClusterRole', name: 'metrics' }, [{ kind: 'User', name: 'alice' }], 'ns1'),
    binding('RoleBinding', 'ctl', { kind: 'Role', name: 'one-secret' }, [{ kind: 'ServiceAccount', name: 'controller' }], 'ns1'),
  ],
};
const sa = (ns: string, name: string) => ({ user: `system:serviceaccount:${ns}:${name}`, groups: ['system:serviceaccounts', 'system:authenticated'] });
const url = (path: string, verb = 'get'): Attributes => ({ kind: 'nonResource', path, verb });
const res = (verb: string, resource: string, namespace?: string, extra: Partial<Extract<Attributes, { kind: 'resource' }>> = {}): Attributes =>
  ({ kind: 'resource', verb, group: '', resource, namespace, ...extra });

it.each([
  ['the bound service account may get /metrics', sa('monitoring', 'prometheus'), url('/metrics'), true],
  ['but not post it', sa('monitoring', 'prometheus'), url('/metrics', 'post'), false],
  ['another service account of that name elsewhere may not', sa('default', 'prometheus'), url('/metrics'), false],
  ['a group member gets a /prefix/* URL', { user: 'bob', groups: ['ops'] }, url('/debug/pprof/heap'), true],
  ['the prefix itself without the slash is not under /debug/*', { user: 'bob', groups: ['ops'] }, url('/debugger'), false],
  ['a RoleBinding grants in its namespace', { user: 'alice', groups: [] }, res('list', 'secrets', 'ns1'), true],
  ['and not in another', { user: 'alice', groups: [] }, res('list', 'secrets', 'ns2'), false],
  ['nor non-resource URLs, even from a ClusterRole that has them', { user: 'alice', groups: [] }, url('/metrics'), false],
  ['resourceNames limit a rule to those names', sa('ns1', 'controller'), res('update', 'secrets', 'ns1', { name: 'webhook-cert' }), true],
  ['another name is not granted', sa('ns1', 'controller'), res('update', 'secrets', 'ns1', { name: 'other' }), false],
  ['a subresource needs its own rule', sa('ns1', 'controller'), { kind: 'resource', verb: 'update', group: 'metallb.io', resource: 'ipaddresspools', subresource: 'status', namespace: 'ns1' }, true],
  ['the main resource is not implied by its subresource', sa('ns1', 'controller'), { kind: 'resource', verb: 'update', group: 'metallb.io', resource: 'ipaddresspools', namespace: 'ns1' }, false],
  ['system:masters may do anything', { user: 'admin', groups: ['system:masters'] }, url('/anything', 'delete'), true],
  ['nobody else gets anything by default', { user: 'eve', groups: ['system:authenticated'] }, res('get', 'secrets', 'ns1'), false],
] as Array<[string, { user: string; groups: string[] }, Attributes, boolean]>)('%s', (_what, subject, attrs, allowed) => {
  expect(authorize(objs, subject, attrs).allowed).toBe(allowed);
});
