// Snapshot -> validated Config: every rule of upstream's configuration parsing (FRR mode), with every
// problem reported (upstream stops at the first). Pure: no I/O, deterministic for a given snapshot.
import type { KubeObject } from '../api/meta.js';
import type { BGPAdvertisement, BGPPeer } from '../api/metallb.js';
import type { Snapshot } from '../api/snapshot.js';
import { anySelectorMatches } from '../api/selector.js';
import { BGP_EXTRAS } from '../api/defaults.js';
import { Problems } from './problems.js';
import type { BuildOptions, BuildResult, Config, Pool } from './types.js';
import { buildBFDProfiles } from './bfd.js';
import { buildPeers } from './peers.js';
import { checkFRRPeersCompatible } from './frr-mode.js';
import { buildCommunityAliases } from './communities.js';
import { buildPools } from './pools.js';
import { attachBGPAdvertisements, attachL2Advertisements } from './advertisements.js';
import { selectorInvalid, wellFormedSelectors } from './selectors.js';
import { unknownSpecFields } from './known-fields.js';

export function buildConfig(snapshot: Snapshot, opts: BuildOptions = {}): BuildResult {
  const p = new Problems();
  const ns = opts.namespace;
  // MetalLB only lists its own namespace; objects written without a namespace are taken as in it.
  const mine = <T extends KubeObject>(list: T[]): T[] =>
    sortByName(list.filter((o) => ns === undefined || o.metadata.namespace === undefined || o.metadata.namespace === ns));

  let peers = mine(snapshot.bgpPeers);
  let bgpAds = mine(snapshot.bgpAdvertisements);
  if (opts.node !== undefined) {
    // The speaker's view: only what selects this node is parsed at all (spec 11.1).
    const labels = snapshot.nodes.find((n) => n.metadata.name === opts.node)?.metadata.labels ?? {};
    const selects = (sels: unknown): boolean => selectsNode(sels, labels);
    peers = peers.filter((x) => selects(x.spec?.nodeSelectors));
    bgpAds = bgpAds.filter((x) => selects(x.spec?.nodeSelectors));
  }
  let secrets = snapshot.secrets;
  if (opts.ignoreTransient) {
    // Admission: references that may resolve later are not judged, as upstream's webhooks blank them.
    // A passwordSecret stays (so "both password and passwordSecret" is still refused) but no Secret
    // is looked up: its absence is transient and dropped below.
    peers = peers.map(blankPeerReferences);
    bgpAds = bgpAds.map(blankAliasCommunities);
    secrets = [];
  }

  for (const list of [peers, bgpAds, mine(snapshot.pools), mine(snapshot.l2Advertisements), mine(snapshot.bfdProfiles), mine(snapshot.communities)] as KubeObject[][]) {
    for (const o of list) p.warnings.push(...unknownSpecFields(o.kind, o.metadata.name, (o as { spec?: unknown }).spec));
  }
  checkFRRPeersCompatible(peers, snapshot.nodes, p);
  const bfd = buildBFDProfiles(mine(snapshot.bfdProfiles), p);
  const peerConfigs = buildPeers(peers, { bfdNames: bfd.names, bfdProfiles: bfd.valid, secrets, namespace: ns }, p);
  const aliases = buildCommunityAliases(mine(snapshot.communities), p);
  const rawPools = mine(snapshot.pools);
  const pools = buildPools(rawPools, snapshot.namespaces, p);
  attachL2Advertisements(mine(snapshot.l2Advertisements), rawPools, pools, p);
  checkIdenticalBGPAdvertisements(bgpAds, p);
  attachBGPAdvertisements(bgpAds, rawPools, pools, aliases, snapshot.nodes, new Set(peers.map((x) => x.metadata.name)), p);

  const config: Config = {
    pools: new Map<string, Pool>([...pools].map(([name, parsed]) => [name, parsed.pool])),
    peers: peerConfigs,
    bfdProfiles: bfd.valid,
    communityAliases: aliases,
  };
  checkBFDEcho(config, p);
  const extras = snapshot.configMaps.find(
    (c) => c.metadata.name === BGP_EXTRAS.configMap && (ns === undefined || (c.metadata.namespace ?? ns) === ns),
  );
  if (extras?.data?.[BGP_EXTRAS.key] !== undefined) {
    config.bgpExtras = extras.data[BGP_EXTRAS.key];
    p.warnings.push(`ConfigMap/${BGP_EXTRAS.configMap}: raw FRR configuration is appended to frr.conf; it is not validated (unsupported)`);
  }

  const errors = opts.ignoreTransient ? p.errors.filter((e) => !e.transient) : p.errors;
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config, warnings: p.warnings };
}

/** FRR cannot run BFD echo mode on IPv6 sessions' prefixes: refuse pools with IPv6 advertised to echo peers. */
function checkBFDEcho(config: Config, p: Problems): void {
  for (const pool of config.pools.values()) {
    if (!pool.families.has(6)) continue;
    for (const ad of pool.bgpAdvertisements) {
      const targets = ad.peers.length > 0 ? config.peers.filter((x) => ad.peers.includes(x.name)) : config.peers;
      for (const peer of targets) {
        if (peer.bfdProfile === '' || !config.bfdProfiles.get(peer.bfdProfile)?.echoMode) continue;
        p.add(
          'BGPAdvertisement',
          ad.name,
          `pool ${pool.name} has bgpadvertisement ${ad.name} which references peer ${peer.name} which has bfd echo enabled, which is not possible` +
            ` (disable echoMode in BFDProfile ${peer.bfdProfile} or do not advertise IPv6 pools to this peer)`,
        );
      }
    }
  }
}

function selectsNode(sels: unknown, labels: Record<string, string>): boolean {
  if (!Array.isArray(sels) || sels.length === 0) return true;
  const usable = wellFormedSelectors(sels).filter((s) => selectorInvalid(s).length === 0);
  return anySelectorMatches(usable.length > 0 ? usable : [{ matchLabels: { '\u0000never': '' } }], labels);
}

function blankPeerReferences(peer: BGPPeer): BGPPeer {
  if (!peer.spec) return peer;
  const { bfdProfile: _b, ...spec } = peer.spec;
  return { ...peer, spec };
}

function blankAliasCommunities(ad: BGPAdvertisement): BGPAdvertisement {
  if (!Array.isArray(ad.spec?.communities)) return ad;
  return { ...ad, spec: { ...ad.spec, communities: ad.spec.communities.filter((c) => typeof c !== 'string' || c.includes(':')) } };
}

/**
 * Two BGPAdvertisements that are the same object in every field (upstream compares them whole); with
 * different specs, two advertisements may share a name (each is parsed).
 */
function checkIdenticalBGPAdvertisements(ads: BGPAdvertisement[], p: Problems): void {
  const first = new Map<string, number>();
  ads.forEach((ad, j) => {
    const text = stableJSON(ad);
    const i = first.get(text);
    if (i === undefined) first.set(text, j);
    else p.add('BGPAdvertisement', ad.metadata.name, `duplicate definition of bgpadvertisements. advertisement ${i + 1} and ${j + 1} are equal: remove one`);
  });
}

function stableJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJSON).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJSON((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The API server lists objects by namespace then name; so do we, so messages do not depend on file order. */
function sortByName<T extends KubeObject>(list: T[]): T[] {
  const key = (o: T): string => `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
