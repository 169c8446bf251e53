// BGPAdvertisement (metallb.io/v1beta1): how Service IPs of some pools are announced by BGP.
import { int32, int64, labelSelectors, objectSchema, stringSet, type Schema } from './common.js';
import { AGE, type CrdDefinition } from './types.js';

const spec: Schema = {
  type: 'object',
  description: 'BGPAdvertisementSpec: which pools, to which peers, from which nodes, with which attributes.',
  properties: {
    aggregationLength: int32('Prefix length used for IPv4 announcements (32 = each address on its own).', {
      default: 32, minimum: 1,
      'x-kubernetes-validations': [{ rule: 'self <= 32', message: 'invalid aggregation length for IPv4: must be between 1 and 32' }],
    }),
    aggregationLengthV6: int32('Prefix length used for IPv6 announcements (128 = each address on its own).', {
      default: 128,
      // Upstream takes a negative length unless a pool it applies to has IPv6 addresses (the webhook checks that).
      'x-kubernetes-validations': [{ rule: 'self <= 128', message: 'invalid aggregation length for IPv6: must be at most 128' }],
    }),
    localPref: int64('BGP LOCAL_PREF attribute (iBGP only); 0 = not set.', { minimum: 0, maximum: 4294967295 }),
    // No CEL rule on communities: each is looked up as a Community alias first, and an alias name can be
    // any string, so only the webhook (which sees the aliases) can refuse one.
    communities: stringSet('BGP communities: A:B (16-bit numbers), large:A:B:C (32-bit numbers) or the name of a Community alias.'),
    ipAddressPools: stringSet('Names of the pools announced; with ipAddressPoolSelectors also empty, every pool.'),
    ipAddressPoolSelectors: labelSelectors('Pools (by label) announced.'),
    nodeSelectors: labelSelectors('Nodes that announce (become next hops); empty = every node.'),
    peers: stringSet('Names of the BGPPeers to announce to; empty = every peer.'),
    serviceSelectors: labelSelectors('Only Services matching one of these use this advertisement; empty = every Service.'),
  },
  'x-kubernetes-validations': [{
    rule: '!has(self.serviceSelectors) || size(self.serviceSelectors) == 0 || '
      + '((!has(self.aggregationLength) || self.aggregationLength == 32) && (!has(self.aggregationLengthV6) || self.aggregationLengthV6 == 128))',
    message: 'serviceSelectors and aggregationLength are mutually exclusive, both cannot be set',
  }],
};

export const bgpAdvertisementCRD: CrdDefinition = {
  kind: 'BGPAdvertisement',
  plural: 'bgpadvertisements',
  singular: 'bgpadvertisement',
  versions: [{
    name: 'v1beta1', served: true, storage: true,
    schema: objectSchema('BGPAdvertisement: announces the IPs of some pools to BGP peers.', spec, { type: 'object', description: 'Unused.' }),
    printerColumns: [
      { name: 'IPAddressPools', type: 'string', jsonPath: '.spec.ipAddressPools' },
      { name: 'IPAddressPool Selectors', type: 'string', jsonPath: '.spec.ipAddressPoolSelectors' },
      { name: 'Peers', type: 'string', jsonPath: '.spec.peers' },
      { name: 'Node Selectors', type: 'string', jsonPath: '.spec.nodeSelectors', priority: 10 },
      AGE,
    ],
  }],
};
