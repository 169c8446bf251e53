// The speaker's node loop, shared by `standalone` and the in-cluster `speaker`: inputs in (a
// per-node Config and a Snapshot whose Services carry their IPs), plan, then drive FRR and the
// layer 2 announcer, keep metallb_speaker_announced, and log every announce/withdraw transition
// with upstream's event names.
import type { Snapshot } from '../api/snapshot.js';
import type { Config } from '../config/types.js';
import type { FrrApplier } from '../frr/applier.js';
import type { Announcement, Announcer } from '../layer2/announcer/announcer.js';
import { ElectionMemo } from '../layer2/election/memo.js';
import { speakerMetrics } from '../metrics/product.js';
import { planNode } from '../speaker/plan.js';
import type { NodePlan, ServiceDecision } from '../speaker/types.js';
import type { Logger, LogLevel } from '../util/log.js';
import type { Registry } from 'prom-client';

export interface SpeakerLoopOptions {
  node: string;
  hostname?: string;
  logLevel: LogLevel;
  lbClass?: string;
  ignoreExcludeLB?: boolean;
  logger: Logger;
  registry: Registry;
  /** absent: BGP off on this node (only update() is used, so tests may pass a recording stand-in) */
  applier?: Pick<FrrApplier, 'update'>;
  /**
   * absent: layer 2 off on this node. With knownInterfaces(), an IP whose advertisement names only
   * interfaces this node lacks is skipped (upstream's announceFailed).
   */
  announcer?: Pick<Announcer, 'setAnnouncements'> & Partial<Pick<Announcer, 'knownInterfaces'>>;
  /** live members; absent, or returning undefined: membership off (or not running yet), every Node counts as live */
  members?: () => ReadonlySet<string> | undefined;
  /** called after every plan (status writers, tests) */
  onPlan?: (plan: NodePlan) => void;
  /** an IP this node won for layer 2 started being skipped because none of its interfaces exists here */
  onAnnounceFailed?: (failure: AnnounceFailure) => void;
  /** while IPs are skipped for missing interfaces, how often the interfaces are looked at again (default 10 s, the announcer's rescan) */
  interfaceRecheckMs?: number;
}

export interface AnnounceFailure {
  ip: string;
  /** the Services using the IP, "ns/name" */
  services: string[];
  /** the interfaces the advertisements allow */
  interfaces: string[];
}

type Announced = { ips: string[]; pool?: string };

export class SpeakerLoop {
  private inputs: { config: Config; snapshot: Snapshot } | undefined;
  private readonly announced = new Map<string, Announced>(); // "protocol|ns/name"
  private readonly metrics: ReturnType<typeof speakerMetrics>;
  /** election results reused between plans: only Services whose inputs changed are hashed again */
  private readonly electionMemo = new ElectionMemo();
  /** IPs skipped for missing interfaces at the last plan (warned once per episode, not per plan) */
  private failedL2 = new Set<string>();
  private recheckTimer: NodeJS.Timeout | undefined;
  lastPlan: NodePlan | undefined;

  constructor(private readonly opts: SpeakerLoopOptions) {
    this.metrics = speakerMetrics(opts.registry);
  }

  /** New configuration or objects: plan again and drive the data planes. */
  update(config: Config, snapshot: Snapshot): NodePlan {
    this.inputs = { config, snapshot };
    return this.replan();
  }

  /** Same inputs, new live-member set (membership change). */
  membershipChanged(): void {
    if (this.inputs) this.replan();
  }

  private replan(): NodePlan {
    const { config, snapshot } = this.inputs!;
    const plan = planNode({
      config,
      snapshot,
      node: this.opts.node,
      hostname: this.opts.hostname,
      logLevel: this.opts.logLevel,
      frrLogLevel: frrLevelOverride(),
      members: this.opts.members?.(),
      lbClass: this.opts.lbClass,
      ignoreExcludeLB: this.opts.ignoreExcludeLB,
      electionMemo: this.electionMemo,
    });
    for (const e of plan.errors) this.opts.logger.error({ op: 'plan', error: e }, 'part of the announcement plan was dropped');
    this.opts.applier?.update(plan.bgp);
    if (this.opts.announcer) this.opts.announcer.setAnnouncements(this.announceable(plan.l2));
    this.track(plan.decisions);
    this.lastPlan = plan;
    this.opts.onPlan?.(plan);
    return plan;
  }

