// Readiness of `standalone` under systemd (Type=notify): READY=1 once the first valid configuration
// is applied (IPs allocated, the plan handed to FRR and to the ARP/NDP responders, and FRR's first
// apply finished), and a one-line STATUS= after every change, which `systemctl status` shows.
// A configuration that is invalid from the start never makes the service ready: systemd then fails
// the start after TimeoutStartSec, as for any service that cannot come up.
import type { NodePlan } from '../speaker/types.js';
import type { Logger } from '../util/log.js';
import type { Notifier } from '../util/systemd-notify.js';

/** What standalone reports after each reconcile. */
export interface ReconcileReport {
  /** a valid configuration runs (the last good one when the newest is invalid) */
  running: boolean;
  /** what status.json holds besides the plan: configValid and configErrors once a valid configuration ran */
  status: Record<string, unknown>;
  /** this node's last plan */
  plan?: NodePlan;
  /** settles when FRR took the newest plan (or its apply failed and a retry is pending) */
  applied(): Promise<void>;
  /** the error of FRR's last apply, undefined after a success or without BGP */
  frrError(): Error | undefined;
}

/** One line for STATUS=: what is announced, and what is wrong. Pure. */
export function statusLine(r: ReconcileReport): string {
  if (!r.running) return 'waiting for a valid configuration: nothing is allocated or announced (the log names the problems)';
  const parts: string[] = [];
  const decisions = r.plan?.decisions ?? [];
  const services = new Set(decisions.map((d) => d.service));
  const here = new Set(decisions.filter((d) => d.announced).map((d) => d.service));
  const by = (p: 'bgp' | 'layer2') => decisions.filter((d) => d.announced && d.protocol === p).length;
  parts.push(`${here.size} of ${services.size} Service${services.size === 1 ? '' : 's'} announced from this node (BGP ${by('bgp')}, layer 2 ${by('layer2')})`);
  if (r.status.configValid === false) {
    const n = Array.isArray(r.status.configErrors) ? r.status.configErrors.length : 0;
    parts.push(`configuration invalid (${n} problem${n === 1 ? '' : 's'}): the last valid one keeps running`);
  }
  const frr = r.frrError();
  if (frr) parts.push(`FRR apply failing: ${frr.message.split('\n')[0].slice(0, 200)}`);
  return parts.join('; ');
}

/**
 * The hook standalone calls after each reconcile. Reports are handled one at a time and only the
 * newest pending one counts, so a burst of changes costs one wait for FRR, not one per change.
 */
export function serviceReadiness(notifier: Notifier, log: Logger): (r: ReconcileReport) => void {
  let ready = false;
  let lastStatus = '';
  let pending: ReconcileReport | undefined;
  let busy = false;

  const handle = async (r: ReconcileReport): Promise<void> => {
    if (r.running) await r.applied();
    const status = statusLine(r);
    if (r.running && !ready) {
      ready = true;
      lastStatus = status;
      log.info({ op: 'systemd', status }, 'configuration applied: ready');
      await notifier.notify({ READY: '1', STATUS: status });
    } else if (status !== lastStatus) {
      lastStatus = status;
      await notifier.notify({ STATUS: status });
    }
  };

  const drain = async (): Promise<void> => {
    busy = true;
    while (pending) {
      const r = pending;
      pending = undefined;
      await handle(r).catch((err: Error) => log.warn({ op: 'systemd', error: err.message }, 'readiness notification failed'));
    }
    busy = false;
  };

  return (r) => {
    pending = r;
    if (!busy) void drain();
  };
}
