// BFDProfile -> BFDProfileConfig (spec 2.2): each interval/multiplier range-checked, names unique.
import type { BFDProfile } from '../api/metallb.js';
import type { Problems } from './problems.js';
import type { BFDProfileConfig } from './types.js';

const RANGES: { key: 'detectMultiplier' | 'receiveInterval' | 'transmitInterval' | 'minimumTtl' | 'echoInterval'; min: number; max: number; what: string }[] = [
  { key: 'detectMultiplier', min: 2, max: 255, what: 'invalid detect multiplier value' },
  { key: 'receiveInterval', min: 10, max: 60000, what: 'invalid receive interval value' },
  { key: 'transmitInterval', min: 10, max: 60000, what: 'invalid transmit interval value' },
  { key: 'minimumTtl', min: 1, max: 254, what: 'invalid minimum ttl value' },
  { key: 'echoInterval', min: 10, max: 60000, what: 'invalid echo interval value' },
];

/** Returns every profile name seen (valid or not, so peers referencing a broken one are not also "missing"). */
export function buildBFDProfiles(profiles: BFDProfile[], p: Problems): { valid: Map<string, BFDProfileConfig>; names: Set<string> } {
  const valid = new Map<string, BFDProfileConfig>();
  const names = new Set<string>();
  for (const prof of profiles) {
    const name = prof.metadata.name;
    const r = p.for('BFDProfile', name);
    if (names.has(name)) {
      r.error(`found duplicate bfd profile name ${name}: rename one of them`);
      continue;
    }
    names.add(name);
    const spec = (prof.spec ?? {}) as Record<string, unknown>;
    const cfg: BFDProfileConfig = { name };
    for (const { key, min, max, what } of RANGES) {
      const v = spec[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        r.error(`Invalid value: ${JSON.stringify(v)}: spec.${key} in body must be of type integer`, `spec.${key}`);
        continue;
      }
      if (v < min || v > max) {
        r.error(`${what}: invalid value ${v}, must be in ${min}-${max} range`, `spec.${key}`);
        continue;
      }
      cfg[key] = v;
    }
    const echo = r.bool(spec, 'echoMode', 'spec.echoMode');
    const passive = r.bool(spec, 'passiveMode', 'spec.passiveMode');
    if (echo !== undefined) cfg.echoMode = echo;
    if (passive !== undefined) cfg.passiveMode = passive;
    if (r.ok) valid.set(name, cfg);
  }
  return { valid, names };
}
