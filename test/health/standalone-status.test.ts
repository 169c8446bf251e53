// `metallb-ts status` on a standalone host: the state folder written by a real runStandalone on a copy
// of examples/basic (BGP and layer 2 off: no FRR, no packet sockets; the plan is the same), and FRR
// answers captured from FRR 8.4 (src/frr/fixtures) with the session moved to the example's router.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Command } from 'commander';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from '../../src/cli/status.js';
import type { VtyshRunner } from '../../src/frr/vtysh.js';
import { formatReport } from '../../src/health/format.js';
import { standaloneReport } from '../../src/health/standalone.js';
import { runStandalone } from '../../src/roles/standalone.js';
import { createLogger } from '../../src/util/log.js';
import { waitFor } from '../kube-roles/helpers.js';

jest.setTimeout(60_000);

const FIXTURES = join(process.cwd(), 'src', 'frr', 'fixtures');
const fixture = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');

/** FRR of node-a: the captured established session (MD5, BFD, 3 prefixes sent), as the example's router 192.0.2.1. */
class NodeAFrr implements VtyshRunner {
  constructor(private readonly neighbors: Record<string, unknown>) {}
  async configure(): Promise<void> {
    throw new Error('read only');
  }
  async show(command: string): Promise<string> {
    const answers: Record<string, string> = {
      'show bgp vrfs json': JSON.stringify({ vrfs: { default: {} } }),
      'show bgp vrf default neighbors json': JSON.stringify(this.neighbors),
      'show bfd vrf default peers json': fixture('bfd-peers-default.json').replaceAll('198.51.100.1', '192.0.2.1'),
      'show bfd vrf default peers counters json': fixture('bfd-counters-default.json').replaceAll('198.51.100.1', '192.0.2.1'),
    };
    if (!(command in answers)) throw new Error(`vtysh: unexpected ${command}`);
    return answers[command];
  }
  async showJSON<T>(command: string): Promise<T> {
    return JSON.parse(await this.show(command)) as T;
  }
}

const captured = JSON.parse(fixture('bgp-neighbors-default.json')) as Record<string, Record<string, unknown>>;
const established = { '192.0.2.1': captured['198.51.100.1'] };
const active = { '192.0.2.1': { ...captured['198.51.100.1'], bgpState: 'Active', bgpTimerUpMsec: 12000, peerBfdInfo: { status: 'Down' } } };

