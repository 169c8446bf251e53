// IPAddressPool (metallb.io/v1beta1): the addresses handed out to LoadBalancer Services.
import { MAX_ITEMS_WITH_RULES, POOL_CIDR_SHAPE, POOL_RANGE_SHAPE, bool, stringSet, int32, labelSelectors, matches, objectSchema, int64, type Schema } from './common.js';
import { AGE, type CrdDefinition } from './types.js';

const address: Schema = {
  type: 'string',
  // Room for a range of two fully written IPv4-mapped IPv6 addresses (2 x 45 + 1) and some blanks.
  maxLength: 128,
  'x-kubernetes-validations': [{
    rule: `self.contains('-') ? ${matches(POOL_RANGE_SHAPE)} : ${matches(POOL_CIDR_SHAPE)}`,
    message: 'each address must be a CIDR (192.0.2.0/24, 2001:db8::/64) or a range of two addresses (192.0.2.10-192.0.2.20)',
  }],
};

const spec: Schema = {
  type: 'object',
  description: 'IPAddressPoolSpec: the addresses of the pool and who may get them.',
  required: ['addresses'],
  properties: {
    addresses: {
      type: 'array',
      description: 'CIDRs (192.0.2.0/24) and ranges (192.0.2.10-192.0.2.20) the pool hands out; IPv4 and IPv6 may be mixed.',
      items: address,
      'x-kubernetes-list-type': 'set',
      minItems: 1,
      maxItems: MAX_ITEMS_WITH_RULES,
    },
    autoAssign: bool('Whether addresses are handed out automatically; false = only to Services that ask for this pool or one of its IPs.', { default: true }),
    avoidBuggyIPs: bool('Never hand out IPv4 addresses ending in .0 or .255.', { default: false }),
    serviceAllocation: {
      type: 'object',
      description: 'Restricts the pool to some namespaces and Services and orders pools by priority.',
      properties: {
        priority: int32('Priority of the pool among pools matching a Service: a smaller positive number wins; 0 or unset is lowest.'),
        namespaces: stringSet('Namespaces whose Services may use the pool.'),
        namespaceSelectors: labelSelectors('Namespaces (by label) whose Services may use the pool.'),
        serviceSelectors: labelSelectors('Services (by label) that may use the pool; any selector may match.'),
      },
    },
  },
};

const status: Schema = {
  type: 'object',
  description: 'How many addresses of the pool are in use and free, per family.',
  required: ['assignedIPv4', 'assignedIPv6', 'availableIPv4', 'availableIPv6'],
  properties: {
    assignedIPv4: int64('IPv4 addresses assigned to Services.'),
    assignedIPv6: int64('IPv6 addresses assigned to Services.'),
    availableIPv4: int64('IPv4 addresses still free.'),
    availableIPv6: int64('IPv6 addresses still free.'),
  },
};

export const ipAddressPoolCRD: CrdDefinition = {
  kind: 'IPAddressPool',
  plural: 'ipaddresspools',
  singular: 'ipaddresspool',
  versions: [{
    name: 'v1beta1', served: true, storage: true,
    schema: objectSchema('IPAddressPool: a set of addresses MetalLB assigns to LoadBalancer Services.', spec, status, true),
    printerColumns: [
      { name: 'Auto Assign', type: 'boolean', jsonPath: '.spec.autoAssign' },
      { name: 'Avoid Buggy IPs', type: 'boolean', jsonPath: '.spec.avoidBuggyIPs' },
      { name: 'Addresses', type: 'string', jsonPath: '.spec.addresses' },
      AGE,
    ],
  }],
};
