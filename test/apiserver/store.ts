// Object storage of the stand-in: objects per resource type and namespace, one global
// resourceVersion counter, and the event history that watches replay.
import { randomUUID } from 'node:crypto';
import type { ResourceType } from './resources.js';
import { resourceKey } from './resources.js';

// The stand-in handles arbitrary JSON objects; only metadata is typed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = { apiVersion?: string; kind?: string; metadata: Record<string, any>; [k: string]: any };

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface HistoryEvent {
  rv: number;
  type: EventType;
  resource: string; // resourceKey
  object: Obj;
}

export class ApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
  }
}

export type Listener = (e: HistoryEvent) => void;

export class Store {
  private rv = 1;
  /** events with rv <= compactedRV are gone: watching from an older version gets 410 Gone */
  private compactedRV = 0;
  private readonly objects = new Map<string, Map<string, Obj>>(); // resourceKey -> "ns/name" -> obj
  readonly history: HistoryEvent[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(private readonly maxHistory = 10_000) {}

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestWatchableRV(): number {
    return this.compactedRV;
  }

  /** Forget the history so that every client holding an older version must relist. */
  expireHistory(): void {
    this.rv++;
    this.compactedRV = this.rv;
    this.history.length = 0;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private bucket(r: ResourceType): Map<string, Obj> {
    const key = resourceKey(r);
    let b = this.objects.get(key);
    if (!b) this.objects.set(key, (b = new Map()));
    return b;
  }

  private static id(ns: string | undefined, name: string): string {
    return `${ns ?? ''}/${name}`;
  }

  list(r: ResourceType, namespace?: string): Obj[] {
    const all = [...this.bucket(r).values()];
    return (namespace ? all.filter((o) => o.metadata.namespace === namespace) : all).map((o) => structuredClone(o));
  }

  get(r: ResourceType, namespace: string | undefined, name: string): Obj {
    const o = this.bucket(r).get(Store.id(namespace, name));
    if (!o) throw new ApiError(404, 'NotFound', `${r.plural}${r.group ? `.${r.group}` : ''} "${name}" not found`);
    return structuredClone(o);
  }

  private record(r: ResourceType, type: EventType, object: Obj): void {
    const e: HistoryEvent = { rv: Number(object.metadata.resourceVersion), type, resource: resourceKey(r), object: structuredClone(object) };
    this.history.push(e);
    if (this.history.length > this.maxHistory) {
      const dropped = this.history.splice(0, this.history.length - this.maxHistory);
      this.compactedRV = dropped[dropped.length - 1].rv;
    }
    for (const l of this.listeners) l(e);
  }

  create(r: ResourceType, obj: Obj): Obj {
    const meta = obj.metadata ?? (obj.metadata = {});
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${Math.random().toString(36).slice(2, 7)}`;
    if (!meta.name) throw new ApiError(422, 'Invalid', 'metadata.name: Required value: name or generateName is required');
    if (r.namespaced && !meta.namespace) throw new ApiError(422, 'Invalid', 'metadata.namespace: Required value');
    if (!r.namespaced) delete meta.namespace;
    const b = this.bucket(r);
    const id = Store.id(meta.namespace, meta.name);
    if (b.has(id)) throw new ApiError(409, 'AlreadyExists', `${r.plural}${r.group ? `.${r.group}` : ''} "${meta.name}" already exists`);
    meta.uid = randomUUID();
    meta.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    meta.generation = 1;
    meta.resourceVersion = String(++this.rv);
    b.set(id, structuredClone(obj));
    this.record(r, 'ADDED', obj);
    return structuredClone(obj);
  }

  /**
   * Replace an object. `expectedRV` (from the request body) gives optimistic concurrency: a stale
   * version is a 409 Conflict, as on the real server.
   */
  update(r: ResourceType, next: Obj, expectedRV: string | undefined): Obj {
    const b = this.bucket(r);
    const id = Store.id(next.metadata.namespace, next.metadata.name);
    const cur = b.get(id);
    if (!cur) throw new ApiError(404, 'NotFound', `${r.plural}${r.group ? `.${r.group}` : ''} "${next.metadata.name}" not found`);
    if (expectedRV && expectedRV !== cur.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict',
        `Operation cannot be fulfilled on ${r.plural}${r.group ? `.${r.group}` : ''} "${next.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    // Server-owned metadata survives a client's replace.
    next.metadata.uid = cur.metadata.uid;
    next.metadata.creationTimestamp = cur.metadata.creationTimestamp;
    next.metadata.generation = cur.metadata.generation;
    if (JSON.stringify(next.spec) !== JSON.stringify(cur.spec)) next.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    // A no-op update keeps the version and sends no event, like the real server.
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    if (JSON.stringify(next) === JSON.stringify(cur)) return structuredClone(cur);
    next.metadata.resourceVersion = String(++this.rv);
    b.set(id, structuredClone(next));
    this.record(r, 'MODIFIED', next);
    return structuredClone(next);
  }

  delete(r: ResourceType, namespace: string | undefined, name: string): Obj {
    const b = this.bucket(r);
    const id = Store.id(namespace, name);
    const cur = b.get(id);
    if (!cur) throw new ApiError(404, 'NotFound', `${r.plural}${r.group ? `.${r.group}` : ''} "${name}" not found`);
    b.delete(id);
    cur.metadata.resourceVersion = String(++this.rv);
    this.record(r, 'DELETED', cur);
    return structuredClone(cur);
  }

  /** Events of one resource type after `rv`, in order (for watch replay). */
  since(r: ResourceType, rv: number): HistoryEvent[] {
    const key = resourceKey(r);
    return this.history.filter((e) => e.rv > rv && e.resource === key);
  }
}
