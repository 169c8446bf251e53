// Acceptance: what FRR 8.4 prints back for the guide's own examples must not look like drift. FRR
// respells well-known communities in `show running-config` (measured: `set community 65535:65282
// additive` reads back as `set community no-advertise additive`); the applier's drift check parses
// that text and compares it with the model it applied, so a mismatch here means a warning and a full
// re-apply on every drift check for anyone using NO_ADVERTISE (guide 31.5.3.1, 31.7.2).
import { describe, expect, it } from '@jest/globals';
import { diffModels } from '../../src/frr/render/diff.js';
import { parseConfig } from '../../src/frr/render/parse.js';
import { renderFrr, scenario } from './run.js';

describe('rendered config read back from FRR', () => {
  it('does not see drift when FRR prints 65535:65282 as no-advertise', async () => {
    const r = await renderFrr([scenario('advanced')], 'node-a');
    expect(r.out).toMatch(/^ set community 65535:65282 additive$/m);
    const running = r.out.replace(/^( set community .*)65535:65282(.* additive)$/gm, '$1no-advertise$2');
    expect(running).not.toBe(r.out);
    const want = parseConfig(r.out);
    const have = parseConfig(running);
    expect(diffModels(have, want)).toEqual([]);
  });
});
