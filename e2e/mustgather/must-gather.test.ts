// must-gather against a real FRR: a node FRR with an MD5-protected BGP session (and BFD) to a router
// FRR, in namespaces mtmg-*; `metallb-ts must-gather` in standalone mode must collect the files and
// vtysh views, index what was there and what was not, and let no password through.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { execa } from 'execa';
import { Lab } from '../harness/netns.js';
import { startFrr, type FrrInstance } from '../harness/frr.js';
import { register } from '../../src/cli/must-gather.js';
import { unpack, type Unpacked } from '../../src/mustgather/testing.js';

const PASSWORD = 'Md5-Secr3t-mtmg';
const YAML_PASSWORD = 'yaml-S3cret-mtmg';
const SECRET_DATA = 'c2VjcmV0LWluLXNlY3JldA=='; // "secret-in-secret"

const lab = new Lab('mtmg');
let node: FrrInstance;
let out: string;
let archive: string;
let got: Unpacked;
let rawTar: string;

async function established(frr: FrrInstance, peer: string): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    const n = await frr.json<Record<string, { bgpState?: string }>>('show bgp neighbors json');
    if (n[peer]?.bgpState === 'Established') return;
    if (Date.now() > end) throw new Error(`BGP session to ${peer} not Established: ${n[peer]?.bgpState}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const nodeNs = await lab.addNamespace('node');
  const rtrNs = await lab.addNamespace('rtr');
  await lab.link({ ns: nodeNs, ifname: 'eth0', addrs: ['192.0.2.1/24'] }, { ns: rtrNs, ifname: 'eth0', addrs: ['192.0.2.2/24'] });
  const rtr = await startFrr(lab, { ns: rtrNs, listen: true });
  node = await startFrr(lab, { ns: nodeNs });
  await rtr.configure(['router bgp 64513', 'no bgp ebgp-requires-policy', 'neighbor 192.0.2.1 remote-as 64512',
    `neighbor 192.0.2.1 password ${PASSWORD}`, 'neighbor 192.0.2.1 bfd']);
  await node.configure(['router bgp 64512', 'no bgp ebgp-requires-policy', 'neighbor 192.0.2.2 remote-as 64513',
    `neighbor 192.0.2.2 password ${PASSWORD}`, 'neighbor 192.0.2.2 bfd']);
  await established(node, '192.0.2.2');
  // The speaker's FRR has these files in its configuration folder; frr.log stays absent on purpose.
  await node.vtysh(['write memory']);
  copyFileSync(join(import.meta.dirname, '../../charts/metallb-ts/files/frr/daemons'), `/etc/frr/${node.pathspace}/daemons`);

  out = mkdtempSync(join(tmpdir(), 'mtmg-out-'));
  const cfg = join(out, 'config');
  mkdirSync(cfg, { recursive: true });
  writeFileSync(join(cfg, 'peers.yaml'), [
    'apiVersion: metallb.io/v1beta2', 'kind: BGPPeer', 'metadata: {name: rtr, namespace: metallb-system}',
    'spec:', '  myASN: 64512', '  peerASN: 64513', '  peerAddress: 192.0.2.2', `  password: ${YAML_PASSWORD}`,
    '---', 'apiVersion: v1', 'kind: Secret', 'metadata: {name: bgp, namespace: metallb-system}', `data: {password: ${SECRET_DATA}}`, '',
  ].join('\n'));

  // Through the subcommand itself, as an operator runs it.
  const program = new Command().exitOverride();
  register(program);
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'metallb-ts', 'must-gather', '--output', out, '--vtysh-pathspace', node.pathspace,
      '--config', cfg, '--state-dir', join(out, 'no-such-state')]);
    archive = String(stdout.mock.calls.at(-1)?.[0]).trim();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  got = await unpack(archive);
  rawTar = (await execa('gzip', ['-dc', archive], { encoding: 'latin1' })).stdout;
}, 90_000);

afterAll(async () => {
  await lab.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('must-gather, standalone, against a real FRR', () => {
  const ps = 'mtmg-node';

  it('writes one .tar.gz into --output and indexes what was collected, absent and failed', () => {
    expect(archive).toMatch(new RegExp(`^${out}/metallb-must-gather-\\d{8}T\\d{6}Z\\.tar\\.gz$`));
    expect(got.index.mode).toBe('standalone');
    expect(got.index.pathspace).toBe(ps);
    for (const f of ['frr.conf', 'daemons', 'vtysh.conf']) expect(got.entry(`frr/${ps}/etc-frr/${f}`)?.status).toBe('collected');
    expect(got.entry(`frr/${ps}/etc-frr/frr.log`)?.status).toBe('absent');
    expect(got.entry('metallb-ts/state')).toMatchObject({ status: 'failed', error: expect.stringContaining('no-such-state') });
    expect(got.files.get('index.txt')).toMatch(new RegExp(`^collected +frr/${ps}/vtysh/show-running-config.txt +vtysh -c 'show running-config'$`, 'm'));
  });

  it('has every vtysh view, in text and JSON, showing the live session', () => {
    for (const f of ['show-running-config.txt', 'show-bgp-ipv4.txt', 'show-bgp-ipv4.json', 'show-bgp-ipv6.txt', 'show-bgp-ipv6.json',
      'show-bgp-neighbors.txt', 'show-bgp-neighbors.json', 'show-bfd-peers.txt', 'show-bfd-peers.json', 'show-bfd-peers-counters.json',
      'show-bgp-summary.txt', 'show-daemons.txt']) {
      expect({ f, status: got.entry(`frr/${ps}/vtysh/${f}`)?.status }).toEqual({ f, status: 'collected' });
    }
    const neighbors = JSON.parse(got.files.get(`frr/${ps}/vtysh/show-bgp-neighbors.json`)!) as Record<string, { bgpState: string; remoteAs: number }>;
    expect(neighbors['192.0.2.2']).toMatchObject({ bgpState: 'Established', remoteAs: 64513 });
    const bfd = JSON.parse(got.files.get(`frr/${ps}/vtysh/show-bfd-peers.json`)!) as Array<{ peer: string }>;
    expect(bfd.map((p) => p.peer)).toContain('192.0.2.2');
    expect(got.files.get(`frr/${ps}/vtysh/show-running-config.txt`)).toContain('router bgp 64512');
    expect(got.files.get(`frr/${ps}/etc-frr/daemons`)).toMatch(/^bgpd=yes$/m);
  });

  it('lets no password through: FRR config, vtysh output, YAML fields and Secret data are redacted', () => {
    for (const [path, text] of got.files) {
      for (const s of [PASSWORD, YAML_PASSWORD, SECRET_DATA]) expect({ path, leaked: text.includes(s) ? s : undefined }).toEqual({ path, leaked: undefined });
    }
    // The whole archive stream, not only the files the index names.
    for (const s of [PASSWORD, YAML_PASSWORD, SECRET_DATA]) expect(rawTar.includes(s)).toBe(false);
    // Redacted where it was, not dropped: the reader still sees that a password is set.
    expect(got.files.get(`frr/${ps}/vtysh/show-running-config.txt`)).toContain('neighbor 192.0.2.2 password <redacted>');
    expect(got.files.get(`frr/${ps}/etc-frr/frr.conf`)).toContain('neighbor 192.0.2.2 password <redacted>');
    const cfg = [...got.files.entries()].find(([p]) => p.startsWith('metallb-ts/config/') && p.endsWith('peers.yaml'));
    expect(cfg?.[1]).toContain('password: <redacted>');
    expect(cfg?.[1]).toContain('peerAddress: 192.0.2.2');
  });
});
