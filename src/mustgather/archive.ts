// One .tar.gz of the collection folder, made with the system's tar (present on every node and image).
import { execa } from 'execa';
import { basename, dirname } from 'node:path';

export async function makeArchive(folder: string, archivePath: string): Promise<void> {
  const r = await execa('tar', ['-C', dirname(folder), '-czf', archivePath, basename(folder)], { reject: false });
  if (r.exitCode !== 0) throw new Error(`tar -czf ${archivePath} failed (exit ${r.exitCode}): ${String(r.stderr).trim()}`);
}
