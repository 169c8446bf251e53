// The FRR applier: takes NodeBGPIntents and keeps a running FRR in step, without resetting sessions.
//
// - Leading-edge debounce: the first change after a quiet period applies at once; changes arriving
//   within `debounceMs` of the last apply coalesce, and the newest intent always wins.
// - Incremental by default: the commands come from diffIntents(last applied, newest) (src/frr/render/
//   diff.ts), so a Service costs a `network` line, never a neighbor.
// - Full apply when FRR's state is unknown: first apply, FRR restarted (its daemon PIDs changed),
//   drift found by checkDrift(), or a failed apply (it may have stopped half-way). A full apply reads
//   `show running-config` and sends the commands from what FRR has to what we want: no frr-reload.py,
//   no neighbor touched unless it differs.
// - Before applying, the whole frr.conf is written (mode 0600) where FRR reads it when it restarts.
// - A failed apply is logged with vtysh's error (passwords redacted), counted, and retried with
//   exponential backoff; the retry always takes the newest intent.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { Counter, Histogram, Registry } from 'prom-client';
import type { NodeBGPIntent } from '../bgp/types.js';
import type { Logger } from '../util/log.js';
import { render } from './frr-conf.js';
import { buildModel } from './render/build.js';
import { diffModels } from './render/diff.js';
import type { FrrModel } from './render/model.js';
import { parseConfig } from './render/parse.js';
import { redact, type VtyshRunner } from './vtysh.js';

export interface ApplierOptions {
  vtysh: VtyshRunner;
  /** where the whole frr.conf is written (mode 0600); undefined = not written */
  configPath?: string;
  /** coalescing window after an apply; default 75 ms */
  debounceMs?: number;
  /** first retry delay after a failure; doubles up to retryMaxMs. Defaults 200 ms and 30 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * Identity of the running FRR (e.g. its daemon PIDs); a change means FRR restarted and its state
   * is unknown. Default: pidProbe('/var/run/frr').
   */
  stateProbe?: () => Promise<string>;
  logger?: Logger;
  /** metrics are registered here; default: a private registry */
  registry?: Registry;
}

export type ApplyMode = 'incremental' | 'full';

/** Reads the PID files of FRR's daemons under runDir (`/var/run/frr[/<pathspace>]`). */
export function pidProbe(runDir: string, daemons = ['zebra', 'bgpd', 'bfdd', 'staticd']): () => Promise<string> {
  return async () => {
    const parts = await Promise.all(daemons.map((d) => readFile(`${runDir}/${d}.pid`, 'utf8').then((t) => t.trim(), () => '-')));
    return parts.join(',');
  };
}

