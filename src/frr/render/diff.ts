// The smallest ordered list of vtysh configuration commands that turns FRR from one model into
// another (to be run after `configure terminal`, in one vtysh process).
//
// Order matters, so commands come in phases:
//   1. logging and global lines (the route-map delay before any route-map); 2. new or changed
//   prefix-lists (before route-maps use them); 3. BFD profiles (before neighbors use them); 4. route-map
//   entries, new values before stale lines are dropped (never a moment where an entry matches
//   everything); 5. routers that go away; 6. routers: router lines,
//   neighbors removed, neighbors added or changed one option at a time, then per address family the
//   activations, route-maps and `network` lines; 7. route-map entries and route-maps no longer used;
//   8. prefix-lists no longer used; 9. BFD profiles no longer used; 10. changed bgpextras text.
// A Service added or removed changes only `network` lines (and, with per-peer exceptions, lists and a
// route-map `match`); a peer changed touches only its own `neighbor` lines.
import type { NodeBGPIntent } from '../../bgp/types.js';
import { buildModel } from './build.js';
import {
  DEBUG_LINES,
  emptyModel,
  bfdProfileLines,
  logLine,
  prefixListLine,
  routeMapEntryLines,
  routerHeader,
  routerKey,
  type AF,
  type BfdProfileModel,
  type FrrModel,
  type NeighborModel,
  type PrefixListModel,
  type RouteMapEntry,
  type RouteMapModel,
  type RouterModel,
} from './model.js';

const AFS: AF[] = [4, 6];
const afName = (f: AF): string => (f === 4 ? 'ipv4' : 'ipv6');

