// The folder a must-gather fills before it is archived, and its index: every item that was collected,
// every item that was absent, and every item that failed with the reason. Everything written goes
// through redaction first, so no caller can forget it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { redactObject, redactText } from './redact.js';

export type EntryStatus = 'collected' | 'absent' | 'failed';

export interface IndexEntry {
  /** path inside the archive folder (for absent/failed items: where it would have been) */
  path: string;
  /** what produced it: a command, a file path, an API list */
  source: string;
  status: EntryStatus;
  error?: string;
}

export class Bundle {
  readonly entries: IndexEntry[] = [];

  constructor(readonly root: string) {}

  async addText(path: string, source: string, text: string): Promise<void> {
    await this.write(path, redactText(text));
    this.entries.push({ path, source, status: 'collected' });
  }

  /** Kubernetes objects as one multi-document YAML file. */
  async addObjects(path: string, source: string, objects: unknown[]): Promise<void> {
    const docs = objects.map((o) => stringify(redactObject(JSON.parse(JSON.stringify(o)) as unknown)));
    // Field values were redacted structurally; the text pass catches passwords inside free text.
    await this.write(path, redactText(docs.join('---\n')));
    this.entries.push({ path, source, status: 'collected' });
  }

  absent(path: string, source: string): void {
    this.entries.push({ path, source, status: 'absent' });
  }

  failed(path: string, source: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.entries.push({ path, source, status: 'failed', error: redactText(message).split('\n')[0].slice(0, 500) });
  }

  /** Runs one collection step; a failure is recorded, never thrown, so one broken item loses nothing else. */
  async step(path: string, source: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.failed(path, source, err);
    }
  }

  /** index.json (for tools) and index.txt (for people). */
  async writeIndex(meta: Record<string, string>): Promise<void> {
    await this.write('index.json', JSON.stringify({ ...meta, entries: this.entries }, null, 2) + '\n');
    const width = Math.max(...this.entries.map((e) => e.path.length), 4);
    const lines = [
      ...Object.entries(meta).map(([k, v]) => `# ${k}: ${v}`),
      `# ${this.count('collected')} collected, ${this.count('absent')} absent, ${this.count('failed')} failed`,
      ...this.entries.map((e) => `${e.status.padEnd(9)} ${e.path.padEnd(width)}  ${e.source}${e.error ? `: ${e.error}` : ''}`),
    ];
    await this.write('index.txt', lines.join('\n') + '\n');
  }

  count(status: EntryStatus): number {
    return this.entries.filter((e) => e.status === status).length;
  }

  private async write(path: string, text: string): Promise<void> {
    const full = join(this.root, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text, { mode: 0o600 });
  }
}
