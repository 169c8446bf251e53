// Which interfaces the layer 2 announcer answers on (upstream spec 7.3): read /sys/class/net and
// /proc/net/if_inet6 of the current network namespace. The qualification rule itself is pure
// (qualifyInterface) so it is tested with tables; scanInterfaces only gathers the facts.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatIPBytes } from './frames/addr.js';

/** Upstream's default excludel2.yaml: container, virtual and tunnel devices never carry service IPs. */
export const DEFAULT_EXCLUDE_PATTERNS = [
  '^docker.*', '^cbr.*', '^dummy.*', '^virbr.*', '^lxcbr.*', '^veth.*', '^lo$', '^cali.*', '^tunl.*',
  '^flannel.*', '^kube-ipvs.*', '^cni.*', '^nodelocaldns.*', '^lxc.*',
];

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_NOARP = 0x80;

export interface InterfaceFacts {
  name: string;
  /** /sys/class/net/<if>/flags */
  flags: number;
  mac: string;
  /** enslaved to a bond or bridge (has a `master` link) */
  hasMaster: boolean;
  /** first IPv6 link-local address, if any */
  linkLocal?: string;
}

export interface QualifiedInterface {
  name: string;
  mac: string;
  arp: boolean;
  ndp: boolean;
  linkLocal?: string;
}

/** One regular expression that matches any of the patterns, as upstream joins them: (p1)|(p2)|... */
export function compileExclude(patterns: readonly string[]): RegExp | undefined {
  if (patterns.length === 0) return undefined;
  try {
    return new RegExp(patterns.map((p) => `(${p})`).join('|'));
  } catch (e) {
    throw new Error(`invalid layer 2 interface exclude pattern list ${JSON.stringify(patterns)}: ${(e as Error).message}`);
  }
}

/** undefined when the interface takes no responder at all. */
export function qualifyInterface(f: InterfaceFacts, exclude: RegExp | undefined): QualifiedInterface | undefined {
  if (exclude?.test(f.name)) return undefined;
  if ((f.flags & IFF_UP) === 0) return undefined;
  if (f.hasMaster) return undefined; // the bond or bridge itself answers
  if ((f.flags & IFF_NOARP) !== 0) return undefined;
  const arp = (f.flags & IFF_BROADCAST) !== 0;
  const ndp = f.linkLocal !== undefined;
  if (!arp && !ndp) return undefined;
  return { name: f.name, mac: f.mac, arp, ndp, ...(f.linkLocal ? { linkLocal: f.linkLocal } : {}) };
}

export interface ScanPaths {
  sysClassNet: string;
  ifInet6: string;
}

const DEFAULT_PATHS: ScanPaths = { sysClassNet: '/sys/class/net', ifInet6: '/proc/net/if_inet6' };

/** Link-local addresses by interface name from /proc/net/if_inet6 (scope 0x20), skipping tentative/DAD-failed ones. */
export function parseIfInet6(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [hex, , , scope, flags, name] = line.trim().split(/\s+/);
    if (!name || !hex || hex.length !== 32) continue;
    if (Number.parseInt(scope, 16) !== 0x20) continue;
    const f = Number.parseInt(flags, 16);
    if ((f & 0x40) !== 0 || (f & 0x08) !== 0) continue; // IFA_F_TENTATIVE, IFA_F_DADFAILED
    if (!out.has(name)) out.set(name, formatIPBytes(Buffer.from(hex, 'hex')));
  }
  return out;
}

export async function readInterfaceFacts(paths: ScanPaths = DEFAULT_PATHS): Promise<InterfaceFacts[]> {
  const names = await readdir(paths.sysClassNet);
  const ll = parseIfInet6(await readFile(paths.ifInet6, 'utf8').catch(() => ''));
  const out: InterfaceFacts[] = [];
  for (const name of names.sort()) {
    const dir = join(paths.sysClassNet, name);
    try {
      const [flags, mac] = await Promise.all([readFile(join(dir, 'flags'), 'utf8'), readFile(join(dir, 'address'), 'utf8')]);
      const linkLocal = ll.get(name);
      out.push({
        name,
        flags: Number.parseInt(flags.trim(), 16),
        mac: mac.trim().toLowerCase(),
        hasMaster: existsSync(join(dir, 'master')),
        ...(linkLocal ? { linkLocal } : {}),
      });
    } catch {
      // the interface vanished between readdir and read: the next scan settles it
    }
  }
  return out;
}

/** The interfaces that get an ARP and/or NDP responder now. */
export async function scanInterfaces(exclude: RegExp | undefined, paths: ScanPaths = DEFAULT_PATHS): Promise<QualifiedInterface[]> {
  const facts = await readInterfaceFacts(paths);
  return facts.flatMap((f) => qualifyInterface(f, exclude) ?? []).filter((q) => q.mac.split(':').length === 6);
}
