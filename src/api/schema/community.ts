// Community (metallb.io/v1beta1): names for BGP community values.
import { MAX_ITEMS_WITH_RULES, objectSchema, str, type CelRule, type Schema } from './common.js';
import { AGE, type CrdDefinition } from './types.js';

/**
 * A Community value, exactly as upstream's parser (metallb/metallb internal/bgp/community) reads it:
 * two parts (strconv.ParseUint base 10, 16 bits: digits only, leading zeros allowed) or four,
 * "large" then three 32-bit numbers. int() fails on numbers beyond 64 bits, which refuses them too.
 */
export const communityValueRule: CelRule = {
  rule: "self.matches('^[0-9]+:[0-9]+$')"
    + " ? int(self.split(':')[0]) <= 65535 && int(self.split(':')[1]) <= 65535"
    + " : self.matches('^large:[0-9]+:[0-9]+:[0-9]+$') && int(self.split(':')[1]) <= 4294967295"
    + " && int(self.split(':')[2]) <= 4294967295 && int(self.split(':')[3]) <= 4294967295",
  message: 'invalid community value: use A:B with numbers up to 65535 or large:A:B:C with numbers up to 4294967295',
};

const spec: Schema = {
  type: 'object',
  description: 'CommunitySpec: a list of community aliases.',
  properties: {
    communities: {
      type: 'array',
      description: 'Aliases: a name and the community value it stands for. Names are unique across all Community objects.',
      maxItems: MAX_ITEMS_WITH_RULES,
      items: {
        type: 'object',
        properties: {
          name: str('The alias, used in BGPAdvertisement communities. Avoid colons: a name like A:B reads as a value.'),
          // 38 characters is the longest value without leading zeros (large:4294967295:4294967295:4294967295).
          value: str('The community: A:B or large:A:B:C.', { maxLength: 64, 'x-kubernetes-validations': [communityValueRule] }),
        },
      },
    },
  },
};

export const communityCRD: CrdDefinition = {
  kind: 'Community',
  plural: 'communities',
  singular: 'community',
  versions: [{
    name: 'v1beta1', served: true, storage: true,
    schema: objectSchema('Community: named BGP community values.', spec, { type: 'object', description: 'Unused.' }),
    printerColumns: [AGE],
  }],
};
