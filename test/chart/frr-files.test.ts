// The chart ships copies of the repository's frr/ start-up files (helm cannot read outside the chart).
// They must stay byte-for-byte equal; after editing frr/, run:
//   cp frr/* charts/metallb-ts/files/frr/
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chartDir, repoRoot } from './helm.js';

// The ConfigMap's files; frr/entrypoint.sh is the frr container's command.
const STARTUP_FILES = ['daemons', 'entrypoint.sh', 'frr.conf', 'vtysh.conf'];

describe('chart copies of the FRR start-up files', () => {
  it('holds exactly the start-up files, and frr/ holds no others', () => {
    expect(readdirSync(join(chartDir, 'files/frr')).sort()).toEqual(STARTUP_FILES);
    expect(readdirSync(join(repoRoot, 'frr')).sort()).toEqual(STARTUP_FILES);
  });

  it.each(STARTUP_FILES)('files/frr/%s equals frr/%s', (name) => {
    const source = join(repoRoot, 'frr', name);
    expect({ file: `frr/${name}`, exists: existsSync(source) }).toEqual({ file: `frr/${name}`, exists: true });
    expect(readFileSync(join(chartDir, 'files/frr', name), 'utf8')).toBe(readFileSync(source, 'utf8'));
  });
});
