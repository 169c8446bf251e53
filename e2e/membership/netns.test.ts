// Membership between processes in separate network namespaces ("mtml-*") on one bridge: a node whose
// link goes down is declared dead by the others (and sees them dead); when the link comes back the
// partition heals; a killed process is detected; a planned stop is seen at once.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execa, type ResultPromise } from 'execa';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Lab, nsExec } from '../harness/netns.js';
import { DEFAULT_TIMINGS } from '../../src/layer2/membership/timings.js';
import type { MemberEvent, MemberState } from '../../src/layer2/membership/types.js';

const ROOT = process.cwd();
const NODES = ['n1', 'n2', 'n3'];
const ip = (n: string): string => `192.0.2.${10 + NODES.indexOf(n) + 1}`;
const PORT = 7946;
const T = DEFAULT_TIMINGS;
// (n-1)·T + T + S from timings.ts, doubled for a 2-core host shared with other runs; figures come from the bench
const SLACK_BOUND = 2 * ((NODES.length - 1) * T.probeInterval + T.probeInterval + T.suspicionTimeout);

const lab = new Lab('mtml');
let secretDir: string;

class Member {
  /** what this member thinks of every other member */
  readonly view = new Map<string, MemberState>();
  constructor(readonly name: string, readonly child: ResultPromise) {}

  static async start(name: string, script: string, secretFile: string): Promise<Member> {
    const cfg = { name, bindAddress: ip(name), port: PORT, secretFile, members: NODES.map((n) => ({ name: n, address: ip(n) })) };
    const child = execa('ip', ['netns', 'exec', lab.ns(name), process.execPath, script, JSON.stringify(cfg)],
      { reject: false, buffer: false, stdin: 'pipe' });
    if (child.pid) lab.trackPid(child.pid);
    const m = new Member(name, child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const ready = new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const msg = JSON.parse(line) as { ready?: boolean; event?: MemberEvent };
        if (msg.ready) resolve();
        if (msg.event) {
          if (msg.event.state === 'removed') m.view.delete(msg.event.name);
          else m.view.set(msg.event.name, msg.event.state);
        }
      });
      void child.then(() => reject(new Error(`member ${name} exited: ${stderr.slice(-2000)}`)));
    });
    await ready;
    return m;
  }

  live(): string[] {
    return [this.name, ...[...this.view].filter(([, s]) => s !== 'dead').map(([n]) => n)].sort();
  }
}

async function waitFor(pred: () => boolean, maxMs: number): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < maxMs) {
    if (pred()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 5));
  }
  return pred() ? performance.now() - start : undefined;
}

const members = new Map<string, Member>();

beforeAll(async () => {
  const src = join(ROOT, 'e2e', 'membership', 'member-process.ts');
  const out = join(ROOT, 'dist', 'e2e', 'membership', 'member-process.js');
  await execa('npx', ['tsc', '--outDir', 'dist', '--rootDir', '.', '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
    '--target', 'ES2022', '--strict', '--skipLibCheck', '--esModuleInterop', '--types', 'node', src], { cwd: ROOT });
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) throw new Error(`member process not compiled to ${out}`);

  secretDir = await mkdtemp(join(tmpdir(), 'mtml-'));
  await writeFile(join(secretDir, 'secretkey'), 'bXRtbC1zaGFyZWQtc2VjcmV0LTEyMzQ1Ng\n');

  const sw = await lab.addNamespace('sw');
  await lab.addBridge(sw, 'br0');
  for (const n of NODES) {
    const ns = await lab.addNamespace(n);
    await lab.attach(sw, 'br0', `p-${n}`, { ns, ifname: 'eth0', addrs: [`${ip(n)}/24`] });
  }
  for (const n of NODES) members.set(n, await Member.start(n, out, join(secretDir, 'secretkey')));
}, 120_000);

afterAll(async () => {
  await lab.cleanup();
  if (secretDir) await rm(secretDir, { recursive: true, force: true });
});

const all = (pred: (m: Member) => boolean, names = NODES) => () => names.every((n) => pred(members.get(n)!));

describe('membership across network namespaces (mtml-*)', () => {
  test('everybody sees everybody alive', async () => {
    expect(await waitFor(all((m) => m.live().join() === NODES.join()), 3_000)).toBeDefined();
    await new Promise((r) => setTimeout(r, 500));
    expect(all((m) => m.live().join() === NODES.join())()).toBe(true); // and it stays so
  });

  test('a node whose link goes down is dead for the others; the partition heals when the link comes back', async () => {
    await nsExec(lab.ns('n3'), 'ip', ['link', 'set', 'eth0', 'down']);
    const took = await waitFor(all((m) => m.live().join() === 'n1,n2', ['n1', 'n2']), 5_000);
    expect(took).toBeDefined();
    expect(took!).toBeLessThan(SLACK_BOUND);
    // the cut-off node concludes the same about the others
    expect(await waitFor(() => members.get('n3')!.live().join() === 'n3', 5_000)).toBeDefined();

    await nsExec(lab.ns('n3'), 'ip', ['link', 'set', 'eth0', 'up']);
    const healed = await waitFor(all((m) => m.live().join() === NODES.join()), 5_000);
    expect(healed).toBeDefined();
    expect(healed!).toBeLessThan(T.reconnectInterval + SLACK_BOUND);
  });

  test('a killed member is detected; a planned stop is seen at once', async () => {
    process.kill(members.get('n2')!.child.pid!, 'SIGKILL');
    const took = await waitFor(all((m) => m.live().join() === 'n1,n3', ['n1', 'n3']), 5_000);
    expect(took).toBeDefined();
    expect(took!).toBeLessThan(SLACK_BOUND);

    members.get('n3')!.child.stdin!.end();
    const gone = await waitFor(() => members.get('n1')!.live().join() === 'n1', 2_000);
    expect(gone).toBeDefined();
    expect(gone!).toBeLessThan(T.probeInterval);
  });
});
