// `metallb-ts render frr PATH... --node NAME`: the frr.conf that node's speaker would apply. Services
// without status first get their IPs from the allocator, as the controller would give them.
import type { Command } from 'commander';
import { allocateAll } from '../allocator/allocate-all.js';
import { buildConfig } from '../config/build.js';
import { formatConfigError } from '../config/types.js';
import { render } from '../frr/frr-conf.js';
import { loadPaths } from '../sources/files/load.js';
import { withAllocatedStatus } from '../speaker/explain.js';
import { planNode } from '../speaker/plan.js';
import { parseLogLevel } from '../util/log.js';

interface RenderOptions {
  node: string;
  hostname?: string;
  logLevel: string;
  lbClass?: string;
  canonical?: boolean;
}

export function register(program: Command): void {
  const renderCmd = program.command('render').description('print what a node would configure');
  renderCmd
    .command('frr')
    .description("print the frr.conf a node's speaker would apply for these objects")
    .argument('<paths...>', 'YAML files or folders holding the Kubernetes objects')
    .requiredOption('--node <name>', 'the Node whose configuration to render')
    .option('--hostname <name>', 'FRR hostname line (default: the node name)')
    .option('--log-level <level>', "the speaker's --log-level, which sets FRR's log level", 'info')
    .option('--lb-class <class>', 'handle Services of this loadBalancerClass (default: only Services without a class)')
    .option('--canonical', "print FRR's own form, without the values that equal FRR's defaults (port 179, BFD 300 ms, ...): what the speaker writes and compares with FRR's running config")
    .action(async (paths: string[], opts: RenderOptions) => {
      process.exitCode = await runRenderFrr(paths, opts, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
    });
}

/**
 * Returns the exit code: 0 rendered, 1 the objects do not form a valid configuration for that node
 * (problems that only concern other nodes are printed as a note).
 */
export async function runRenderFrr(paths: string[], opts: RenderOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const logLevel = parseLogLevel(opts.logLevel);
  const loaded = await loadPaths(paths);
  if (loaded.errors.length) {
    for (const e of loaded.errors) err(`${e}\n`);
    return 1;
  }
  // The node's speaker validates only the peers and advertisements that select it (upstream): a peer
  // broken on another node does not stop this one. The cluster-wide view is the controller's, which
  // allocates IPs only while it is valid.
  const perNode = buildConfig(loaded.snapshot, { node: opts.node });
  if (!perNode.ok) {
    for (const line of new Set(perNode.errors.map(formatConfigError))) err(`${line}\n`);
    return 1;
  }
  if (!loaded.snapshot.nodes.some((n) => n.metadata.name === opts.node)) {
    err(`note: no Node "${opts.node}" among the objects; its labels are taken as empty\n`);
  }
  const cluster = buildConfig(loaded.snapshot);
  let snapshot = loaded.snapshot;
  if (cluster.ok) {
    snapshot = withAllocatedStatus(loaded.snapshot, allocateAll(cluster.config, loaded.snapshot, { lbClass: opts.lbClass }));
  } else {
    err(`note: the configuration is invalid for other nodes (the controller refuses it and allocates no new IPs; only IPs already in Service status are rendered):\n`);
    for (const line of new Set(cluster.errors.map(formatConfigError))) err(`  ${line}\n`);
  }
  const plan = planNode({
    config: perNode.config,
    snapshot,
    node: opts.node,
    hostname: opts.hostname ?? opts.node,
    logLevel,
    lbClass: opts.lbClass,
  });
  for (const e of plan.errors) err(`${e}\n`);
  out(render(plan.bgp, { explicit: !opts.canonical }));
  return 0;
}
