// native/install.mjs is the package's install step. Without a C++ toolchain it must leave the install
// working (exit 0) and say what to install, naming the Debian packages: BGP and the CLI need no addon.
import { describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('native/install.mjs', () => {
  test('no toolchain on PATH: the install succeeds and names build-essential and python3', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'mt-noccbin-'));
    try {
      symlinkSync(process.execPath, join(bin, 'node')); // only node: no python3, make or g++
      const r = await execa(join(bin, 'node'), [join(process.cwd(), 'native', 'install.mjs')], {
        env: { PATH: bin, npm_config_node_gyp: '/nonexistent/node-gyp.js' }, extendEnv: false, reject: false,
      });
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toContain('layer 2 (ARP/NDP) unavailable: the AF_PACKET addon was not built: python3 and build-essential missing');
      expect(r.stderr).toContain('apt-get install build-essential python3');
      expect(r.stderr).toContain('npm rebuild -g metallb-ts');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
