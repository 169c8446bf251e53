// Runs `metallb-ts validate|allocate` the way the acceptance tester does: YAML files in a temporary
// folder, the real commander wiring, and the exit code, stdout and stderr captured separately.
import { jest } from '@jest/globals';
import { Command } from 'commander';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register as registerAllocate } from '../../src/cli/allocate.js';
import { register as registerValidate } from '../../src/cli/validate.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** non-empty stderr lines */
  errors: string[];
}

/** files: name -> YAML text, written into one folder passed as the only PATH (plus extra args). */
export async function runCli(command: 'validate' | 'allocate', files: Record<string, string>, ...args: string[]): Promise<CliRun> {
  const dir = await mkdtemp(join(tmpdir(), 'metallb-ts-acceptance-'));
  const out: string[] = [];
  const err: string[] = [];
  const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  process.exitCode = 0;
  let code: number;
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const program = new Command().exitOverride();
    registerValidate(program);
    registerAllocate(program);
    await program.parseAsync(['node', 'metallb-ts', command, dir, ...args]);
    code = Number(process.exitCode ?? 0);
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
    process.exitCode = 0;
    await rm(dir, { recursive: true, force: true });
  }
  const stderr = err.join('');
  return { code, stdout: out.join(''), stderr, errors: stderr.split('\n').filter((l) => l !== '') };
}

/** allocate's JSON, after checking it succeeded. */
export async function allocate(files: Record<string, string>, ...args: string[]): Promise<Record<string, unknown>> {
  const r = await runCli('allocate', files, ...args);
  if (r.code !== 0) throw new Error(`allocate exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

// Small YAML builders: JSON is YAML, so objects are written as one JSON document each.
type Obj = Record<string, unknown>;
export const yaml = (...objects: Obj[]): string => objects.map((o) => `---\n${JSON.stringify(o)}\n`).join('');
const M = 'metallb.io/v1beta1';
const inNs = (name: string): Obj => ({ name, namespace: 'metallb-system' });
export const pool = (name: string, addresses: string[], spec: Obj = {}, labels?: Record<string, string>): Obj => ({
  apiVersion: M,
  kind: 'IPAddressPool',
  metadata: { ...inNs(name), ...(labels ? { labels } : {}) },
  spec: { addresses, ...spec },
});
export const peer = (name: string, spec: Obj): Obj => ({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: inNs(name), spec });
export const bgpAdv = (name: string, spec: Obj = {}): Obj => ({ apiVersion: M, kind: 'BGPAdvertisement', metadata: inNs(name), spec });
export const l2Adv = (name: string, spec: Obj = {}): Obj => ({ apiVersion: M, kind: 'L2Advertisement', metadata: inNs(name), spec });
export const bfd = (name: string, spec: Obj = {}): Obj => ({ apiVersion: M, kind: 'BFDProfile', metadata: inNs(name), spec });
export const community = (name: string, communities: Obj[]): Obj => ({ apiVersion: M, kind: 'Community', metadata: inNs(name), spec: { communities } });
export const node = (name: string, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
export const namespace = (name: string, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
export const secret = (name: string, type: string, stringData: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: inNs(name),
  type,
  stringData,
});

export interface SvcOpts {
  ns?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  ports?: Obj[];
  type?: string;
  [spec: string]: unknown;
}
export const service = (name: string, o: SvcOpts = {}): Obj => {
  const { ns = 'default', annotations = {}, labels = {}, ports = [{ port: 80 }], type = 'LoadBalancer', ...spec } = o;
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, annotations, labels }, spec: { type, ports, ...spec } };
};
