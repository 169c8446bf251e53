// One `metallb-ts standalone` in a node namespace, its JSON log lines parsed as they come, so the lab
// and the tests can wait for a log event (IPAllocated, serviceAnnounced, memberChanged...) and read
// the state dir (status.json). Killed by PID at lab cleanup.
//
// The log goes to STATE_DIR/standalone.log, not to a pipe: with the demo's --keep the process outlives
// the demo, and a closed pipe would kill it on its next log line. The file is followed by polling.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../harness/netns.js';

export interface LogLine {
  level?: string;
  msg?: string;
  event?: string;
  [k: string]: unknown;
}

export interface StandaloneSpec {
  root: string;
  ns: string;
  node: string;
  configDir: string;
  stateDir: string;
  /** FRR pathspace; undefined = --no-bgp */
  pathspace?: string;
  secretFile?: string;
  metricsPort: number;
  extraArgs?: string[];
}

export class StandaloneProcess {
  readonly logs: LogLine[] = [];
  private waiters: Array<() => void> = [];

  private partial = '';
  private readonly timer: NodeJS.Timeout;

  private readonly done: Promise<void>;
  private ended = false;

  private constructor(readonly spec: StandaloneSpec, readonly child: ChildProcess, readonly logFile: string, private offset: number) {
    this.timer = setInterval(() => this.follow(), 20);
    this.timer.unref();
    this.done = new Promise<void>((resolve) => {
      const end = () => {
        this.ended = true;
        this.follow();
        clearInterval(this.timer);
        for (const w of this.waiters.splice(0)) w();
        resolve();
      };
      child.once('exit', end);
      child.once('error', end);
    });
  }

  /** Reads what the process appended to its log since the last call. */
  private follow(): void {
    let fd: number;
    try {
      fd = openSync(this.logFile, 'r');
    } catch {
      return;
    }
    try {
      const buf = Buffer.alloc(1 << 16);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        this.partial += buf.subarray(0, n).toString('utf8');
      }
    } finally {
      closeSync(fd);
    }
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    if (lines.length === 0) return;
    for (const l of lines) {
      if (!l.trim()) continue;
      try {
        this.logs.push(JSON.parse(l) as LogLine);
      } catch {
        this.logs.push({ msg: l });
      }
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** stderr of the process (start-up failures) */
  get stderr(): string {
    try {
      return readFileSync(join(this.spec.stateDir, 'standalone.stderr'), 'utf8').slice(-4000);
    } catch {
      return '';
    }
  }

  /** Stops following the log (the process itself keeps running). */
  detach(): void {
    clearInterval(this.timer);
  }

  static start(lab: Lab, spec: StandaloneSpec): StandaloneProcess {
    const args = [
      join(spec.root, 'bin', 'metallb-ts'), 'standalone',
      '--config', spec.configDir, '--node', spec.node, '--hostname', spec.node,
      '--state-dir', spec.stateDir, '--metrics-port', String(spec.metricsPort),
      ...(spec.pathspace ? ['--vtysh-pathspace', spec.pathspace] : ['--no-bgp']),
      ...(spec.secretFile ? ['--ml-secret-file', spec.secretFile] : []),
      ...(spec.extraArgs ?? []),
    ];
    // `ip netns exec` execs node: the PID we track is the product's own.
    const logFile = join(spec.stateDir, 'standalone.log');
    // a restart appends to the same file: follow from its current end
    const start = existsSync(logFile) ? statSync(logFile).size : 0;
    // Real file descriptors (execa's {file} option pipes through this process instead).
    const out = openSync(logFile, 'a');
    const err = openSync(join(spec.stateDir, 'standalone.stderr'), 'a');
    const child = spawn('ip', ['netns', 'exec', spec.ns, process.execPath, ...args], {
      stdio: ['ignore', out, err], cwd: spec.root, detached: true,
    });
    child.unref(); // with the demo's --keep it outlives us
    closeSync(out);
    closeSync(err);
    if (child.pid) lab.trackPid(child.pid);
    return new StandaloneProcess(spec, child, logFile, start);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return !this.ended;
  }

  /** Resolves with the first log line (from index `from` on) that matches; rejects after timeoutMs. */
  async waitLog(pred: (l: LogLine) => boolean, timeoutMs: number, what: string, from = 0): Promise<LogLine> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.logs.slice(from).find(pred);
      if (hit) return hit;
      if (!this.running) throw new Error(`${this.spec.node}: standalone exited (${this.child.exitCode ?? this.child.signalCode}) while waiting for ${what}; stderr: ${this.stderr.slice(-1500)}`);
      if (Date.now() > end) throw new Error(`${this.spec.node}: timed out after ${timeoutMs} ms waiting for ${what}; last logs: ${JSON.stringify(this.logs.slice(-5))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100); // ref: keeps a waiting program alive (the child and the log timer are unref'd)
      });
    }
  }

  /** STATE_DIR/status.json (decisions per service and protocol, allocations), or undefined before the first plan. */
  status(): StandaloneStatus | undefined {
    const f = join(this.spec.stateDir, 'status.json');
    if (!existsSync(f)) return undefined;
    try {
      return JSON.parse(readFileSync(f, 'utf8')) as StandaloneStatus;
    } catch {
      return undefined; // replaced by rename: a read never sees half a file, but be safe
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  async exited(timeoutMs = 5000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.done, new Promise<void>((r) => { t = setTimeout(r, timeoutMs); })]);
    clearTimeout(t);
  }
}

export interface StandaloneStatus {
  node: string;
  allocations?: Record<string, { ips: string[]; pool: string } | { error: string }>;
  decisions?: { service: string; protocol: 'bgp' | 'layer2'; announced: boolean; reason?: string; ips: string[]; winner?: string }[];
  configValid?: boolean;
  configErrors?: string[];
}
