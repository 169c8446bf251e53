// Runs the helm binary that scripts/get-helm.sh puts in .tools/bin, and parses rendered manifests.
import { existsSync } from 'node:fs';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const chartDir = join(repoRoot, 'charts/metallb-ts');
const helmBin = join(repoRoot, '.tools/bin/helm');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** Fetches helm on first use (idempotent script), so the tests never depend on a prior manual step. */
export async function helmPath(): Promise<string> {
  if (!existsSync(helmBin)) await execa('bash', [join(repoRoot, 'scripts/get-helm.sh')]);
  return helmBin;
}

export async function helm(args: string[], opts: { reject?: boolean } = {}): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const r = await execa(await helmPath(), args, { reject: opts.reject ?? true, cwd: repoRoot });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? 0 };
}

/** `helm template` with the given values (as an object, written to a temp file) and extra flags. */
export async function render(values: object = {}, extra: string[] = [], opts: { reject?: boolean; namespace?: string } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'chart-test-'));
  try {
    const file = join(dir, 'values.json');
    await writeFile(file, JSON.stringify(values));
    return await helm(['template', 'metallb', chartDir, '--namespace', opts.namespace ?? 'metallb-system', '--kube-version', '1.29.0', '-f', file, ...extra], opts);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`rendered YAML does not parse: ${d.errors[0].message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export async function renderObjects(values: object = {}, extra: string[] = []): Promise<K8sObject[]> {
  return parseManifests((await render(values, extra)).stdout);
}

export function find(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const hit = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!hit) throw new Error(`no ${kind}${name ? ` named ${name}` : ''} in the rendered chart (have: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')})`);
  return hit;
}
