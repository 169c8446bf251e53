// BGPAdvertisement and L2Advertisement -> per-pool advertisement configs (spec 2.5, 2.6): field
// hygiene, communities (aliases first), aggregation length against each pool entry, and LOCAL_PREF
// consistency between advertisements that would announce the same prefixes to the same peers.
import type { Node } from '../api/core.js';
import type { LabelSelector } from '../api/meta.js';
import type { BGPAdvertisement, IPAddressPool, L2Advertisement, PreferredNodeSelector } from '../api/metallb.js';
import { anySelectorMatches } from '../api/selector.js';
import { DEFAULTS } from '../api/defaults.js';
import type { Problems, Reporter } from './problems.js';
import type { BGPAdvertisementConfig, BGPCommunity, L2AdvertisementConfig } from './types.js';
import type { ParsedPool } from './pools.js';
import { COMMUNITY_FORMS, parseCommunity } from './community.js';
import { goQuote } from './duration.js';
import { intersects, selectedNodes } from './nodes.js';
import { selectorInvalid, selectorListDuplicate, selectorShapeProblem } from './selectors.js';

interface SelectorField {
  key: string;
  label: string;
}

/** Reads a selector list, reporting duplicates and invalid selectors. */
function selectorList(r: Reporter, spec: Record<string, unknown>, f: SelectorField, invalidPrefix: string): LabelSelector[] {
  const list = r.selectors(spec, f.key, `spec.${f.key}`);
  const dup = selectorListDuplicate(list, f.key);
  if (dup) r.error(dup, `spec.${f.key}`);
  list.forEach((s, i) => {
    for (const why of selectorInvalid(s)) r.error(`${invalidPrefix}: ${why}`, `spec.${f.key}[${i}]`);
  });
  return list;
}

function duplicateStrings(r: Reporter, list: string[], what: string, field: string): void {
  for (let i = 0; i < list.length; i++) {
    if (list.indexOf(list[i]) !== i) {
      r.error(`duplicate definition of ${what} ${goQuote(list[i])}`, field);
      return;
    }
  }
}

/** Pools an advertisement applies to: named ones and selected ones; neither given = every pool. */
function targetPools(names: string[], selectors: LabelSelector[], rawPools: IPAddressPool[], pools: Map<string, ParsedPool>, r: Reporter): ParsedPool[] {
  if (names.length === 0 && selectors.length === 0) return [...pools.values()];
  const wanted = new Set(names);
  const usable = selectors.filter((s) => selectorInvalid(s).length === 0);
  if (usable.length > 0) for (const p of rawPools) if (anySelectorMatches(usable, p.metadata.labels)) wanted.add(p.metadata.name);
  for (const n of names) if (!pools.has(n) && !rawPools.some((p) => p.metadata.name === n)) r.warn(`spec.ipAddressPools names pool ${goQuote(n)}, which does not exist`);
  return [...wanted].map((n) => pools.get(n)).filter((p): p is ParsedPool => p !== undefined);
}

// ---- BGP -----------------------------------------------------------------------------------------

interface ParsedBGPAd {
  cfg: BGPAdvertisementConfig;
  nodes: Set<string>;
}

export function attachBGPAdvertisements(
  ads: BGPAdvertisement[],
  rawPools: IPAddressPool[],
  pools: Map<string, ParsedPool>,
  aliases: Map<string, BGPCommunity>,
  nodes: Node[],
  peerNames: Set<string>,
  p: Problems,
): void {
  // Per pool, the advertisements attached so far, for the LOCAL_PREF rule.
  const attached = new Map<string, ParsedBGPAd[]>();
  for (const ad of ads) {
    const r = p.for('BGPAdvertisement', ad.metadata.name);
    const spec = (ad.spec ?? {}) as unknown as Record<string, unknown>;
    const { parsed, poolNames, poolSelectors } = parseBGPAd(ad, spec, aliases, nodes, peerNames, r);
    if (!parsed) continue;
    for (const pool of targetPools(poolNames, poolSelectors, rawPools, pools, r)) {
      const list = attached.get(pool.pool.name) ?? [];
      if (list.includes(parsed)) continue; // reached by name and by selector: attach once
      if (!checkAgainstPool(parsed, pool, list, nodes.length === 0, r)) continue;
      list.push(parsed);
      attached.set(pool.pool.name, list);
      pool.pool.bgpAdvertisements.push(parsed.cfg);
    }
  }
}

