// `helm upgrade metallb charts/metallb-ts` over an upstream MetalLB release: what Helm would refuse,
// what it would delete, and whether anything holding user data (CRDs and with them every pool, peer
// and advertisement; Secrets; ConfigMaps) is lost. Upstream's release is recorded facts
// (upstream-release.ts); ours is rendered by the real helm binary; Helm's rules are in helm-rules.ts.
import { describe, expect, it, beforeAll, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderObjects, repoRoot, type K8sObject } from './helm.js';
import { helmUninstallDeletes, helmUpgrade, holdsUserData, idOf, keyOf, labelOf, KEEP_ANNOTATION, type ObjectId } from './helm-rules.js';
import {
  UPSTREAM_CRD_VERSIONS, UPSTREAM_KEEP_ANNOTATED, UPSTREAM_RELEASE, UPSTREAM_RELEASE_OBJECTS, UPSTREAM_RUNTIME_OBJECTS, UPSTREAM_SELECTORS,
  type RecordedObject,
} from './upstream-release.js';

jest.setTimeout(60_000);

const NS = UPSTREAM_RELEASE.namespace;
const recordedId = (r: RecordedObject): ObjectId => ({ group: r.group, kind: r.kind, namespace: r.namespaced ? NS : '', name: r.name });
const upstreamCurrent = UPSTREAM_RELEASE_OBJECTS.map(recordedId);
const upstreamRuntime = UPSTREAM_RUNTIME_OBJECTS.map(recordedId);

/** The cluster after an upstream install: the release's objects plus what upstream's controller made. */
function upstreamCluster() {
  const released = new Set(upstreamCurrent.map(keyOf));
  const existing = new Set([...released, ...upstreamRuntime.map(keyOf)]);
  const keep = new Set(UPSTREAM_KEEP_ANNOTATED);
  return {
    live: (id: ObjectId): Record<string, string> | undefined => {
      if (!existing.has(keyOf(id))) return undefined;
      return keep.has(labelOf(id)) ? { [KEEP_ANNOTATION]: 'keep' } : {};
    },
    ownedByRelease: (id: ObjectId) => released.has(keyOf(id)),
  };
}

function upgradeFromUpstream(ours: K8sObject[]) {
  return helmUpgrade({ current: upstreamCurrent, target: ours.map((o) => idOf(o, NS)), ...upstreamCluster() });
}

const upstreamValues = parse(readFileSync(join(repoRoot, 'test/chart/fixtures/upstream-values.yaml'), 'utf8')) as object;

let defaults: K8sObject[];

beforeAll(async () => {
  defaults = await renderObjects();
}, 60_000);

