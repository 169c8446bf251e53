// Reads a rendered frr.conf the way an acceptance tester would: routers, neighbors, prefix-lists,
// route-maps and BFD profiles, plus a small evaluator of the outbound policy. metallb-ts lays out its
// policy differently from upstream (shared lists matching pool ranges), so the tests do not compare
// lines of the policy: they ask what a prefix sent to a neighbor ends up with (permitted? which
// local-preference and communities?), which is the information upstream's layout carries.
import { parsePrefix, type Prefix } from '../../src/api/ip.js';

export interface RouterText {
  asn: number;
  vrf: string;
  /** router-level lines (bgp router-id, no bgp ebgp-requires-policy, ...) */
  lines: string[];
  /** neighbor name -> option texts after `neighbor <name> ` (remote-as ..., password ..., ...) */
  neighbors: Map<string, string[]>;
  /** per family: networks, activated neighbors, route-maps per neighbor */
  af: Record<4 | 6, { networks: string[]; activated: Set<string>; routeMapIn: Map<string, string>; routeMapOut: Map<string, string> }>;
}

interface PrefixListEntry {
  seq: number;
  action: 'permit' | 'deny';
  /** undefined = `any` */
  prefix?: string;
  ge?: number;
  le?: number;
}

interface RouteMapEntry {
  action: 'permit' | 'deny';
  seq: number;
  match?: { family: 4 | 6; list: string };
  sets: string[];
  onMatchNext: boolean;
}

export interface FrrText {
  globals: string[];
  routers: RouterText[];
  prefixLists: Map<string, { family: 4 | 6; entries: PrefixListEntry[] }>;
  routeMaps: Map<string, RouteMapEntry[]>;
  bfdProfiles: Map<string, string[]>;
}

export function parseFrrText(text: string): FrrText {
  const res: FrrText = { globals: [], routers: [], prefixLists: new Map(), routeMaps: new Map(), bfdProfiles: new Map() };
  let router: RouterText | undefined;
  let fam: 4 | 6 | undefined;
  let rm: RouteMapEntry | undefined;
  let inBfd = false;
  let profile: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line === '!') continue;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^router bgp (\d+)(?: vrf (\S+))?$/))) {
      router = {
        asn: Number(m[1]),
        vrf: m[2] ?? '',
        lines: [],
        neighbors: new Map(),
        af: {
          4: { networks: [], activated: new Set(), routeMapIn: new Map(), routeMapOut: new Map() },
          6: { networks: [], activated: new Set(), routeMapIn: new Map(), routeMapOut: new Map() },
        },
      };
      res.routers.push(router);
      continue;
    }
    if (router) {
      if ((m = line.match(/^address-family (ipv4|ipv6) unicast$/))) fam = m[1] === 'ipv4' ? 4 : 6;
      else if (line === 'exit-address-family') fam = undefined;
      else if (line === 'exit') router = undefined;
      else if (fam && (m = line.match(/^network (\S+)$/))) router.af[fam].networks.push(m[1]);
      else if (fam && (m = line.match(/^neighbor (\S+) activate$/))) router.af[fam].activated.add(m[1]);
      else if (fam && (m = line.match(/^neighbor (\S+) route-map (\S+) (in|out)$/))) {
        (m[3] === 'in' ? router.af[fam].routeMapIn : router.af[fam].routeMapOut).set(m[1], m[2]);
      } else if (!fam && (m = line.match(/^neighbor (\S+) (.+)$/))) {
        const opts = router.neighbors.get(m[1]) ?? [];
        opts.push(m[2]);
        router.neighbors.set(m[1], opts);
      } else if (!fam) router.lines.push(line);
      else throw new Error(`unexpected line in address-family: ${line}`);
      continue;
    }
    if ((m = line.match(/^(ip|ipv6) prefix-list (\S+) seq (\d+) (permit|deny) (\S+)(?: ge (\d+))?(?: le (\d+))?$/))) {
      const list = res.prefixLists.get(m[2]) ?? { family: m[1] === 'ip' ? 4 : 6, entries: [] };
      list.entries.push({
        seq: Number(m[3]),
        action: m[4] as 'permit' | 'deny',
        prefix: m[5] === 'any' ? undefined : m[5],
        ge: m[6] ? Number(m[6]) : undefined,
        le: m[7] ? Number(m[7]) : undefined,
      });
      res.prefixLists.set(m[2], list);
      continue;
    }
    if ((m = line.match(/^route-map (\S+) (permit|deny) (\d+)$/))) {
      rm = { action: m[2] as 'permit' | 'deny', seq: Number(m[3]), sets: [], onMatchNext: false };
      const entries = res.routeMaps.get(m[1]) ?? [];
      entries.push(rm);
      res.routeMaps.set(m[1], entries);
      continue;
    }
    if (rm) {
      if ((m = line.match(/^match (ip|ipv6) address prefix-list (\S+)$/))) rm.match = { family: m[1] === 'ip' ? 4 : 6, list: m[2] };
      else if (line === 'on-match next') rm.onMatchNext = true;
      else if (line.startsWith('set ')) rm.sets.push(line);
      else if (line === 'exit') rm = undefined;
      else throw new Error(`unexpected line in route-map: ${line}`);
      continue;
    }
    if (line === 'bfd') {
      inBfd = true;
      continue;
    }
    if (inBfd) {
      if ((m = line.match(/^profile (\S+)$/))) {
        profile = [];
        res.bfdProfiles.set(m[1], profile);
      } else if (line === 'exit') {
        if (profile) profile = undefined;
        else inBfd = false;
      } else if (profile) profile.push(line);
      continue;
    }
    res.globals.push(line);
  }
  for (const entries of res.routeMaps.values()) entries.sort((a, b) => a.seq - b.seq);
  for (const list of res.prefixLists.values()) list.entries.sort((a, b) => a.seq - b.seq);
  return res;
}

