// `metallb-ts status` on a standalone host: status.json from the state folder (validity, allocations,
// pools, this node's decisions), the configuration folder (the BGPPeers that select this node, for
// their names) and the local FRR (sessions, uptime, prefixes sent, BFD), read the way the
// metallb_bgp_* metrics are. No Kubernetes client is loaded on this path.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildConfig } from '../config/build.js';
import { readFrrState } from '../frr/read/reader.js';
import { Vtysh, type VtyshRunner } from '../frr/vtysh.js';
import { loadPaths } from '../sources/files/load.js';
import type { ServiceDecision } from '../speaker/types.js';
import { configuredPeers, peerRows, type ConfiguredPeer } from './peers.js';
import { ELSEWHERE_REASONS, finish, type Announcement, type ConfigRow, type Layer2Row, type PoolRow, type ServiceRow, type StatusReport } from './report.js';

export const DEFAULT_STATE_DIR = '/var/lib/metallb-ts';
export const DEFAULT_CONFIG_DIR = '/etc/metallb-ts';

export interface StandaloneStatusOptions {
  stateDir: string;
  /** the folder(s) standalone reads, for the BGPPeers' names; undefined: /etc/metallb-ts when it exists */
  configPaths?: string[];
  /** default: the node status.json names */
  node?: string;
  /** FRR pathspace (vtysh -N) */
  pathspace: string;
  /** false: do not ask FRR (--no-frr) */
  readFrr: boolean;
  /** FRR access; default vtysh on this host */
  vtysh?: VtyshRunner;
}

/** status.json as standalone writes it (src/roles/standalone.ts); every field may be absent. */
interface StateStatus {
  node?: string;
  configValid?: boolean;
  configErrors?: string[];
  allocations?: Record<string, { ips?: string[]; pool?: string; error?: string }>;
  pools?: Array<{ name: string; inUse?: number; availableIPv4?: string; availableIPv6?: string }>;
  decisions?: ServiceDecision[];
  planErrors?: string[];
}

/** Thrown when the state folder cannot be read at all (exit 2, not a health verdict). */
export class StatusReadError extends Error {}

async function readState(stateDir: string): Promise<StateStatus | undefined> {
  const path = join(stateDir, 'status.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return undefined;
    throw new StatusReadError(`${path}: ${e.code === 'EACCES' ? 'permission denied (run as root or as a member of group metallb-ts)' : e.message}`);
  }
  try {
    return JSON.parse(text) as StateStatus;
  } catch (err) {
    throw new StatusReadError(`${path}: not JSON: ${(err as Error).message}`);
  }
}

const words = (d: ServiceDecision) => `${d.protocol === 'bgp' ? 'BGP' : 'layer 2'}: [${d.reason ?? 'unknown'}] ${d.detail ?? ''}`.trim();

/** One Service's row from its allocation and this node's decisions. */
export function serviceRow(node: string, name: string, alloc: { ips?: string[]; pool?: string; error?: string }, decisions: ServiceDecision[]): ServiceRow {
  const ips = alloc.ips ?? [];
  if (alloc.error || ips.length === 0) return { name, ips, state: 'pending', announcedBy: [], why: alloc.error ?? 'no IP allocated' };
  const announcedBy: Announcement[] = decisions.filter((d) => d.announced).map((d) => ({
    node, protocol: d.protocol,
    ...(d.protocol === 'bgp' ? { peers: d.peers ?? [] } : {}),
    ...(d.protocol === 'layer2' && Array.isArray(d.interfaces) ? { interfaces: d.interfaces } : {}),
  }));
  const base = { name, ips, pool: alloc.pool, announcedBy };
  if (announcedBy.length > 0) return { ...base, state: 'ok' };
  if (decisions.length === 0) return { ...base, state: 'down', why: 'this node has not planned it yet' };
  // A protocol without an advertisement for the pool is simply not used for it; the others decide.
  const used = decisions.filter((d) => d.reason !== 'noMatchingAdvertisement');
  if (used.length === 0) return { ...base, state: 'down', why: decisions.map(words).join('; ') };
  return { ...base, state: used.every((d) => d.reason && ELSEWHERE_REASONS.has(d.reason)) ? 'elsewhere' : 'down', why: used.map(words).join('; ') };
}

export async function standaloneReport(o: StandaloneStatusOptions): Promise<StatusReport> {
  const state = await readState(o.stateDir);
  const node = o.node ?? state?.node ?? '';
  const unread: string[] = [];
  const configs: ConfigRow[] = [];
  if (!state) {
    unread.push(`${join(o.stateDir, 'status.json')} does not exist: standalone is not running with --state-dir ${o.stateDir}, or has no valid configuration yet (see its log)`);
  } else {
    configs.push({ component: `standalone ${node}`, valid: state.configValid !== false, errors: state.configErrors ?? [] });
    if (state.planErrors?.length) configs.push({ component: `plan of ${node}`, valid: false, errors: state.planErrors });
  }

  const pools: PoolRow[] = (state?.pools ?? []).map((p) => ({ name: p.name, used: p.inUse ?? 0, freeIPv4: p.availableIPv4 ?? '0', freeIPv6: p.availableIPv6 ?? '0' }));
  const byService = new Map<string, ServiceDecision[]>();
  for (const d of state?.decisions ?? []) byService.set(d.service, [...(byService.get(d.service) ?? []), d]);
  const services = Object.keys(state?.allocations ?? {}).sort().map((k) => serviceRow(node, k, state!.allocations![k], byService.get(k) ?? []));
  const layer2: Layer2Row[] = (state?.decisions ?? [])
    .filter((d) => d.protocol === 'layer2' && (d.announced || d.winner))
    .map((d) => ({ service: d.service, ips: d.ips, owner: d.announced ? node : d.winner!, ...(Array.isArray(d.interfaces) ? { interfaces: d.interfaces } : {}) }));

  // The BGPPeers that select this node, from the folder standalone reads (for names and to know
  // whether FRR matters at all: a layer-2-only host has no peers and maybe no FRR).
  let configured: ConfiguredPeer[] | undefined;
  const paths = o.configPaths ?? (existsSync(DEFAULT_CONFIG_DIR) ? [DEFAULT_CONFIG_DIR] : undefined);
  if (paths && node) {
    const { snapshot, errors } = await loadPaths(paths);
    if (errors.length > 0) unread.push(`configuration ${paths.join(', ')}: ${errors.join('; ')}`);
    else {
      const built = buildConfig(snapshot, { node });
      if (built.ok) configured = configuredPeers(built.config.peers);
    }
  }
  let frr: Awaited<ReturnType<typeof readFrrState>>['bgp'] | undefined;
  if (o.readFrr && (configured === undefined || configured.length > 0)) {
    const s = await readFrrState(o.vtysh ?? new Vtysh({ pathspace: o.pathspace }));
    if (s.errors.length > 0) unread.push(`FRR${o.pathspace ? ` (pathspace ${o.pathspace})` : ''}: ${s.errors.join('; ')}`);
    if (!s.errors.some((e) => e.startsWith('bgp:'))) frr = s.bgp;
  }
  const peers = configured?.length === 0 && !frr ? [] : peerRows(node, configured, frr);
  return finish({ mode: 'standalone', scope: node, configs, pools, services, peers, layer2, unread });
}
