// `metallb-ts allocate PATH... [--lb-class NAME] [--detail]`: which IPs MetalLB's controller would
// give every LoadBalancer Service in PATH, as JSON keyed "<ns>/<name>".
import type { Command } from 'commander';
import { allocateAllDetailed } from '../allocator/allocate-all.js';
import type { Snapshot } from '../api/snapshot.js';
import { buildConfig } from '../config/build.js';
import { formatConfigError } from '../config/types.js';
import { loadPaths } from '../sources/files/load.js';

export interface AllocateCommandOptions {
  lbClass?: string;
  /** add reason, detail and events to each entry */
  detail?: boolean;
}

export interface CommandOutput {
  code: 0 | 1;
  stdout: string;
  stderr: string;
}

/** Pure core of the command (after loading), so tests need no process. */
export function allocateCommand(snapshot: Snapshot, loadErrors: string[], opts: AllocateCommandOptions = {}): CommandOutput {
  const built = buildConfig(snapshot);
  const problems = [...loadErrors, ...(built.ok ? [] : built.errors.map(formatConfigError))];
  if (!built.ok || problems.length > 0) return { code: 1, stdout: '', stderr: problems.map((l) => `${l}\n`).join('') };

  const { entries, results } = allocateAllDetailed(built.config, snapshot, { lbClass: opts.lbClass });
  const out: Record<string, unknown> = {};
  for (const key of [...entries.keys()].sort()) {
    const entry = entries.get(key)!;
    if (!opts.detail) {
      out[key] = entry;
      continue;
    }
    const r = results.get(key)!;
    out[key] = {
      ...entry,
      ...(r.problem ? { reason: r.problem.reason, ...(r.problem.detail ? { detail: r.problem.detail } : {}) } : {}),
      events: r.events,
    };
  }
  return { code: 0, stdout: `${JSON.stringify(out, null, 2)}\n`, stderr: '' };
}

const HELP_AFTER = `
What it does:
  Reads the objects in PATH (IPAddressPools, Services, Namespaces, ... as for kubectl apply -f),
  builds the MetalLB configuration and runs the controller's allocation over every Service of
  type LoadBalancer that it handles, exactly as a freshly started controller would:

  - Services that already have IPs in status.loadBalancer.ingress are processed first (most IPs
    first, then by namespace/name) and keep them when the configuration still allows it, so the
    answer matches what a running cluster holds.
  - metallb.io/loadBalancerIPs (or spec.loadBalancerIP), metallb.io/address-pool and
    metallb.io/allow-shared-ip are honoured, as are their deprecated metallb.universe.tf forms.
  - Pools are tried by serviceAllocation priority, then by name (upstream MetalLB picks among
    equal pools in random order; here the choice is repeatable).

Output:
  {"<namespace>/<name>": {"ips": ["192.0.2.10"], "pool": "default-pool"} | {"error": "no available IPs"}}
  keys sorted, dual-stack IPs IPv4 first. Services of another loadBalancerClass and Services that
  are not type LoadBalancer are left out. --detail adds the failure reason, an explanation and the
  events the controller would record on each Service.

Exit status:
  0 when the configuration is valid (even if some Services get no IP), 1 with the configuration
  errors on stderr when it is not.

Examples:
  metallb-ts allocate ./manifests
  metallb-ts allocate pools.yaml services/ --lb-class metallb
`;

export function register(program: Command): void {
  program
    .command('allocate')
    .description('print the IPs MetalLB would assign to each LoadBalancer Service in PATH, as JSON')
    .argument('<path...>', 'YAML files or folders of Kubernetes objects')
    .option('--lb-class <name>', 'handle only Services of this spec.loadBalancerClass (default: only Services without a class)')
    .option('--detail', 'add reason, detail and the controller events to every entry')
    .addHelpText('after', HELP_AFTER)
    .action(async (paths: string[], o: { lbClass?: string; detail?: boolean }) => {
      const loaded = await loadPaths(paths);
      const out = allocateCommand(loaded.snapshot, loaded.errors, { lbClass: o.lbClass, detail: o.detail });
      process.stdout.write(out.stdout);
      process.stderr.write(out.stderr);
      process.exitCode = out.code;
    });
}
