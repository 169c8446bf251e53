// The lab: a small bare-metal site in network namespaces, built from the e2e harness.
//
//                       <prefix>-sw (bridge br0, 192.0.2.0/24 + 2001:db8::/64)
//        +-------------------+-------------+--------------+----------------+
//   <prefix>-node-a     <prefix>-node-b   <prefix>-router      <prefix>-client
//   eth0 192.0.2.11     eth0 192.0.2.12   eth0 192.0.2.1       eth0 192.0.2.100
//   FRR (bgpd -p 0)     FRR (bgpd -p 0)   FRR (BGP AS 64512    198.51.100.0/24 on-link
//   metallb-ts          metallb-ts        listening, BFD,      (the layer 2 pool)
//     standalone          standalone      MD5 password)
//
// Both nodes run `metallb-ts standalone` on the same config folder, each with its own state dir and
// membership on (a shared secret file). With `bgp: false` there is no router and no FRR and the nodes
// run with --no-bgp (the layer 2 system tests). Interfaces are named eth0: the default layer 2
// exclusion list skips veth*. Lab.cleanup() (also from SIGINT/SIGTERM in the demo) removes it all.
import { execa } from 'execa';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFrr, type FrrInstance } from '../harness/frr.js';
import { Lab, nsExec } from '../harness/netns.js';
import { StandaloneProcess } from './standalone-process.js';

export const LAB_ASN = 64512;
/** must match examples/basic/bgp.yaml (Secret router-password, BFDProfile lab-bfd) */
export const LAB_PASSWORD = 'lab-md5-secret';
export const LAB_BFD = { name: 'lab-bfd', receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3 };
export const ROUTER = { ip4: '192.0.2.1', ip6: '2001:db8::1' };
export const CLIENT = { ip4: '192.0.2.100', ip6: '2001:db8::100' };
export const NODE_ADDRS: Record<string, { ip4: string; ip6: string }> = {
  'node-a': { ip4: '192.0.2.11', ip6: '2001:db8::11' },
  'node-b': { ip4: '192.0.2.12', ip6: '2001:db8::12' },
  'node-c': { ip4: '192.0.2.13', ip6: '2001:db8::13' },
};
/** the layer 2 pool's IPv4 range, on-link at the client */
export const L2_NET4 = '198.51.100.0/24';
export const METRICS_PORT = 9120;
export const ML_PORT = 7946;

/** The repository root (works from e2e/lab/*.ts under jest and from dist/e2e/lab/*.js). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('repository root (package.json) not found above e2e/lab');
    dir = up;
  }
  return dir;
}

export interface LabOptions {
  /** namespace / pathspace prefix, e.g. "mtlab" */
  prefix: string;
  /** the folder every standalone watches */
  configDir: string;
  /** where state dirs and the membership secret go (created; removed at cleanup unless keepFiles) */
  workDir: string;
  /** BGP part: router + FRR per node (default true) */
  bgp?: boolean;
  nodes?: string[];
  /** extra standalone flags for every node */
  standaloneArgs?: string[];
  /** progress lines (the demo prints them) */
  progress?: (line: string) => void;
}

export interface LabNode {
  name: string;
  ns: string;
  ip4: string;
  ip6: string;
  mac: string;
  stateDir: string;
  frr?: FrrInstance;
  proc?: StandaloneProcess;
}

export class LabTopology {
  readonly nodes = new Map<string, LabNode>();
  router?: FrrInstance;
  routerNs?: string;
  client = '';
  clientMac = '';
  sw = '';
  secretFile = '';

  constructor(readonly lab: Lab, readonly opts: LabOptions, readonly root: string) {}

