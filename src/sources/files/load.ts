// Edge: reads files and folders of YAML (folders recursively, *.yaml / *.yml, sorted) into one Snapshot.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../../api/snapshot.js';
import { parseDocuments, toSnapshot, type ParsedObject } from './parse.js';

export async function loadPaths(paths: string[]): Promise<{ snapshot: Snapshot; errors: string[]; objects: ParsedObject[] }> {
  const objects: ParsedObject[] = [];
  const errors: string[] = [];
  for (const p of paths) {
    let files: string[];
    try {
      files = await yamlFiles(p);
    } catch (err) {
      errors.push(`${p}: ${describe(err)}`);
      continue;
    }
    for (const f of files) {
      let text: string;
      try {
        text = await readFile(f, 'utf8');
      } catch (err) {
        errors.push(`${f}: ${describe(err)}`);
        continue;
      }
      const r = parseDocuments(text, f);
      objects.push(...r.objects);
      errors.push(...r.errors);
    }
  }
  return { snapshot: toSnapshot(objects), errors, objects };
}

/**
 * A file named explicitly is read whatever its extension; folders contribute *.yaml and *.yml only.
 * Hidden entries are skipped: editors' temporary files, and the "..data" / "..<timestamp>" folders of a
 * mounted ConfigMap, whose files are also reachable through the symlinks next to them.
 */
async function yamlFiles(path: string): Promise<string[]> {
  const st = await stat(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(path, e.name);
    if (e.isDirectory()) out.push(...(await yamlFiles(full)));
    else if (/\.ya?ml$/i.test(e.name)) out.push(full);
  }
  return out;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file or directory';
  if (e?.code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(err);
}