let dir: string;
const config = () => join(dir, 'config');
const state = () => join(dir, 'state');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mt-status-'));
  cpSync(join(process.cwd(), 'examples', 'basic'), config(), { recursive: true });
  const h = await runStandalone({
    configPaths: [config()], node: 'node-a', stateDir: state(), logLevel: 'none', logger: createLogger('none'),
    vtyshPathspace: '', bgp: false, layer2: false, metricsHost: '127.0.0.1', metricsPort: -1,
  });
  await waitFor('status.json with decisions', () => existsSync(join(state(), 'status.json'))
    && (JSON.parse(readFileSync(join(state(), 'status.json'), 'utf8')) as { decisions?: unknown[] }).decisions !== undefined);
  await h.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('standalone status', () => {
  test('examples/basic on node-a with the router session up: every row, and no problem', async () => {
    const r = await standaloneReport({ stateDir: state(), configPaths: [config()], pathspace: '', readFrr: true, vtysh: new NodeAFrr(established) });
    expect(r.scope).toBe('node-a');
    expect(r.configs).toEqual([{ component: 'standalone node-a', valid: true, errors: [] }]);
    expect(r.pools).toEqual([
      { name: 'bgp-public', used: 2, freeIPv4: '13', freeIPv6: '0' }, // avoidBuggyIPs: .0 is never handed out,
      { name: 'lan', used: 1, freeIPv4: '15', freeIPv6: '16' },
    ]);
    expect(r.services.map((s) => [s.name, s.ips, s.pool, s.state])).toEqual([
      ['default/api', ['203.0.113.1'], 'bgp-public', 'elsewhere'],
      ['default/shop', ['198.51.100.3'], 'lan', 'ok'],
      ['default/web', ['203.0.113.2'], 'bgp-public', 'ok'],
    ]);
    expect(r.services[0].why).toMatch(/^BGP: \[noLocalEndpoints\] /);
    expect(r.services[1].announcedBy).toEqual([{ node: 'node-a', protocol: 'layer2' }]);
    expect(r.services[2].announcedBy).toEqual([{ node: 'node-a', protocol: 'bgp', peers: ['router'] }]);
    expect(r.peers).toEqual([{ node: 'node-a', name: 'router', address: '192.0.2.1', vrf: 'default', state: 'Established', up: true, uptimeMs: 4000, prefixesSent: 3, bfd: 'up' }]);
    expect(r.layer2).toEqual([{ service: 'default/shop', ips: ['198.51.100.3'], owner: 'node-a' }]);
    expect(r.problems).toEqual([]);

    const text = formatReport(r);
    expect(text).toContain('metallb-ts status (standalone node-a): OK');
    expect(text).toMatch(/default\/web +203\.0\.113\.2 +bgp-public +ok +BGP from node-a to router/);
    expect(text).toMatch(/router +node-a +192\.0\.2\.1 +default +Established +4s +3 +up/);
  });

  test('node-b sees the same folder from the other side: web by BGP, shop owned by node-a', async () => {
    const r = await standaloneReport({ stateDir: state(), configPaths: [config()], node: 'node-b', pathspace: '', readFrr: false });
    expect(r.peers.map((p) => [p.name, p.state, p.up])).toEqual([['router', 'not read', undefined]]);
    expect(r.problems).toEqual([]); // --no-frr: sessions are not judged
  });

  test('a session down, BFD down, and a neighbor no BGPPeer explains: each is a problem', async () => {
    const stray = { ...active, '192.0.2.99': { ...captured.eth0 } };
    const r = await standaloneReport({ stateDir: state(), configPaths: [config()], pathspace: '', readFrr: true, vtysh: new NodeAFrr(stray) });
    expect(r.peers.map((p) => [p.name, p.address, p.state, p.up, p.uptimeMs, p.bfd])).toEqual([
      ['router', '192.0.2.1', 'Active', false, 0, 'down'],
      [undefined, '192.0.2.99', 'Idle', false, 0, undefined],
    ]);
    expect(r.problems).toEqual(['BGP peer router (192.0.2.1) on node-a: session Active', 'BGP peer 192.0.2.99 on node-a: session Idle']);
  });

  test('FRR unreachable: the peers are "not read" and that is a problem', async () => {
    const broken: VtyshRunner = { configure: async () => undefined, show: async () => '', showJSON: async () => { throw new Error('vtysh exit 1: failed to connect to any daemons'); } };
    const r = await standaloneReport({ stateDir: state(), configPaths: [config()], pathspace: 'ps1', readFrr: true, vtysh: broken });
    expect(r.peers.map((p) => p.state)).toEqual(['not read']);
    expect(r.problems).toEqual(['not read: FRR (pathspace ps1): bgp: vtysh exit 1: failed to connect to any daemons']);
  });

  test('no state folder: one problem naming the file', async () => {
    const r = await standaloneReport({ stateDir: join(dir, 'nowhere'), pathspace: '', readFrr: false });
    expect(r.problems).toEqual([`not read: ${join(dir, 'nowhere', 'status.json')} does not exist: standalone is not running with --state-dir ${join(dir, 'nowhere')}, or has no valid configuration yet (see its log)`]);
  });
});

describe('the status command', () => {
  async function run(...args: string[]): Promise<{ code: number; out: string }> {
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
    process.exitCode = 0;
    try {
      const program = new Command().exitOverride();
      register(program);
      await program.parseAsync(['node', 'metallb-ts', 'status', ...args]);
    } finally {
      spy.mockRestore();
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return { code, out: chunks.join('') };
  }

  test('exit 0 and --json for scripts when all is up', async () => {
    const r = await run('--state-dir', state(), '--config', config(), '--no-frr', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { ok: boolean; services: Array<{ name: string; state: string }> };
    expect(j.ok).toBe(true);
    expect(j.services.map((s) => s.state)).toEqual(['elsewhere', 'ok', 'ok']);
  });

  test('exit 1 when something is down or pending', async () => {
    const r = await run('--state-dir', join(dir, 'nowhere'), '--no-frr');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^metallb-ts status \(standalone \?\): 1 problem\n/);
  });

  test('an unreadable status.json is an error (the command throws: bin/metallb-ts exits 2), not a verdict', async () => {
    const bad = join(dir, 'bad');
    cpSync(state(), bad, { recursive: true });
    rmSync(join(bad, 'status.json'));
    cpSync(join(config(), 'pools.yaml'), join(bad, 'status.json'));
    await expect(run('--state-dir', bad, '--no-frr')).rejects.toThrow(`${join(bad, 'status.json')}: not JSON: `);
  });
});
