// Every YAML example of the OpenShift MetalLB guide (test/fixtures/seed, one file per guide section)
// must form a valid configuration, alone or with its documented companion file.
import { describe, expect, test } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPaths } from '../../src/sources/files/load.js';
import { validateSnapshot } from '../../src/cli/validate.js';

const dir = join(process.cwd(), 'test', 'fixtures', 'seed');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const examples = files.filter((f) => !f.endsWith('.companion.yaml'));
const companionOf = (f: string): string | undefined => {
  const c = f.replace(/\.yaml$/, '.companion.yaml');
  return files.includes(c) ? c : undefined;
};

describe('guide examples', () => {
  test('all sections with YAML are present', () => {
    expect(examples.length).toBeGreaterThanOrEqual(20);
  });

  test.each(examples)('%s is valid', async (f) => {
    const paths = [join(dir, f)];
    const companion = companionOf(f);
    if (companion) paths.push(join(dir, companion));
    const loaded = await loadPaths(paths);
    const out = validateSnapshot(loaded.snapshot, loaded.errors);
    expect(out.lines).toEqual([expect.stringMatching(/^valid: /)]);
    expect(out.code).toBe(0);
  });

  test('the peer-with-BFD example needs its companion (the reference is checked)', async () => {
    const loaded = await loadPaths([join(dir, '31.6.4.2-peer-bfd.yaml')]);
    const out = validateSnapshot(loaded.snapshot, loaded.errors);
    expect(out.code).toBe(1);
    expect(out.lines).toEqual(['BGPPeer/doc-example-peer-bfd: spec.bfdProfile: peer doc-example-peer-bfd referencing non existing bfd profile doc-example-bfd-profile-full: create BFDProfile doc-example-bfd-profile-full or fix spec.bfdProfile']);
  });
});