describe('the Helm rules used here', () => {
  const id = (kind: string, name: string): ObjectId => ({ group: '', kind, namespace: NS, name });

  it('delete what the new chart drops unless the live object says keep, whatever the new chart says', () => {
    const a = id('ConfigMap', 'a');
    const b = id('ConfigMap', 'b');
    const c = id('ConfigMap', 'c');
    const out = helmUpgrade({
      current: [a, b, c], target: [a],
      live: (x): Record<string, string> => (x.name === 'b' ? { [KEEP_ANNOTATION]: 'keep' } : {}),
      ownedByRelease: () => true,
    });
    expect(out.deleted.map(labelOf)).toEqual(['ConfigMap/c']);
  });

  it('match objects by group, kind, namespace and name, not by API version', () => {
    const v1 = idOf({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { name: 'p' } }, NS);
    const v2 = idOf({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'p' } }, NS);
    expect(keyOf(v1)).toBe(keyOf(v2));
    expect(idOf({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x' } }, NS).namespace).toBe('');
  });

  it('refuse to adopt an existing object the release does not own, before deleting anything', () => {
    const out = helmUpgrade({
      current: [id('ConfigMap', 'old')], target: [id('Secret', 'made-at-run-time')],
      live: () => ({}), ownedByRelease: (x) => x.name === 'old',
    });
    expect(out.conflicts.map(labelOf)).toEqual(['Secret/made-at-run-time']);
    expect(out.deleted).toEqual([]);
  });
});

describe('helm upgrade from an upstream MetalLB release (FRR mode) to this chart', () => {
  it('renders every upstream CRD, under upstream names, in the release (not in crds/, which upgrades ignore)', () => {
    const ours = new Set(defaults.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name));
    expect(Object.keys(UPSTREAM_CRD_VERSIONS).filter((n) => !ours.has(n))).toEqual([]);
  });

  it('deletes no CRD and nothing else that holds user data, and adopts nothing it does not own', () => {
    const out = upgradeFromUpstream(defaults);
    expect(out.conflicts.map(labelOf)).toEqual([]);
    expect(out.deleted.filter(holdsUserData).map(labelOf)).toEqual([]);
    // What is deleted: upstream's Role and RoleBinding for the speaker's namespaced reads, replaced by ours.
    expect(out.deleted.map(labelOf).sort()).toEqual(['Role/metallb-pod-lister', 'RoleBinding/metallb-pod-lister']);
  });

  it('does the same with upstream\'s complete values file', async () => {
    const out = upgradeFromUpstream(await renderObjects(upstreamValues));
    expect(out.conflicts.map(labelOf)).toEqual([]);
    expect(out.deleted.filter(holdsUserData).map(labelOf)).toEqual([]);
  });

  it('keeps the immutable selectors of the Deployment and the DaemonSet', () => {
    for (const [ref, selector] of Object.entries(UPSTREAM_SELECTORS)) {
      const [kind, name] = ref.split('/');
      const o = defaults.find((x) => x.kind === kind && x.metadata.name === name);
      expect({ ref, selector: (o?.spec as { selector?: { matchLabels?: unknown } } | undefined)?.selector?.matchLabels }).toEqual({ ref, selector });
    }
  });

  it('serves every version upstream\'s CRDs serve, so stored objects stay readable', () => {
    for (const [name, versions] of Object.entries(UPSTREAM_CRD_VERSIONS)) {
      const crd = defaults.find((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name === name);
      const served = ((crd?.spec as { versions?: Array<{ name: string; served: boolean; storage: boolean }> } | undefined)?.versions ?? [])
        .filter((v) => v.served).map((v) => v.name);
      expect({ name, missing: versions.filter((v) => !served.includes(v)) }).toEqual({ name, missing: [] });
    }
  });
});

describe('after the move, this release protects the CRDs itself', () => {
  it('annotates every CRD helm.sh/resource-policy=keep', () => {
    const crds = defaults.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.length).toBe(Object.keys(UPSTREAM_CRD_VERSIONS).length);
    for (const c of crds) expect({ crd: c.metadata.name, keep: c.metadata.annotations?.[KEEP_ANNOTATION] }).toEqual({ crd: c.metadata.name, keep: 'keep' });
  });

  it('keeps the CRDs when a later upgrade sets crds.enabled=false', async () => {
    expect(defaults.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(Object.keys(UPSTREAM_CRD_VERSIONS).length);
    const withoutCrds = await renderObjects({ crds: { enabled: false } });
    expect(withoutCrds.some((o) => o.kind === 'CustomResourceDefinition')).toBe(false);
    // The live objects are what this chart applied, annotations included.
    const live = new Map(defaults.map((o) => [keyOf(idOf(o, NS)), o.metadata.annotations ?? {}]));
    const out = helmUpgrade({
      current: defaults.map((o) => idOf(o, NS)), target: withoutCrds.map((o) => idOf(o, NS)),
      live: (id) => live.get(keyOf(id)), ownedByRelease: (id) => live.has(keyOf(id)),
    });
    expect(out.deleted.filter(holdsUserData).map(labelOf)).toEqual([]);
  });

  it('keeps the CRDs on helm uninstall', () => {
    expect(defaults.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(Object.keys(UPSTREAM_CRD_VERSIONS).length);
    const deleted = helmUninstallDeletes(defaults, NS);
    expect(deleted.filter((id) => id.kind === 'CustomResourceDefinition')).toEqual([]);
    expect(deleted.length).toBeGreaterThan(0);
  });
});
