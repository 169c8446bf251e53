// A real FRR 8.4 inside a network namespace of a Lab, with a pathspace of the same name, so several
// FRRs run side by side and `vtysh -N <pathspace>` reaches each one from the root namespace.
//
//   const lab = new Lab('mtfrr');
//   const ns = await lab.addNamespace('router');
//   const frr = await startFrr(lab, { ns, listen: true });
//   await frr.configure(['router bgp 64513', 'neighbor 192.0.2.1 remote-as 64512']);
//   const summary = await frr.json('show bgp summary json');
//   ...
//   await lab.cleanup();   // stops the daemons (by PID) and removes /etc/frr/<ps>, /var/run/frr/<ps>
//
// The daemons are started directly (no watchfrr): zebra, bgpd, bfdd, staticd with `-N <pathspace> -d`.
// Their PIDs come from the pid files and are killed at cleanup, also when the test failed.
import { execa } from 'execa';
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Lab } from './netns.js';

export type FrrDaemon = 'zebra' | 'bgpd' | 'bfdd' | 'staticd';

export interface FrrOptions {
  /** network namespace to run in (created by the Lab) */
  ns: string;
  /** pathspace; defaults to the namespace name */
  pathspace?: string;
  /** daemons to start; default zebra, bgpd, bfdd, staticd */
  daemons?: FrrDaemon[];
  /**
   * true: bgpd listens on TCP 179 (an external router). false (default): `-p 0` like the MetalLB
   * sidecar, which only connects out.
   */
  listen?: boolean;
  /** configuration applied once the daemons are up (a small bootstrap; push big configs afterwards) */
  config?: string;
}

const FRR_BIN = '/usr/lib/frr';
const FRR_UID_GID = (): { uid: number; gid: number } => {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('frr:'));
  if (!line) throw new Error('user frr not found: install the frr package (scripts/setup.sh)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
};

export class FrrInstance {
  constructor(
    readonly ns: string,
    readonly pathspace: string,
    readonly pids: Map<FrrDaemon, number>,
    private readonly starter: (d: FrrDaemon) => Promise<number>,
  ) {}

  /** Kills one daemon and starts it again (empty config, new PID), like a crash under watchfrr. */
  async restart(d: FrrDaemon): Promise<void> {
    const old = this.pids.get(d);
    if (old) {
      try {
        process.kill(old, 'SIGKILL');
      } catch {
        // gone already
      }
      await waitFor(`${d} to exit`, async () => {
        try {
          process.kill(old, 0);
          return undefined;
        } catch {
          return true;
        }
      }, 5000);
    }
    rmSync(`/var/run/frr/${this.pathspace}/${d}.pid`, { force: true });
    this.pids.set(d, await this.starter(d));
    await waitFor(`${d} back`, async () => ((await this.vtysh(['show daemons'])).includes(d) ? true : undefined), 10000);
  }

  /** Runs vtysh with the given -c commands; throws with vtysh's output when it fails. */
  async vtysh(commands: string[]): Promise<string> {
    const args = ['-N', this.pathspace, ...commands.flatMap((c) => ['-c', c])];
    const r = await execa('vtysh', args, { reject: false });
    if (r.exitCode !== 0) {
      throw new Error(`vtysh -N ${this.pathspace} failed (${r.exitCode}): ${String(r.stdout)} ${String(r.stderr)}`.trim());
    }
    return String(r.stdout);
  }

  /** A show command with JSON output. */
  async json<T = unknown>(command: string): Promise<T> {
    return JSON.parse(await this.vtysh([command])) as T;
  }

  /** Configuration lines, entered in one vtysh process after `configure terminal`. */
  async configure(lines: string[]): Promise<string> {
    return this.vtysh(['configure terminal', ...lines]);
  }

  /** Loads a whole configuration text (like a frr.conf) through `vtysh -f`. */
  async load(text: string): Promise<string> {
    const file = `/etc/frr/${this.pathspace}/load-${process.pid}-${Date.now()}.conf`;
    writeFileSync(file, text, { mode: 0o600 });
    try {
      const r = await execa('vtysh', ['-N', this.pathspace, '-f', file], { reject: false });
      if (r.exitCode !== 0) throw new Error(`vtysh -f failed (${r.exitCode}): ${String(r.stdout)} ${String(r.stderr)}`.trim());
      return String(r.stdout);
    } finally {
      rmSync(file, { force: true });
    }
  }

  async runningConfig(): Promise<string> {
    return this.vtysh(['show running-config']);
  }

  /** Stops every daemon (SIGKILL by PID: tests need no graceful shutdown). */
  stop(): void {
    for (const pid of this.pids.values()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.pids.clear();
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts FRR in `opts.ns`; the Lab stops it and removes its folders at cleanup. */
export async function startFrr(lab: Lab, opts: FrrOptions): Promise<FrrInstance> {
  const ps = opts.pathspace ?? opts.ns;
  const daemons = opts.daemons ?? ['zebra', 'bgpd', 'bfdd', 'staticd'];
  const etc = `/etc/frr/${ps}`;
  const run = `/var/run/frr/${ps}`;
  const { uid, gid } = FRR_UID_GID();
  const pids = new Map<FrrDaemon, number>();
  const start = async (d: FrrDaemon): Promise<number> => {
    const args = ['-N', ps, '-d', '-F', 'traditional', '-A', '127.0.0.1'];
    if (d === 'zebra') args.push('-s', '90000000');
    if (d === 'bgpd' && !opts.listen) args.push('-p', '0');
    // stdio ignored: a daemonized child must not hold the test's pipes open.
    await execa('ip', ['netns', 'exec', opts.ns, `${FRR_BIN}/${d}`, ...args], { stdio: 'ignore' });
    const pid = await waitFor(`${d} pid file`, async () => {
      const text = readFileSync(`${run}/${d}.pid`, 'utf8').trim();
      return text ? Number(text) : undefined;
    }, 5000);
    lab.trackPid(pid);
    return pid;
  };
  const instance = new FrrInstance(opts.ns, ps, pids, start);
  lab.onCleanup(async () => {
    instance.stop();
    rmSync(run, { recursive: true, force: true });
    rmSync(etc, { recursive: true, force: true });
  });

  // Leftovers of a killed run would make the daemons refuse to start (pid files, sockets).
  rmSync(run, { recursive: true, force: true });
  rmSync(etc, { recursive: true, force: true });
  for (const d of [etc, run]) {
    mkdirSync(d, { recursive: true });
    chownSync(d, uid, gid);
  }
  for (const [f, text] of [['vtysh.conf', 'service integrated-vtysh-config\n'], ['frr.conf', '']] as const) {
    writeFileSync(`${etc}/${f}`, text, { mode: 0o640 });
    chownSync(`${etc}/${f}`, uid, gid);
  }

  for (const d of daemons) pids.set(d, await start(d));
  await waitFor(`${ps} daemons`, async () => {
    const out = await instance.vtysh(['show daemons']);
    return daemons.every((d) => out.includes(d)) ? true : undefined;
  }, 10000);
  if (opts.config) await instance.load(opts.config);
  return instance;
}
