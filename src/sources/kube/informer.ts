// One resilient informer: client-node's ListWatch (LIST, then WATCH from the list's version; a
// cleanly closed watch resumes; 410 Gone relists) plus what it lacks: any other error stops a
// ListWatch for good, so we restart it with exponential backoff; and a `synced` promise that
// resolves after the first successful LIST has filled the cache.
import { ListWatch, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../../util/log.js';
import type { KubeItem, KubeList, WatchedKind } from './kinds.js';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export class ResilientInformer {
  readonly synced: Promise<void>;
  private markSynced!: () => void;
  private readonly lw: ListWatch<KubernetesObject>;
  private stopped = false;
  private delayMs: number;
  private timer?: NodeJS.Timeout;
  /** how many times the informer was restarted after an error (for tests and logs) */
  restarts = 0;
  /** bumped on every cache change, so readers can reuse what they derived from an unchanged cache */
  version = 0;

  constructor(
    kc: KubeConfig,
    readonly kind: WatchedKind,
    namespace: string,
    private readonly onChange: () => void,
    private readonly log: Logger,
    private readonly backoff: Backoff = { initialMs: 500, maxMs: 30_000 },
  ) {
    this.delayMs = backoff.initialMs;
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
    const list = async (): Promise<KubeList> => {
      const result = await kind.list(namespace);
      // ListWatch fills its cache right after this promise settles, in the same job; a macrotask
      // later the cache holds the listed items.
      setImmediate(() => {
        this.version++;
        this.delayMs = this.backoff.initialMs;
        this.markSynced();
        this.onChange();
      });
      return result;
    };
    this.lw = new ListWatch(kind.path(namespace), new Watch(kc), list as never, false);
    const changed = () => {
      this.version++;
      this.onChange();
    };
    this.lw.on('add', changed);
    this.lw.on('update', changed);
    this.lw.on('delete', changed);
    this.lw.on('error', (err: unknown) => this.restartLater(err));
  }

  start(): void {
    this.stopped = false;
    void this.lw.start().catch((err: unknown) => this.restartLater(err));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.lw.stop();
  }

  items(): KubeItem[] {
    return (this.lw.list() as unknown as KubeItem[]).map((o) => ({ ...o, kind: o.kind ?? this.kind.kind, apiVersion: o.apiVersion ?? this.kind.apiVersion }));
  }

  private restartLater(err: unknown): void {
    if (this.stopped || this.timer) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.backoff.maxMs);
    this.log.warn({ op: 'informer', kind: this.kind.kind, error: describe(err), retryInMs: delay }, 'list/watch failed, restarting');
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.restarts++;
      this.start();
    }, delay);
  }
}

function describe(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { message?: string; code?: number; statusCode?: number };
    return `${e.message ?? String(err)}${e.code ?? e.statusCode ? ` (${e.code ?? e.statusCode})` : ''}`;
  }
  return String(err);
}