function mustPrefix(text: string): Prefix {
  const p = parsePrefix(text);
  if (!p) throw new Error(`not a prefix: ${text}`);
  return p;
}

/** FRR prefix-list semantics: first matching entry by seq decides; no match = deny. */
export function prefixListPermits(conf: FrrText, name: string, prefix: string): boolean {
  const list = conf.prefixLists.get(name);
  if (!list) throw new Error(`route-map refers to a missing prefix-list ${name}`);
  const p = mustPrefix(prefix);
  const fam = p.family;
  if (fam !== list.family) return false;
  const maxLen = fam === 4 ? 32 : 128;
  for (const e of list.entries) {
    let hit: boolean;
    if (!e.prefix) hit = true;
    else {
      const q = mustPrefix(e.prefix);
      const inside = p.length >= q.length && p.network >> BigInt(maxLen - q.length) === q.network >> BigInt(maxLen - q.length);
      const lo = e.ge ?? q.length;
      const hi = e.le ?? (e.ge !== undefined ? maxLen : q.length);
      hit = inside && p.length >= lo && p.length <= hi;
    }
    if (hit) return e.action === 'permit';
  }
  return false;
}

export interface Outbound {
  /** the prefix leaves through a terminal permit entry */
  permitted: boolean;
  localPref?: number;
  communities: string[];
  largeCommunities: string[];
}

/**
 * What the neighbor's outbound route-map does with one prefix. Attributes come from the `on-match next`
 * entries that match; the verdict from the first terminal entry that matches.
 */
export function outbound(conf: FrrText, routeMap: string, prefix: string): Outbound {
  const entries = conf.routeMaps.get(routeMap);
  if (!entries) throw new Error(`missing route-map ${routeMap}`);
  const out: Outbound = { permitted: false, communities: [], largeCommunities: [] };
  const fam = prefix.includes(':') ? 6 : 4;
  for (const e of entries) {
    const hit = !e.match || (e.match.family === fam && prefixListPermits(conf, e.match.list, prefix));
    if (!hit) continue;
    if (e.action === 'deny') return { ...out, permitted: false };
    for (const s of e.sets) {
      let m: RegExpMatchArray | null;
      if ((m = s.match(/^set local-preference (\d+)$/))) out.localPref = Number(m[1]);
      else if ((m = s.match(/^set community (.+) additive$/))) out.communities.push(...m[1].split(' '));
      else if ((m = s.match(/^set large-community (.+) additive$/))) out.largeCommunities.push(...m[1].split(' '));
      else throw new Error(`unexpected set clause ${s}`);
    }
    if (!e.onMatchNext) {
      out.permitted = true;
      break;
    }
  }
  out.communities.sort();
  out.largeCommunities.sort();
  return out;
}

/** The outbound result for every network of the router in that prefix's family, for one neighbor. */
export function sentTo(conf: FrrText, router: RouterText, neighbor: string): Map<string, Outbound> {
  const res = new Map<string, Outbound>();
  for (const fam of [4, 6] as const) {
    const af = router.af[fam];
    if (!af.activated.has(neighbor)) continue;
    const rm = af.routeMapOut.get(neighbor);
    if (!rm) throw new Error(`neighbor ${neighbor} has no outbound route-map in ipv${fam}`);
    for (const n of af.networks) {
      const o = outbound(conf, rm, n);
      if (o.permitted) res.set(n, o);
    }
  }
  return res;
}

/** Compact form for expectations: "prefix lp=N c=A:B,C:D lc=X:Y:Z". */
export function describeSent(sent: Map<string, Outbound>): string[] {
  return [...sent.entries()]
    .map(([p, o]) => [p, o.localPref ? `lp=${o.localPref}` : '', o.communities.length ? `c=${o.communities.join(',')}` : '', o.largeCommunities.length ? `lc=${o.largeCommunities.join(',')}` : ''].filter(Boolean).join(' '))
    .sort();
}