  /**
   * The layer 2 announcements minus those whose advertisement lists interfaces of which none exists
   * on this node: those are skipped with a warning (upstream spec 7.1, event announceFailed).
   */
  private announceable(l2: NodePlan['l2']): Announcement[] {
    const known = this.opts.announcer?.knownInterfaces ? new Set(this.opts.announcer.knownInterfaces()) : undefined;
    const out: Announcement[] = [];
    const failed = new Set<string>();
    for (const a of l2) {
      if (known && a.interfaces !== 'all' && !a.interfaces.some((i) => known.has(i))) {
        failed.add(a.ip);
        if (!this.failedL2.has(a.ip)) {
          this.opts.logger.warn({ op: 'setBalancer', protocol: 'layer2', ip: a.ip, services: a.serviceKeys, interfaces: a.interfaces, localIfs: [...known].sort() },
            'the interfaces specified to announce this LB IP do not exist on this node');
          this.opts.onAnnounceFailed?.({ ip: a.ip, services: a.serviceKeys, interfaces: a.interfaces });
        }
        continue;
      }
      out.push({ ip: a.ip, interfaces: a.interfaces });
    }
    this.failedL2 = failed;
    // An interface that appears later (the announcer rescans) must not wait for the next config change.
    if (failed.size > 0 && !this.recheckTimer) {
      this.recheckTimer = setInterval(() => this.recheckInterfaces(), this.opts.interfaceRecheckMs ?? 10_000);
      this.recheckTimer.unref();
    } else if (failed.size === 0) {
      this.stopRecheck();
    }
    return out;
  }

  private recheckInterfaces(): void {
    if (this.lastPlan && this.opts.announcer) this.opts.announcer.setAnnouncements(this.announceable(this.lastPlan.l2));
  }

  private stopRecheck(): void {
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    this.recheckTimer = undefined;
  }

  /** Stops the interface recheck (the role is shutting down). */
  stop(): void {
    this.stopRecheck();
  }

  /** Logs transitions and keeps metallb_speaker_announced in step with what is announced. */
  private track(decisions: ServiceDecision[]): void {
    const seen = new Set<string>();
    for (const d of decisions) {
      const key = `${d.protocol}|${d.service}`;
      const before = this.announced.get(key);
      if (d.announced) {
        seen.add(key);
        const changed = !before || before.ips.join() !== d.ips.join();
        if (before && changed) this.withdraw(key, before, 'loadBalancerIPChanged');
        if (changed) {
          this.opts.logger.info({ event: 'serviceAnnounced', service: d.service, ips: d.ips, pool: d.pool, protocol: d.protocol, ...(d.peers ? { peers: d.peers } : {}) }, 'service has IP, announcing');
          for (const ip of d.ips) this.metrics.announced.set({ service: d.service, protocol: d.protocol, node: this.opts.node, ip }, 1);
          this.announced.set(key, { ips: d.ips, pool: d.pool });
        }
      } else if (before) {
        seen.add(key); // handled here
        this.withdraw(key, before, d.reason ?? 'notOwner', d.detail);
      }
    }
    for (const [key, before] of [...this.announced]) {
      if (!seen.has(key)) this.withdraw(key, before, 'serviceDeleted');
    }
  }

  private withdraw(key: string, before: Announced, reason: string, detail?: string): void {
    const [protocol, service] = key.split('|');
    this.opts.logger.info({ event: 'serviceWithdrawn', service, ip: before.ips, ips: before.ips, protocol, reason, ...(detail ? { detail } : {}) }, 'withdrawing service announcement');
    for (const ip of before.ips) this.metrics.announced.remove({ service, protocol, node: this.opts.node, ip });
    this.announced.delete(key);
  }
}

function frrLevelOverride(): NodePlan['bgp']['logLevel'] | undefined {
  const v = process.env.FRR_LOGGING_LEVEL;
  const levels = ['debugging', 'informational', 'warnings', 'error', 'emergencies'];
  return v && levels.includes(v) ? (v as NodePlan['bgp']['logLevel']) : undefined;
}
