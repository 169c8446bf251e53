// The IP allocator (spec 3.3-3.5, 3.7): which Service holds which addresses, from which pool, and
// who may share them. Pure and in memory; the controller rebuilds it from Service status.
//
// Deterministic where upstream is not: pinned pools are tried by priority (positive ascending,
// then 0) and then by name; the other autoAssign pools are tried by name (upstream uses Go map
// order, i.e. random).
//
// Free addresses are found by walking the sorted runs of used addresses (UsedRanges), never by
// scanning or bitmapping a whole pool, so IPv6 /64 pools are as cheap as a /29.
import { type Family, type IP, type Prefix, formatIP, prefixContains, prefixLast } from '../api/ip.js';
import { selectorMatches } from '../api/selector.js';
import type { Config, Pool, ServiceAllocationConfig } from '../config/types.js';
import { type PoolCapacity, isBuggyIPv4, poolCapacity } from './capacity.js';
import { type Problem, type Result, fail, goQuote, goQuoteList } from './problem.js';
import { type ServiceFamily, type ServiceRequest, familyName, familyOfIPs, orderIPs } from './service-info.js';
import { UsedRanges } from './used-ranges.js';

interface ShareKey {
  sharing: string;
  backend: string;
}

interface Alloc {
  pool: string;
  ips: IP[];
  texts: string[];
  ports: string[];
  key: ShareKey;
}

/** Who uses one address. All users of an address carry the same key (sharingOK demands it). */
interface AddressUse {
  ip: IP;
  pool: string;
  key: ShareKey;
  users: Set<string>;
  /** "TCP/80" -> service key */
  ports: Map<string, string>;
}

/** Addresses used under one (sharing key, backend key), and on how many of them each port is taken. */
interface SharingGroup {
  ips: Set<string>;
  portUse: Map<string, number>;
}

const groupKey = (k: ShareKey): string => `${k.sharing}\n${k.backend}`;

interface CidrEntry {
  first: bigint;
  last: bigint;
  pool: Pool;
}

export interface PoolStats {
  name: string;
  capacity: PoolCapacity;
  /** distinct addresses in use (a shared address counts once) */
  inUseIPv4: number;
  inUseIPv6: number;
  inUse: number;
  availableIPv4: bigint;
  availableIPv6: bigint;
}

export type Allocation = Result<{ ips: IP[]; pool: string }>;

type FreeIPs = Partial<Record<Family, IP>>;

export class Allocator {
  private pools = new Map<string, Pool>();
  /** every pool CIDR per family, sorted by first address, for poolFor by binary search */
  private cidrIndex: Record<Family, CidrEntry[]> = { 4: [], 6: [] };
  private allocs = new Map<string, Alloc>();
  private uses = new Map<string, AddressUse>();
  private used: Record<Family, UsedRanges> = { 4: new UsedRanges(), 6: new UsedRanges() };
  /** (sharing key, backend key) -> addresses whose users carry it, to find shareable addresses without scanning */
  private groups = new Map<string, SharingGroup>();
  /** pool -> distinct addresses in use per family */
  private inUse = new Map<string, Record<Family, number>>();
  /** autoAssign pools with serviceAllocation, by priority then name (filtered per Service) */
  private pinnedOrder: Pool[] = [];
  /** autoAssign pools without serviceAllocation, by name */
  private openOrder: Pool[] = [];

  // ---- configuration -------------------------------------------------------------------------

  /**
   * Replaces the pools. An existing allocation whose addresses now belong to another pool is
   * accounted under that pool; one whose addresses are in no pool any more is dropped (the next
   * converge of that Service clears its status and allocates again).
   */
  setPools(config: Config | Map<string, Pool>): void {
    this.pools = new Map(config instanceof Map ? config : config.pools);
    this.cidrIndex = { 4: [], 6: [] };
    for (const pool of this.pools.values()) {
      for (const { prefix } of pool.cidrs) {
        this.cidrIndex[prefix.family].push({ first: prefix.network, last: prefixLast(prefix), pool });
      }
    }
    for (const f of [4, 6] as const) this.cidrIndex[f].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const auto = [...this.pools.values()].filter((p) => p.autoAssign);
    this.pinnedOrder = auto.filter((p) => p.serviceAllocation).sort(byPriorityThenName);
    this.openOrder = auto.filter((p) => !p.serviceAllocation).sort((a, b) => cmpStr(a.name, b.name));

    for (const [svc, alloc] of [...this.allocs]) {
      const pool = this.poolForIPs(alloc.ips);
      if (!pool) {
        this.release(svc);
      } else if (pool.name !== alloc.pool) {
        alloc.pool = pool.name;
        for (const t of alloc.texts) {
          const use = this.uses.get(t);
          if (use) use.pool = pool.name;
        }
      }
    }
    this.recount();
  }

