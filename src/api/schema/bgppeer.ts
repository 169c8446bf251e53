// BGPPeer (metallb.io): v1beta2 is stored; v1beta1 is still served (deprecated, as upstream) and
// converted by the /convert webhook. v1beta1 has fewer fields (no vrf, no passwordSecret: the API
// server prunes them), requires peerASN and peerAddress, uses a legacy nodeSelectors shape, and its
// peerPort has no default and allows 0.
import { DURATION, IP, bool, int64, labelSelectors, matches, objectSchema, str, type CelRule, type Schema } from './common.js';
import { AGE, type CrdDefinition } from './types.js';

const asn = (description: string, min: number): Schema => int64(description, { minimum: min, maximum: 4294967295 });

// Upstream leaves an empty string unparsed (Go's omitempty: "" is unset), so "" passes.
const ipField = (description: string, field: string): Schema =>
  str(description, { maxLength: 64, 'x-kubernetes-validations': [{ rule: `self == '' || ${matches(IP)}`, message: `${field} must be an IPv4 or IPv6 address` }] });

const durationField = (description: string, field: string, rules: CelRule[] = []): Schema =>
  str(description, {
    maxLength: 64,
    'x-kubernetes-validations': [{ rule: matches(DURATION), message: `${field} must be a duration such as 90s, 1m30s or 500ms` }, ...rules],
  });

/** The rules on the whole spec: each needs only the object itself. */
const specRules: CelRule[] = [
  { rule: 'self.myASN != 0', message: 'missing local ASN: set myASN' },
  { rule: '(has(self.peerASN) && self.peerASN != 0) || (has(self.dynamicASN) && self.dynamicASN != "")', message: 'missing peer ASN and dynamicASN: set one of them' },
  { rule: '!(has(self.peerASN) && self.peerASN != 0 && has(self.dynamicASN) && self.dynamicASN != "")', message: 'both peer ASN and dynamicASN specified: set only one' },
  // As upstream, an empty string counts as unset.
  { rule: "(has(self.peerAddress) && self.peerAddress != '') || (has(self.interface) && self.interface != '')", message: 'peer has no Address or Interface specified: set peerAddress or interface' },
  { rule: "!(has(self.peerAddress) && self.peerAddress != '' && has(self.interface) && self.interface != '')", message: 'peer has both Address and Interface specified: set only one' },
  { rule: '!(has(self.peerASN) && self.peerASN == self.myASN && has(self.ebgpMultiHop) && self.ebgpMultiHop)', message: 'invalid ebgp-multihop parameter set for an ibgp peer' },
  { rule: '!(has(self.password) && self.password != "" && has(self.passwordSecret) && has(self.passwordSecret.name) && self.passwordSecret.name != "")', message: 'can not have both password and secret ref set in peer config' },
  {
    // With only one of the two timers, the other follows (x3 or /3), so only both-set can conflict.
    rule: `!has(self.holdTime) || !has(self.keepaliveTime) || !${matches(DURATION, 'self.holdTime')} || !${matches(DURATION, 'self.keepaliveTime')} || duration(self.keepaliveTime) <= duration(self.holdTime)`,
    message: 'invalid keepaliveTime: must be lower than or equal to holdTime',
  },
];

/**
 * v1beta1 knows only these fields (metallb/metallb api/v1beta1/bgppeer_types.go); the API server
 * prunes any other, vrf and passwordSecret included. Its peerAddress and peerASN are required.
 */
export const V1BETA1_FIELDS = ['myASN', 'peerASN', 'peerAddress', 'sourceAddress', 'peerPort', 'holdTime', 'keepaliveTime', 'routerID',
  'nodeSelectors', 'password', 'bfdProfile', 'ebgpMultiHop'];
const V1BETA1_RULES = new Set(['missing local ASN: set myASN', 'invalid ebgp-multihop parameter set for an ibgp peer',
  'invalid keepaliveTime: must be lower than or equal to holdTime']);

function spec(v1beta1: boolean): Schema {
  const full = spec2(v1beta1);
  if (!v1beta1) return full;
  return {
    ...full,
    required: ['myASN', 'peerASN', 'peerAddress'],
    properties: Object.fromEntries(Object.entries(full.properties!).filter(([k]) => V1BETA1_FIELDS.includes(k))),
    'x-kubernetes-validations': specRules.filter((r) => V1BETA1_RULES.has(r.message)),
  };
}

