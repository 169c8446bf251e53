import { describe, expect, test } from '@jest/globals';
import { Command } from 'commander';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node } from '../../api/core.js';
import { membersFromNodes } from './members-from-nodes.js';
import { addMembershipOptions, membershipSettings } from './options.js';
import { readSecretFile, secretFromBytes } from './secret.js';
import { DEFAULT_TIMINGS, resolveTimings } from './timings.js';

describe('membership timings', () => {
  test('defaults detect well under a second: (n-1)·T + T + S for 5 members', () => {
    const t = DEFAULT_TIMINGS;
    expect(4 * t.probeInterval + t.probeInterval + t.suspicionTimeout).toBeLessThan(1_000);
    expect(t.probeTimeout).toBeLessThan(t.probeInterval);
    expect(t.indirectChecks).toBeGreaterThanOrEqual(1);
  });

  test('overrides are checked, with the field and the fix in the error', () => {
    expect(resolveTimings({ probeInterval: 200, probeTimeout: 80 })).toMatchObject({ probeInterval: 200, probeTimeout: 80, suspicionTimeout: 300 });
    expect(() => resolveTimings({ probeTimeout: 100 })).toThrow('probeTimeout (100 ms) must be shorter than probeInterval (100 ms)');
    expect(() => resolveTimings({ suspicionTimeout: 0 })).toThrow('suspicionTimeout=0 is invalid: use a number > 0');
    expect(() => resolveTimings({ indirectChecks: 1.5 })).toThrow('indirectChecks=1.5 is invalid');
  });
});

describe('membership flags', () => {
  const parse = (args: string[]) => {
    const cmd = addMembershipOptions(new Command('speaker').exitOverride());
    cmd.parse(args, { from: 'user' });
    return membershipSettings(cmd.opts());
  };

  test('off without a secret file; defaults with one; timings from flags', () => {
    expect(parse([])).toBeUndefined();
    expect(parse(['--ml-secret-file', '/s'])).toEqual({ bindAddress: undefined, port: 7946, secretFile: '/s', timings: DEFAULT_TIMINGS });
    const s = parse(['--ml-secret-file', '/s', '--ml-port', '8000', '--ml-bind-addr', '192.0.2.10', '--ml-probe-interval', '200',
      '--ml-probe-timeout', '90', '--ml-suspicion-timeout', '500', '--ml-indirect-checks', '2']);
    expect(s).toMatchObject({ bindAddress: '192.0.2.10', port: 8000, timings: { probeInterval: 200, probeTimeout: 90, suspicionTimeout: 500, indirectChecks: 2 } });
  });

  test('bad values name the flag', () => {
    expect(() => parse(['--ml-port', 'x'])).toThrow('--ml-port "x" is invalid');
    expect(() => parse(['--ml-secret-file', '/s', '--ml-probe-timeout', '150'])).toThrow('probeTimeout (150 ms) must be shorter');
  });
});

describe('membership secret', () => {
  test('trailing newline and spaces are not part of the key; short secrets are refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtml-secret-'));
    try {
      await writeFile(join(dir, 'a'), 'MDEyMzQ1Njc4OWFiY2RlZg\n');
      await writeFile(join(dir, 'b'), 'MDEyMzQ1Njc4OWFiY2RlZg');
      expect(Buffer.from(await readSecretFile(join(dir, 'a')))).toEqual(Buffer.from(await readSecretFile(join(dir, 'b'))));
      await writeFile(join(dir, 'c'), 'short\n');
      await expect(readSecretFile(join(dir, 'c'))).rejects.toThrow(/the secret has 5 bytes; put at least 16 random bytes/);
      await expect(readSecretFile(join(dir, 'missing'))).rejects.toThrow(/--ml-secret-file .*missing: cannot read it/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(secretFromBytes(new Uint8Array(20).fill(0x41), 'f').length).toBe(20);
  });
});

describe('members from Nodes', () => {
  const node = (name: string, addresses: { type: string; address: string }[]): Node =>
    ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses } });

  test('first InternalIP of the family, sorted by name; nodes without one are left out', () => {
    const nodes = [
      node('b', [{ type: 'ExternalIP', address: '203.0.113.2' }, { type: 'InternalIP', address: '2001:db8::2' }, { type: 'InternalIP', address: '192.0.2.2' }]),
      node('a', [{ type: 'InternalIP', address: '192.0.2.1' }]),
      node('c', [{ type: 'Hostname', address: 'c' }]),
    ];
    expect(membersFromNodes(nodes)).toEqual([{ name: 'a', address: '192.0.2.1' }, { name: 'b', address: '192.0.2.2' }]);
    expect(membersFromNodes(nodes, 6, 7946)).toEqual([{ name: 'b', address: '2001:db8::2', port: 7946 }]);
  });
});
