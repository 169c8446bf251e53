// Outbound policy whose size does not grow with the number of Services.
//
// Upstream writes one prefix-list entry per advertised prefix into every neighbor's lists, and FRR
// pays O(list size) per entry added (O(n²) per list). Here a neighbor's lists match whole pool ranges
// (`permit <pool> ge L le L`), so a new Service costs one `network` line and no policy change. Only
// when a neighbor must get part of a range (BGPAdvertisement peers/serviceSelectors, or attributes
// that differ within a pool) does a list carry specific entries: the smaller of "permit these" or
// "deny those, then permit the range".
//
// Lists are named by their content (`metallb-<role>-<ip|ipv6>-<hash>`), so neighbors that get the same
// treatment share one list, and a list never changes in place: a new content is a new list, swapped
// into the route-map, and the old one is deleted. Route-maps keep upstream's names and shape:
// `<ID>-in` denies everything; `<ID>-out` holds, in order, one entry per local preference and per
// community (`on-match next`), then one `permit` per family matching the allowed list.
import { familyBits, formatPrefix, parsePrefix, prefixMask, type Prefix } from '../../api/ip.js';
import type { AdvertisedPrefix, NeighborIntent, PoolRange, RouterIntent } from '../../bgp/types.js';
import type { AF, PrefixListEntry, PrefixListModel, RouteMapEntry, RouteMapModel } from './model.js';

/** A range entry: prefixes of exactly `length` inside `base`. */
interface RangeMatcher {
  base: Prefix;
  length: number;
}

interface ParsedPrefix {
  text: string;
  prefix: Prefix;
}

export interface RouterPolicy {
  /** route-maps of this router's neighbors, by name */
  routeMaps: RouteMapModel[];
  /** prefix-lists referenced by them (may be shared with other routers: same name = same content) */
  prefixLists: PrefixListModel[];
}

export function neighborFamilies(n: NeighborIntent): AF[] {
  return n.family === 'dual' ? [4, 6] : n.family === 'ipv4' ? [4] : [6];
}

export function routeMapInName(n: NeighborIntent): string {
  return `${n.id}-in`;
}

export function routeMapOutName(n: NeighborIntent): string {
  return `${n.id}-out`;
}

/** The matchers of one pool range: one per aggregation length in use. */
function rangeMatchers(r: PoolRange): RangeMatcher[] {
  const base = parsePrefix(r.cidr);
  if (!base) return [];
  return [...new Set(r.lengths)].sort((a, b) => a - b).map((length) => ({
    length,
    // An aggregation length shorter than the pool yields one prefix that holds the whole pool.
    base: length < base.length ? { ...base, network: base.network & prefixMask(base.family, length), length } : base,
  }));
}

function matches(m: RangeMatcher, p: Prefix): boolean {
  return p.family === m.base.family && p.length === m.length && (p.network & prefixMask(p.family, m.base.length)) === m.base.network;
}

function matcherEntry(m: RangeMatcher): Omit<PrefixListEntry, 'seq'> {
  const prefix = formatPrefix(m.base);
  if (m.length === m.base.length) return { action: 'permit', prefix };
  // FRR keeps `ge`/`le` as written; `le` equal to the family's bits is implied by `ge` alone.
  if (m.length === familyBits(m.base.family)) return { action: 'permit', prefix, ge: m.length };
  return { action: 'permit', prefix, ge: m.length, le: m.length };
}

/** A universe prefix with the index of the first pool range that matches it (-1: none). */
interface Placed extends ParsedPrefix {
  range: number;
}

/** Places every prefix in its pool range once per router (the per-neighbor work is then linear). */
function place(universe: ParsedPrefix[], matchers: RangeMatcher[][]): Placed[] {
  return universe.map((u) => ({ ...u, range: matchers.findIndex((ms) => ms.some((m) => matches(m, u.prefix))) }));
}