  poolNames(): string[] {
    return [...this.pools.keys()].sort();
  }

  hasPool(name: string): boolean {
    return this.pools.has(name);
  }

  // ---- queries -------------------------------------------------------------------------------

  ips(svc: string): IP[] | undefined {
    return this.allocs.get(svc)?.ips;
  }

  pool(svc: string): string | undefined {
    return this.allocs.get(svc)?.pool;
  }

  /** The pool holding all of ips (none when they straddle pools or hit .0/.255 of an avoidBuggyIPs pool). */
  poolForIPs(ips: IP[]): Pool | undefined {
    if (ips.length === 0) return undefined;
    const pool = this.poolForIP(ips[0]);
    if (!pool) return undefined;
    return ips.every((ip) => this.poolForIP(ip) === pool) ? pool : undefined;
  }

  private poolForIP(ip: IP): Pool | undefined {
    const list = this.cidrIndex[ip.family];
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].first <= ip.value) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0 || list[found].last < ip.value) return undefined;
    const pool = list[found].pool;
    if (pool.avoidBuggyIPs && ip.family === 4 && isBuggyIPv4(ip.value)) return undefined;
    return pool;
  }

  /** Services using an address (sorted). */
  usersOf(ipText: string): string[] {
    return [...(this.uses.get(ipText)?.users ?? [])].sort();
  }

  stats(name: string): PoolStats | undefined {
    const pool = this.pools.get(name);
    if (!pool) return undefined;
    const capacity = poolCapacity(pool);
    const n = this.inUse.get(name) ?? { 4: 0, 6: 0 };
    return {
      name,
      capacity,
      inUseIPv4: n[4],
      inUseIPv6: n[6],
      inUse: n[4] + n[6],
      availableIPv4: capacity.ipv4 - BigInt(n[4]),
      availableIPv6: capacity.ipv6 - BigInt(n[6]),
    };
  }

  allStats(): PoolStats[] {
    return this.poolNames().map((n) => this.stats(n)!);
  }

  // ---- compatibility -------------------------------------------------------------------------

  /** serviceAllocation: the namespace set (when not empty) and any serviceSelector (when some) must admit the Service. */
  isCompatible(pool: Pool, req: ServiceRequest): boolean {
    const sa = pool.serviceAllocation;
    if (!sa) return true;
    if (namespaceRestricted(sa) && !sa.namespaces.has(req.namespace)) return false;
    if (sa.serviceSelectors.length > 0) return sa.serviceSelectors.some((s) => selectorMatches(s, req.labels));
    return true;
  }

  // ---- assign / release ----------------------------------------------------------------------

  /**
   * Gives exactly these addresses to the Service, if configuration and sharing allow it.
   * Idempotent: re-assigning a Service its own addresses re-validates them.
   */
  assign(req: ServiceRequest, ips: IP[]): Allocation {
    const texts = ips.map(formatIP);
    const pool = this.poolForIPs(ips);
    if (!pool) return fail('RequestedIPNotInPool', `${goQuoteList(texts)} is not allowed in config`);
    if (!this.isCompatible(pool, req)) {
      return fail('PoolNotAllowed', `pool ${pool.name} not compatible for ip assignment`, this.whyIncompatible(pool, req));
    }
    if (ips.length > 2) return fail('InvalidRequestedIPs', `more than two addresses ${goQuoteList(texts)}`);
    if (ips.length === 2 && ips[0].family === ips[1].family) {
      return fail('InvalidRequestedIPs', `${goQuote(texts[0])} ${goQuote(texts[1])} has the same family`);
    }
    const key = { sharing: req.sharingKey, backend: req.backendKey };
    for (const t of texts) {
      const problem = this.checkSharing(req.key, t, req.ports, key);
      if (problem) return { ok: false, problem };
    }
    const ordered = orderIPs(ips);
    const orderedTexts = ordered === ips || ordered[0] === ips[0] ? texts : [...texts].reverse();
    this.release(req.key);
    this.record(req.key, { pool: pool.name, ips: ordered, texts: orderedTexts, ports: [...req.ports], key });
    return { ok: true, ips: ordered, pool: pool.name };
  }

  /** Frees the Service's addresses; true when it had some. */
  release(svc: string): boolean {
    const alloc = this.allocs.get(svc);
    if (!alloc) return false;
    this.allocs.delete(svc);
    for (const t of alloc.texts) {
      const use = this.uses.get(t);
      if (!use) continue;
      this.unindex(t, use);
      use.users.delete(svc);
      for (const p of alloc.ports) if (use.ports.get(p) === svc) use.ports.delete(p);
      if (use.users.size === 0) this.forget(t, use);
      else this.index(t, use);
    }
    return true;
  }

  private record(svc: string, alloc: Alloc): void {
    this.allocs.set(svc, alloc);
    alloc.texts.forEach((t, i) => {
      let use = this.uses.get(t);
      if (!use) {
        const ip = alloc.ips[i];
        use = { ip, pool: alloc.pool, key: alloc.key, users: new Set(), ports: new Map() };
        this.uses.set(t, use);
        this.used[ip.family].add(ip.value);
        this.counter(alloc.pool)[ip.family]++;
      } else {
        this.unindex(t, use);
      }
      use.key = alloc.key;
      use.users.add(svc);
      for (const p of alloc.ports) use.ports.set(p, svc);
      this.index(t, use);
    });
  }

  private forget(text: string, use: AddressUse): void {
    this.uses.delete(text);
    this.used[use.ip.family].delete(use.ip.value);
    const c = this.inUse.get(use.pool);
    if (c) c[use.ip.family]--;
  }

  /** Adds the address and its taken ports to its sharing group (addresses without a key have none). */
  private index(text: string, use: AddressUse): void {
    if (!use.key.sharing) return;
    const k = groupKey(use.key);
    let g = this.groups.get(k);
    if (!g) this.groups.set(k, (g = { ips: new Set(), portUse: new Map() }));
    g.ips.add(text);
    for (const p of use.ports.keys()) g.portUse.set(p, (g.portUse.get(p) ?? 0) + 1);
  }

  private unindex(text: string, use: AddressUse): void {
    const k = groupKey(use.key);
    const g = this.groups.get(k);
    if (!g || !g.ips.delete(text)) return;
    for (const p of use.ports.keys()) {
      const n = (g.portUse.get(p) ?? 0) - 1;
      if (n > 0) g.portUse.set(p, n);
      else g.portUse.delete(p);
    }
    if (g.ips.size === 0) this.groups.delete(k);
  }

  private counter(pool: string): Record<Family, number> {
    let c = this.inUse.get(pool);
    if (!c) this.inUse.set(pool, (c = { 4: 0, 6: 0 }));
    return c;
  }

  private recount(): void {
    this.inUse = new Map();
    for (const use of this.uses.values()) this.counter(use.pool)[use.ip.family]++;
  }

  /**
   * May svc use the address? Free, or used only by Services with the same non-empty sharing key,
   * the same backend key and none of svc's ports. A Service alone on its address may change key.
   */
  private checkSharing(svc: string, text: string, ports: string[], key: ShareKey): Problem | undefined {
    const use = this.uses.get(text);
    if (!use) return undefined;
    const keyProblem = sharingProblem(use.key, key);
    if (keyProblem) {
      const others = [...use.users].filter((u) => u !== svc).sort();
      if (others.length > 0) {
        return { reason: 'SharingRefused', message: `${keyProblem}: ${goQuote(text)} is in use by ${others.join(',')}` };
      }
    }
    for (const p of ports) {
      const owner = use.ports.get(p);
      if (owner !== undefined && owner !== svc) {
        return { reason: 'PortInUse', message: `port ${p} is already in use on ${goQuote(text)}`, detail: `${p} is used by ${owner}` };
      }
    }
    return undefined;
  }

  // ---- allocation ----------------------------------------------------------------------------

  /** Any suitable address: pinned pools first (by priority, then name), then the other autoAssign pools (by name). */
  allocate(req: ServiceRequest): Allocation {
    const existing = this.allocs.get(req.key);
    if (existing) return this.assign(req, existing.ips);
    if (!req.family) return fail('InvalidClusterIPs', req.familyError ?? 'unknown service IP family');
    const pinned = this.pinnedPools(req);
    const first = this.allocateFromPools(pinned, req, req.family);
    if (first.ok) return first;
    const others = this.openOrder;
    const second = this.allocateFromPools(others, req, req.family);
    if (second.ok) return second;
    return this.explainNoIPs(req, req.family, [...pinned, ...others]);
  }

  /** From the named pool (autoAssign does not matter; serviceAllocation does). */
  allocateFromPool(req: ServiceRequest, poolName: string): Allocation {
    const existing = this.allocs.get(req.key);
    if (existing) {
      const fam = familyOfIPs(existing.ips);
      if ('error' in fam) return fail('InternalError', fam.error);
      if (req.policy !== 'PreferDualStack' && fam.family !== req.family) {
        return fail('InternalError', `IP for wrong family assigned alloc ${fam.family} service family ${req.family}`);
      }
      return this.assign(req, existing.ips);
    }
    const pool = this.pools.get(poolName);
    if (!pool) return fail('UnknownPool', `unknown pool ${goQuote(poolName)}`, this.unknownPoolDetail(poolName));
    if (!req.family) return fail('InvalidClusterIPs', req.familyError ?? 'unknown service IP family');
    if (!this.isCompatible(pool, req)) {
      return fail('PoolNotAllowed', `pool ${pool.name} not compatible for ip assignment`, this.whyIncompatible(pool, req));
    }
    const free = this.freeIPsInPool(pool, req);
    const ips = selectIPs(free, req.family, req.policy);
    if (!ips) return this.poolEmpty(pool, req.family);
    return this.assign(req, ips);
  }

  /**
   * Upstream leaves the Service pending rather than taking an address from another pool (some guides
   * say it falls back: it does not), so say which pools exist and what to change.
   */
  private unknownPoolDetail(poolName: string): string {
    const names = [...this.pools.keys()].sort();
    return (
      `no IPAddressPool is named ${goQuote(poolName)} (pools: ${names.join(', ') || 'none'}); the Service stays without an address, ` +
      'it does not fall back to other pools: fix the metallb.io/address-pool annotation or create the pool'
    );
  }

  /**
   * PreferDualStack Service holding one address: add one of the other family from the same pool,
   * keeping the first.
   */
  allocateAdditionalFamily(req: ServiceRequest, existing: IP, poolName: string): Result<{ ip: IP; ips: IP[]; pool: string }> {
    const pool = this.pools.get(poolName);
    if (!pool) return fail('UnknownPool', `unknown pool ${goQuote(poolName)}`);
    const fam: Family = existing.family === 4 ? 6 : 4;
    const ip = this.freeIPsInPool(pool, req)[fam];
    if (!ip) return this.poolEmpty(pool, familyName(fam));
    const r = this.assign(req, [existing, ip]);
    if (!r.ok) return r;
    return { ok: true, ip, ips: r.ips, pool: r.pool };
  }

  /** Pools reserved by serviceAllocation that admit this Service and may be used automatically. */
  private pinnedPools(req: ServiceRequest): Pool[] {
    return this.pinnedOrder.filter((p) => this.isCompatible(p, req));
  }

  private allocateFromPools(pools: Pool[], req: ServiceRequest, family: ServiceFamily): Allocation {
    const best = this.findBestPool(pools, req, family);
    if (!best) return fail('PoolExhausted', 'no available IPs');
    const ips = selectIPs(best.free, family, req.policy);
    if (!ips) return fail('PoolExhausted', 'no available IPs');
    return this.assign(req, ips);
  }

  /**
   * Single family: the first pool with a free address of it. Dual: the first pool with both; with
   * PreferDualStack, else the first with the primary family, else the first with the other.
   */
  private findBestPool(pools: Pool[], req: ServiceRequest, family: ServiceFamily): { pool: Pool; free: FreeIPs } | undefined {
    const primary: Family = req.primaryFamily;
    const secondary: Family = primary === 4 ? 6 : 4;
    let primaryCandidate: { pool: Pool; free: FreeIPs } | undefined;
    let secondaryCandidate: { pool: Pool; free: FreeIPs } | undefined;
    for (const pool of pools) {
      if (family !== 'dual' && !pool.families.has(family === 'ipv4' ? 4 : 6)) continue;
      const free = this.freeIPsInPool(pool, req);
      if (family === 'ipv4' && free[4]) return { pool, free };
      if (family === 'ipv6' && free[6]) return { pool, free };
      if (family !== 'dual') continue;
      if (free[4] && free[6]) return { pool, free };
      if (req.policy !== 'PreferDualStack') continue;
      if (free[primary] && !primaryCandidate) primaryCandidate = { pool, free };
      if (free[secondary] && !secondaryCandidate) secondaryCandidate = { pool, free };
    }
    return primaryCandidate ?? secondaryCandidate;
  }

  /** First free address of each family in the pool, CIDRs in pool order. */
  private freeIPsInPool(pool: Pool, req: ServiceRequest): FreeIPs {
    const free: FreeIPs = {};
    for (const { prefix } of pool.cidrs) {
      if (free[prefix.family]) continue;
      const v = this.firstFreeInCidr(prefix, pool.avoidBuggyIPs, req);
      if (v !== undefined) free[prefix.family] = { family: prefix.family, value: v };
    }
    return free;
  }

  /**
   * Lowest address of the CIDR this Service may take: the first unused one, or a lower address
   * it can share (same sharing key, same backend, no port clash), as upstream's linear scan would.
   */
  private firstFreeInCidr(prefix: Prefix, avoidBuggy: boolean, req: ServiceRequest): bigint | undefined {
    const buggy = avoidBuggy && prefix.family === 4;
    const skip = buggy ? skipBuggy : undefined;
    let best = this.used[prefix.family].firstFree(prefix.network, prefixLast(prefix), skip);
    const key = { sharing: req.sharingKey, backend: req.backendKey };
    for (const t of this.shareCandidates(req)) {
      const use = this.uses.get(t);
      if (!use || !prefixContains(prefix, use.ip)) continue;
      if (buggy && isBuggyIPv4(use.ip.value)) continue;
      if (best !== undefined && use.ip.value >= best) continue;
      if (!this.checkSharing(req.key, t, req.ports, key)) best = use.ip.value;
    }
    return best;
  }

  /**
   * Used addresses that might still be open to this Service: those of its sharing group, or its
   * own. When one of its ports is taken on every address of the group (many Services with one key
   * and the same port), none can be, and the group is skipped without a scan.
   */
  private *shareCandidates(req: ServiceRequest): Iterable<string> {
    const g = req.sharingKey ? this.groups.get(groupKey({ sharing: req.sharingKey, backend: req.backendKey })) : undefined;
    if (g && req.ports.every((p) => (g.portUse.get(p) ?? 0) < g.ips.size)) yield* g.ips;
    yield* this.allocs.get(req.key)?.texts ?? [];
  }

  private poolEmpty(pool: Pool, family: ServiceFamily): { ok: false; problem: Problem } {
    const message = `no available IPs in pool ${pool.name} for ${family} IPFamily`;
    const needed = family === 'dual' ? [4, 6] : [family === 'ipv4' ? 4 : 6];
    const missing = needed.filter((f) => !pool.families.has(f as Family));
    if (missing.length > 0) {
      return fail('NoPoolForFamily', message, `pool ${pool.name} has no IPv${missing[0]} addresses`);
    }
    return fail('PoolExhausted', message, `every ${family} address of pool ${pool.name} is in use or not shareable with this Service`);
  }

  /** Why allocate() found nothing, for a Service condition; upstream only says "no available IPs". */
  private explainNoIPs(req: ServiceRequest, family: ServiceFamily, candidates: Pool[]): { ok: false; problem: Problem } {
    const message = 'no available IPs';
    if (candidates.length === 0) {
      const why = this.poolNames().map((n) => {
        const p = this.pools.get(n)!;
        if (!p.autoAssign) return `${n}: autoAssign is false`;
        return `${n}: ${this.whyIncompatible(p, req)}`;
      });
      return fail('NoEligiblePool', message, `no IPAddressPool may be used automatically for this Service (${why.join('; ')})`);
    }
    const names = candidates.map((p) => p.name).join(', ');
    const needed: Family[] = family === 'ipv4' ? [4] : family === 'ipv6' ? [6] : [4, 6];
    const anyOne = family === 'dual' && req.policy === 'PreferDualStack';
    const hasFamily = candidates.some((p) => (anyOne ? p.families.size > 0 : needed.every((f) => p.families.has(f))));
    if (!hasFamily) {
      const what = family === 'dual' ? 'both IPv4 and IPv6' : family === 'ipv4' ? 'IPv4' : 'IPv6';
      return fail('NoPoolForFamily', message, `no eligible pool (${names}) has ${what} addresses`);
    }
    const sharing = req.sharingKey ? ` or shareable under key ${goQuote(req.sharingKey)}` : '';
    return fail('PoolExhausted', message, `eligible pools (${names}) have no ${family} address free${sharing} for this Service`);
  }

  private whyIncompatible(pool: Pool, req: ServiceRequest): string {
    const sa = pool.serviceAllocation;
    if (!sa) return 'serviceAllocation admits every Service';
    if (namespaceRestricted(sa) && !sa.namespaces.has(req.namespace)) {
      if (sa.namespaces.size === 0) return 'serviceAllocation.namespaceSelectors match no Namespace';
      return `serviceAllocation does not include namespace ${goQuote(req.namespace)}`;
    }
    if (sa.serviceSelectors.length > 0 && !sa.serviceSelectors.some((s) => selectorMatches(s, req.labels))) {
      return 'serviceAllocation.serviceSelectors do not match the Service labels';
    }
    return 'serviceAllocation is reserved for other Services';
  }
}

