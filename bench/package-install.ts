// The npm package: size of the packed tarball and time of an offline global install into a fresh
// prefix (which includes building the layer 2 addon with node-gyp), as a new host would do it.
// Prints one JSON object; the machine's load is part of it (the install is I/O and compiler bound).
//
//   npx tsc -p tsconfig.build.json && node dist/bench/package-install.js [--runs 2]
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
})();
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] ?? 1) || 1;

const work = mkdtempSync(join(tmpdir(), 'mt-bench-pkg-'));
try {
  // dist/ is built first (npm run build); --ignore-scripts skips prepack's second build.
  const t0 = performance.now();
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root });
  const packSeconds = (performance.now() - t0) / 1000;
  const info = (JSON.parse(String(packed.stdout)) as Array<{ filename: string; size: number; unpackedSize: number; entryCount: number; bundled: string[] }>)[0];
  const tarball = join(work, info.filename);
  const installs: Array<{ seconds: number; addonBuilt: boolean; loadAverage1m: number }> = [];
  for (let i = 0; i < runs; i++) {
    const prefix = join(work, `prefix-${i}`);
    const t = performance.now();
    await execa('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], { cwd: work });
    installs.push({
      seconds: Number(((performance.now() - t) / 1000).toFixed(1)),
      addonBuilt: existsSync(join(prefix, 'lib', 'node_modules', 'metallb-ts', 'native', 'build', 'Release', 'af_packet.node')),
      loadAverage1m: Number(loadavg()[0].toFixed(1)),
    });
  }
  process.stdout.write(`${JSON.stringify({
    tarballBytes: statSync(tarball).size, unpackedBytes: info.unpackedSize, files: info.entryCount, bundledDependencies: info.bundled.length,
    packSeconds: Number(packSeconds.toFixed(1)), installs, cores: (await import('node:os')).cpus().length,
  })}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
