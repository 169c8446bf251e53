// Network-namespace building blocks for end-to-end tests and the lab. Everything created is recorded
// in a Lab so that cleanup() removes it, also when a test fails. Processes are killed by PID only.
import { execa, type ResultPromise } from 'execa';

export async function sh(cmd: string, args: string[], opts: { reject?: boolean } = {}): Promise<string> {
  const r = await execa(cmd, args, { reject: opts.reject ?? true });
  return String(r.stdout);
}

/** Runs a command inside a namespace. */
export async function nsExec(ns: string, cmd: string, args: string[], opts: { reject?: boolean } = {}): Promise<string> {
  return sh('ip', ['netns', 'exec', ns, cmd, ...args], opts);
}

export class Lab {
  private readonly namespaces: string[] = [];
  private readonly links: string[] = [];
  private readonly pids: number[] = [];
  private readonly cleanups: Array<() => Promise<void>> = [];

  /** prefix keeps parallel suites apart (e.g. "mtbgp"); names are `${prefix}-${name}`. */
  constructor(readonly prefix: string) {}

  ns(name: string): string {
    return `${this.prefix}-${name}`;
  }

  async addNamespace(name: string): Promise<string> {
    const ns = this.ns(name);
    await sh('ip', ['netns', 'del', ns], { reject: false }); // leftover of a killed run
    await sh('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await nsExec(ns, 'ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** A veth pair between two namespaces, with addresses (CIDR notation) on each end, brought up. */
  async link(a: { ns: string; ifname: string; addrs: string[] }, b: { ns: string; ifname: string; addrs: string[] }): Promise<void> {
    const tmpA = `${this.prefix.slice(0, 6)}${Math.random().toString(36).slice(2, 8)}`;
    const tmpB = `${this.prefix.slice(0, 6)}${Math.random().toString(36).slice(2, 8)}`;
    await sh('ip', ['link', 'add', tmpA, 'type', 'veth', 'peer', 'name', tmpB]);
    this.links.push(tmpA);
    await sh('ip', ['link', 'set', tmpA, 'netns', a.ns]);
    await sh('ip', ['link', 'set', tmpB, 'netns', b.ns]);
    for (const [end, tmp] of [[a, tmpA], [b, tmpB]] as const) {
      await nsExec(end.ns, 'ip', ['link', 'set', tmp, 'name', end.ifname]);
      for (const addr of end.addrs) {
        const v6 = addr.includes(':');
        await nsExec(end.ns, 'ip', [...(v6 ? ['-6'] : []), 'addr', 'add', addr, 'dev', end.ifname, ...(v6 ? ['nodad'] : [])]);
      }
      await nsExec(end.ns, 'ip', ['link', 'set', end.ifname, 'up']);
    }
  }

  /** A bridge inside `ns` (a switch namespace); attach() plugs other namespaces into it. */
  async addBridge(ns: string, name: string): Promise<void> {
    await nsExec(ns, 'ip', ['link', 'add', name, 'type', 'bridge']);
    await nsExec(ns, 'ip', ['link', 'set', name, 'up']);
  }

  async attach(bridgeNs: string, bridge: string, port: string, end: { ns: string; ifname: string; addrs: string[] }): Promise<void> {
    await this.link({ ns: bridgeNs, ifname: port, addrs: [] }, end);
    await nsExec(bridgeNs, 'ip', ['link', 'set', port, 'master', bridge]);
  }

  /** Starts a long-running process (in a namespace when ns is set); killed by PID at cleanup. */
  spawn(ns: string | undefined, cmd: string, args: string[], env?: Record<string, string>): ResultPromise {
    const full = ns ? ['netns', 'exec', ns, cmd, ...args] : args;
    const child = execa(ns ? 'ip' : cmd, full, { reject: false, env, buffer: false, stdin: 'ignore' });
    if (child.pid) this.pids.push(child.pid);
    return child;
  }

  trackPid(pid: number): void {
    this.pids.push(pid);
  }

  onCleanup(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.splice(0).reverse()) {
      await fn().catch(() => undefined);
    }
    for (const pid of this.pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const ns of this.namespaces.splice(0).reverse()) {
      await sh('ip', ['netns', 'del', ns], { reject: false });
    }
    for (const l of this.links.splice(0)) {
      await sh('ip', ['link', 'del', l], { reject: false });
    }
  }
}
