// The layer 2 lab shared by the end-to-end tests and bench/l2-arp: a node namespace and a client
// namespace joined by a veth pair (eth0 on both sides), and the announcer runner in the node namespace.
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { Lab, nsExec, sh } from '../harness/netns.js';

export const CLIENT_V4 = '192.0.2.1/24';
export const CLIENT_V6 = '2001:db8::1/64';

/** Newest modification time of the .ts files the runner is built from. */
function newestSource(root: string): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['src/layer2', 'src/util', 'src/api', 'e2e/layer2']) walk(join(root, d));
  return newest;
}

/**
 * Compiles the runner (and what it imports) into dist/ when a source is newer than it, and builds the
 * addon if missing, so the lab never runs stale code (tsc is slow on a loaded machine: skip it when fresh).
 */
export async function buildRunner(root: string, name: 'announcer-runner' | 'socket-probe' = 'announcer-runner'): Promise<string> {
  const names = ['announcer-runner', 'socket-probe'];
  const entries = names.map((n) => join(root, 'e2e', 'layer2', `${n}.ts`));
  const outs = names.map((n) => join(root, 'dist', 'e2e', 'layer2', `${n}.js`));
  const out = join(root, 'dist', 'e2e', 'layer2', `${name}.js`);
  const fresh = () => outs.every((o) => existsSync(o) && statSync(o).mtimeMs >= newestSource(root));
  if (fresh() && existsSync(join(root, 'native', 'build', 'Release', 'af_packet.node'))) return out;
  // Several suites start in parallel: one builds while the others wait, so no process ever loads a
  // half-written file.
  await withLock(join(root, 'dist', '.layer2-build.lock'), async () => {
    if (!existsSync(join(root, 'native', 'build', 'Release', 'af_packet.node'))) {
      await execa('npx', ['node-gyp', 'rebuild', '--directory', 'native'], { cwd: root });
    }
    if (fresh()) return;
    await execa('npx', ['tsc', '--outDir', 'dist', '--rootDir', '.', '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
      '--target', 'ES2022', '--strict', '--skipLibCheck', '--esModuleInterop', '--types', 'node', ...entries], { cwd: root });
  });
  if (!fresh()) throw new Error(`the layer 2 runners did not compile to ${out}`);
  return out;
}

