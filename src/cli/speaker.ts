// `metallb-ts speaker`: announce this node's share of the LoadBalancer IPs (see src/roles/speaker.ts).
import type { Command } from 'commander';
import { addMembershipOptions, membershipSettings } from '../layer2/membership/index.js';
import { podOwner } from '../roles/controller.js';
import { DEFAULT_EXCLUDE_FILE, resolveExcludePatterns } from '../roles/exclude-interfaces.js';
import { runSpeaker, type SpeakerHandle } from '../roles/speaker.js';
import { resolveNamespace } from '../sources/kube/namespace.js';
import { createLogger, parseLogLevel } from '../util/log.js';
import { addMetricsOptions, kubeConfigFrom, metricsSecurity, port } from './controller.js';

export function register(program: Command): void {
  const cmd = program
    .command('speaker')
    .description('announce LoadBalancer IPs from this node by BGP (driving FRR) and layer 2 (ARP/NDP), with status objects and events')
    .option('--node <name>', 'this node\'s name (env METALLB_NODE_NAME)', process.env.METALLB_NODE_NAME)
    .option('--namespace <ns>', 'the MetalLB namespace (default: METALLB_NAMESPACE, else the pod namespace)')
    .option('--lb-class <name>', 'handle only Services of this loadBalancerClass (default: only Services without a class)')
    .option('--log-level <level>', 'all, debug, info, warn, error or none', 'info');
  addMetricsOptions(cmd)
    .option('--health-probe-port <port>', 'port of /healthz and /readyz on 127.0.0.1 (plain HTTP)', '17472')
    .option('--vtysh-pathspace <name>', 'FRR pathspace to drive (vtysh -N); default: the default FRR instance', '')
    .option('--frr-config-file <path>', 'where the full frr.conf is written for FRR restarts', '/etc/frr/frr.conf')
    .option('--bgp-debounce-ms <ms>', 'coalescing window after an FRR apply', '75')
    .option('--no-bgp', 'do not drive FRR (layer 2 only)')
    .option('--no-layer2', 'do not answer ARP/NDP (BGP only)')
    .option('--ml-secret-name <name>', 'membership: the Secret in the MetalLB namespace whose key secretkey is the shared key (the controller creates it); read through the API, a changed key is taken without a restart; enables membership')
    .option('--ml-labels <selector>', 'membership: label selector of the speaker Pods whose IPs are the members (default: the Nodes\' InternalIPs)')
    .option('--ignore-exclude-lb', 'also announce from nodes labelled node.kubernetes.io/exclude-from-external-load-balancers')
    .option('--exclude-interfaces <regex...>', 'interfaces never used for layer 2 (wins over --exclude-interfaces-file; default: upstream\'s list)')
    .option('--exclude-interfaces-file <path>', 'YAML with announcedInterfacesToExclude: [regex, ...] replacing the default list (used when it exists)', DEFAULT_EXCLUDE_FILE)
    .option('--kubeconfig <path>', 'kubeconfig file (default: in-cluster, else KUBECONFIG or ~/.kube/config)');
  addMembershipOptions(cmd);
  cmd.action(async (opts: Record<string, unknown>) => {
    try {
      const handle = await startSpeaker(opts);
      const shutdown = () => void handle.stop().then(() => process.exit(0));
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    } catch (err) {
      process.stderr.write(`metallb-ts speaker: ${(err as Error).message}\n`);
      process.exit(1);
    }
  });
}

/** The command's work, from its parsed flags (commander's camelCase keys). */
export async function startSpeaker(opts: Record<string, unknown>): Promise<SpeakerHandle> {
  if (!opts.node) throw new Error('the speaker needs its Node name: pass --node NAME or set METALLB_NODE_NAME');
  const logLevel = parseLogLevel(String(opts.logLevel ?? 'info'));
  const metricsPort = port('--port', opts.port ?? '9120');
  const debounce = Number(opts.bgpDebounceMs ?? 75);
  if (!Number.isInteger(debounce) || debounce < 0) throw new Error(`--bgp-debounce-ms "${String(opts.bgpDebounceMs)}" is invalid: use an integer >= 0`);
  const excludeInterfaces = await resolveExcludePatterns({
    flag: opts.excludeInterfaces as string[] | undefined,
    file: opts.excludeInterfacesFile as string | undefined,
    // only the built-in path may be absent (no ConfigMap mounted); a path the user named must exist
    fileOptional: opts.excludeInterfacesFile === undefined || opts.excludeInterfacesFile === DEFAULT_EXCLUDE_FILE,
  });
  const kubeConfig = kubeConfigFrom(opts.kubeconfig as string | undefined);
  return runSpeaker({
    kubeConfig,
    namespace: resolveNamespace(opts.namespace as string | undefined),
    node: String(opts.node),
    lbClass: opts.lbClass as string | undefined,
    logger: createLogger(logLevel),
    logLevel,
    bgp: opts.bgp !== false,
    layer2: opts.layer2 !== false,
    vtyshPathspace: String(opts.vtyshPathspace ?? ''),
    frrConfigFile: String(opts.frrConfigFile ?? '/etc/frr/frr.conf'),
    bgpDebounceMs: debounce,
    membership: membershipSettings(opts),
    memberLabels: opts.mlLabels as string | undefined,
    metricsPort: metricsPort === 0 ? undefined : metricsPort,
    metrics: metricsSecurity(opts, kubeConfig),
    healthPort: port('--health-probe-port', opts.healthProbePort ?? '17472'),
    owner: podOwner(),
    ignoreExcludeLB: opts.ignoreExcludeLb === true,
    excludeInterfaces,
  });
}