/**
 * Entries matching exactly `target` among `universe` (prefixes outside the universe are don't-care).
 * `vacuous`: a range with no prefix of the universe is included anyway, so the first Service of a
 * pool needs no policy change (used for the allowed list, not for attribute lists).
 */
export function coverEntries(target: Set<string>, universe: Placed[], matchers: RangeMatcher[][], vacuous: boolean): Omit<PrefixListEntry, 'seq'>[] {
  const wanted: string[][] = matchers.map(() => []);
  const unwanted: string[][] = matchers.map(() => []);
  const outside: string[] = [];
  for (const u of universe) {
    const hit = target.has(u.text);
    if (u.range < 0) {
      if (hit) outside.push(u.text);
    } else (hit ? wanted : unwanted)[u.range].push(u.text);
  }
  const denies: string[] = [];
  const permits: string[] = [];
  const rangeEntries: Omit<PrefixListEntry, 'seq'>[] = [];
  matchers.forEach((ms, r) => {
    if (ms.length === 0) return;
    const w = wanted[r];
    const uw = unwanted[r];
    if (uw.length === 0) {
      if (w.length > 0 || vacuous) rangeEntries.push(...ms.map(matcherEntry));
    } else if (w.length <= uw.length) {
      permits.push(...w);
    } else {
      denies.push(...uw);
      rangeEntries.push(...ms.map(matcherEntry));
    }
  });
  // Prefixes outside every known range (or no ranges given): specific entries.
  permits.push(...outside);
  return [
    ...denies.map((prefix) => ({ action: 'deny' as const, prefix })),
    ...permits.map((prefix) => ({ action: 'permit' as const, prefix })),
    ...rangeEntries,
  ];
}

/** FNV-1a, 32 bits: a short stable name for a list's content. */
export function contentHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function makeList(role: string, family: AF, entries: Omit<PrefixListEntry, 'seq'>[]): PrefixListModel {
  const numbered = entries.map((e, i) => ({ seq: i + 1, ...e }));
  const body = numbered.map((e) => `${e.seq} ${e.action} ${e.prefix} ${e.ge ?? ''} ${e.le ?? ''}`).join(';');
  return { name: `metallb-${role}-${family === 4 ? 'ip' : 'ipv6'}-${contentHash(body)}`, family, entries: numbered };
}

/** Parses each distinct prefix text once per router (neighbors repeat the same prefixes). */
function parser(): (text: string) => ParsedPrefix | undefined {
  const cache = new Map<string, ParsedPrefix | undefined>();
  return (text) => {
    if (!cache.has(text)) {
      const prefix = parsePrefix(text);
      cache.set(text, prefix ? { text: formatPrefix(prefix), prefix } : undefined);
    }
    return cache.get(text);
  };
}

/**
 * The community value as rendered: numbers like upstream (FRR reads names and numbers alike); the
 * config's text of a large community carries a "large:" marker FRR rejects. FRR prints well-known
 * values by name; parse.ts and normalise.ts map them back (see WELL_KNOWN_COMMUNITIES).
 */
export function communityValue(c: AdvertisedPrefix['communities'][number]): string {
  return c.kind === 'large' ? `${c.global}:${c.local1}:${c.local2}` : `${c.high}:${c.low}`;
}

function communityRole(c: AdvertisedPrefix['communities'][number]): string {
  return c.kind === 'large' ? `large-community-${communityValue(c)}` : `community-${communityValue(c)}`;
}

