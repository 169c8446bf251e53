// Test helpers for must-gather: unpack an archive and read what it holds.
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import type { IndexEntry } from './bundle.js';

export interface Unpacked {
  /** the single top-level folder inside the archive */
  top: string;
  /** path (inside the top folder) -> content */
  files: Map<string, string>;
  index: { mode: string; entries: IndexEntry[] } & Record<string, unknown>;
  entry(path: string): IndexEntry | undefined;
}

export async function unpack(archive: string): Promise<Unpacked> {
  const dir = await mkdtemp(join(tmpdir(), 'mg-unpack-'));
  await execa('tar', ['-xzf', archive, '-C', dir]);
  const tops = await readdir(dir);
  if (tops.length !== 1) throw new Error(`archive ${archive} should hold one folder, holds ${tops.join(', ')}`);
  const root = join(dir, tops[0]);
  const files = new Map<string, string>();
  const walk = async (d: string) => {
    for (const name of await readdir(d)) {
      const p = join(d, name);
      if ((await stat(p)).isDirectory()) await walk(p);
      else files.set(relative(root, p), await readFile(p, 'utf8'));
    }
  };
  await walk(root);
  const index = JSON.parse(files.get('index.json') ?? '{}') as Unpacked['index'];
  return { top: tops[0], files, index, entry: (path) => index.entries.find((e) => e.path === path) };
}
