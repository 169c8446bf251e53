// ServiceBGPStatus and ServiceL2Status (spec 1.7, 7.1): one object per (Service, node) in the MetalLB
// namespace, generateName bgp- / l2-, labels metallb.io/node, service-name, service-namespace,
// owner-referenced to the speaker Pod when known (so they vanish with it). A speaker keeps exactly
// the objects for what it announces now: creates the missing ones, patches changed status, deletes
// the rest. The layer 2 winner of a Service also deletes other nodes' L2 objects for it (a node that
// lost the election may be dead and unable to clean up).
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { OwnerReference } from '../api/meta.js';
import { MERGE_PATCH, WriteCounter, describeError, statusCode, withRetry, type RetryOptions } from './kube-retry.js';
import type { Logger } from '../util/log.js';

export type AnnounceKind = 'bgp' | 'l2';

export interface DesiredAnnounceStatus {
  kind: AnnounceKind;
  /** "ns/name" */
  service: string;
  /** bgp: BGPPeer names, sorted */
  peers?: string[];
  /** l2: only when the advertisement restricts interfaces */
  interfaces?: string[];
}

export const LABEL = { node: 'metallb.io/node', serviceName: 'metallb.io/service-name', serviceNamespace: 'metallb.io/service-namespace' };
const PLURAL: Record<AnnounceKind, string> = { bgp: 'servicebgpstatuses', l2: 'servicel2statuses' };
const KIND: Record<AnnounceKind, string> = { bgp: 'ServiceBGPStatus', l2: 'ServiceL2Status' };

interface Existing {
  name: string;
  fingerprint: string;
}

interface ListedObject {
  metadata: { name: string; labels?: Record<string, string> };
  status?: { peers?: string[]; interfaces?: { name: string }[] };
}

export interface AnnounceStatusOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  node: string;
  owner?: OwnerReference;
  logger: Logger;
  writes?: WriteCounter;
  retry?: RetryOptions;
}

export class AnnounceStatusWriter {
  private readonly custom: CustomObjectsApi;
  private readonly existing = new Map<string, Existing>(); // "kind|ns/name"
  private loaded = false;
  readonly writes: WriteCounter;

  constructor(private readonly o: AnnounceStatusOptions) {
    this.custom = o.kubeConfig.makeApiClient(CustomObjectsApi);
    this.writes = o.writes ?? new WriteCounter();
  }

  private g(kind: AnnounceKind) {
    return { group: 'metallb.io', version: 'v1beta1', namespace: this.o.namespace, plural: PLURAL[kind] };
  }

  /** This node's objects as the API has them (left by a previous run of this speaker). */
  private async load(): Promise<void> {
    for (const kind of ['bgp', 'l2'] as const) {
      const list = await withRetry(() => this.custom.listNamespacedCustomObject({ ...this.g(kind), labelSelector: `${LABEL.node}=${this.o.node}` }), this.o.retry) as { items: ListedObject[] };
      for (const item of list.items) {
        const l = item.metadata.labels ?? {};
        const service = `${l[LABEL.serviceNamespace]}/${l[LABEL.serviceName]}`;
        const key = `${kind}|${service}`;
        if (this.existing.has(key)) {
          await this.remove(kind, item.metadata.name); // a duplicate: keep one object per (Service, node)
          continue;
        }
        this.existing.set(key, { name: item.metadata.name, fingerprint: fingerprintOf(kind, { peers: item.status?.peers, interfaces: item.status?.interfaces?.map((i) => i.name) }) });
      }
    }
    this.loaded = true;
  }

