// `metallb-ts allocate`: YAML on disk -> loadPaths -> buildConfig -> allocateAll -> JSON.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Command } from 'commander';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocateCommand, register } from '../../src/cli/allocate.js';
import { loadPaths } from '../../src/sources/files/load.js';

jest.setTimeout(60_000);

const POOLS = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: web, namespace: metallb-system}
spec: {addresses: [192.0.2.0/30, "2001:db8::/126"]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: manual, namespace: metallb-system}
spec: {addresses: [198.51.100.10-198.51.100.11], autoAssign: false}
`;

interface SvcYaml {
  annotations?: string;
  clusterIPs?: string;
  specExtra?: string[];
  status?: string;
  type?: string;
}

const service = (name: string, o: SvcYaml = {}) =>
  [
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    '  namespace: shop',
    ...(o.annotations ? [`  annotations: ${o.annotations}`] : []),
    'spec:',
    `  type: ${o.type ?? 'LoadBalancer'}`,
    `  clusterIPs: ${o.clusterIPs ?? '[10.96.0.1]'}`,
    '  ports: [{port: 80, protocol: TCP}]',
    `  selector: {app: ${name}}`,
    ...(o.specExtra ?? []).map((l) => `  ${l}`),
    ...(o.status ? ['status:', '  loadBalancer:', `    ingress: [{ip: ${o.status}}]`] : []),
    '',
  ].join('\n');

const SERVICES = [
  service('zeta', { status: '192.0.2.0' }),
  service('alpha'),
  service('pinned', { annotations: '{metallb.io/loadBalancerIPs: 198.51.100.11}' }),
  service('frommanual', { annotations: '{metallb.io/address-pool: manual}' }),
  service('dual', { clusterIPs: '[10.96.0.4, "fd00::4"]', specExtra: ['ipFamilyPolicy: RequireDualStack'] }),
  service('classy', { specExtra: ['loadBalancerClass: other'] }),
  service('c1', { type: 'ClusterIP' }),
  service('nope', { annotations: '{metallb.io/address-pool: missing}' }),
].join('');

describe('allocate command', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metallb-ts-allocate-'));
    await writeFile(join(dir, 'pools.yaml'), POOLS);
    await writeFile(join(dir, 'services.yaml'), SERVICES);
    await writeFile(join(dir, 'bad.yaml.txt'), 'ignored');
    await writeFile(
      join(dir, 'broken-pool.yml'),
      'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: broken}\nspec: {addresses: [10.0.0.0/33]}\n',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('prints sorted JSON for the Services it handles', async () => {
    const loaded = await loadPaths([join(dir, 'pools.yaml'), join(dir, 'services.yaml')]);
    const out = allocateCommand(loaded.snapshot, loaded.errors);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(
      `${JSON.stringify(
        {
          'shop/alpha': { ips: ['192.0.2.1'], pool: 'web' },
          'shop/dual': { ips: ['192.0.2.2', '2001:db8::'], pool: 'web' },
          'shop/frommanual': { ips: ['198.51.100.10'], pool: 'manual' },
          'shop/nope': { error: 'unknown pool "missing"' },
          'shop/pinned': { ips: ['198.51.100.11'], pool: 'manual' },
          'shop/zeta': { ips: ['192.0.2.0'], pool: 'web' },
        },
        null,
        2,
      )}\n`,
    );
  });

  test('--lb-class selects that class only; --detail adds reason and events', async () => {
    const loaded = await loadPaths([join(dir, 'pools.yaml'), join(dir, 'services.yaml')]);
    const out = JSON.parse(allocateCommand(loaded.snapshot, loaded.errors, { lbClass: 'other', detail: true }).stdout);
    expect(Object.keys(out)).toEqual(['shop/classy']);
    expect(out['shop/classy']).toEqual({
      ips: ['192.0.2.0'],
      pool: 'web',
      events: [{ type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["192.0.2.0"]' }],
    });
    const all = JSON.parse(allocateCommand(loaded.snapshot, loaded.errors, { detail: true }).stdout);
    expect(all['shop/nope']).toMatchObject({ error: 'unknown pool "missing"', reason: 'UnknownPool' });
  });

  test('an invalid configuration exits 1 with the errors on stderr', async () => {
    const loaded = await loadPaths([dir]);
    const out = allocateCommand(loaded.snapshot, loaded.errors);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^IPAddressPool\/broken: .*10\.0\.0\.0\/33/m);
  });

  test('runs through commander with --help text for MetalLB users', async () => {
    let help = '';
    const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (help += s) });
    register(program);
    await expect(program.parseAsync(['node', 'x', 'allocate', '--help'])).rejects.toThrow();
    expect(help).toContain('--lb-class <name>');
    expect(help).toContain('metallb.io/allow-shared-ip');

    const chunks: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      chunks.push(String(c));
      return true;
    });
    process.exitCode = 0;
    try {
      await new Command().exitOverride().addCommand(commandOf(register)).parseAsync(['node', 'x', 'allocate', join(dir, 'pools.yaml'), join(dir, 'services.yaml')]);
    } finally {
      spy.mockRestore();
    }
    expect(process.exitCode).toBe(0);
    expect(JSON.parse(chunks.join(''))['shop/alpha']).toEqual({ ips: ['192.0.2.1'], pool: 'web' });
  });
});

function commandOf(reg: (p: Command) => void): Command {
  const holder = new Command();
  reg(holder);
  return holder.commands[0] as Command;
}
