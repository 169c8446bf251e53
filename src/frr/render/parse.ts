// FRR configuration text (`show running-config`, or our own rendered frr.conf) -> FrrModel. Lines this
// product does not manage are skipped. Objects come back in FRR's print order; canonicalModel() sorts
// them like buildModel() does, so two models compare with a deep equality.
import { compareNeighbors, sortPrefixTexts } from './build.js';
import { DEBUG_LINES, GLOBAL_LINES, communityNumbers, type AF, type BfdProfileModel, type FrrModel, type NeighborModel, type NeighborOption, type PrefixListModel, type RouteMapEntry, type RouteMapModel, type RouterModel } from './model.js';
import type { FRRLogLevel } from '../../bgp/types.js';

/** Option keys, longest first, so `timers connect` wins over `timers`. */
const OPTION_KEYS = [
  'interface remote-as',
  'remote-as',
  'local-as',
  'bfd profile',
  'bfd',
  'password',
  'port',
  'ebgp-multihop',
  'disable-connected-check',
  'update-source',
  'timers connect',
  'timers',
  'graceful-restart',
];

export function optionKey(text: string): string {
  for (const k of OPTION_KEYS) {
    if (text === k || text.startsWith(`${k} `)) return k === 'interface remote-as' ? 'remote-as' : k;
  }
  return text;
}

const LEVELS: FRRLogLevel[] = ['debugging', 'informational', 'warnings', 'error', 'emergencies'];