function parseBGPAd(
  ad: BGPAdvertisement,
  spec: Record<string, unknown>,
  aliases: Map<string, BGPCommunity>,
  nodes: Node[],
  peerNames: Set<string>,
  r: Reporter,
): { parsed?: ParsedBGPAd; poolNames: string[]; poolSelectors: LabelSelector[] } {
  const name = ad.metadata.name;
  const poolNames = r.list<string>(spec, 'ipAddressPools', 'spec.ipAddressPools', 'string');
  const communities = r.list<string>(spec, 'communities', 'spec.communities', 'string');
  const peers = r.list<string>(spec, 'peers', 'spec.peers', 'string');
  duplicateStrings(r, poolNames, 'ipAddressPools', 'spec.ipAddressPools');
  duplicateStrings(r, communities, 'community', 'spec.communities');
  duplicateStrings(r, peers, 'peers', 'spec.peers');
  const poolSelectors = selectorList(r, spec, { key: 'ipAddressPoolSelectors', label: 'ipAddressPoolSelectors' }, 'invalid label selector');
  const nodeSelectors = selectorList(r, spec, { key: 'nodeSelectors', label: 'nodeSelectors' }, `failed to parse node selector for ${name}`);
  const serviceSelectors = selectorList(r, spec, { key: 'serviceSelectors', label: 'serviceSelectors' }, `failed to parse service selector for ${name}`);

  const aggLen = r.int(spec, 'aggregationLength', 'spec.aggregationLength', 1);
  const aggLenV6 = r.int(spec, 'aggregationLengthV6', 'spec.aggregationLengthV6');
  const localPref = r.int(spec, 'localPref', 'spec.localPref', 0, 4294967295) ?? DEFAULTS.localPref;
  if (serviceSelectors.length > 0) {
    if (aggLen !== undefined && aggLen !== 32) {
      r.error(`serviceSelectors and aggregationLength are mutually exclusive, both cannot be set in ${name}`, 'spec.aggregationLength');
    }
    if (aggLenV6 !== undefined && aggLenV6 !== 128) {
      r.error(`serviceSelectors and aggregationLengthV6 are mutually exclusive, both cannot be set in ${name}`, 'spec.aggregationLengthV6');
    }
  }
  const aggregationLength = aggLen ?? DEFAULTS.aggregationLength;
  const aggregationLengthV6 = aggLenV6 ?? DEFAULTS.aggregationLengthV6;
  if (aggregationLength > 32) r.error(`invalid aggregation length ${aggregationLength} for IPv4: use 1 to 32`, 'spec.aggregationLength');
  if (aggregationLengthV6 > 128) r.error(`invalid aggregation length ${aggregationLengthV6} for IPv6: use 0 to 128`, 'spec.aggregationLengthV6');

  const resolved = new Map<string, BGPCommunity>();
  communities.forEach((c, i) => {
    const alias = aliases.get(c);
    if (alias) {
      resolved.set(alias.text, alias);
      return;
    }
    const parsed = parseCommunity(c);
    if (parsed.ok) resolved.set(parsed.community.text, parsed.community);
    else if (parsed.kind === 'value') r.error(`invalid community ${goQuote(c)} in BGP advertisement: ${parsed.error} (${COMMUNITY_FORMS})`, `spec.communities[${i}]`);
    // Not "A:B" nor "large:A:B:C": taken for the name of a Community alias that may appear later.
    else r.transient(`invalid community ${goQuote(c)} in BGP advertisement: ${parsed.error} (no Community alias has this name)`, `spec.communities[${i}]`);
  });
  for (const peer of peers) if (!peerNames.has(peer)) r.warn(`spec.peers names BGPPeer ${goQuote(peer)}, which does not exist (or does not apply here)`);

  if (!r.ok) return { poolNames, poolSelectors };
  const parsed: ParsedBGPAd = {
    cfg: {
      name,
      aggregationLength,
      aggregationLengthV6,
      localPref,
      communities: [...resolved.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)),
      nodeSelectors,
      peers,
      serviceSelectors,
    },
    nodes: selectedNodes(nodes, nodeSelectors),
  };
  return { parsed, poolNames, poolSelectors };
}

/** Aggregation length against every pool entry, then LOCAL_PREF against advertisements already on the pool. */
function checkAgainstPool(ad: ParsedBGPAd, pool: ParsedPool, existing: ParsedBGPAd[], noNodes: boolean, r: Reporter): boolean {
  let ok = true;
  for (const [entry, prefixes] of pool.entries) {
    if (prefixes.length === 0) continue;
    const max = prefixes[0].family === 4 ? ad.cfg.aggregationLength : ad.cfg.aggregationLengthV6;
    const lowest = Math.min(...prefixes.map((x) => x.length));
    if (max < lowest) {
      ok = false;
      r.error(
        `invalid aggregation length ${ad.cfg.aggregationLength}: prefix ${lowest} in this pool is more specific than the aggregation length for addresses ${entry}` +
          ` (pool ${pool.pool.name}): use an aggregation length of at least ${lowest}`,
        prefixes[0].family === 4 ? 'spec.aggregationLength' : 'spec.aggregationLengthV6',
      );
    }
  }
  if (!ok) return false;
  // With serviceSelectors, which services meet is unknown until announce time (the speaker checks then).
  if (ad.cfg.serviceSelectors.length > 0) return true;
  for (const other of existing) {
    if (other.cfg.serviceSelectors.length > 0) continue;
    if (!localPrefCompatible(ad, other, pool, noNodes)) {
      if (noNodes) {
        // Upstream resolves node sets against the Nodes it lists; without Nodes they never intersect and
        // the pair is accepted. Say what a cluster (which has Nodes) would refuse.
        r.warn(
          `localPref ${ad.cfg.localPref} differs from BGPAdvertisement ${other.cfg.name} (${other.cfg.localPref}) on pool ${pool.pool.name} ` +
            'with the same aggregation and peers: refused on any node both select (give Node objects to check)',
        );
        continue;
      }
      r.error(
        `invalid local preference ${ad.cfg.localPref}: local preferernce ${other.cfg.localPref} was already set for the same type of BGP update. ` +
          `Check existing BGP advertisements with common pools and aggregation lengths (conflicts with BGPAdvertisement ${other.cfg.name} on pool ${pool.pool.name})`,
        'spec.localPref',
      );
      return false;
    }
  }
  return true;
}

