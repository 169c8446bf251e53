// The chart ships copies of the repository's frr/ start-up files (helm cannot read outside the chart).
// They must stay byte-for-byte equal; after editing frr/, run:
//   cp frr/daemons frr/vtysh.conf frr/frr.conf charts/metallb-ts/files/frr/
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chartDir, repoRoot } from './helm.js';

const STARTUP_FILES = ['daemons', 'vtysh.conf', 'frr.conf'];

describe('chart copies of the FRR start-up files', () => {
  it('holds exactly the start-up files', () => {
    expect(readdirSync(join(chartDir, 'files/frr')).sort()).toEqual([...STARTUP_FILES].sort());
  });

  it.each(STARTUP_FILES)('files/frr/%s equals frr/%s', (name) => {
    const source = join(repoRoot, 'frr', name);
    expect({ file: `frr/${name}`, exists: existsSync(source) }).toEqual({ file: `frr/${name}`, exists: true });
    expect(readFileSync(join(chartDir, 'files/frr', name), 'utf8')).toBe(readFileSync(source, 'utf8'));
  });
});
