// The shipped systemd unit: `systemd-analyze verify` must be clean (unknown or misspelt directives,
// bad values, a missing ExecStart program all fail it), and its sandbox must stay tight: systemd's own
// offline security assessment must rate its exposure 2.5 or lower (0 = locked down, 10 = none; 2.1 now; --threshold counts tenths).
// ExecStart names /usr/bin/metallb-ts (where `npm install -g` puts it with Debian's npm prefix /usr);
// the check runs on a copy pointing at this clone's bin/metallb-ts.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const UNIT = join(process.cwd(), 'packaging', 'metallb-ts.service');

describe('packaging/metallb-ts.service', () => {
  let dir: string;
  let copy: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mt-unit-'));
    copy = join(dir, 'metallb-ts.service');
    const text = readFileSync(UNIT, 'utf8');
    expect(text).toContain('ExecStart=/usr/bin/metallb-ts standalone ');
    writeFileSync(copy, text.replace('ExecStart=/usr/bin/metallb-ts ', `ExecStart=${join(process.cwd(), 'bin', 'metallb-ts')} `));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('systemd-analyze verify is clean', async () => {
    const r = await execa('systemd-analyze', ['verify', copy], { reject: false });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.exitCode).toBe(0);
  });

  test('systemd-analyze security rates the sandbox at 2.5 or better', async () => {
    const r = await execa('systemd-analyze', ['security', '--offline=yes', '--threshold=25', '--no-pager', copy], { reject: false });
    expect(r.stdout).toMatch(/Overall exposure level for metallb-ts\.service: [0-2]\.\d/);
    expect(r.exitCode).toBe(0);
  });

  test('verify reports a broken unit (the checks above can fail)', async () => {
    const broken = join(dir, 'broken.service');
    writeFileSync(broken, readFileSync(copy, 'utf8').replace('ProtectSystem=strict', 'ProtectSystem=strickt'));
    const r = await execa('systemd-analyze', ['verify', broken], { reject: false });
    expect(r.stderr).toMatch(/broken\.service:\d+: Failed to parse protect system value, ignoring: strickt/);
  });
});
