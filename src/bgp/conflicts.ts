// Announce-time LOCAL_PREF consistency for ads with serviceSelectors. Config validation checks ads
// without serviceSelectors; ads that pick services by label can only be checked once a Service is
// known, so the speaker refuses to announce it (reason conflictingAdvertisements) instead.
import type { BGPAdvertisementConfig, Pool } from '../config/types.js';

/** Aggregation lengths "differ" for the families the pool has (dual: both must differ). */
function aggregationDiffers(pool: Pool, a: BGPAdvertisementConfig, b: BGPAdvertisementConfig): boolean {
  const v4 = a.aggregationLength !== b.aggregationLength;
  const v6 = a.aggregationLengthV6 !== b.aggregationLengthV6;
  const has4 = pool.families.has(4);
  const has6 = pool.families.has(6);
  if (has4 && has6) return v4 && v6;
  return has6 ? v6 : v4;
}

function peersOverlap(a: BGPAdvertisementConfig, b: BGPAdvertisementConfig): boolean {
  if (a.peers.length === 0 || b.peers.length === 0) return true;
  return a.peers.some((p) => b.peers.includes(p));
}

/**
 * The first pair of ads (all applying to one Service on this node) that would send the same kind of
 * update with a different LOCAL_PREF; undefined when none do or no ad selects services by label.
 */
export function findConflictingAds(pool: Pool, ads: readonly BGPAdvertisementConfig[]): [BGPAdvertisementConfig, BGPAdvertisementConfig] | undefined {
  if (!ads.some((ad) => ad.serviceSelectors.length > 0)) return undefined;
  for (let i = 0; i < ads.length; i++) {
    for (let j = i + 1; j < ads.length; j++) {
      const a = ads[i];
      const b = ads[j];
      if (a.localPref !== b.localPref && !aggregationDiffers(pool, a, b) && peersOverlap(a, b)) return [a, b];
    }
  }
  return undefined;
}
