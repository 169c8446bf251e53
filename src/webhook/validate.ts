// The validating admission rules (upstream spec 2.7), pure: given the request and the objects that
// exist now, allow or deny. The object under review replaces its same-named item in the current set;
// references that may resolve later (Secrets, BFD profiles, community aliases) are ignored, as
// upstream does, so that objects can be created in any order.
import { bgpPeerV1beta1ToV1beta2, type BGPPeerV1beta1 } from '../api/convert.js';
import type { KubeObject } from '../api/meta.js';
import type { BFDProfile, BGPPeer } from '../api/metallb.js';
import { emptySnapshot, type Snapshot } from '../api/snapshot.js';
import { formatConfigError, type BuildOptions, type BuildResult } from '../config/types.js';
import type { AdmissionRequest, AdmissionResponse } from './types.js';

export type BuildFn = (snapshot: Snapshot, opts?: BuildOptions) => BuildResult;

/** What each webhook path validates: its kind, the snapshot key, and which other kinds it reads. */
export interface WebhookKind {
  kind: string;
  path: string;
  key: keyof Snapshot;
  /** the other parts of the current state this kind is validated together with */
  context: Array<keyof Snapshot>;
}

export const WEBHOOKS: WebhookKind[] = [
  { kind: 'IPAddressPool', path: '/validate-metallb-io-v1beta1-ipaddresspool', key: 'pools', context: ['namespaces'] },
  { kind: 'BGPPeer', path: '/validate-metallb-io-v1beta2-bgppeer', key: 'bgpPeers', context: ['nodes'] },
  { kind: 'BGPAdvertisement', path: '/validate-metallb-io-v1beta1-bgpadvertisement', key: 'bgpAdvertisements', context: ['pools', 'nodes', 'namespaces'] },
  { kind: 'L2Advertisement', path: '/validate-metallb-io-v1beta1-l2advertisement', key: 'l2Advertisements', context: ['pools', 'namespaces'] },
  { kind: 'Community', path: '/validate-metallb-io-v1beta1-community', key: 'communities', context: [] },
  { kind: 'BFDProfile', path: '/validate-metallb-io-v1beta1-bfdprofile', key: 'bfdProfiles', context: [] },
];

/** The parts of the current state a review of this kind reads. */
export function needs(hook: WebhookKind): Array<keyof Snapshot> {
  // BFDProfile deletion looks for peers that use the profile.
  return [...new Set<keyof Snapshot>([hook.key, ...hook.context, ...(hook.kind === 'BFDProfile' ? ['bgpPeers' as const] : [])])];
}

export const DISABLE_MP_WARNING = "disable mp is deprecated and has no effect since it's the default behavior now";

const allow = (uid: string, warnings: string[] = []): AdmissionResponse =>
  ({ uid, allowed: true, ...(warnings.length > 0 ? { warnings } : {}) });

const REASONS: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' };

export const deny = (uid: string, message: string, code = 403): AdmissionResponse =>
  ({ uid, allowed: false, status: { code, reason: REASONS[code] ?? 'BadRequest', message } });

/** The operations of admission.k8s.io/v1; anything else (or nothing) is not a review we can judge. */
export const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** The objects of one kind with `obj` in place of its same-named item (or appended). */
function withCandidate<T extends KubeObject>(items: T[], obj: T): T[] {
  const i = items.findIndex((x) => x.metadata.name === obj.metadata.name && (x.metadata.namespace ?? '') === (obj.metadata.namespace ?? ''));
  if (i < 0) return [...items, obj];
  const out = [...items];
  out[i] = obj;
  return out;
}

function errorLines(result: BuildResult): string[] {
  return result.ok ? [] : result.errors.filter((e) => !e.transient).map(formatConfigError);
}

export interface ReviewOptions {
  /** the MetalLB namespace */
  namespace: string;
  build: BuildFn;
}

export function review(hook: WebhookKind, req: AdmissionRequest, current: Snapshot, opts: ReviewOptions): AdmissionResponse {
  const { uid } = req;
  if (!OPERATIONS.includes(req.operation as string)) {
    const name = req.name ?? req.object?.metadata?.name;
    return deny(uid, `cannot validate ${name ? `${hook.kind} ${name}` : hook.kind}: unknown operation ${JSON.stringify(req.operation ?? '')} (expected ${OPERATIONS.join(', ')})`, 400);
  }
  if (req.operation === 'DELETE') {
    if (hook.kind !== 'BFDProfile') return allow(uid);
    const name = (req.oldObject as BFDProfile | undefined)?.metadata.name ?? req.name ?? '';
    const user = current.bgpPeers.find((p) => p.spec?.bfdProfile === name);
    return user ? deny(uid, `failed to delete BFDProfile ${name}, used by BGPPeer ${user.metadata.name}`) : allow(uid);
  }
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return allow(uid);
  if (!req.object) return deny(uid, 'the admission request carries no object', 400);

  let obj = structuredClone(req.object);
  obj.metadata.namespace ??= req.namespace;
  if (req.operation === 'CREATE' && obj.metadata.namespace !== opts.namespace) {
    return deny(uid, `resource must be created in ${opts.namespace} namespace`);
  }
  const warnings: string[] = [];
  if (hook.kind === 'BGPPeer') {
    if (obj.apiVersion === 'metallb.io/v1beta1') obj = bgpPeerV1beta1ToV1beta2(obj as unknown as BGPPeerV1beta1);
    // Upstream allows a disableMP create without any other check (a quirk); we warn and still validate.
    if ((obj as BGPPeer).spec?.disableMP) warnings.push(DISABLE_MP_WARNING);
  }

  // Only this kind and what it depends on, as upstream's webhooks do: an unrelated broken object
  // does not block this one.
  const base = emptySnapshot();
  for (const k of [hook.key, ...hook.context]) (base[k] as KubeObject[]) = current[k] as KubeObject[];
  const candidate = { ...base, [hook.key]: withCandidate(base[hook.key] as KubeObject[], obj) } as Snapshot;
  const buildOpts: BuildOptions = { ignoreTransient: true, namespace: opts.namespace };
  const after = opts.build(candidate, buildOpts);
  // Problems that already exist without this change do not block it (upstream denies them too,
  // which can leave a broken object impossible to fix; here any change that adds no problem passes).
  const before = new Set(errorLines(opts.build(base, buildOpts)));
  const added = errorLines(after).filter((line) => !before.has(line));
  if (added.length > 0) return deny(uid, added.join('\n'));
  if (after.ok) {
    const prefix = `${hook.kind}/${obj.metadata.name}:`;
    warnings.push(...after.warnings.filter((w) => w.startsWith(prefix)));
  }
  return allow(uid, warnings);
}
