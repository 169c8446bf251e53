// Structure of the two images (no Docker engine here to build them): stages, users, entry points, what
// reaches the runtime stage, and the build context. scripts/docker-stages.sh runs the build stages.
import { describe, expect, it, jest } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { repoRoot } from './helm.js';

// helm runs a process per render; on a busy machine a few of them exceed jest's 5 s default.
jest.setTimeout(60_000);

interface Instruction { op: string; args: string }
interface Stage { from: string; name: string; instructions: Instruction[] }

/** Instructions (continuations joined, comments dropped) split into stages; ARGs before FROM kept apart. */
function parseDockerfile(file: string): { globalArgs: Instruction[]; stages: Stage[] } {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const joined: string[] = [];
  let cont = '';
  for (const raw of lines) {
    if (cont === '' && /^\s*#/.test(raw)) continue;
    const line = cont + raw;
    if (/\\\s*$/.test(line)) {
      cont = line.replace(/\\\s*$/, ' ');
      continue;
    }
    cont = '';
    if (line.trim()) joined.push(line.trim());
  }
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of joined) {
    const [op, ...rest] = line.split(/\s+/);
    const ins = { op: op.toUpperCase(), args: rest.join(' ') };
    if (ins.op === 'FROM') {
      const m = /^(\S+)\s+AS\s+(\S+)$/i.exec(ins.args);
      if (!m) throw new Error(`${file}: FROM without a stage name: ${line}`);
      stages.push({ from: m[1], name: m[2], instructions: [] });
    } else if (stages.length === 0) {
      globalArgs.push(ins);
    } else {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

const all = (s: Stage, op: string) => s.instructions.filter((i) => i.op === op).map((i) => i.args);
const last = (s: Stage, op: string) => all(s, op).at(-1);

describe.each([
  ['Dockerfile.controller', 'controller', '65534:65534'],
  ['Dockerfile.speaker', 'speaker', '0:0'],
])('%s', (file, role, user) => {
  const { globalArgs, stages } = parseDockerfile(file);
  const [build, runtime] = stages;

  it('builds on node:20 and runs on the slim image, in two named stages', () => {
    expect(globalArgs).toEqual([{ op: 'ARG', args: 'NODE_VERSION=20' }]);
    expect(stages.map((s) => `${s.name}<-${s.from}`)).toEqual(['build<-node:${NODE_VERSION}-bookworm', 'runtime<-node:${NODE_VERSION}-bookworm-slim']);
  });

  it(`starts \`bin/metallb-ts ${role}\` as user ${user}`, () => {
    expect(JSON.parse(last(runtime, 'ENTRYPOINT')!)).toEqual(['/app/bin/metallb-ts', role]);
    expect(last(runtime, 'USER')).toBe(user);
    expect(last(runtime, 'WORKDIR')).toBe('/app');
    expect(all(runtime, 'COPY')).toEqual(expect.arrayContaining(['--from=build /src/bin ./bin', '--from=build /src/dist ./dist',
      '--from=build /src/node_modules ./node_modules', '--from=build /src/package.json ./package.json']));
    expect(existsSync(join(repoRoot, 'bin/metallb-ts'))).toBe(true);
  });

  it('fetches nothing by URL and copies only from the context or the build stage', () => {
    for (const s of stages) {
      expect(all(s, 'ADD')).toEqual([]);
      for (const c of all(s, 'COPY')) expect(c).not.toMatch(/https?:\/\//);
    }
    for (const c of all(runtime, 'COPY')) expect(c).toMatch(/^--from=build /);
  });

  it('compiles TypeScript and drops dev dependencies in the build stage', () => {
    const runs = all(build, 'RUN').join('\n');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toContain('tsc -p tsconfig.build.json');
    expect(runs).toContain('npm prune --omit=dev');
  });

  it('sends every copied context path through .dockerignore', () => {
    const allowed = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n')
      .filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    for (const c of all(build, 'COPY')) {
      const parts = c.split(/\s+/);
      for (const src of parts.slice(0, -1)) expect({ src, allowed: allowed.includes(src) }).toEqual({ src, allowed: true });
    }
  });
});

describe('image specifics', () => {
  it('controller: no packages, no capabilities, nothing run as root in the runtime', () => {
    const runtime = parseDockerfile('Dockerfile.controller').stages[1];
    expect(all(runtime, 'RUN')).toEqual([]);
    expect(readFileSync(join(repoRoot, 'Dockerfile.controller'), 'utf8')).not.toMatch(/setcap|--cap-add/);
  });

  it('speaker: builds the AF_PACKET addon with node-gyp, ships it where the loader looks, and installs vtysh', () => {
    const { stages } = parseDockerfile('Dockerfile.speaker');
    expect(all(stages[0], 'RUN').join('\n')).toMatch(/node-gyp rebuild --directory native/);
    const addonCopy = all(stages[1], 'COPY').find((c) => c.includes('af_packet.node'));
    expect(addonCopy).toBe('--from=build /src/native/build/Release/af_packet.node ./native/build/Release/af_packet.node');
    // The loader resolves native/build/Release/af_packet.node upwards from dist/: /app is the root.
    expect(readFileSync(join(repoRoot, 'src/layer2/packet-socket.ts'), 'utf8')).toContain("join('native', 'build', 'Release', 'af_packet.node')");
    const runtimeRuns = all(stages[1], 'RUN').join('\n');
    expect(runtimeRuns).toMatch(/apt-get install -y --no-install-recommends frr\b/);
    expect(runtimeRuns).toContain('vtysh --version');
  });

  it('docker-stages.sh turns the build stage into a runnable script and lists the root-only runtime steps', async () => {
    const r = await execa('bash', [join(repoRoot, 'scripts/docker-stages.sh'), '--dry-run', join(repoRoot, 'Dockerfile.speaker')]);
    const script = String(r.stdout);
    expect(script).toContain('# ---- stage build (FROM node:20-bookworm)');
    expect(script).toMatch(/bash -euo pipefail -c npm\\ ci/);
    expect(script).toMatch(/node-gyp\\ rebuild/);
    expect(script).toMatch(/echo skipped\\ \\\(needs\\ root\\ inside\\ the\\ image\\\):\\ apt-get/);
    expect(script).toContain('bin/metallb-ts speaker --help');
    // The generated script is valid bash.
    await execa('bash', ['-n'], { input: script });
  });
});
