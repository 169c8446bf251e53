// The flags the chart passes to `metallb-ts controller` and `metallb-ts speaker` must be flags those
// subcommands accept: a mismatch would crash-loop the pods on a real cluster. The subcommands are
// found the way main.ts finds them: every module in src/cli registers itself on a commander program.
import { describe, expect, it, beforeAll, jest } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { find, renderObjects, repoRoot, type K8sObject } from './helm.js';

// helm runs a process per render; on a busy machine a few of them exceed jest's 5 s default.
jest.setTimeout(60_000);

let program: Command;
let rendered: K8sObject[][];

beforeAll(async () => {
  program = new Command();
  const dir = join(repoRoot, 'src/cli');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts') && n !== 'main.ts')) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { register?: (p: Command) => void };
    mod.register?.(program);
  }
  // Defaults, and every optional flag switched on (extraArgs are the user's own business).
  rendered = [await renderObjects(), await renderObjects({
    loadBalancerClass: 'example.com/lb',
    speaker: { bgpDebounceTimeout: 200, ignoreExcludeLB: true, memberlist: { mlBindAddrOverride: '192.0.2.1' }, excludeInterfaces: { enabled: false } },
    tls: { controllerMetricsTLSSecret: 'c', speakerMetricsTLSSecret: 's' },
    webhook: { certificateMode: 'certManager' },
  }), await renderObjects({ prometheus: { metricsInsecure: true } })];
}, 60_000);

const flagsOf = (objs: K8sObject[], kind: string, container: string): string[] => {
  const spec = (find(objs, kind).spec as { template: { spec: { containers: Array<{ name: string; args: string[] }> } } }).template.spec;
  const c = spec.containers.find((x) => x.name === container)!;
  return c.args.map((a) => a.split('=')[0]);
};

describe.each([
  ['controller', 'Deployment'],
  ['speaker', 'DaemonSet'],
])('metallb-ts %s', (role, kind) => {
  it('exists as a subcommand', () => {
    expect(program.commands.map((c) => c.name())).toContain(role);
  });

  it('accepts every flag the chart passes', () => {
    const cmd = program.commands.find((c) => c.name() === role);
    const accepted = new Set((cmd?.options ?? []).map((o) => o.long));
    const passed = new Set(rendered.flatMap((objs) => flagsOf(objs, kind, role)));
    expect([...passed].filter((f) => !accepted.has(f))).toEqual([]);
  });
});
