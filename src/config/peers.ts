// BGPPeer -> PeerConfig (spec 2.3), every rule of upstream's peer parsing, all problems reported.
import type { Secret } from '../api/core.js';
import type { BGPPeer } from '../api/metallb.js';
import { parseIP } from '../api/ip.js';
import { PASSWORD_SECRET, peerPortOrDefault } from '../api/defaults.js';
import type { Problems, Reporter } from './problems.js';
import type { BFDProfileConfig, PeerConfig } from './types.js';
import { formatGoDuration, goQuote, NS_PER_SECOND, parseGoDuration, wholeSeconds } from './duration.js';
import { selectorInvalid, selectorListDuplicate } from './selectors.js';

const UINT32_MAX = 4294967295;

export interface PeerInputs {
  bfdNames: Set<string>;
  bfdProfiles: Map<string, BFDProfileConfig>;
  secrets: Secret[];
  /** MetalLB's namespace; undefined = look the secret up by name anywhere */
  namespace?: string;
}

export function buildPeers(peers: BGPPeer[], inputs: PeerInputs, p: Problems): PeerConfig[] {
  const out: PeerConfig[] = [];
  for (const peer of peers) {
    const cfg = buildPeer(peer, inputs, p.for('BGPPeer', peer.metadata.name));
    if (cfg) out.push(cfg);
  }
  return out;
}

