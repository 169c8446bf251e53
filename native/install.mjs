// The package's install step (npm runs it after `npm install -g metallb-ts`, and in a clone on
// `npm ci`): builds the AF_PACKET addon that layer 2 (ARP/NDP) needs, from native/src with node-gyp.
//
// It never fails the install: BGP and every CLI tool work without the addon. When the build is not
// possible it says why and what to install (Debian package names), and how to build it afterwards.
// `standalone` then reports layer 2 disabled at start-up with the same advice.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const built = join(here, 'build', 'Release', 'af_packet.node');
const say = (line) => process.stderr.write(`metallb-ts: ${line}\n`);

/** True when `cmd` runs (found on PATH and exits 0 with the given argument). */
const runs = (cmd, arg) => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;

// node-gyp needs Python 3, make and a C++17 compiler. Check them first so the message names the
// Debian package instead of ending in a page of gyp errors.
const missing = [];
if (!runs('python3', '--version')) missing.push('python3');
if (!runs('make', '--version') || !(runs('g++', '--version') || runs('c++', '--version'))) missing.push('build-essential');

const unavailable = (why) => {
  say(`layer 2 (ARP/NDP) unavailable: the AF_PACKET addon was not built: ${why}`);
  say('BGP and the CLI work without it. To add layer 2 later:');
  say('  apt-get install build-essential python3    # Debian/Ubuntu');
  say('  npm rebuild -g metallb-ts                  # or, in a clone: npm run build:native');
  process.exit(0);
};

if (missing.length > 0) unavailable(`${missing.join(' and ')} missing (node-gyp needs Python 3, make and g++)`);

// npm sets npm_config_node_gyp to its own bundled node-gyp; a clone has it as a dev dependency.
const gyp = process.env.npm_config_node_gyp
  ?? [join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')].find((p) => existsSync(p));
if (!gyp) unavailable('node-gyp not found (run this through npm: npm rebuild -g metallb-ts)');

const args = [gyp, 'rebuild', '--directory', here];
// Use the headers installed with this Node (Debian/NodeSource packages ship them in <prefix>/include/node)
// instead of downloading them: the install then needs no network.
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);

const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
if (r.status !== 0 || !existsSync(built)) {
  const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
  process.stderr.write(`${tail}\n`);
  unavailable(`node-gyp failed (exit ${r.status ?? r.signal}; its last lines are above)`);
}
say(`layer 2 addon built: ${built}`);