/** Policy of one router: every neighbor's route-maps and the lists they use. */
export function routerPolicy(router: RouterIntent): RouterPolicy {
  const lists = new Map<string, PrefixListModel>();
  const routeMaps: RouteMapModel[] = [];
  const parse = parser();
  const universeAll = router.prefixes.map(parse).filter((p): p is ParsedPrefix => p !== undefined);
  const perFamily = new Map<AF, { matchers: RangeMatcher[][]; uni: Placed[] }>();
  for (const fam of [4, 6] as AF[]) {
    const matchers = router.poolRanges.filter((r) => r.family === fam).map(rangeMatchers);
    perFamily.set(fam, { matchers, uni: place(universeAll.filter((u) => u.prefix.family === fam), matchers) });
  }
  const use = (l: PrefixListModel): string => {
    lists.set(l.name, l);
    return l.name;
  };

  for (const n of router.neighbors) {
    routeMaps.push({ name: routeMapInName(n), entries: [{ action: 'deny', seq: 20, onMatchNext: false }] });
    const fams = neighborFamilies(n);
    const attrEntries: RouteMapEntry[] = [];
    const allowEntries: RouteMapEntry[] = [];
    for (const fam of fams) {
      const { matchers, uni } = perFamily.get(fam)!;
      const ads = n.advertisements.filter((a) => a.family === fam);
      const mine = new Set<string>();
      for (const a of ads) {
        const p = parse(a.prefix);
        if (p) mine.add(p.text);
      }
      // Attribute lists only need to be right on this neighbor's own prefixes.
      const myUniverse = uni.filter((u) => mine.has(u.text));

      const byLocalPref = new Map<number, Set<string>>();
      const byCommunity = new Map<string, { role: string; c: AdvertisedPrefix['communities'][number]; set: Set<string> }>();
      for (const a of ads) {
        const text = parse(a.prefix)?.text;
        if (!text) continue;
        if (a.localPref > 0) {
          if (!byLocalPref.has(a.localPref)) byLocalPref.set(a.localPref, new Set());
          byLocalPref.get(a.localPref)!.add(text);
        }
        for (const c of a.communities) {
          const role = communityRole(c);
          if (!byCommunity.has(role)) byCommunity.set(role, { role, c, set: new Set() });
          byCommunity.get(role)!.set.add(text);
        }
      }
      for (const [lp, set] of [...byLocalPref].sort((a, b) => a[0] - b[0])) {
        const entries = coverEntries(set, myUniverse, matchers, false);
        if (entries.length === 0) continue;
        const list = use(makeList(`localpref-${lp}`, fam, entries));
        attrEntries.push({ action: 'permit', seq: 0, match: { family: fam, list }, onMatchNext: true, localPref: lp });
      }
      for (const { role, c, set } of [...byCommunity.values()].sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0))) {
        const entries = coverEntries(set, myUniverse, matchers, false);
        if (entries.length === 0) continue;
        const list = use(makeList(role, fam, entries));
        const e: RouteMapEntry = { action: 'permit', seq: 0, match: { family: fam, list }, onMatchNext: true };
        if (c.kind === 'large') e.largeCommunity = communityValue(c);
        else e.community = communityValue(c);
        attrEntries.push(e);
      }
      const allowed = coverEntries(mine, uni, matchers, true);
      if (allowed.length > 0) {
        allowEntries.push({ action: 'permit', seq: 0, match: { family: fam, list: use(makeList('allowed', fam, allowed)) }, onMatchNext: false });
      }
    }
    // Local preferences first, then communities, then the allowed entries, like upstream.
    const ordered = [
      ...attrEntries.filter((e) => e.localPref !== undefined),
      ...attrEntries.filter((e) => e.localPref === undefined),
      ...allowEntries,
    ].map((e, i) => {
      const { action, match, onMatchNext, community, largeCommunity, localPref } = e;
      const clean: RouteMapEntry = { action, seq: i + 1, onMatchNext };
      if (match) clean.match = match;
      if (community) clean.community = community;
      if (largeCommunity) clean.largeCommunity = largeCommunity;
      if (localPref !== undefined) clean.localPref = localPref;
      return clean;
    });
    // A neighbor with nothing to send still gets a defined route-map: a dangling reference is
    // FRR-version-dependent, an explicit deny is not.
    if (ordered.length === 0) ordered.push({ action: 'deny', seq: 1, onMatchNext: false });
    routeMaps.push({ name: routeMapOutName(n), entries: ordered });
  }
  return { routeMaps, prefixLists: [...lists.values()] };
}
