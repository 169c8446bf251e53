// `metallb-ts status`: pools, Services, BGP sessions and layer 2 owners at a glance, for a standalone
// host (state folder + local FRR) or a cluster (the API + each speaker's FRR). Exit 0 when everything
// is up, 1 when something is down or pending (a health check), 2 on a usage or read error.
import type { Command } from 'commander';
import { formatReport } from '../health/format.js';
import type { StatusReport } from '../health/report.js';
import { DEFAULT_STATE_DIR, standaloneReport } from '../health/standalone.js';

interface Opts {
  stateDir: string;
  config?: string[];
  node?: string;
  vtyshPathspace: string;
  namespace?: string;
  kubeconfig?: string;
  lbClass?: string;
  frr: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('status')
    .description('show pools (used/free), Services (IPs, pool, announced where or why not), BGP peers (state, uptime, prefixes sent, BFD) '
      + 'and layer 2 owners; exit 0 when all is up, 1 when something is down or pending, 2 on errors. '
      + 'Standalone (default) reads the state folder and this host\'s FRR; --namespace or --kubeconfig read a cluster')
    .option('--state-dir <dir>', 'standalone: the state folder of metallb-ts standalone', DEFAULT_STATE_DIR)
    .option('--config <path...>', 'standalone: the configuration standalone reads, for the BGPPeers\' names (default /etc/metallb-ts when it exists)')
    .option('--node <name>', 'standalone: this host\'s Node name (default: the one in status.json)')
    .option('--vtysh-pathspace <name>', 'standalone: FRR pathspace (vtysh -N)', '')
    .option('--namespace <ns>', 'cluster: the MetalLB namespace')
    .option('--kubeconfig <file>', 'cluster: kubeconfig (default: in-cluster, KUBECONFIG or ~/.kube/config)')
    .option('--lb-class <name>', 'cluster: only Services of this loadBalancerClass (default: Services without a class)')
    .option('--no-frr', 'do not read FRR (BGP sessions are listed from the configuration, state "not read")')
    .option('--json', 'print the report as JSON (the same fields, "ok" first)')
    .action(async (opts: Opts) => {
      let report: StatusReport;
      if (opts.namespace || opts.kubeconfig) {
        // Only the cluster path loads the Kubernetes client.
        const { clusterReport, kubeConfigAt } = await import('../health/cluster.js');
        const kc = kubeConfigAt(opts.kubeconfig);
        const namespace = opts.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'metallb-system';
        report = await clusterReport({ kc, namespace, readFrr: opts.frr, lbClass: opts.lbClass });
      } else {
        report = await standaloneReport({ stateDir: opts.stateDir, configPaths: opts.config, node: opts.node, pathspace: opts.vtyshPathspace, readFrr: opts.frr });
      }
      const text = opts.json ? `${JSON.stringify({ ok: report.problems.length === 0, ...report }, null, 2)}\n` : formatReport(report);
      process.stdout.write(text);
      process.exitCode = report.problems.length === 0 ? 0 : 1;
    });
}