  node(name: string): LabNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no lab node ${name}`);
    return n;
  }

  /** node name owning a MAC address (undefined when none does) */
  nodeByMac(mac: string): string | undefined {
    return [...this.nodes.values()].find((n) => n.mac.toLowerCase() === mac.toLowerCase())?.name;
  }

  /** Starts (or restarts) a node's standalone. */
  startStandalone(name: string, extraArgs: string[] = []): StandaloneProcess {
    const n = this.node(name);
    n.proc = StandaloneProcess.start(this.lab, {
      root: this.root, ns: n.ns, node: name, configDir: this.opts.configDir, stateDir: n.stateDir,
      pathspace: n.frr?.pathspace, secretFile: this.secretFile, metricsPort: METRICS_PORT,
      extraArgs: [...(this.opts.standaloneArgs ?? []), ...extraArgs],
    });
    return n.proc;
  }

  async cleanup(): Promise<void> {
    await this.lab.cleanup();
  }
}

async function noDad(ns: string): Promise<void> {
  // No duplicate address detection: addresses (and link-local ones) are usable at once.
  for (const scope of ['all', 'default']) await nsExec(ns, 'sysctl', ['-qw', `net.ipv6.conf.${scope}.accept_dad=0`]);
}

async function macOf(ns: string): Promise<string> {
  return (await nsExec(ns, 'cat', ['/sys/class/net/eth0/address'])).trim();
}

/** The router's FRR configuration: both nodes as iBGP neighbors with the password and BFD. */
export function routerConfig(nodeIPs: string[]): string[] {
  return [
    'bfd',
    `profile ${LAB_BFD.name}`,
    `receive-interval ${LAB_BFD.receiveInterval}`,
    `transmit-interval ${LAB_BFD.transmitInterval}`,
    `detect-multiplier ${LAB_BFD.detectMultiplier}`,
    'exit',
    'exit',
    `router bgp ${LAB_ASN}`,
    `bgp router-id ${ROUTER.ip4}`,
    'no bgp ebgp-requires-policy',
    'neighbor NODES peer-group',
    `neighbor NODES remote-as ${LAB_ASN}`,
    `neighbor NODES password ${LAB_PASSWORD}`,
    // the nodes' bgpd do not listen (-p 0, like the MetalLB sidecar): they connect, we wait
    'neighbor NODES passive',
    'neighbor NODES bfd',
    `neighbor NODES bfd profile ${LAB_BFD.name}`,
    'neighbor NODES timers 3 9',
    ...nodeIPs.map((ip) => `neighbor ${ip} peer-group NODES`),
    'address-family ipv4 unicast',
    'neighbor NODES activate',
    'exit-address-family',
    'exit',
  ];
}

/** Builds the lab; on failure everything already created is removed before the error is thrown. */
export async function buildLab(opts: LabOptions): Promise<LabTopology> {
  const say = opts.progress ?? (() => undefined);
  const lab = new Lab(opts.prefix);
  const root = repoRoot();
  const topo = new LabTopology(lab, opts, root);
  const bgp = opts.bgp ?? true;
  try {
    mkdirSync(opts.workDir, { recursive: true });
    topo.sw = await lab.addNamespace('sw');
    await lab.addBridge(topo.sw, 'br0');
    say(`switch namespace ${topo.sw} with bridge br0`);

    let port = 0;
    const plug = async (ns: string, addrs: string[]) => {
      await noDad(ns);
      await lab.attach(topo.sw, 'br0', `p${port++}`, { ns, ifname: 'eth0', addrs });
    };

    for (const name of opts.nodes ?? ['node-a', 'node-b']) {
      const a = NODE_ADDRS[name];
      if (!a) throw new Error(`lab node ${name} has no addresses: use node-a, node-b or node-c`);
      const ns = await lab.addNamespace(name);
      await plug(ns, [`${a.ip4}/24`, `${a.ip6}/64`]);
      const stateDir = join(opts.workDir, name);
      rmSync(stateDir, { recursive: true, force: true });
      mkdirSync(stateDir, { recursive: true });
      topo.nodes.set(name, { name, ns, ...a, mac: await macOf(ns), stateDir });
      say(`node namespace ${ns}: eth0 ${a.ip4}, ${a.ip6}`);
    }

    if (bgp) {
      topo.routerNs = await lab.addNamespace('router');
      await plug(topo.routerNs, [`${ROUTER.ip4}/24`, `${ROUTER.ip6}/64`]);
      say(`router namespace ${topo.routerNs}: eth0 ${ROUTER.ip4}`);
    }

    topo.client = await lab.addNamespace('client');
    await plug(topo.client, [`${CLIENT.ip4}/24`, `${CLIENT.ip6}/64`]);
    // The layer 2 pool is on the LAN: the client resolves its addresses by ARP like any host there.
    await nsExec(topo.client, 'ip', ['route', 'add', L2_NET4, 'dev', 'eth0']);
    topo.clientMac = await macOf(topo.client);
    say(`client namespace ${topo.client}: eth0 ${CLIENT.ip4}, ${L2_NET4} on-link`);

    if (bgp) {
      // FRR daemons in parallel: each start waits for its pid files and vtysh.
      const starts = [...topo.nodes.values()].map(async (n) => {
        n.frr = await startFrr(lab, { ns: n.ns, listen: false });
      });
      starts.push((async () => {
        topo.router = await startFrr(lab, { ns: topo.routerNs!, listen: true });
        await topo.router.configure(routerConfig([...topo.nodes.values()].map((n) => n.ip4)));
      })());
      await Promise.all(starts);
      say(`FRR running: ${[...topo.nodes.values()].map((n) => n.frr!.pathspace).join(', ')} (bgpd -p 0) and ${topo.router!.pathspace} (listening, BFD, MD5)`);
    }

    topo.secretFile = join(opts.workDir, 'memberlist-secret');
    writeFileSync(topo.secretFile, 'bGFiLXNoYXJlZC1tZW1iZXJzaGlwLXNlY3JldA\n', { mode: 0o600 });
    return topo;
  } catch (e) {
    await lab.cleanup();
    throw e;
  }
}

/** The MAC that answers an ARP request for ip at the client, and the reply's round trip (arping). */
export async function arpingFromClient(topo: LabTopology, ip: string, count = 1): Promise<{ mac?: string; ms?: number; output: string }> {
  const out = await nsExec(topo.client, 'arping', ['-c', String(count), '-w', '2', '-I', 'eth0', ip], { reject: false });
  // Habets arping: "60 bytes from 02:..:.. (198.51.100.3): index=0 time=1.234 msec"
  const m = /bytes from ([0-9a-f:]{17}) .*time=([\d.]+) (usec|msec|sec)/i.exec(out);
  if (!m) return { output: out };
  const scale = m[3] === 'usec' ? 0.001 : m[3] === 'sec' ? 1000 : 1;
  return { mac: m[1].toLowerCase(), ms: Number(m[2]) * scale, output: out };
}

/** The MAC in the Neighbor Advertisement answering ip (ndisc6 from the client). */
export async function ndiscFromClient(topo: LabTopology, ip: string): Promise<{ mac?: string; output: string }> {
  const out = await nsExec(topo.client, 'ndisc6', ['-1', '-r', '3', '-w', '500', ip, 'eth0'], { reject: false });
  const m = /Target link-layer address:\s*([0-9A-F:]{17})/i.exec(out);
  return { mac: m?.[1].toLowerCase(), output: out };
}

export { execa, nsExec };
