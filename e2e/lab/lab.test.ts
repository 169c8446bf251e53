// The README's main job in CI: runs the lab demo (dist/e2e/lab/main.js, namespaces "mtsyslab-*")
// non-interactively and checks its JSON summary: sessions up with BFD and MD5, the routes with their
// communities and LOCAL_PREF from the right nodes, the ARP owner is the elected node, the live change
// reached the router without touching the sessions, the failover moved the IP and the routes. And
// nothing is left behind.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execa } from 'execa';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from '../system-l2/site.js';
import { repoRoot } from './topology.js';

jest.setTimeout(400_000);

const PREFIX = 'mtsyslab';
const summaryFile = `/tmp/${PREFIX}-summary.json`;

interface Step {
  step: string;
  ok: boolean;
  result: string;
  figure: string;
  data?: Record<string, unknown>;
}

let summary: { ok: boolean; steps: Step[] };
let output = '';
let exitCode: number | undefined;

beforeAll(async () => {
  await ensureBuilt();
  rmSync(summaryFile, { force: true });
  const r = await execa(process.execPath, [join(repoRoot(), 'dist', 'e2e', 'lab', 'main.js'), '--prefix', PREFIX, '--json', summaryFile],
    { reject: false, all: true, timeout: 300_000 });
  output = String(r.all);
  exitCode = r.exitCode;
  if (!existsSync(summaryFile)) throw new Error(`the demo wrote no summary (exit ${r.exitCode}):\n${output.slice(-4000)}`);
  summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as typeof summary;
}, 400_000);

afterAll(async () => {
  // only if the demo itself could not clean up
  await execa(process.execPath, [join(repoRoot(), 'dist', 'e2e', 'lab', 'main.js'), '--cleanup', '--prefix', PREFIX], { reject: false });
  rmSync(summaryFile, { force: true });
});

const step = (name: string): Step => {
  const s = summary.steps.find((x) => x.step === name);
  if (!s) throw new Error(`no step ${name} in the summary`);
  return s;
};

describe('the lab demo (mtsyslab-*)', () => {
  test('every step passed, the exit code says so and the output has the summary table', () => {
    expect(summary.steps.filter((s) => !s.ok)).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(exitCode).toBe(0);
    expect(output).toMatch(/== Summary/);
    expect(output).toMatch(/vtysh -N mtsyslab-router -c 'show bgp summary'/);
    expect(summary.steps.map((s) => s.step)).toEqual(['lab', 'allocations', 'bgp sessions', 'router routes', 'arp answer', 'live change', 'failover']);
  });

  test('allocations: each Service got an IP from its pool', () => {
    const ips = step('allocations').data!.ips as Record<string, string>;
    expect(ips['default/web']).toMatch(/^203\.0\.113\.\d+$/);
    expect(ips['default/api']).toMatch(/^203\.0\.113\.\d+$/);
    expect(ips['default/shop']).toBe('198.51.100.3');
  });

  test('sessions: both nodes Established on the router, BFD up, MD5 password configured', () => {
    const d = step('bgp sessions').data as { sessions: { neighbor: string; state: string }[]; bfd: { peer: string; status: string }[]; md5: boolean };
    expect(d.sessions.map((s) => [s.neighbor, s.state])).toEqual([['192.0.2.11', 'Established'], ['192.0.2.12', 'Established']]);
    expect(d.bfd.map((p) => [p.peer, p.status])).toEqual([['192.0.2.11', 'up'], ['192.0.2.12', 'up']]);
    expect(d.md5).toBe(true);
  });

  test('routes: web from both nodes, api (ETP Local) from node-b only, with communities and LOCAL_PREF; shop not in BGP', () => {
    const d = step('router routes').data as { web: { from: string; localPref: number; communities: string }[]; api: { from: string }[]; shopInBgp: boolean };
    expect(d.web.map((p) => p.from)).toEqual(['192.0.2.11', '192.0.2.12']);
    for (const p of d.web) {
      expect(p.localPref).toBe(150);
      expect(p.communities).toBe('64512:100 64512:200');
    }
    expect(d.api.map((p) => p.from)).toEqual(['192.0.2.12']);
    expect(d.shopInBgp).toBe(false);
  });

  test('ARP: the client gets the elected node\'s MAC', () => {
    const d = step('arp answer').data as { owner: string; elected: string; mac: string };
    expect(d.owner).toBe('node-a');
    expect(d.elected).toBe('node-a');
    expect(d.mac).toMatch(/^[0-9a-f:]{17}$/);
  });

  test('live change: the added Service reached the router and left it, sessions untouched', () => {
    const d = step('live change').data as { addMs: number; delMs: number; sessionsUntouched: boolean };
    expect(d.sessionsUntouched).toBe(true);
    expect(d.addMs).toBeGreaterThan(0);
    expect(d.delMs).toBeGreaterThan(0);
  });

  test('failover: the layer 2 IP and the routes moved to node-b', () => {
    const d = step('failover').data as { victim: string; survivor: string; arpOwner: string; routesFromSurvivorOnly: boolean; garpMs: number };
    expect([d.victim, d.survivor, d.arpOwner]).toEqual(['node-a', 'node-b', 'node-b']);
    expect(d.routesFromSurvivorOnly).toBe(true);
    expect(d.garpMs).toBeGreaterThan(0);
  });

  test('nothing is left: namespaces, FRR pathspaces, work dir', async () => {
    const ns = String((await execa('ip', ['netns', 'list'])).stdout);
    expect(ns).not.toMatch(new RegExp(`${PREFIX}-`));
    for (const n of ['node-a', 'node-b', 'router']) {
      expect(existsSync(`/etc/frr/${PREFIX}-${n}`)).toBe(false);
      expect(existsSync(`/var/run/frr/${PREFIX}-${n}`)).toBe(false);
    }
    expect(existsSync(`/tmp/${PREFIX}-lab`)).toBe(false);
  });
});
