// Standalone mode: FRR on this host (vtysh -N <pathspace>) and, when given, the product's
// configuration folder (files source) and state folder.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Bundle } from './bundle.js';
import { collectFrr } from './frr-collect.js';
import { localFrr, type LocalFrrOptions } from './local-frr.js';

export interface StandaloneOptions extends LocalFrrOptions {
  /** files or folders of the files source (YAML objects) */
  configPaths?: string[];
  /** the product's state folder */
  stateDir?: string;
}

/** Files bigger than this are listed as failed rather than copied (a bug report, not a backup). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

async function filesUnder(path: string): Promise<string[]> {
  const s = await stat(path);
  if (!s.isDirectory()) return [path];
  const out: string[] = [];
  for (const name of (await readdir(path)).sort()) out.push(...(await filesUnder(join(path, name))));
  return out;
}

/** YAML files are parsed so Secrets and password fields are redacted structurally; text as a fallback. */
async function addConfigFile(bundle: Bundle, path: string, file: string): Promise<void> {
  if ((await stat(file)).size > MAX_FILE_BYTES) throw new Error(`${file} is larger than ${MAX_FILE_BYTES} bytes`);
  const text = await readFile(file, 'utf8');
  if (/\.(ya?ml|json)$/i.test(file)) {
    const docs = parseAllDocuments(text);
    if (docs.every((d) => d.errors.length === 0)) {
      const objects = docs.map((d) => d.toJS() as unknown).filter((o) => o !== null && o !== undefined);
      await bundle.addObjects(path, file, objects);
      return;
    }
  }
  await bundle.addText(path, file, text);
}

async function collectFolder(bundle: Bundle, root: string, prefix: string, label: string): Promise<void> {
  let files: string[];
  try {
    files = await filesUnder(root);
  } catch (err) {
    bundle.failed(prefix, `${label} ${root}`, err);
    return;
  }
  for (const file of files) {
    const rel = files.length === 1 && file === root ? basename(file) : relative(root, file);
    const path = `${prefix}/${rel}`;
    await bundle.step(path, file, () => addConfigFile(bundle, path, file));
  }
}

export async function collectStandalone(bundle: Bundle, opts: StandaloneOptions): Promise<void> {
  await collectFrr(bundle, localFrr(opts), opts.pathspace ? `frr/${opts.pathspace}` : 'frr/local');
  for (const [i, p] of (opts.configPaths ?? []).entries()) {
    await collectFolder(bundle, p, `metallb-ts/config/${i}-${basename(p)}`, 'configuration');
  }
  if (opts.stateDir) await collectFolder(bundle, opts.stateDir, 'metallb-ts/state', 'state folder');
}
