// Runs `render frr` and `explain` the way the CLI does (same functions, output captured) on a folder of
// YAML under test/acceptance/scenarios, or on YAML text written to a temporary folder.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExplain } from '../../src/cli/explain.js';
import { runRenderFrr } from '../../src/cli/render.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export function scenario(name: string): string {
  return join(process.cwd(), 'test', 'acceptance', 'scenarios', name);
}

export async function folderWith(yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtacc-'));
  await writeFile(join(dir, 'objects.yaml'), yaml);
  return dir;
}

export async function renderFrr(paths: string[], node: string, logLevel = 'info'): Promise<CliResult> {
  let out = '';
  let err = '';
  // FRR's canonical form (what the speaker applies and compares); the default output also prints
  // user-set values equal to FRR's defaults, covered by test/cli/render-frr.test.ts.
  const code = await runRenderFrr(paths, { node, logLevel, canonical: true }, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

export async function explain(paths: string[], service: string, json = false, nodes?: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await runExplain(paths, { service, json, node: nodes }, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}