function buildPeer(peer: BGPPeer, inputs: PeerInputs, r: Reporter): PeerConfig | undefined {
  const spec = (peer.spec ?? {}) as unknown as Record<string, unknown>;
  const ns = peer.metadata.namespace ?? '';
  const name = peer.metadata.name;

  // Schema (CRD) checks first: they decide what the rules below can read.
  if (spec.myASN === undefined || spec.myASN === null) r.error('Required value', 'spec.myASN');
  const myASN = r.int(spec, 'myASN', 'spec.myASN', 0, UINT32_MAX) ?? 0;
  const peerASN = r.int(spec, 'peerASN', 'spec.peerASN', 0, UINT32_MAX) ?? 0;
  const localASN = r.int(spec, 'localASN', 'spec.localASN', 1, UINT32_MAX) ?? 0;
  // v1beta2 range; a v1beta1 port 0 ("default") is dropped by the conversion.
  const port = r.int(spec, 'peerPort', 'spec.peerPort', 1, 16384);
  const dynamicASN = r.str(spec, 'dynamicASN', 'spec.dynamicASN') ?? '';
  const address = r.str(spec, 'peerAddress', 'spec.peerAddress') ?? '';
  const iface = r.str(spec, 'interface', 'spec.interface') ?? '';
  const source = r.str(spec, 'sourceAddress', 'spec.sourceAddress') ?? '';
  const routerID = r.str(spec, 'routerID', 'spec.routerID') ?? '';
  const password = r.str(spec, 'password', 'spec.password') ?? '';
  const bfdProfile = r.str(spec, 'bfdProfile', 'spec.bfdProfile') ?? '';
  const vrf = r.str(spec, 'vrf', 'spec.vrf') ?? '';
  const ebgpMultiHop = r.bool(spec, 'ebgpMultiHop', 'spec.ebgpMultiHop') ?? false;
  const gracefulRestart = r.bool(spec, 'enableGracefulRestart', 'spec.enableGracefulRestart') ?? false;
  const dualStack = r.bool(spec, 'dualStackAddressFamily', 'spec.dualStackAddressFamily') ?? false;
  r.bool(spec, 'disableMP', 'spec.disableMP');
  const nodeSelectors = r.selectors(spec, 'nodeSelectors', 'spec.nodeSelectors');
  const secretRef = spec.passwordSecret as { name?: unknown; namespace?: unknown } | undefined;
  if (secretRef !== undefined && secretRef !== null && (typeof secretRef !== 'object' || Array.isArray(secretRef))) {
    r.error(`Invalid value: ${JSON.stringify(secretRef)}: spec.passwordSecret in body must be of type object: give {name: <secret>}`, 'spec.passwordSecret');
  }
  const secretName = typeof secretRef?.name === 'string' ? secretRef.name : '';
  const hold = durationField(spec, 'holdTime', r);
  const keepalive = durationField(spec, 'keepaliveTime', r);
  const connect = durationField(spec, 'connectTime', r);

  // Upstream rules, in upstream's order.
  // Only a literal 0: an out-of-range or mistyped value has already been reported by the schema check.
  if (spec.myASN === 0) r.error('missing local ASN: set spec.myASN (1-4294967295)', 'spec.myASN');
  const peerASNGiven = spec.peerASN !== undefined && spec.peerASN !== null && spec.peerASN !== 0;
  if (!peerASNGiven && dynamicASN === '') r.error('missing peer ASN and dynamicASN: set spec.peerASN or spec.dynamicASN', 'spec.peerASN');
  if (peerASN !== 0 && dynamicASN !== '') r.error('both peer ASN and dynamicASN specified: keep only one', 'spec.dynamicASN');
  if (dynamicASN !== '' && dynamicASN !== 'internal' && dynamicASN !== 'external') {
    r.error(`invalid dynamicASN ${dynamicASN}: use "internal" or "external"`, 'spec.dynamicASN');
  }
  if (peerASN === myASN && ebgpMultiHop) r.error('invalid ebgp-multihop parameter set for an ibgp peer: peerASN equals myASN, remove spec.ebgpMultiHop', 'spec.ebgpMultiHop');
  if (address === '' && iface === '') r.error('peer has no Address or Interface specified: set spec.peerAddress or spec.interface', 'spec.peerAddress');
  if (address !== '' && iface !== '') r.error('peer has both Address and Interface specified: keep only one', 'spec.interface');
  if (/[\n\r]/.test(iface)) r.error(`interface for peer ${goQuote(ns)}/${goQuote(name)} contains invalid characters`, 'spec.interface');

  const timers = parseTimers(hold, keepalive);
  if (timers.error) r.error(`invalid BGPPeer timers: ${timers.error}`, hold ? 'spec.holdTime' : 'spec.keepaliveTime');

  if (address !== '' && !goParseIP(address)) r.error(`invalid BGPPeer address ${goQuote(address)}: use an IPv4 or IPv6 address`, 'spec.peerAddress');
  if (routerID !== '' && !goParseIP(routerID)) r.error(`invalid router ID ${goQuote(routerID)}: use an IPv4 address`, 'spec.routerID');
  if (source !== '' && !goParseIP(source)) r.error(`invalid source IP ${goQuote(source)}: use one of the node's addresses`, 'spec.sourceAddress');

  const dup = selectorListDuplicate(nodeSelectors, 'nodeSelectors');
  if (dup) r.error(dup, 'spec.nodeSelectors');
  nodeSelectors.forEach((s, i) => {
    for (const why of selectorInvalid(s)) r.error(`failed to convert peer ${name} node selector: ${why}`, `spec.nodeSelectors[${i}]`);
  });

  if (password !== '' && secretName !== '') {
    r.error(`can not have both password and secret ref set in peer config ${goQuote(ns)}/${goQuote(name)}: keep spec.password or spec.passwordSecret`, 'spec.password');
  }
  if (/[\n\r]/.test(password)) r.error(`password for peer ${goQuote(ns)}/${goQuote(name)} contains invalid characters`, 'spec.password');
  // FRR reads `neighbor X password WORD`: a space would cut the password (or break the line). Refused
  // here, where admission and `validate` see it; a Secret's password (which admission never reads)
  // with whitespace leaves only that session out at run time (src/bgp/neighbor.ts).
  if (password.includes(' ')) r.error(`password for peer ${goQuote(ns)}/${goQuote(name)} contains a space: FRR takes the password as one word; remove the space`, 'spec.password');

  let secretPassword = '';
  if (secretName !== '' && password === '') {
    const found = lookupSecret(inputs, secretName, typeof secretRef?.namespace === 'string' ? secretRef.namespace : undefined, ns);
    if (!found) {
      r.transient(`secret ref not found for peer config ${goQuote(ns)}/${goQuote(name)}: create Secret ${secretName} (type ${PASSWORD_SECRET.type})`, 'spec.passwordSecret');
    } else if (found.type !== PASSWORD_SECRET.type) {
      r.error(
        `secret type mismatch on ${goQuote(found.metadata.namespace ?? '')}/${goQuote(found.metadata.name)}, type ${goQuote(PASSWORD_SECRET.type)} is expected` +
          ` (recreate Secret ${found.metadata.name} with type: ${PASSWORD_SECRET.type})`,
        'spec.passwordSecret',
      );
    } else if (found.data?.[PASSWORD_SECRET.key] === undefined) {
      r.error(
        `password not specified in the secret ${goQuote(found.metadata.namespace ?? '')}/${goQuote(found.metadata.name)}: add the key password to Secret ${found.metadata.name}`,
        'spec.passwordSecret',
      );
    } else {
      secretPassword = Buffer.from(String(found.data[PASSWORD_SECRET.key]), 'base64').toString('utf8');
      if (/[\n\r]/.test(secretPassword)) r.error(`password secret for peer ${goQuote(ns)}/${goQuote(name)} contains invalid characters`, 'spec.passwordSecret');
    }
  }
  if (/[\n\r]/.test(vrf)) r.error(`VRF name for peer ${goQuote(ns)}/${goQuote(name)} contains invalid characters`, 'spec.vrf');

  // connectTime: the CRD's CEL rules (the API server rejects these before MetalLB sees them).
  let connectTime: number | undefined;
  if (connect) {
    const secs = wholeSeconds(connect.ns);
    if (secs < 1 || secs > 65535) r.error('connect time should be between 1 seconds to 65535', 'spec.connectTime');
    if ((connect.ns / 1_000_000n) % 1000n !== 0n) r.error('connect time should contain a whole number of seconds', 'spec.connectTime');
    connectTime = secs;
  }

  if (bfdProfile !== '' && !inputs.bfdNames.has(bfdProfile)) {
    r.transient(`peer ${name} referencing non existing bfd profile ${bfdProfile}: create BFDProfile ${bfdProfile} or fix spec.bfdProfile`, 'spec.bfdProfile');
  }

  if (!r.ok) return undefined;
  const cfg: PeerConfig = {
    name,
    myASN,
    peerASN,
    localASN,
    port: peerPortOrDefault(port),
    routerID,
    nodeSelectors,
    password: password !== '' ? password : secretPassword,
    bfdProfile,
    enableGracefulRestart: gracefulRestart,
    ebgpMultiHop,
    vrf,
    dualStackAddressFamily: dualStack,
  };
  if (dynamicASN === 'internal' || dynamicASN === 'external') cfg.dynamicASN = dynamicASN;
  if (address !== '') cfg.address = address;
  if (iface !== '') cfg.iface = iface;
  if (source !== '') cfg.sourceAddress = source;
  if (timers.hold !== undefined) cfg.holdTime = wholeSeconds(timers.hold);
  if (timers.keepalive !== undefined) cfg.keepaliveTime = wholeSeconds(timers.keepalive);
  if (connectTime !== undefined) cfg.connectTime = connectTime;
  return cfg;
}

