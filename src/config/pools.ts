// IPAddressPool -> Pool (spec 2.4): entries parsed the Go way, service allocation resolved against
// Namespace labels, names unique, and no CIDR may overlap any CIDR seen before it, in this pool or
// another (upstream compares each new CIDR with every earlier one, including the same pool's).
import type { Namespace } from '../api/core.js';
import type { IPAddressPool } from '../api/metallb.js';
import { formatPrefix, type Family, type Prefix } from '../api/ip.js';
import { OverlapIndex } from './overlap.js';
import { selectorMatches } from '../api/selector.js';
import { DEFAULTS } from '../api/defaults.js';
import type { Problems, Reporter } from './problems.js';
import type { Pool, PoolCIDR, ServiceAllocationConfig } from './types.js';
import { goQuote } from './duration.js';
import { parsePoolEntry } from './pool-cidr.js';
import { selectorInvalid, selectorListDuplicate } from './selectors.js';

/** A parsed pool plus what the advertisement rules need: its CIDRs grouped by address entry. */
export interface ParsedPool {
  pool: Pool;
  /** address entry text -> its prefixes (a range gives several; a duplicate entry text collapses) */
  entries: Map<string, Prefix[]>;
}

export function buildPools(pools: IPAddressPool[], namespaces: Namespace[], p: Problems): Map<string, ParsedPool> {
  const out = new Map<string, ParsedPool>();
  const seen = new OverlapIndex<string>();
  // Names of every parsed pool, kept or not: a second pool1 is a duplicate even when the first was
  // refused for overlapping, and is not compared with the first one's addresses as if it were the same pool.
  const names = new Set<string>();
  for (const cr of pools) {
    const name = cr.metadata.name;
    const r = p.for('IPAddressPool', name);
    const parsed = parsePool(cr, namespaces, r);
    if (!parsed) continue;
    if (names.has(name)) {
      r.error(`duplicate definition of pool ${goQuote(name)}: pool names must be unique`);
      continue;
    }
    names.add(name);
    // One line per address entry (a range may summarise into many CIDRs): its first clash.
    const reported = new Set<number>();
    for (const c of parsed.pool.cidrs) {
      const clash = seen.add(c.prefix, name);
      if (!clash || reported.has(c.entry)) continue;
      reported.add(c.entry);
      const where = clash.value === name ? 'this pool' : `pool ${clash.value}`;
      r.error(
        `CIDR ${goQuote(formatPrefix(c.prefix))} in pool ${goQuote(name)} overlaps with already defined CIDR ${goQuote(formatPrefix(clash.prefix))}` +
          ` (in ${where}): pools may not share addresses`,
        `spec.addresses[${c.entry}]`,
      );
    }
    const overlapping = reported.size > 0;
    if (!overlapping) out.set(name, parsed);
  }
  return out;
}

function parsePool(cr: IPAddressPool, namespaces: Namespace[], r: Reporter): ParsedPool | undefined {
  const spec = (cr.spec ?? {}) as unknown as Record<string, unknown>;
  const name = cr.metadata.name;
  if (spec.addresses === undefined || spec.addresses === null) r.error('Required value: list the pool\'s CIDRs or ranges', 'spec.addresses');
  const addresses = r.list<string>(spec, 'addresses', 'spec.addresses', 'string');
  const autoAssign = r.bool(spec, 'autoAssign', 'spec.autoAssign') ?? DEFAULTS.autoAssign;
  const avoidBuggyIPs = r.bool(spec, 'avoidBuggyIPs', 'spec.avoidBuggyIPs') ?? DEFAULTS.avoidBuggyIPs;
  if (Array.isArray(spec.addresses) && spec.addresses.length === 0) r.error('pool has no prefixes defined: list at least one CIDR or range in spec.addresses', 'spec.addresses');

  const cidrs: PoolCIDR[] = [];
  const entries = new Map<string, Prefix[]>();
  const families = new Set<Family>();
  addresses.forEach((entry, i) => {
    const res = parsePoolEntry(entry);
    if (!res.ok) {
      r.error(`invalid CIDR ${goQuote(entry)} in pool ${goQuote(name)}: ${res.error} (write 192.0.2.0/24 or 192.0.2.10-192.0.2.20)`, `spec.addresses[${i}]`);
      return;
    }
    if (res.prefixes.length === 0) r.warn(`spec.addresses[${i}] ${goQuote(entry)} mixes IPv4 and IPv6 and holds no address`);
    for (const prefix of res.prefixes) {
      cidrs.push({ prefix, entry: i });
      families.add(prefix.family);
    }
    entries.set(entry, res.prefixes);
  });

  const allocation = serviceAllocation(spec.serviceAllocation, namespaces, name, r);
  if (!r.ok) return undefined;
  const pool: Pool = {
    name,
    cidrs,
    families,
    autoAssign,
    avoidBuggyIPs,
    labels: { ...(cr.metadata.labels ?? {}) },
    bgpAdvertisements: [],
    l2Advertisements: [],
  };
  if (allocation) pool.serviceAllocation = allocation;
  return { pool, entries };
}

function serviceAllocation(raw: unknown, namespaces: Namespace[], pool: string, r: Reporter): ServiceAllocationConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    r.error(`Invalid value: ${JSON.stringify(raw)}: spec.serviceAllocation in body must be of type object`, 'spec.serviceAllocation');
    return undefined;
  }
  const sa = raw as Record<string, unknown>;
  const priority = r.int(sa, 'priority', 'spec.serviceAllocation.priority') ?? DEFAULTS.priority;
  const nsList = r.list<string>(sa, 'namespaces', 'spec.serviceAllocation.namespaces', 'string');
  const nsSelectors = r.selectors(sa, 'namespaceSelectors', 'spec.serviceAllocation.namespaceSelectors');
  const svcSelectors = r.selectors(sa, 'serviceSelectors', 'spec.serviceAllocation.serviceSelectors');
  const set = new Set<string>();
  for (const ns of nsList) {
    if (set.has(ns)) r.error(`duplicate definition in namespaces field: ${goQuote(ns)} is listed twice`, 'spec.serviceAllocation.namespaces');
    set.add(ns);
  }
  const dupNs = selectorListDuplicate(nsSelectors, 'namespaceSelectors');
  if (dupNs) r.error(dupNs, 'spec.serviceAllocation.namespaceSelectors');
  const dupSvc = selectorListDuplicate(svcSelectors, 'serviceSelectors');
  if (dupSvc) r.error(dupSvc, 'spec.serviceAllocation.serviceSelectors');
  nsSelectors.forEach((s, i) => {
    const bad = selectorInvalid(s);
    for (const why of bad) r.error(`invalid namespace label selector in ip pool ${pool}: ${why}`, `spec.serviceAllocation.namespaceSelectors[${i}]`);
    if (bad.length === 0) for (const ns of namespaces) if (selectorMatches(s, ns.metadata.labels)) set.add(ns.metadata.name);
  });
  svcSelectors.forEach((s, i) => {
    for (const why of selectorInvalid(s)) r.error(`invalid service label selector in ip pool ${pool}: ${why}`, `spec.serviceAllocation.serviceSelectors[${i}]`);
  });
  // Namespaces were asked for but none matched (e.g. no Namespace has the selected label yet): the
  // pool must not become open to every namespace, which an empty set would otherwise mean.
  const namespaceRestricted = nsList.length > 0 || nsSelectors.length > 0;
  return { priority, namespaces: set, serviceSelectors: svcSelectors, ...(namespaceRestricted ? { namespaceRestricted } : {}) };
}
