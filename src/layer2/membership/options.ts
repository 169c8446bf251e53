// Command-line flags of the membership protocol, for the commands that run a speaker.
// Membership is on when a shared key is given, by --ml-secret-name (a Secret read through the API,
// the controller's) or --ml-secret-file: without a shared key no packet could be trusted.
import type { Command } from 'commander';
import { DEFAULT_ML_PORT } from './udp.js';
import { resolveTimings, type Timings } from './timings.js';

export interface MembershipSettings {
  /** undefined: the speaker binds its node's InternalIP */
  bindAddress?: string;
  port: number;
  /** the key from a file (re-read when it changes) */
  secretFile?: string;
  /** the key from this Secret's `secretkey` in the MetalLB namespace (in-cluster speaker only) */
  secretName?: string;
  timings: Timings;
}

function intArg(flag: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} "${v}" is invalid: use an integer >= ${min}`);
    return n;
  };
}

export function addMembershipOptions(cmd: Command): Command {
  return cmd
    .option('--ml-bind-addr <ip>', 'membership: address to bind (default: the node\'s InternalIP)')
    .option('--ml-port <port>', 'membership: UDP port shared by all speakers', intArg('--ml-port', 1), DEFAULT_ML_PORT)
    .option('--ml-secret-file <path>', 'membership: file with the shared secret (same on every node); enables membership')
    .option('--ml-probe-interval <ms>', 'membership: protocol period (one probe per period)', intArg('--ml-probe-interval', 1))
    .option('--ml-probe-timeout <ms>', 'membership: direct ack deadline before indirect probes', intArg('--ml-probe-timeout', 1))
    .option('--ml-suspicion-timeout <ms>', 'membership: time a suspect has to refute before it is dead', intArg('--ml-suspicion-timeout', 1))
    .option('--ml-indirect-checks <n>', 'membership: members asked to probe indirectly', intArg('--ml-indirect-checks', 0));
}

/** undefined when membership is off (no key given). Throws on inconsistent timings or two key sources. */
export function membershipSettings(opts: Record<string, unknown>): MembershipSettings | undefined {
  const file = typeof opts.mlSecretFile === 'string' && opts.mlSecretFile !== '' ? opts.mlSecretFile : undefined;
  const name = typeof opts.mlSecretName === 'string' && opts.mlSecretName !== '' ? opts.mlSecretName : undefined;
  if (!file && !name) return undefined;
  if (file && name) throw new Error('--ml-secret-file and --ml-secret-name both give the membership key: keep one');
  const timings = resolveTimings({
    probeInterval: opts.mlProbeInterval as number | undefined,
    probeTimeout: opts.mlProbeTimeout as number | undefined,
    suspicionTimeout: opts.mlSuspicionTimeout as number | undefined,
    indirectChecks: opts.mlIndirectChecks as number | undefined,
  });
  return {
    bindAddress: opts.mlBindAddr as string | undefined,
    port: (opts.mlPort as number | undefined) ?? DEFAULT_ML_PORT,
    ...(file ? { secretFile: file } : {}),
    ...(name ? { secretName: name } : {}),
    timings,
  };
}