/** `no` form of a configuration line (and the reverse for lines FRR prints negated). */
export function negate(line: string): string {
  return line.startsWith('no ') ? line.slice(3) : `no ${line}`;
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Names that the bgpextras text mentions are left alone: the operator owns them. */
function extrasNames(extras: string): Set<string> {
  const names = new Set<string>();
  for (const m of extras.matchAll(/(?:prefix-list|route-map|profile)\s+(\S+)/g)) names.add(m[1]);
  return names;
}

function prefixListCommands(prev: Map<string, PrefixListModel>, next: PrefixListModel[]): string[] {
  const out: string[] = [];
  for (const l of next) {
    const old = prev.get(l.name);
    const oldLines = new Map((old?.entries ?? []).map((e) => [e.seq, prefixListLine(old!, e)]));
    const newLines = new Map(l.entries.map((e) => [e.seq, prefixListLine(l, e)]));
    for (const [seq, line] of oldLines) if (newLines.get(seq) !== line) out.push(`no ${line}`);
    for (const [seq, line] of newLines) if (oldLines.get(seq) !== line) out.push(line);
  }
  return out;
}

function bfdCommands(prev: Map<string, BfdProfileModel>, next: BfdProfileModel[]): string[] {
  const body: string[] = [];
  for (const p of next) {
    const old = prev.get(p.name);
    if (old && sameJSON(old, p)) continue;
    const oldLines = old ? bfdProfileLines(old) : [];
    const newLines = bfdProfileLines(p);
    const keyOf = (l: string): string => l.replace(/ \d+$/, '');
    const newKeys = new Set(newLines.map(keyOf));
    body.push(`profile ${p.name}`);
    for (const l of newLines) if (!oldLines.includes(l)) body.push(l);
    for (const l of oldLines) if (!newKeys.has(keyOf(l))) body.push(`no ${keyOf(l)}`);
    body.push('exit');
  }
  return body.length ? ['bfd', ...body, 'exit'] : [];
}

/** Key of a route-map line: lines with the same key replace each other. */
function rmLineKey(line: string): string {
  if (line.startsWith('match ')) return line.replace(/ prefix-list \S+$/, ' prefix-list');
  if (line.startsWith('set local-preference')) return 'set local-preference';
  if (line.startsWith('set large-community')) return 'set large-community';
  if (line.startsWith('set community')) return 'set community';
  return line;
}

function routeMapCommands(prev: Map<string, RouteMapModel>, next: RouteMapModel[]): string[] {
  const out: string[] = [];
  for (const rm of next) {
    const oldEntries = new Map((prev.get(rm.name)?.entries ?? []).map((e) => [e.seq, e]));
    for (const e of rm.entries) {
      const old = oldEntries.get(e.seq);
      if (old && sameJSON(old, e)) continue;
      const head = `route-map ${rm.name} ${e.action} ${e.seq}`;
      const newLines = routeMapEntryLines(e);
      if (!old || old.action !== e.action) {
        if (old) out.push(`no route-map ${rm.name} ${old.action} ${old.seq}`);
        out.push(head, ...newLines, 'exit');
        continue;
      }
      const oldLines = routeMapEntryLines(old);
      const newKeys = new Set(newLines.map(rmLineKey));
      out.push(head);
      for (const l of newLines) if (!oldLines.includes(l)) out.push(l);
      for (const l of oldLines) if (!newKeys.has(rmLineKey(l))) out.push(`no ${l}`);
      out.push('exit');
    }
  }
  return out;
}

function neighborOptionCommands(p: string, old: NeighborModel | undefined, n: NeighborModel): string[] {
  const out: string[] = [];
  const oldByKey = new Map((old?.options ?? []).map((o) => [o.key, o.text]));
  const newByKey = new Map(n.options.map((o) => [o.key, o.text]));
  // Drop options first, most specific first (`bfd profile` before `bfd`).
  for (const o of [...(old?.options ?? [])].reverse()) {
    if (!newByKey.has(o.key) && o.key !== 'remote-as') out.push(`no neighbor ${p} ${o.text}`);
  }
  for (const o of n.options) if (oldByKey.get(o.key) !== o.text) out.push(`neighbor ${p} ${o.text}`);
  return out;
}

function afNeighborCommands(fam: AF, old: NeighborModel | undefined, n: NeighborModel | undefined, p: string): string[] {
  const out: string[] = [];
  const o = old?.af[fam];
  const w = n?.af[fam];
  if (o && !w) {
    if (o.routeMapOut) out.push(`no neighbor ${p} route-map ${o.routeMapOut} out`);
    if (o.routeMapIn) out.push(`no neighbor ${p} route-map ${o.routeMapIn} in`);
    out.push(`no neighbor ${p} activate`);
    return out;
  }
  if (!w) return out;
  if (!o) out.push(`neighbor ${p} activate`);
  if (w.routeMapIn !== o?.routeMapIn) {
    if (w.routeMapIn) out.push(`neighbor ${p} route-map ${w.routeMapIn} in`);
    else out.push(`no neighbor ${p} route-map ${o!.routeMapIn} in`);
  }
  if (w.routeMapOut !== o?.routeMapOut) {
    if (w.routeMapOut) out.push(`neighbor ${p} route-map ${w.routeMapOut} out`);
    else out.push(`no neighbor ${p} route-map ${o!.routeMapOut} out`);
  }
  return out;
}

function routerCommands(old: RouterModel | undefined, r: RouterModel): string[] {
  const body: string[] = [];
  const oldLines = old?.lines ?? [];
  // The router-id line replaces the old one; other router lines are fixed switches.
  for (const l of r.lines) if (!oldLines.includes(l)) body.push(l);
  for (const l of oldLines) {
    if (r.lines.includes(l)) continue;
    if (l.startsWith('bgp router-id ') && r.lines.some((x) => x.startsWith('bgp router-id '))) continue;
    body.push(negate(l));
  }

  const oldNeighbors = new Map((old?.neighbors ?? []).map((n) => [n.name, n]));
  const newNames = new Set(r.neighbors.map((n) => n.name));
  const recreated = new Set<string>();
  for (const n of old?.neighbors ?? []) if (!newNames.has(n.name)) body.push(`no neighbor ${n.name}`);
  for (const n of r.neighbors) {
    let o = oldNeighbors.get(n.name);
    // An address that became an interface (or back) is another neighbor for FRR.
    if (o && o.iface !== n.iface) {
      body.push(`no neighbor ${n.name}`);
      recreated.add(n.name);
      o = undefined;
    }
    body.push(...neighborOptionCommands(n.name, o, n));
  }

  for (const fam of AFS) {
    const lines: string[] = [];
    const oldNets = new Set(old?.networks[fam] ?? []);
    const newNets = new Set(r.networks[fam]);
    for (const p of r.networks[fam]) if (!oldNets.has(p)) lines.push(`network ${p}`);
    for (const p of old?.networks[fam] ?? []) if (!newNets.has(p)) lines.push(`no network ${p}`);
    for (const n of r.neighbors) {
      const o = recreated.has(n.name) ? undefined : oldNeighbors.get(n.name);
      lines.push(...afNeighborCommands(fam, o, n, n.name));
    }
    if (lines.length) body.push(`address-family ${afName(fam)} unicast`, ...lines, 'exit-address-family');
  }
  if (old && body.length === 0) return [];
  return [routerHeader(r), ...body, 'exit'];
}

export interface DiffOptions {
  /** send the bgpextras text even when unchanged (full apply onto an unknown FRR) */
  forceExtras?: boolean;
  /**
   * Send every prefix-list and route-map entry even when `prev` has it (full apply). `show
   * running-config` merges the daemons' configs: after bgpd alone restarted, zebra still shows the
   * lists that bgpd lost. Re-sending an identical entry changes nothing in a daemon that has it.
   */
  resendPolicy?: boolean;
}

export function diffModels(prev: FrrModel, next: FrrModel, opts: DiffOptions = {}): string[] {
  const out: string[] = [];
  const keep = extrasNames(next.extras);

  // 1. logging and global lines
  if (prev.logLevel !== next.logLevel) out.push(logLine(next.logLevel));
  for (const l of next.globals) if (!prev.globals.includes(l)) out.push(l);
  for (const l of prev.globals) if (!next.globals.includes(l)) out.push(`no ${l}`);
  if (prev.debug !== next.debug) out.push(...DEBUG_LINES.map((l) => (next.debug ? l : `no ${l}`)));

  // 2. prefix-lists
  const prevLists = new Map(opts.resendPolicy ? [] : prev.prefixLists.map((l) => [l.name, l]));
  out.push(...prefixListCommands(prevLists, next.prefixLists));

  // 3. BFD profiles
  const prevProfiles = new Map(prev.bfdProfiles.map((p) => [p.name, p]));
  out.push(...bfdCommands(prevProfiles, next.bfdProfiles));

  // 4. route-maps
  const prevMaps = new Map(opts.resendPolicy ? [] : prev.routeMaps.map((m) => [m.name, m]));
  out.push(...routeMapCommands(prevMaps, next.routeMaps));

  // 5. routers gone (first: FRR allows one default-VRF instance, an ASN change is remove + add)
  const nextRouters = new Map(next.routers.map((r) => [routerKey(r), r]));
  const prevRouters = new Map(prev.routers.map((r) => [routerKey(r), r]));
  for (const r of prev.routers) if (!nextRouters.has(routerKey(r))) out.push(`no ${routerHeader(r)}`);

  // 6. routers
  for (const r of next.routers) out.push(...routerCommands(prevRouters.get(routerKey(r)), r));

  // 7. route-map entries and route-maps no longer used
  const nextMaps = new Map(next.routeMaps.map((m) => [m.name, m]));
  for (const m of prev.routeMaps) {
    if (keep.has(m.name)) continue;
    const nm = nextMaps.get(m.name);
    if (!nm) {
      out.push(`no route-map ${m.name}`);
      continue;
    }
    const seqs = new Set(nm.entries.map((e: RouteMapEntry) => e.seq));
    for (const e of m.entries) if (!seqs.has(e.seq)) out.push(`no route-map ${m.name} ${e.action} ${e.seq}`);
  }

  // 8. prefix-lists no longer used
  const nextLists = new Set(next.prefixLists.map((l) => l.name));
  for (const l of prev.prefixLists) {
    if (!nextLists.has(l.name) && !keep.has(l.name)) out.push(`no ${l.family === 4 ? 'ip' : 'ipv6'} prefix-list ${l.name}`);
  }

  // 9. BFD profiles no longer used
  const nextProfiles = new Set(next.bfdProfiles.map((p) => p.name));
  const gone = prev.bfdProfiles.filter((p) => !nextProfiles.has(p.name) && !keep.has(p.name));
  // Without profiles FRR would still print an empty `bfd` block; `no bfd` drops it (it removes
  // configured BFD peers and profiles only, not the sessions BGP registers).
  if (gone.length && next.bfdProfiles.length === 0 && ![...keep].some((k) => prev.bfdProfiles.some((p) => p.name === k))) out.push('no bfd');
  else if (gone.length) out.push('bfd', ...gone.map((p) => `no profile ${p.name}`), 'exit');

  // 10. bgpextras: raw text, sent as it is when it changed
  if (next.extras.trim() && (opts.forceExtras || prev.extras !== next.extras)) {
    out.push(...next.extras.split('\n').map((l) => l.trim()).filter((l) => l && l !== '!'));
  }
  return out;
}

/** Commands from one intent to the next; undefined = a freshly started, empty FRR. */
export function diffIntents(prev: NodeBGPIntent | undefined, next: NodeBGPIntent): string[] {
  return diffModels(prev ? buildModel(prev) : emptyModel(), buildModel(next));
}