/** `assumeShared`: judge as if both advertisements selected a common node (used only to warn). */
function localPrefCompatible(a: ParsedBGPAd, b: ParsedBGPAd, pool: ParsedPool, assumeShared: boolean): boolean {
  if (a.cfg.localPref === b.cfg.localPref) return true;
  if (aggregationDiffers(a.cfg, b.cfg, pool)) return true;
  if (a.cfg.peers.length > 0 && b.cfg.peers.length > 0 && !a.cfg.peers.some((x) => b.cfg.peers.includes(x))) return true;
  return !assumeShared && !intersects(a.nodes, b.nodes);
}

/** Different aggregation means different prefixes: v4-only pool compares v4 lengths, v6-only v6, dual-stack needs both to differ. */
function aggregationDiffers(a: BGPAdvertisementConfig, b: BGPAdvertisementConfig, pool: ParsedPool): boolean {
  let v4 = false;
  let v6 = false;
  for (const prefixes of pool.entries.values()) {
    if (prefixes.length === 0) continue;
    if (prefixes[0].family === 4) v4 = true;
    else v6 = true;
  }
  if (!v4 && !v6) return true;
  const d4 = a.aggregationLength !== b.aggregationLength;
  const d6 = a.aggregationLengthV6 !== b.aggregationLengthV6;
  if (d4 && !v6) return true;
  if (d6 && !v4) return true;
  return d4 && d6;
}

// ---- L2 ------------------------------------------------------------------------------------------

export function attachL2Advertisements(ads: L2Advertisement[], rawPools: IPAddressPool[], pools: Map<string, ParsedPool>, p: Problems): void {
  for (const ad of ads) {
    const r = p.for('L2Advertisement', ad.metadata.name);
    const spec = (ad.spec ?? {}) as unknown as Record<string, unknown>;
    const name = ad.metadata.name;
    const poolNames = r.list<string>(spec, 'ipAddressPools', 'spec.ipAddressPools', 'string');
    duplicateStrings(r, poolNames, 'ipAddressPools', 'spec.ipAddressPools');
    const poolSelectors = selectorList(r, spec, { key: 'ipAddressPoolSelectors', label: 'ipAddressPoolSelectors' }, 'invalid label selector');
    const nodeSelectors = selectorList(r, spec, { key: 'nodeSelectors', label: 'nodeSelectors' }, `failed to parse node selector for ${name}`);
    const serviceSelectors = selectorList(r, spec, { key: 'serviceSelectors', label: 'serviceSelectors' }, `failed to parse service selector for ${name}`);
    const interfaces = r.list<string>(spec, 'interfaces', 'spec.interfaces', 'string');
    const preferred = r.list<PreferredNodeSelector>(spec, 'preferredNodeSelectors', 'spec.preferredNodeSelectors', 'object');
    preferred.forEach((pref, i) => {
      const field = `spec.preferredNodeSelectors[${i}]`;
      if (pref.weight === undefined) r.error('Required value', `${field}.weight`);
      else r.int(pref as unknown as Record<string, unknown>, 'weight', `${field}.weight`, 1, 100);
      const shape = pref.preference === undefined || pref.preference === null ? 'Required value' : selectorShapeProblem(pref.preference);
      if (shape) r.error(shape, `${field}.preference`);
      else for (const why of selectorInvalid(pref.preference)) r.error(`invalid preferred node selector: ${why}`, `${field}.preference`);
    });
    if (!r.ok) continue;
    const cfg: L2AdvertisementConfig = { name, nodeSelectors, interfaces, serviceSelectors, preferredNodeSelectors: preferred };
    for (const pool of targetPools(poolNames, poolSelectors, rawPools, pools, r)) pool.pool.l2Advertisements.push(cfg);
  }
}
