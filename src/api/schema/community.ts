// Community (metallb.io/v1beta1): names for BGP community values.
import { MAX_ITEMS_WITH_RULES, objectSchema, str, type CelRule, type Schema } from './common.js';
import { AGE, type CrdDefinition } from './types.js';

const U16 = '[0-9]{1,5}';
const U32 = '[0-9]{1,10}';

/**
 * A community string with two parts must be A:B of 16-bit numbers, one with four parts must be
 * large:A:B:C of 32-bit numbers. Anything else (no colon) is an alias name, resolved at run time.
 * `subject` is the CEL expression of the string.
 */
export function communityValueRule(subject: string, allowAlias = true): CelRule {
  const parts = `${subject}.split(':')`;
  const standard = `(${subject}.matches('^${U16}:${U16}$') && int(${parts}[0]) <= 65535 && int(${parts}[1]) <= 65535)`;
  const large = `(${subject}.matches('^large:${U32}:${U32}:${U32}$') && int(${parts}[1]) <= 4294967295 && int(${parts}[2]) <= 4294967295 && int(${parts}[3]) <= 4294967295)`;
  return allowAlias
    ? {
      rule: `(size(${parts}) != 2 || ${standard}) && (size(${parts}) != 4 || ${large})`,
      message: 'invalid community value: use A:B with numbers up to 65535, large:A:B:C with numbers up to 4294967295, or the name of a Community alias',
    }
    : {
      rule: `${standard} || ${large}`,
      message: 'invalid community value: use A:B with numbers up to 65535 or large:A:B:C with numbers up to 4294967295',
    };
}

const spec: Schema = {
  type: 'object',
  description: 'CommunitySpec: a list of community aliases.',
  properties: {
    communities: {
      type: 'array',
      description: 'Aliases: a name and the community value it stands for. Names are unique across all Community objects.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      maxItems: MAX_ITEMS_WITH_RULES,
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: str('The alias, used in BGPAdvertisement communities. Avoid colons: a name like A:B reads as a value.', { minLength: 1, maxLength: 253 }),
          value: str('The community: A:B or large:A:B:C.', { maxLength: 128, 'x-kubernetes-validations': [communityValueRule('self', false)] }),
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
