// Small builders so rule tables read like the YAML a user would write.
import { emptySnapshot, type Snapshot } from '../../src/api/snapshot.js';
import type { KubeObject } from '../../src/api/meta.js';
import { buildConfig } from '../../src/config/build.js';
import { formatConfigError, type BuildOptions, type BuildResult } from '../../src/config/types.js';

const NS = 'metallb-system';
type Spec = Record<string, unknown>;

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: NS, ...extra });

export const pool = (name: string, addresses: unknown, spec: Spec = {}, labels?: Record<string, string>) => ({
  apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: meta(name, labels ? { labels } : {}), spec: { addresses, ...spec },
});
export const peer = (name: string, spec: Spec) => ({
  apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: meta(name), spec: { myASN: 64500, peerASN: 64501, ...spec },
});
export const bgpAd = (name: string, spec: Spec = {}) => ({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: meta(name), spec });
export const l2Ad = (name: string, spec: Spec = {}) => ({ apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: meta(name), spec });
export const bfd = (name: string, spec: Spec = {}) => ({ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: meta(name), spec });
export const community = (name: string, aliases: { name: string; value: string }[]) => ({
  apiVersion: 'metallb.io/v1beta1', kind: 'Community', metadata: meta(name), spec: { communities: aliases },
});
export const node = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
});
export const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
export const secret = (name: string, type: string, data: Record<string, string>, ns = NS) => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type,
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});
export const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name), data });

/** The same object in another namespace. */
export const inNs = <T extends { metadata: object }>(ns: string, o: T): T => ({ ...o, metadata: { ...o.metadata, namespace: ns } });

const LIST: Record<string, keyof Snapshot> = {
  IPAddressPool: 'pools', BGPPeer: 'bgpPeers', BGPAdvertisement: 'bgpAdvertisements', L2Advertisement: 'l2Advertisements',
  BFDProfile: 'bfdProfiles', Community: 'communities', Node: 'nodes', Namespace: 'namespaces', Secret: 'secrets',
  ConfigMap: 'configMaps', Service: 'services',
};

export function snapshotOf(...objects: { kind: string }[]): Snapshot {
  const s = emptySnapshot();
  for (const o of objects) (s[LIST[o.kind]] as KubeObject[]).push(o as unknown as KubeObject);
  return s;
}

export function build(objects: { kind: string }[], opts?: BuildOptions): BuildResult {
  return buildConfig(snapshotOf(...objects), opts);
}

/** The formatted error lines, or [] when the configuration is valid. */
export function problems(objects: { kind: string }[], opts?: BuildOptions): string[] {
  const r = build(objects, opts);
  return r.ok ? [] : r.errors.map(formatConfigError);
}
