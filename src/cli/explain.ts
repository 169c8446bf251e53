// `metallb-ts explain PATH... --service NS/NAME [--node NAME] [--json]`: which node announces a
// Service, how and to whom, and for every node that does not, why (upstream reason name + plain words).
import type { Command } from 'commander';
import { allocateAll } from '../allocator/allocate-all.js';
import { buildConfig } from '../config/build.js';
import { formatConfigError } from '../config/types.js';
import { loadPaths } from '../sources/files/load.js';
import { explainService, mergeExplanations, type ExplainInput, type ServiceExplanation } from '../speaker/explain.js';
import { formatExplanation } from '../speaker/explain-text.js';

interface ExplainOptions {
  service: string;
  node?: string[];
  json?: boolean;
  lbClass?: string;
  ignoreExcludeLb?: boolean;
}

export function register(program: Command): void {
  program
    .command('explain')
    .description('say which nodes announce a Service (BGP peers, prefixes, layer 2 winner) and why the others do not')
    .argument('<paths...>', 'YAML files or folders holding the Kubernetes objects')
    .requiredOption('--service <ns/name>', 'the Service to explain')
    .option('--node <name>', 'plan only this node; repeat for several (default: every Node in the objects)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--json', 'print JSON for machines')
    .option('--lb-class <class>', 'handle Services of this loadBalancerClass (default: only Services without a class)')
    .option('--ignore-exclude-lb', 'let nodes labelled node.kubernetes.io/exclude-from-external-load-balancers announce')
    .action(async (paths: string[], opts: ExplainOptions) => {
      process.exitCode = await runExplain(paths, opts, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
    });
}

/** Returns the exit code: 0 explained, 1 the objects or the Service could not be used. */
export async function runExplain(paths: string[], opts: ExplainOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (!/^[^/]+\/[^/]+$/.test(opts.service)) {
    err(`--service "${opts.service}": give it as NAMESPACE/NAME\n`);
    return 1;
  }
  const loaded = await loadPaths(paths);
  if (loaded.errors.length) {
    for (const e of loaded.errors) err(`${e}\n`);
    return 1;
  }
  const built = buildConfig(loaded.snapshot);
  let e: ServiceExplanation;
  if (built.ok) {
    const allocation = allocateAll(built.config, loaded.snapshot, { lbClass: opts.lbClass });
    e = explainService({ config: built.config, snapshot: loaded.snapshot, service: opts.service, nodes: opts.node, allocation, options: explainOptions(opts) });
  } else {
    // Invalid somewhere: each speaker validates only what selects its node (upstream), so nodes whose
    // own view is valid still answer; the controller allocates nothing new while the whole is invalid.
    err('note: the configuration is not valid for every node (the controller allocates no new IPs until it is):\n');
    for (const line of new Set(built.errors.map(formatConfigError))) err(`  ${line}\n`);
    const nodes = opts.node ?? loaded.snapshot.nodes.map((n) => n.metadata.name).sort();
    const parts: ServiceExplanation[] = [];
    const invalid: string[] = [];
    for (const node of nodes) {
      const perNode = buildConfig(loaded.snapshot, { node });
      if (!perNode.ok) {
        invalid.push(`node ${node}: configuration invalid on this node, its speaker keeps its last valid one: ${[...new Set(perNode.errors.map(formatConfigError))].join('; ')}`);
        continue;
      }
      parts.push(explainService({ config: perNode.config, snapshot: loaded.snapshot, service: opts.service, nodes: [node], options: explainOptions(opts) }));
    }
    e = mergeExplanations(opts.service, parts, invalid);
  }
  out(opts.json ? `${JSON.stringify(e, null, 2)}\n` : formatExplanation(e));
  return e.found ? 0 : 1;
}

function explainOptions(opts: ExplainOptions): ExplainInput['options'] {
  return { lbClass: opts.lbClass, ignoreExcludeLB: opts.ignoreExcludeLb };
}