export function parseConfig(text: string): FrrModel {
  const m: FrrModel = {
    hostname: '',
    logLevel: 'debugging',
    globals: [],
    debug: false,
    routers: [],
    prefixLists: [],
    routeMaps: [],
    bfdProfiles: [],
    extras: '',
  };
  let sawLog = false;
  const debugSeen = new Set<string>();
  const lists = new Map<string, PrefixListModel>();
  const maps = new Map<string, RouteMapModel>();
  let router: RouterModel | undefined;
  let af: AF | undefined;
  let rmEntry: RouteMapEntry | undefined;
  let inBfd = false;
  let profile: BfdProfileModel | undefined;

  const neighborOf = (r: RouterModel, name: string): NeighborModel => {
    let n = r.neighbors.find((x) => x.name === name);
    if (!n) {
      n = { name, iface: false, options: [], af: {} };
      r.neighbors.push(n);
    }
    return n;
  };

  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const t = line.trim();
    if (!t || t === '!') continue;
    const indent = line.length - line.trimStart().length;

    if (indent === 0) {
      router = undefined;
      af = undefined;
      rmEntry = undefined;
      profile = undefined;
      inBfd = false;
    }

    if (router) {
      if (t === 'exit-address-family') {
        af = undefined;
      } else if (t.startsWith('address-family ')) {
        af = t.startsWith('address-family ipv4 unicast') ? 4 : t.startsWith('address-family ipv6 unicast') ? 6 : undefined;
      } else if (af) {
        const w = t.split(' ');
        if (w[0] === 'network' && w[1]) router.networks[af].push(w[1]);
        else if (w[0] === 'neighbor' && w[1]) {
          const n = neighborOf(router, w[1]);
          const a = (n.af[af] ??= {});
          if (w[2] === 'route-map' && w[4] === 'in') a.routeMapIn = w[3];
          else if (w[2] === 'route-map' && w[4] === 'out') a.routeMapOut = w[3];
        }
      } else if (t.startsWith('neighbor ')) {
        const [, name, ...rest] = t.split(' ');
        const optText = rest.join(' ');
        const n = neighborOf(router, name);
        if (optText.startsWith('interface remote-as')) n.iface = true;
        const o: NeighborOption = { key: optionKey(optText), text: optText };
        n.options.push(o);
      } else {
        router.lines.push(t);
      }
      continue;
    }
    if (rmEntry) {
      const mm = /^match (ip|ipv6) address prefix-list (\S+)$/.exec(t);
      if (mm) rmEntry.match = { family: mm[1] === 'ip' ? 4 : 6, list: mm[2] };
      else if (t === 'on-match next') rmEntry.onMatchNext = true;
      else if (t.startsWith('set community ')) rmEntry.community = communityNumbers(t.slice('set community '.length).replace(/ additive$/, ''));
      else if (t.startsWith('set large-community ')) rmEntry.largeCommunity = t.slice('set large-community '.length).replace(/ additive$/, '');
      else if (t.startsWith('set local-preference ')) rmEntry.localPref = Number(t.slice('set local-preference '.length));
      continue;
    }
    if (inBfd) {
      if (indent === 1 && t.startsWith('profile ')) {
        profile = { name: t.slice('profile '.length), passiveMode: false, echoMode: false };
        m.bfdProfiles.push(profile);
      } else if (profile && indent >= 2) {
        const [k, v] = [t.replace(/ \d+$/, ''), Number(t.split(' ').pop())];
        if (k === 'detect-multiplier') profile.detectMultiplier = v;
        else if (k === 'transmit-interval') profile.transmitInterval = v;
        else if (k === 'receive-interval') profile.receiveInterval = v;
        else if (k === 'echo transmit-interval') profile.echoTransmitInterval = v;
        else if (k === 'echo receive-interval') profile.echoReceiveInterval = v;
        else if (k === 'minimum-ttl') profile.minimumTtl = v;
        else if (t === 'passive-mode') profile.passiveMode = true;
        else if (t === 'echo-mode') profile.echoMode = true;
      } else if (t === 'exit' && indent === 1) {
        profile = undefined;
      }
      continue;
    }

    let mt: RegExpExecArray | null;
    if ((mt = /^hostname (\S+)$/.exec(t))) m.hostname = mt[1];
    else if ((mt = /^log stdout(?: (\S+))?$/.exec(t))) {
      sawLog = true;
      const lv = (mt[1] ?? 'debugging') as FRRLogLevel;
      m.logLevel = LEVELS.includes(lv) ? lv : 'debugging';
    } else if (t.startsWith('debug ')) debugSeen.add(t);
    else if (GLOBAL_LINES.includes(t)) m.globals.push(t);
    else if ((mt = /^router bgp (\d+)(?: vrf (\S+))?$/.exec(t))) {
      router = { asn: Number(mt[1]), vrf: mt[2] ?? '', lines: [], neighbors: [], networks: { 4: [], 6: [] } };
      m.routers.push(router);
    } else if ((mt = /^(ip|ipv6) prefix-list (\S+) seq (\d+) (permit|deny) (\S+)(?: ge (\d+))?(?: le (\d+))?$/.exec(t))) {
      const family: AF = mt[1] === 'ip' ? 4 : 6;
      let l = lists.get(mt[2]);
      if (!l) {
        l = { name: mt[2], family, entries: [] };
        lists.set(mt[2], l);
      }
      const e: PrefixListModel['entries'][number] = { seq: Number(mt[3]), action: mt[4] as 'permit' | 'deny', prefix: mt[5] };
      if (mt[6]) e.ge = Number(mt[6]);
      if (mt[7]) e.le = Number(mt[7]);
      l.entries.push(e);
    } else if ((mt = /^route-map (\S+) (permit|deny) (\d+)$/.exec(t))) {
      let rm = maps.get(mt[1]);
      if (!rm) {
        rm = { name: mt[1], entries: [] };
        maps.set(mt[1], rm);
      }
      rmEntry = { action: mt[2] as 'permit' | 'deny', seq: Number(mt[3]), onMatchNext: false };
      rm.entries.push(rmEntry);
    } else if (t === 'bfd') inBfd = true;
  }
  if (!sawLog) m.logLevel = '';
  m.debug = DEBUG_LINES.some((l) => debugSeen.has(l));
  m.prefixLists = [...lists.values()];
  m.routeMaps = [...maps.values()];
  return canonicalModel(m);
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Sorts everything whose order FRR derives from insertion history. */
export function canonicalModel(m: FrrModel): FrrModel {
  return {
    ...m,
    routers: [...m.routers]
      .map((r) => ({
        ...r,
        neighbors: [...r.neighbors].sort(compareNeighbors),
        networks: { 4: sortPrefixTexts(r.networks[4]), 6: sortPrefixTexts(r.networks[6]) },
      }))
      .sort((a, b) => (a.vrf !== b.vrf ? (a.vrf === '' ? -1 : b.vrf === '' ? 1 : a.vrf < b.vrf ? -1 : 1) : a.asn - b.asn)),
    prefixLists: [...m.prefixLists]
      .map((l) => ({ ...l, entries: [...l.entries].sort((a, b) => a.seq - b.seq) }))
      .sort((a, b) => a.family - b.family || byName(a, b)),
    routeMaps: [...m.routeMaps].map((r) => ({ ...r, entries: [...r.entries].sort((a, b) => a.seq - b.seq) })).sort(byName),
    bfdProfiles: [...m.bfdProfiles].sort(byName),
    globals: GLOBAL_LINES.filter((l) => m.globals.includes(l)),
  };
}
