// Upstream refuses a new configuration while a Service this speaker announces would have its IPs
// outside every pool of it ("service has no configuration under new config"): the speaker keeps the
// old configuration and retries, instead of withdrawing live Services on a pool edit.
import { parseIP } from '../api/ip.js';
import type { Config } from '../config/types.js';
import { poolFor } from './service-ips.js';
import type { NodePlan } from './types.js';

/** Services announced in `current` whose IPs no single pool of `next` holds; empty = safe to switch. */
export function servicesWithoutConfig(current: NodePlan, next: Config): string[] {
  const out = new Set<string>();
  for (const d of current.decisions) {
    if (!d.announced) continue;
    const ips = d.ips.map((t) => parseIP(t));
    if (ips.some((ip) => !ip) || !poolFor(next, ips.map((ip) => ip!))) out.add(d.service);
  }
  return [...out].sort();
}
