// BGP community strings: "A:B" (two uint16) or "large:A:B:C" (three uint32). Two kinds of failure,
// as upstream distinguishes them: a bad *value* (hard error) and a bad *format* (wrong number of ':'),
// which an advertisement treats as a reference to an alias that may not exist yet.
import type { BGPCommunity } from './types.js';
import { goQuote } from './duration.js';

export type CommunityParse =
  | { ok: true; community: BGPCommunity }
  | { ok: false; kind: 'value' | 'format'; error: string };

export function parseCommunity(text: string): CommunityParse {
  const parts = text.split(':');
  if (parts.length === 2) {
    const high = parseUint(parts[0], 16);
    if (typeof high === 'string') return valueError(`invalid section ${goQuote(parts[0])} of community ${goQuote(text)}, err: ${goQuote(high)}`);
    const low = parseUint(parts[1], 16);
    if (typeof low === 'string') return valueError(`invalid section ${goQuote(parts[1])} of community ${goQuote(text)}, err: ${goQuote(low)}`);
    return { ok: true, community: { kind: 'standard', high, low, text: `${high}:${low}` } };
  }
  if (parts.length === 4) {
    if (parts[0] !== 'large') {
      return valueError(
        `invalid marker for large community, expected community to be of format large:<uint32>:<uint32>:<uint32> but got ${goQuote(text)} instead`,
      );
    }
    const nums: number[] = [];
    for (const p of parts.slice(1)) {
      const n = parseUint(p, 32);
      if (typeof n === 'string') return valueError(`invalid section ${goQuote(p)} of community ${goQuote(text)}, err: ${goQuote(n)}`);
      nums.push(n);
    }
    const [global, local1, local2] = nums;
    return { ok: true, community: { kind: 'large', global, local1, local2, text: `large:${global}:${local1}:${local2}` } };
  }
  return { ok: false, kind: 'format', error: `invalid community format: ${text}` };
}

function valueError(detail: string): CommunityParse {
  return { ok: false, kind: 'value', error: `invalid community value: ${detail}` };
}

/** strconv.ParseUint(s, 10, bits): a number, or Go's error text. */
function parseUint(s: string, bits: 16 | 32): number | string {
  if (!/^\d+$/.test(s)) return `strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`;
  const v = BigInt(s);
  if (v >= 1n << BigInt(bits)) return `strconv.ParseUint: parsing ${goQuote(s)}: value out of range`;
  return Number(v);
}

/** What to write instead, appended to community errors. */
export const COMMUNITY_FORMS = 'write A:B with each part 0-65535, large:A:B:C with each part 0-4294967295, or the name of a Community alias';
