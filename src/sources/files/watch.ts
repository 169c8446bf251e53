// The files source: watches a folder of YAML objects and emits a fresh Snapshot whenever it changes.
// Bursts of file events (an editor's save, `cp -r`) coalesce into one reload.
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'chokidar';
import type { Snapshot } from '../../api/snapshot.js';
import { loadPaths } from './load.js';

export interface FilesSourceEvents {
  change: [{ snapshot: Snapshot; errors: string[] }];
}

export class FilesSource extends EventEmitter<FilesSourceEvents> {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private loading = false;
  private again = false;

  constructor(private readonly paths: string[], private readonly settleMs = 30) {
    super();
  }

  /** Loads once, emits, then keeps watching. Resolves after the first load. */
  async start(): Promise<{ snapshot: Snapshot; errors: string[] }> {
    const first = await loadPaths(this.paths);
    this.watcher = watch(this.paths, { ignoreInitial: true, awaitWriteFinish: false });
    this.watcher.on('all', () => this.schedule());
    this.emit('change', first);
    return first;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), this.settleMs);
  }

  private async reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      const result = await loadPaths(this.paths);
      this.emit('change', result);
    } finally {
      this.loading = false;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.watcher?.close();
  }
}
