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
      // As upstream (Go's omitempty), a missing name is the empty name: odd, but not refused.
      const name = alias.name === undefined ? '' : alias.name;
      if (typeof name !== 'string') return r.error('Invalid value: the alias name must be a string', `${field}.name`);
      if (typeof alias.value !== 'string') return r.error(`Required value: alias ${goQuote(name)} needs a value such as "65535:65282"`, `${field}.value`);
      const parsed = parseCommunity(alias.value);
      if (!parsed.ok) return r.error(`parsing community ${goQuote(name)}: ${parsed.error} (${COMMUNITY_FORMS})`, `${field}.value`);
      if (aliases.has(name)) return r.error(`duplicate definition of community ${goQuote(name)}: alias names are global across Community objects`, `${field}.name`);
      aliases.set(name, parsed.community);
    });
  }
  return aliases;
}