  /**
   * Make this node's objects match `desired`; `wonL2` = Services whose layer 2 election this node just
   * won. Returns the number of objects it could not bring in line (the caller retries later).
   */
  async sync(desired: DesiredAnnounceStatus[], wonL2: string[] = []): Promise<number> {
    let failures = 0;
    if (!this.loaded) await this.load();
    const want = new Map(desired.map((d) => [`${d.kind}|${d.service}`, d]));
    for (const [key, d] of want) {
      const fp = fingerprintOf(d.kind, d);
      const have = this.existing.get(key);
      if (have && have.fingerprint === fp) continue;
      try {
        const name = have?.name ?? await this.create(d);
        this.existing.set(key, { name, fingerprint: '' });
        await this.patchStatus(d, name);
        this.existing.set(key, { name, fingerprint: fp });
      } catch (err) {
        if (statusCode(err) === 404) this.existing.delete(key); // deleted under us: recreate next time
        failures++;
        this.o.logger.warn({ op: 'announceStatus', kind: KIND[d.kind], service: d.service, error: describeError(err) }, 'could not write announcement status');
      }
    }
    for (const [key, have] of [...this.existing]) {
      if (want.has(key)) continue;
      const kind = key.split('|')[0] as AnnounceKind;
      try {
        await this.remove(kind, have.name);
        this.existing.delete(key);
      } catch (err) {
        failures++;
        this.o.logger.warn({ op: 'announceStatus', kind: KIND[kind], name: have.name, error: describeError(err) }, 'could not delete announcement status');
      }
    }
    for (const service of wonL2) await this.deleteOthers(service);
    return failures;
  }

  private async create(d: DesiredAnnounceStatus): Promise<string> {
    const [ns, name] = d.service.split('/');
    const body = {
      apiVersion: 'metallb.io/v1beta1', kind: KIND[d.kind],
      metadata: {
        generateName: `${d.kind}-`, namespace: this.o.namespace,
        labels: { [LABEL.node]: this.o.node, [LABEL.serviceName]: name, [LABEL.serviceNamespace]: ns },
        ...(this.o.owner ? { ownerReferences: [this.o.owner] } : {}),
      },
    };
    this.writes.count(KIND[d.kind]);
    // No retry on create: a retried generateName create could leave two objects.
    const out = await this.custom.createNamespacedCustomObject({ ...this.g(d.kind), body }) as { metadata: { name: string } };
    return out.metadata.name;
  }

  private async patchStatus(d: DesiredAnnounceStatus, objName: string): Promise<void> {
    const [ns, name] = d.service.split('/');
    const status: Record<string, unknown> = { node: this.o.node, serviceName: name, serviceNamespace: ns };
    if (d.kind === 'bgp') status.peers = [...(d.peers ?? [])].sort();
    else status.interfaces = d.interfaces ? d.interfaces.map((i) => ({ name: i })) : null;
    await withRetry(() => {
      this.writes.count(KIND[d.kind]);
      return this.custom.patchNamespacedCustomObjectStatus({ ...this.g(d.kind), name: objName, body: { status } }, MERGE_PATCH);
    }, this.o.retry);
  }

  private async remove(kind: AnnounceKind, name: string): Promise<void> {
    try {
      await withRetry(() => {
        this.writes.count(KIND[kind]);
        return this.custom.deleteNamespacedCustomObject({ ...this.g(kind), name });
      }, this.o.retry);
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
  }

  private async deleteOthers(service: string): Promise<void> {
    const [ns, name] = service.split('/');
    try {
      const list = await withRetry(() => this.custom.listNamespacedCustomObject({
        ...this.g('l2'), labelSelector: `${LABEL.serviceName}=${name},${LABEL.serviceNamespace}=${ns}`,
      }), this.o.retry) as { items: ListedObject[] };
      for (const item of list.items) {
        if ((item.metadata.labels ?? {})[LABEL.node] !== this.o.node) await this.remove('l2', item.metadata.name);
      }
    } catch (err) {
      this.o.logger.warn({ op: 'announceStatus', service, error: describeError(err) }, 'could not delete other nodes\' layer 2 status');
    }
  }
}

function fingerprintOf(kind: AnnounceKind, d: { peers?: string[]; interfaces?: string[] }): string {
  return kind === 'bgp' ? JSON.stringify([...(d.peers ?? [])].sort()) : JSON.stringify(d.interfaces ?? null);
}