/** A directory as a lock (mkdir is atomic); a lock older than two minutes is left over from a killed run. */
async function withLock(dir: string, fn: () => Promise<void>): Promise<void> {
  mkdirSync(dirname(dir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch {
      if (existsSync(dir) && Date.now() - statSync(dir).mtimeMs > 120_000) rmSync(dir, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface L2Topology {
  lab: Lab;
  node: string;
  client: string;
  nodeMac: string;
  clientMac: string;
}

async function noDad(ns: string): Promise<void> {
  // No duplicate address detection: link-local addresses are usable at once.
  for (const scope of ['all', 'default']) await nsExec(ns, 'sysctl', ['-qw', `net.ipv6.conf.${scope}.accept_dad=0`]);
}

export async function buildTopology(prefix: string, tag = ''): Promise<L2Topology> {
  const lab = new Lab(prefix);
  try {
    const node = await lab.addNamespace(`node${tag}`);
    const client = await lab.addNamespace(`client${tag}`);
    await noDad(node);
    await noDad(client);
    await lab.link({ ns: node, ifname: 'eth0', addrs: [] }, { ns: client, ifname: 'eth0', addrs: [CLIENT_V4, CLIENT_V6] });
    await waitFor(async () => (await nsExec(node, 'ip', ['-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'link'])).includes('fe80') &&
      !(await nsExec(node, 'ip', ['-6', 'addr', 'show', 'dev', 'eth0', 'tentative'])).includes('fe80'), 5000, 'node link-local address');
    const nodeMac = (await nsExec(node, 'cat', ['/sys/class/net/eth0/address'])).trim();
    const clientMac = (await nsExec(client, 'cat', ['/sys/class/net/eth0/address'])).trim();
    return { lab, node, client, nodeMac, clientMac };
  } catch (e) {
    await lab.cleanup();
    throw e;
  }
}

export interface BridgeTopology {
  lab: Lab;
  nodes: { ns: string; mac: string }[];
  client: string;
  clientMac: string;
}

/** A switch namespace with a bridge; `nodeCount` node namespaces and one client plugged into it (eth0 each). */
export async function buildBridgeTopology(prefix: string, tag: string, nodeCount: number): Promise<BridgeTopology> {
  const lab = new Lab(prefix);
  try {
    const sw = await lab.addNamespace(`sw${tag}`);
    await lab.addBridge(sw, 'br0');
    const nodes: { ns: string; mac: string }[] = [];
    for (let i = 1; i <= nodeCount; i++) {
      const ns = await lab.addNamespace(`node${i}${tag}`);
      await noDad(ns);
      await lab.attach(sw, 'br0', `p${i}`, { ns, ifname: 'eth0', addrs: [] });
      nodes.push({ ns, mac: (await nsExec(ns, 'cat', ['/sys/class/net/eth0/address'])).trim() });
    }
    const client = await lab.addNamespace(`client${tag}`);
    await noDad(client);
    await lab.attach(sw, 'br0', 'pc', { ns: client, ifname: 'eth0', addrs: [CLIENT_V4, CLIENT_V6] });
    for (const n of nodes) {
      await waitFor(async () => (await nsExec(n.ns, 'ip', ['-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'link'])).includes('fe80'), 5000, `${n.ns} link-local address`);
    }
    const clientMac = (await nsExec(client, 'cat', ['/sys/class/net/eth0/address'])).trim();
    return { lab, nodes, client, clientMac };
  } catch (e) {
    await lab.cleanup();
    throw e;
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for a child to end, at most ms (the timer is cleared so no handle outlives the test). */
async function settle(child: ResultPromise, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([child.then(() => undefined, () => undefined), new Promise<void>((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

/** The announcer runner in a namespace, driven line by line. */
export class RunnerProcess {
  private readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  stderr = '';

  private constructor(readonly child: ResultPromise) {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      this.lines.push(l);
      for (const w of this.waiters.splice(0)) w();
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
  }

  static async start(lab: Lab, ns: string, runnerJs: string, env: Record<string, string> = {}): Promise<RunnerProcess> {
    const child = execa('ip', ['netns', 'exec', ns, process.execPath, runnerJs], {
      reject: false, buffer: false, stdin: 'pipe', env: { ...process.env, ...env },
    });
    if (child.pid) lab.trackPid(child.pid); // `ip netns exec` execs node: same PID
    const r = new RunnerProcess(child);
    lab.onCleanup(async () => r.stop());
    const first = JSON.parse(await r.next(10_000)) as { ready?: boolean };
    if (!first.ready) throw new Error(`runner did not start: ${JSON.stringify(first)} ${r.stderr}`);
    return r;
  }

  async next(timeoutMs = 5000): Promise<string> {
    const end = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (Date.now() > end) throw new Error(`runner silent for ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100).unref();
      });
    }
    return this.lines.shift()!;
  }

  async command<T = { ok: boolean }>(cmd: object): Promise<T> {
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
    const answer = JSON.parse(await this.next()) as T & { ok: boolean; error?: string };
    if (!answer.ok) throw new Error(`runner refused ${JSON.stringify(cmd)}: ${answer.error}`);
    return answer;
  }

  /** Closes stdin (the runner closes its sockets and exits), then waits; killed by PID at lab cleanup otherwise. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.stdin!.end();
    await settle(this.child, 2000);
  }
}

/** tcpdump in a namespace, line-buffered, collecting its output until stopped. */
export class Capture {
  lines: string[] = [];
  private constructor(private readonly child: ResultPromise) {
    createInterface({ input: child.stdout! }).on('line', (l) => this.lines.push(l));
  }

  static async start(lab: Lab, ns: string, filter: string): Promise<Capture> {
    const child = execa('ip', ['netns', 'exec', ns, 'tcpdump', '-i', 'eth0', '-l', '-nn', '-e', '-tt', filter], {
      reject: false, buffer: false, stdin: 'ignore',
    });
    if (child.pid) lab.trackPid(child.pid);
    const c = new Capture(child);
    let ready = false;
    child.stderr!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening on')) ready = true;
    });
    await waitFor(async () => ready, 5000, 'tcpdump to listen');
    lab.onCleanup(async () => c.stop());
    return c;
  }

  async stop(): Promise<void> {
    if (this.child.pid && this.child.exitCode === null) this.child.kill('SIGTERM');
    await settle(this.child, 2000);
  }
}

export { sh, nsExec };
