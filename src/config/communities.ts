// Community CRs -> alias map (spec 2.5). Alias names are global across all Community objects.
import type { Community } from '../api/metallb.js';
import type { Problems } from './problems.js';
import type { BGPCommunity } from './types.js';
import { COMMUNITY_FORMS, parseCommunity } from './community.js';
import { goQuote } from './duration.js';

export function buildCommunityAliases(crs: Community[], p: Problems): Map<string, BGPCommunity> {
  const aliases = new Map<string, BGPCommunity>();
  for (const cr of crs) {
    const r = p.for('Community', cr.metadata.name);
    const list = r.list<{ name?: unknown; value?: unknown }>((cr.spec ?? {}) as Record<string, unknown>, 'communities', 'spec.communities', 'object');
    list.forEach((alias, i) => {
      const field = `spec.communities[${i}]`;
      if (typeof alias.name !== 'string' || alias.name === '') return r.error('Required value: every alias needs a name', `${field}.name`);
      if (typeof alias.value !== 'string') return r.error(`Required value: alias ${goQuote(alias.name)} needs a value such as "65535:65282"`, `${field}.value`);
      const parsed = parseCommunity(alias.value);
      if (!parsed.ok) return r.error(`parsing community ${goQuote(alias.name)}: ${parsed.error} (${COMMUNITY_FORMS})`, `${field}.value`);
      if (aliases.has(alias.name)) return r.error(`duplicate definition of community ${goQuote(alias.name)}: alias names are global across Community objects`, `${field}.name`);
      aliases.set(alias.name, parsed.community);
    });
  }
  return aliases;
}
