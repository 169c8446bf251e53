// L2Advertisement (metallb.io/v1beta1): Service IPs of some pools answered by ARP/NDP.
import { labelSelector, labelSelectors, objectSchema, stringSet, strings, int32, type Schema } from './common.js';
import { AGE, type CrdDefinition } from './types.js';

const spec: Schema = {
  type: 'object',
  description: 'L2AdvertisementSpec: which pools, from which nodes and interfaces.',
  properties: {
    ipAddressPools: stringSet('Names of the pools announced; with ipAddressPoolSelectors also empty, every pool.'),
    ipAddressPoolSelectors: labelSelectors('Pools (by label) announced.'),
    nodeSelectors: labelSelectors('Nodes that may announce; empty = every node.'),
    interfaces: strings('Host interfaces to announce from; empty = every interface.'),
    serviceSelectors: labelSelectors('Only Services matching one of these use this advertisement; empty = every Service.'),
    preferredNodeSelectors: {
      type: 'array',
      description: 'Soft preference in the election of the announcing node: the weights of matching entries add up per node.',
      items: {
        type: 'object',
        required: ['weight', 'preference'],
        properties: {
          weight: int32('Weight of this preference, 1 to 100.', { minimum: 1, maximum: 100 }),
          preference: labelSelector('The nodes this preference applies to.'),
        },
      },
    },
  },
};

export const l2AdvertisementCRD: CrdDefinition = {
  kind: 'L2Advertisement',
  plural: 'l2advertisements',
  singular: 'l2advertisement',
  versions: [{
    name: 'v1beta1', served: true, storage: true,
    schema: objectSchema('L2Advertisement: announces the IPs of some pools on the local network (ARP/NDP).', spec, { type: 'object', description: 'Unused.' }),
    printerColumns: [
      { name: 'IPAddressPools', type: 'string', jsonPath: '.spec.ipAddressPools' },
      { name: 'IPAddressPool Selectors', type: 'string', jsonPath: '.spec.ipAddressPoolSelectors' },
      { name: 'Interfaces', type: 'string', jsonPath: '.spec.interfaces' },
      { name: 'Node Selectors', type: 'string', jsonPath: '.spec.nodeSelectors', priority: 10 },
      AGE,
    ],
  }],
};