export function applierMetrics(registry: Registry): { duration: Histogram<'mode'>; errors: Counter; applies: Counter<'mode'>; drift: Counter } {
  return {
    duration: new Histogram({
      name: 'metallb_frr_apply_duration_seconds',
      help: 'Time to apply a configuration change to FRR through vtysh',
      labelNames: ['mode'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    errors: new Counter({ name: 'metallb_frr_apply_errors_total', help: 'Failed applies of configuration to FRR', registers: [registry] }),
    applies: new Counter({ name: 'metallb_frr_applies_total', help: 'Successful applies of configuration to FRR', labelNames: ['mode'], registers: [registry] }),
    drift: new Counter({ name: 'metallb_frr_drift_total', help: "Times FRR's running configuration differed from the applied intent", registers: [registry] }),
  };
}


export class FrrApplier {
  private desired: NodeBGPIntent | undefined;
  private applied: NodeBGPIntent | undefined;
  /** model of `applied`, kept so an incremental apply builds one model, not two */
  private appliedModel: FrrModel | undefined;
  private unknown = true;
  private probe: string | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private lastRunAt = -Infinity;
  private failures = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private readonly debounceMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly stateProbe: () => Promise<string>;
  private readonly watchTimers: NodeJS.Timeout[] = [];
  readonly metrics: ReturnType<typeof applierMetrics>;
  /** the error of the last attempt, undefined after a success */
  lastError: Error | undefined;
  /** how the last successful apply went (for tests, benchmarks and logs) */
  lastApply: { mode: ApplyMode; commands: number; seconds: number } | undefined;

  constructor(private readonly opts: ApplierOptions) {
    this.debounceMs = opts.debounceMs ?? 75;
    this.retryBaseMs = opts.retryBaseMs ?? 200;
    this.retryMaxMs = opts.retryMaxMs ?? 30_000;
    this.stateProbe = opts.stateProbe ?? pidProbe('/var/run/frr');
    this.metrics = applierMetrics(opts.registry ?? new Registry());
  }

  /** The newest intent; applied at once after a quiet period, else coalesced. */
  update(intent: NodeBGPIntent): void {
    this.desired = intent;
    this.kick();
  }

  /** Forces the next apply to be a full one (e.g. the caller knows FRR restarted). */
  markUnknown(): void {
    this.unknown = true;
    if (this.desired) {
      this.applied = undefined;
      this.appliedModel = undefined;
      this.kick();
    }
  }

  /** 'applying' now, 'waiting' for the debounce window or a retry, or 'idle'. */
  get state(): 'applying' | 'waiting' | 'idle' {
    return this.running ? 'applying' : this.timer ? 'waiting' : 'idle';
  }

  get lastApplied(): NodeBGPIntent | undefined {
    return this.applied;
  }

  /** Resolves when the newest intent is applied, or an apply failed and a retry is pending. */
  async idle(): Promise<void> {
    if (!this.running && !this.timer) return;
    if (!this.running && this.failures > 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Watches FRR between changes: every restartCheckMs reads the daemons' PIDs (a restarted FRR comes
   * back empty and must be re-applied now, not at the next change), and every driftCheckMs compares
   * the running configuration with the applied intent. Timers stop with stop().
   */
  watch(opts: { restartCheckMs?: number; driftCheckMs?: number } = {}): void {
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(() => {
        if (this.stopped || this.running || this.timer) return;
        fn().catch((err: Error) => this.opts.logger?.warn({ op: 'frr-watch', error: redact(err.message) }, 'FRR check failed'));
      }, ms);
      t.unref();
      this.watchTimers.push(t);
    };
    every(opts.restartCheckMs ?? 2000, () => this.checkRestart());
    if ((opts.driftCheckMs ?? 60_000) > 0) every(opts.driftCheckMs ?? 60_000, () => this.checkDrift());
  }

  /** True (and a full apply scheduled) when FRR's daemons changed since the last apply. */
  async checkRestart(): Promise<boolean> {
    if (this.probe === undefined || this.running) return false;
    const probe = await this.stateProbe();
    if (probe === this.probe) return false;
    this.opts.logger?.info({ op: 'frr-apply', reason: 'frr-restarted' }, 'FRR restarted: applying the whole configuration again');
    this.markUnknown();
    return true;
  }

  stop(): void {
    for (const t of this.watchTimers.splice(0)) clearInterval(t);
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wakeIdle();
  }

  /**
   * Compares FRR's running configuration with the last applied intent; on a difference the state is
   * unknown and a full apply follows. Returns true when it found drift.
   */
  async checkDrift(): Promise<boolean> {
    if (!this.applied || this.running) return false;
    const want = this.appliedModel ?? buildModel(this.applied);
    const have = parseConfig(await this.opts.vtysh.show('show running-config'));
    // bgpextras are the operator's: compared as sent, never as drift.
    const cmds = diffModels({ ...have, extras: want.extras }, want);
    if (cmds.length === 0) return false;
    this.metrics.drift.inc();
    this.opts.logger?.warn({ op: 'frr-drift', commands: cmds.length, first: redact(cmds[0]) }, 'FRR running configuration drifted from the applied intent');
    this.markUnknown();
    return true;
  }

  private wakeIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private kick(): void {
    if (this.running || this.timer || this.stopped) return;
    const wait = Math.max(0, this.lastRunAt + this.debounceMs - performance.now());
    if (wait === 0) void this.loop();
    else this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.loop();
    }, wait);
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && this.desired && (this.desired !== this.applied || this.unknown)) {
        const wait = this.lastRunAt + this.debounceMs - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const target = this.desired;
        this.lastRunAt = performance.now();
        try {
          await this.applyOnce(target);
          this.failures = 0;
          this.lastError = undefined;
        } catch (e) {
          this.failures++;
          this.unknown = true;
          this.lastError = e as Error;
          this.metrics.errors.inc();
          const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (this.failures - 1));
          this.opts.logger?.error({ op: 'frr-apply', error: redact(String((e as Error).message)), retryInMs: delay }, 'applying configuration to FRR failed');
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.kick();
          }, delay);
          return;
        }
      }
    } finally {
      this.running = false;
      if (!this.timer) this.wakeIdle();
      else if (this.failures > 0) this.wakeIdle();
    }
  }

  private async writeConfigFile(intent: NodeBGPIntent): Promise<void> {
    const path = this.opts.configPath;
    if (!path) return;
    const tmp = `${path}.tmp`;
    await writeFile(tmp, render(intent), { mode: 0o600 });
    await rename(tmp, path);
  }

  private async applyOnce(target: NodeBGPIntent): Promise<void> {
    const start = performance.now();
    const probe = await this.stateProbe();
    if (this.probe !== undefined && probe !== this.probe) {
      this.opts.logger?.info({ op: 'frr-apply', reason: 'frr-restarted' }, 'FRR restarted: full apply');
      this.unknown = true;
    }
    await this.writeConfigFile(target);
    let mode: ApplyMode;
    let commands: string[];
    const next = buildModel(target);
    if (this.unknown || !this.appliedModel) {
      mode = 'full';
      const have = parseConfig(await this.opts.vtysh.show('show running-config'));
      commands = diffModels(have, next, { forceExtras: true, resendPolicy: true });
    } else {
      mode = 'incremental';
      commands = diffModels(this.appliedModel, next);
    }
    await this.opts.vtysh.configure(commands);
    this.applied = target;
    this.appliedModel = next;
    this.unknown = false;
    this.probe = probe;
    const seconds = (performance.now() - start) / 1000;
    this.metrics.duration.observe({ mode }, seconds);
    this.metrics.applies.inc({ mode });
    this.lastApply = { mode, commands: commands.length, seconds };
    this.opts.logger?.debug({ op: 'frr-apply', mode, commands: commands.length, seconds }, 'applied configuration to FRR');
  }
}
