// `metallb-ts must-gather`: one .tar.gz with what a bug report needs, passwords redacted.
import type { Command } from 'commander';
import { mustGather } from '../mustgather/must-gather.js';

interface Opts {
  output: string;
  vtyshPathspace?: string;
  frrDir?: string;
  config?: string[];
  stateDir?: string;
  namespace?: string;
  kubeconfig?: string;
  logLines: string;
}

export function register(program: Command): void {
  program
    .command('must-gather')
    .description('collect FRR state (files and vtysh views) and MetalLB objects into one .tar.gz with an index; passwords redacted. '
      + 'Standalone mode reads this host\'s FRR; --namespace or --kubeconfig switch to cluster mode (API objects, logs, every speaker\'s frr container)')
    .option('--output <dir>', 'folder for the archive', '.')
    .option('--vtysh-pathspace <ps>', 'standalone: FRR pathspace (vtysh -N); files from /etc/frr/<ps>')
    .option('--frr-dir <dir>', 'standalone: FRR configuration folder (default /etc/frr or /etc/frr/<ps>)')
    .option('--config <path...>', 'standalone: the configuration files or folders metallb-ts reads')
    .option('--state-dir <dir>', 'standalone: metallb-ts state folder')
    .option('--namespace <ns>', 'cluster: the MetalLB namespace')
    .option('--kubeconfig <file>', 'cluster: kubeconfig file (default: KUBECONFIG, ~/.kube/config or in-cluster)')
    .option('--log-lines <n>', 'cluster: last lines of each container log', '10000')
    .action(async (opts: Opts) => {
      const logLines = Number(opts.logLines);
      if (!Number.isInteger(logLines) || logLines <= 0) throw new Error(`--log-lines "${opts.logLines}": give a positive whole number`);
      const r = await mustGather({
        output: opts.output, pathspace: opts.vtyshPathspace, frrDir: opts.frrDir, configPaths: opts.config,
        stateDir: opts.stateDir, namespace: opts.namespace, kubeconfig: opts.kubeconfig, logLines,
      });
      process.stderr.write(`must-gather (${r.mode}): ${r.collected} collected, ${r.absent} absent, ${r.failed} failed; see index.txt in the archive\n`);
      process.stdout.write(`${r.archive}\n`);
    });
}
