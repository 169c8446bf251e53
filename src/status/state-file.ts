// Persists the standalone allocator's assignments so a restart keeps every IP. Written atomically
// (temp file + rename) so a crash mid-write leaves the previous state intact.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface Assignment {
  ips: string[];
  pool: string;
}

export interface StateFileContent {
  version: 1;
  /** "ns/name" -> assignment */
  assignments: Record<string, Assignment>;
}

export class StateFile {
  readonly path: string;
  private lastWritten = '';

  constructor(stateDir: string) {
    this.path = join(stateDir, 'assignments.json');
  }

  async read(): Promise<Record<string, Assignment>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    const parsed = JSON.parse(text) as StateFileContent;
    if (parsed.version !== 1 || typeof parsed.assignments !== 'object') {
      throw new Error(`${this.path}: not a metallb-ts state file (expected version 1)`);
    }
    this.lastWritten = text;
    return parsed.assignments;
  }

  /** Writes only when the content changed. */
  async write(assignments: Record<string, Assignment>): Promise<boolean> {
    const sorted: Record<string, Assignment> = {};
    for (const k of Object.keys(assignments).sort()) sorted[k] = assignments[k];
    const text = `${JSON.stringify({ version: 1, assignments: sorted } satisfies StateFileContent, null, 2)}\n`;
    if (text === this.lastWritten) return false;
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, this.path);
    this.lastWritten = text;
    return true;
  }
}
