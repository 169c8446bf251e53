// RBAC authorization as the API server's RBAC authorizer decides it, over the Roles, ClusterRoles and
// their bindings stored in the stand-in: rules with apiGroups/resources/verbs/resourceNames for
// resource requests, nonResourceURLs (exact, "*", or a "/prefix/*" wildcard) for the others; a
// RoleBinding grants only in its namespace and never non-resource URLs; members of system:masters
// may do anything. Aggregated ClusterRoles are not expanded.
import type { Obj } from './store.js';

export interface Subject {
  user: string;
  groups: string[];
}

export type Attributes =
  | { kind: 'nonResource'; path: string; verb: string }
  | { kind: 'resource'; verb: string; group: string; resource: string; subresource?: string; namespace?: string; name?: string };

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RbacObjects {
  roles: Obj[];
  clusterRoles: Obj[];
  roleBindings: Obj[];
  clusterRoleBindings: Obj[];
}

const has = (list: string[] | undefined, v: string) => (list ?? []).includes('*') || (list ?? []).includes(v);

function boundTo(binding: Obj, s: Subject): boolean {
  const subjects = (binding.subjects ?? []) as Array<{ kind: string; name: string; namespace?: string }>;
  return subjects.some((sub) => {
    if (sub.kind === 'User') return sub.name === s.user;
    if (sub.kind === 'Group') return s.groups.includes(sub.name);
    if (sub.kind === 'ServiceAccount') return s.user === `system:serviceaccount:${sub.namespace ?? binding.metadata.namespace}:${sub.name}`;
    return false;
  });
}

function urlMatches(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === path) return true;
  return pattern.endsWith('*') && path.startsWith(pattern.slice(0, -1));
}

function ruleAllows(r: Rule, a: Attributes): boolean {
  if (!has(r.verbs, a.verb)) return false;
  if (a.kind === 'nonResource') return (r.nonResourceURLs ?? []).some((u) => urlMatches(u, a.path));
  if ((r.nonResourceURLs ?? []).length > 0 && (r.resources ?? []).length === 0) return false;
  if (!has(r.apiGroups, a.group)) return false;
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (!has(r.resources, full) && !(a.subresource && (r.resources ?? []).includes(`*/${a.subresource}`))) return false;
  return (r.resourceNames ?? []).length === 0 || (a.name !== undefined && (r.resourceNames ?? []).includes(a.name));
}

/** Whether the subject may do `a`, and which binding allowed it (for reasons and test messages). */
export function authorize(objs: RbacObjects, s: Subject, a: Attributes): { allowed: boolean; reason: string } {
  if (s.groups.includes('system:masters')) return { allowed: true, reason: 'member of system:masters' };
  const rulesOf = (ref: { kind: string; name: string }, ns?: string): Rule[] => {
    const role = ref.kind === 'ClusterRole'
      ? objs.clusterRoles.find((r) => r.metadata.name === ref.name)
      : objs.roles.find((r) => r.metadata.name === ref.name && r.metadata.namespace === ns);
    return (role?.rules ?? []) as Rule[];
  };
  for (const b of objs.clusterRoleBindings) {
    if (boundTo(b, s) && rulesOf(b.roleRef).some((r) => ruleAllows(r, a))) {
      return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${b.roleRef.name}"` };
    }
  }
  if (a.kind === 'resource' && a.namespace) {
    for (const b of objs.roleBindings.filter((x) => x.metadata.namespace === a.namespace)) {
      if (boundTo(b, s) && rulesOf(b.roleRef, a.namespace).some((r) => ruleAllows(r, a))) {
        return { allowed: true, reason: `RBAC: allowed by RoleBinding "${b.metadata.name}/${a.namespace}" of ${b.roleRef.kind} "${b.roleRef.name}"` };
      }
    }
  }
  return { allowed: false, reason: '' };
}