/**
 * Does serviceAllocation limit namespaces? An empty set limits to none when namespaces or
 * namespaceSelectors were written (selectors that match no Namespace yet); otherwise it means any.
 * Upstream reads the empty set as "any namespace" in both cases.
 */
function namespaceRestricted(sa: ServiceAllocationConfig): boolean {
  return sa.namespaces.size > 0 || sa.namespaceRestricted === true;
}

/** Allocation order: positive priority ascending, then priority 0 (none), then by name. */
function byPriorityThenName(a: Pool, b: Pool): number {
  const pa = a.serviceAllocation?.priority ?? 0;
  const pb = b.serviceAllocation?.priority ?? 0;
  if (pa !== pb) {
    if (pa === 0) return 1;
    if (pb === 0) return -1;
    return pa - pb;
  }
  return cmpStr(a.name, b.name);
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Next candidate after a .0 (-> .1) or .255 (-> next .1); undefined when v is fine. */
function skipBuggy(v: bigint): bigint | undefined {
  const last = v & 0xffn;
  if (last === 0n) return v + 1n;
  if (last === 255n) return v + 2n;
  return undefined;
}

/** The addresses a Service of this family and policy takes from one pool's free addresses; IPv4 first. */
function selectIPs(free: FreeIPs, family: ServiceFamily, policy: string): IP[] | undefined {
  if (family === 'ipv4') return free[4] ? [free[4]] : undefined;
  if (family === 'ipv6') return free[6] ? [free[6]] : undefined;
  if (policy === 'RequireDualStack') return free[4] && free[6] ? [free[4], free[6]] : undefined;
  if (policy === 'PreferDualStack') {
    if (free[4] && free[6]) return [free[4], free[6]];
    if (free[4]) return [free[4]];
    if (free[6]) return [free[6]];
  }
  return undefined;
}

function sharingProblem(existing: ShareKey, next: ShareKey): string | undefined {
  if (existing.sharing === '') return 'existing service does not allow sharing';
  if (next.sharing === '') return 'new service does not allow sharing';
  if (existing.sharing !== next.sharing) {
    return `sharing key ${goQuote(next.sharing)} does not match existing sharing key ${goQuote(existing.sharing)}`;
  }
  if (existing.backend !== next.backend) {
    return `backend key ${goQuote(next.backend)} does not match existing sharing key ${goQuote(existing.backend)}`;
  }
  return undefined;
}
