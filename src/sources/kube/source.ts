// The kube source: informers for everything the core needs, turned into a Snapshot (the same shape
// the files source produces). MetalLB CRs, Secrets and ConfigMaps are watched in the MetalLB
// namespace only; Services, EndpointSlices, Nodes and Namespaces cluster-wide. After the first full
// sync, every change emits a debounced 'change' event carrying a fresh Snapshot.
import { EventEmitter } from 'node:events';
import type { KubeConfig } from '@kubernetes/client-node';
import { emptySnapshot, type Snapshot } from '../../api/snapshot.js';
import { createLogger, type Logger } from '../../util/log.js';
import { ResilientInformer, type Backoff } from './informer.js';
import { watchedKinds, type KubeItem, type WatchedKind } from './kinds.js';

export interface KubeSourceOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** quiet time before 'change' fires; bursts of events coalesce into one snapshot (default 100 ms) */
  debounceMs?: number;
  /** restart backoff of a failed informer (default 500 ms doubling to 30 s) */
  backoff?: Backoff;
  logger?: Logger;
}

export interface KubeSourceEvents {
  change: [Snapshot];
}

export class KubeSource extends EventEmitter<KubeSourceEvents> {
  readonly informers: ResilientInformer[];
  /** resolves once every informer has listed at least once */
  readonly synced: Promise<void>;
  private readonly debounceMs: number;
  private timer?: NodeJS.Timeout;
  private isSynced = false;
  private readonly log: Logger;
  private readonly sorted = new Map<ResilientInformer, { version: number; items: KubeItem[] }>();

  constructor(private readonly opts: KubeSourceOptions) {
    super();
    this.debounceMs = opts.debounceMs ?? 100;
    this.log = opts.logger ?? createLogger('none');
    this.informers = watchedKinds(opts.kubeConfig).map((k) =>
      new ResilientInformer(opts.kubeConfig, k, opts.namespace, () => this.changed(), this.log, opts.backoff));
    this.synced = Promise.all(this.informers.map((i) => i.synced)).then(() => {
      this.isSynced = true;
      this.changed();
    });
  }

  /** True once every informer has listed at least once (what `synced` resolves on). */
  get isReady(): boolean {
    return this.isSynced;
  }

  start(): this {
    for (const i of this.informers) i.start();
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  /**
   * The current cached view. Objects are shared with the informer caches (no copy per snapshot, which
   * matters at 10k Services): treat them as read-only.
   */
  snapshot(keys?: Array<keyof Snapshot>): Snapshot {
    const snap = emptySnapshot();
    for (const inf of this.informers) {
      if (keys && !keys.includes(inf.kind.key)) continue;
      // Sorting 10k Services on every snapshot is the main cost; redo it only after a change.
      let cached = this.sorted.get(inf);
      if (!cached || cached.version !== inf.version) {
        cached = { version: inf.version, items: sortedItems(inf.items()) };
        this.sorted.set(inf, cached);
      }
      (snap[inf.kind.key] as unknown as KubeItem[]) = [...cached.items];
    }
    return snap;
  }

  private changed(): void {
    if (!this.isSynced) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emit('change', this.snapshot());
    }, this.debounceMs);
  }
}

/** Sorted by namespace/name, so equal states give equal snapshots whatever the event order. */
function sortedItems(items: KubeItem[]): KubeItem[] {
  const key = (o: KubeItem) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  return items.map((o) => [key(o), o] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, o]) => o);
}

function setItems(snap: Snapshot, kind: WatchedKind, items: KubeItem[]): void {
  (snap[kind.key] as unknown as KubeItem[]) = sortedItems(items);
}

/**
 * A Snapshot read straight from the API (no cache), like upstream's webhooks read through the API
 * reader: admission sees objects created a moment ago. `keys` limits which parts are listed.
 */
export async function listSnapshot(kc: KubeConfig, namespace: string, keys?: Array<keyof Snapshot>, signal?: AbortSignal): Promise<Snapshot> {
  const snap = emptySnapshot();
  const kinds = watchedKinds(kc).filter((k) => !keys || keys.includes(k.key));
  await Promise.all(kinds.map(async (k) => setItems(snap, k, (await k.list(namespace, signal)).items)));
  return snap;
}

/**
 * For admission: the MetalLB-namespace kinds read fresh from the API (so objects applied together,
 * e.g. two overlapping pools in one file, see each other), the large cluster-wide kinds (Nodes,
 * Namespaces, ...) from the source's caches. It never waits for the caches: before they have synced
 * it throws at once (the webhook then says so instead of hanging), and `signal` aborts the reads.
 */
export function admissionLister(source: KubeSource, kc: KubeConfig, namespace: string): (keys: Array<keyof Snapshot>, signal?: AbortSignal) => Promise<Snapshot> {
  const namespaced = new Set(watchedKinds(kc).filter((k) => k.inNamespace).map((k) => k.key));
  return async (keys, signal) => {
    if (!source.isReady) throw new Error('the caches have not synced with the API server yet');
    const cached = source.snapshot(keys);
    const fresh = await listSnapshot(kc, namespace, keys.filter((k) => namespaced.has(k)), signal);
    const out = emptySnapshot();
    for (const k of keys) (out[k] as unknown[]) = (namespaced.has(k) ? fresh[k] : cached[k]) as unknown[];
    return out;
  };
}