/** net.ParseIP: like parseIP, but surrounding spaces make the text invalid. */
function goParseIP(text: string): boolean {
  return text === text.trim() && parseIP(text) !== undefined;
}

interface Duration {
  ns: bigint;
}

function durationField(spec: Record<string, unknown>, key: string, r: Reporter): Duration | undefined {
  const v = spec[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    r.error(`Invalid value: ${JSON.stringify(v)}: must be a duration string such as "90s" or "1m30s"`, `spec.${key}`);
    return undefined;
  }
  const d = parseGoDuration(v);
  if (!d.ok) {
    r.error(`${d.error}: use a duration such as "90s" or "1m30s"`, `spec.${key}`);
    return undefined;
  }
  return { ns: d.ns };
}

/**
 * Upstream's timer rules: a missing keepalive is hold/3, a missing hold is 3*keepalive; the hold time,
 * truncated to whole seconds, must be 0 or >= 3s (so "0.5s" truncates to 0 and passes); keepalive may
 * equal hold but not exceed it (compared before truncation).
 */
export function parseTimers(ht: Duration | undefined, ka: Duration | undefined): { hold?: bigint; keepalive?: bigint; error?: string } {
  if (!ht && !ka) return {};
  const hold = ht ? ht.ns : ka!.ns * 3n;
  const keepalive = ka ? ka.ns : ht!.ns / 3n;
  const rounded = (hold / NS_PER_SECOND) * NS_PER_SECOND;
  if (rounded !== 0n && rounded < 3n * NS_PER_SECOND) {
    const shown = ht ? goQuote(formatGoDuration(ht.ns)) : `${goQuote(formatGoDuration(hold))} (3 x keepaliveTime)`;
    return { error: `invalid hold time ${shown}: must be 0 or >=3s` };
  }
  if (keepalive > hold) {
    const holdText = ht ? goQuote(formatGoDuration(ht.ns)) : `${goQuote(formatGoDuration(hold))} (3 x keepaliveTime)`;
    return { error: `invalid keepaliveTime ${goQuote(formatGoDuration(keepalive))}, must be lower than holdTime ${holdText}` };
  }
  return { hold, keepalive };
}

/** The MetalLB namespace when known; else by name, preferring the reference's namespace, then the peer's. */
function lookupSecret(inputs: PeerInputs, name: string, refNs: string | undefined, peerNs: string): Secret | undefined {
  const byName = inputs.secrets.filter((s) => s.metadata.name === name);
  if (inputs.namespace !== undefined) return byName.find((s) => (s.metadata.namespace ?? inputs.namespace) === inputs.namespace);
  return (
    byName.find((s) => refNs !== undefined && s.metadata.namespace === refNs) ??
    byName.find((s) => s.metadata.namespace === peerNs) ??
    byName[0]
  );
}