function spec2(v1beta1: boolean): Schema {
  return {
    type: 'object',
    description: 'BGPPeerSpec: one BGP session, opened from the nodes the peer selects.',
    required: ['myASN'],
    properties: {
      myASN: asn('AS number MetalLB uses for this session.', 0),
      peerASN: asn('AS number of the peer; exactly one of peerASN and dynamicASN.', 0),
      dynamicASN: { type: 'string', enum: ['internal', 'external'], description: 'internal (iBGP) or external (eBGP) instead of a fixed peerASN.' },
      localASN: asn('AS number presented to the peer instead of myASN (FRR local-as ... no-prepend replace-as).', 1),
      peerAddress: ipField('Address of the peer; exactly one of peerAddress and interface.', 'peerAddress'),
      interface: str('Interface for unnumbered BGP (IPv6 link-local); exactly one of peerAddress and interface.'),
      sourceAddress: ipField('Source address of the session.', 'sourceAddress'),
      peerPort: v1beta1
        ? int64('TCP port of the peer (0 or unset = 179).', { minimum: 0, maximum: 16384 })
        : int64('TCP port of the peer.', { minimum: 1, maximum: 16384, default: 179 }),
      holdTime: durationField('BGP hold time; 0 or at least 3s.', 'holdTime', [{
        // As upstream: truncated to whole seconds (toward zero), it must be 0 or at least 3s.
        rule: `!${matches(DURATION)} || (duration(self) > duration('-1s') && duration(self) < duration('1s')) || duration(self) >= duration('3s')`,
        message: 'invalid hold time: must be 0 or >=3s',
      }]),
      keepaliveTime: durationField('BGP keepalive interval; at most holdTime.', 'keepaliveTime'),
      connectTime: durationField('How long to wait before retrying a failed connection, 1s to 65535s in whole seconds.', 'connectTime', [
        { rule: `!${matches(DURATION)} || (duration(self) >= duration('1s') && duration(self) <= duration('65535s'))`, message: 'connect time should be between 1 seconds to 65535' },
        { rule: `!${matches(DURATION)} || duration(self).getMilliseconds() % 1000 == 0`, message: 'connect time should contain a whole number of seconds' },
      ]),
      routerID: ipField('BGP router ID for this node; every peer selecting a node must use the same one.', 'routerID'),
      nodeSelectors: v1beta1 ? legacyNodeSelectors : labelSelectors('Nodes that open this session; empty = every node.'),
      password: str('TCP MD5 password (clear text); prefer passwordSecret.'),
      passwordSecret: {
        type: 'object',
        description: 'A Secret of type kubernetes.io/basic-auth holding the password under key "password", in the MetalLB namespace.',
        'x-kubernetes-map-type': 'atomic',
        properties: { name: str('Name of the Secret.'), namespace: str('Namespace of the Secret (the MetalLB namespace).') },
      },
      bfdProfile: str('Name of a BFDProfile; enables BFD for this session.'),
      enableGracefulRestart: bool('BGP graceful restart: keep forwarding while the speaker restarts. Set at creation only.', {
        'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'EnableGracefulRestart cannot be changed after creation' }],
      }),
      ebgpMultiHop: bool('The peer is more than one hop away (eBGP multihop).'),
      vrf: str('Host VRF to open the session from; empty = the default VRF.'),
      disableMP: bool('Deprecated, has no effect: each address family already has its own session unless dualStackAddressFamily is set.', { default: false }),
      dualStackAddressFamily: bool('Announce both IPv4 and IPv6 over this one session.', { default: false }),
    },
    'x-kubernetes-validations': specRules,
  };
}

const legacyNodeSelectors: Schema = {
  type: 'array',
  description: 'Nodes that open this session; empty = every node (v1beta1 shape).',
  items: {
    type: 'object',
    properties: {
      matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
      matchExpressions: {
        type: 'array',
        items: {
          type: 'object',
          required: ['key', 'operator', 'values'],
          properties: { key: { type: 'string' }, operator: { type: 'string' }, values: { type: 'array', items: { type: 'string' }, minItems: 1 } },
        },
      },
    },
  },
};

const columns = [
  { name: 'Address', type: 'string' as const, jsonPath: '.spec.peerAddress' },
  { name: 'ASN', type: 'string' as const, jsonPath: '.spec.peerASN' },
  { name: 'BFD Profile', type: 'string' as const, jsonPath: '.spec.bfdProfile' },
  { name: 'Multi Hops', type: 'string' as const, jsonPath: '.spec.ebgpMultiHop' },
  AGE,
];

export const bgpPeerCRD: CrdDefinition = {
  kind: 'BGPPeer',
  plural: 'bgppeers',
  singular: 'bgppeer',
  conversionWebhook: true,
  versions: [
    {
      name: 'v1beta1', served: true, storage: false, deprecated: true, deprecationWarning: 'v1beta1 is deprecated, please use v1beta2',
      schema: objectSchema('BGPPeer (v1beta1, served for old clients): a BGP session to a router.', spec(true), { type: 'object', description: 'Unused.' }, true),
      printerColumns: columns,
    },
    {
      name: 'v1beta2', served: true, storage: true,
      schema: objectSchema('BGPPeer: a BGP session from the selected nodes to a router.', spec(false), { type: 'object', description: 'Unused.' }, true),
      printerColumns: columns,
    },
  ],
};
