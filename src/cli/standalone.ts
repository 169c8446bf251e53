// `metallb-ts standalone`: controller and speaker for one host, from a folder of YAML (no Kubernetes).
import type { Command } from 'commander';
import { addMembershipOptions, membershipSettings } from '../layer2/membership/index.js';
import { resolveExcludePatterns } from '../roles/exclude-interfaces.js';
import { serviceReadiness } from '../roles/service-readiness.js';
import { runStandalone } from '../roles/standalone.js';
import { createLogger, parseLogLevel } from '../util/log.js';
import { systemdNotifier } from '../util/systemd-notify.js';

export function register(program: Command): void {
  const cmd = program
    .command('standalone')
    .description('Run controller and speaker for this host from a folder of MetalLB YAML (pools, peers, advertisements, Services, Nodes); the folder is watched')
    .requiredOption('--config <dir...>', 'folder(s) or file(s) of Kubernetes-shaped YAML objects')
    .option('--node <name>', 'this host\'s Node name (env METALLB_NODE_NAME)', process.env.METALLB_NODE_NAME)
    .option('--hostname <name>', 'FRR hostname (default: the host name)')
    .option('--state-dir <dir>', 'where allocations (assignments.json) and status.json are kept', '/var/lib/metallb-ts')
    .option('--vtysh-pathspace <name>', 'FRR pathspace to drive (vtysh -N); default: the default FRR instance', '')
    .option('--frr-config-file <path>', 'where the full frr.conf is written for FRR restarts (default /etc/frr[/<pathspace>]/frr.conf)')
    .option('--no-bgp', 'do not drive FRR (layer 2 only)')
    .option('--no-layer2', 'do not answer ARP/NDP (BGP only)')
    .option('--lb-class <name>', 'handle only Services of this loadBalancerClass (default: only Services without a class)')
    .option('--metrics-host <ip>', 'address of the metrics and health server', '0.0.0.0')
    .option('--metrics-port <port>', 'port of /metrics, /healthz, /readyz (0 = any free port, -1 = off)', '9120')
    .option('--bgp-debounce-ms <ms>', 'coalescing window after an FRR apply (the first change after a quiet period applies at once)', '75')
    .option('--garp-refresh-interval <ms>', 'resend gratuitous ARP/NA for announced IPs this often (0 = only on takeover)', '0')
    .option('--exclude-interfaces <regex...>', 'interfaces never used for layer 2 (wins over --exclude-interfaces-file; default: upstream\'s list)')
    .option('--exclude-interfaces-file <path>', 'YAML with announcedInterfacesToExclude: [regex, ...] replacing the default list (upstream\'s excludel2.yaml)')
    .option('--log-level <level>', 'all, debug, info, warn, error or none', 'info');
  addMembershipOptions(cmd);
  cmd.action(async (opts: Record<string, unknown>) => {
    const logLevel = parseLogLevel(String(opts.logLevel));
    if (!opts.node) throw new Error('standalone needs the Node name: pass --node NAME or set METALLB_NODE_NAME');
    const int = (flag: string, v: unknown, min: number) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`${flag} "${String(v)}" is invalid: use an integer >= ${min}`);
      return n;
    };
    const logger = createLogger(logLevel);
    // Under systemd (Type=notify): READY=1 once the first configuration is applied, STATUS= lines.
    const notifier = systemdNotifier({ onError: (err) => logger.warn({ op: 'systemd', error: err.message }, 'systemd notification failed') });
    const handle = await runStandalone({
      configPaths: opts.config as string[],
      node: String(opts.node),
      hostname: opts.hostname as string | undefined,
      stateDir: String(opts.stateDir),
      logLevel,
      logger,
      lbClass: opts.lbClass as string | undefined,
      vtyshPathspace: String(opts.vtyshPathspace ?? ''),
      frrConfigFile: opts.frrConfigFile as string | undefined,
      bgp: opts.bgp !== false,
      layer2: opts.layer2 !== false,
      metricsHost: String(opts.metricsHost),
      metricsPort: int('--metrics-port', opts.metricsPort, -1),
      membership: membershipSettings(opts),
      garpRefreshMs: int('--garp-refresh-interval', opts.garpRefreshInterval, 0) || undefined,
      excludeInterfaces: await resolveExcludePatterns({ flag: opts.excludeInterfaces as string[] | undefined, file: opts.excludeInterfacesFile as string | undefined }),
      debounceMs: int('--bgp-debounce-ms', opts.bgpDebounceMs, 0),
      onReconciled: notifier.enabled ? serviceReadiness(notifier, logger.child({ caller: 'service-readiness.ts' })) : undefined,
    });
    const shutdown = () => void notifier.notify({ STOPPING: '1' }).then(() => handle.stop()).then(() => process.exit(0));
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
}
