// `metallb-ts validate`: through the real commander program, capturing stdout, stderr and the exit code.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { register } from '../../src/cli/validate.js';

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const chunks: string[] = [];
  const errChunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    errChunks.push(String(c));
    return true;
  });
  process.exitCode = 0;
  try {
    // Only the validate command is wired: loading every subcommand (controller, speaker, ...) would
    // make this test depend on modules it does not exercise.
    const program = new Command().exitOverride();
    register(program);
    await program.parseAsync(['node', 'metallb-ts', 'validate', ...args]);
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  const lines = (c: string[]): string[] => c.join('').split('\n').filter((l) => l !== '');
  return { code, out: lines(chunks), err: lines(errChunks) };
}

// The first call compiles the CLI's module graph under ts-jest: allow for a busy machine.
jest.setTimeout(60_000);

describe('validate command', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metallb-ts-validate-'));
    await writeFile(
      join(dir, 'bad.yaml'),
      `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: a, namespace: metallb-system}
spec: {addresses: [192.0.2.0/24]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: b, namespace: metallb-system}
spec: {addresses: [192.0.2.128/25, "192.0.2.9-192.0.2.1"]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor, namespace: metallb-system}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, holdTime: 2s}
---
apiVersion: v1
kind: Service
metadata: {name: broken
`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    process.exitCode = 0;
  });

  test('the basic example is valid: exit 0 and a summary', async () => {
    const r = await run(join(process.cwd(), 'examples', 'basic'));
    expect(r).toEqual({ code: 0, err: [], out: ['valid: 2 pools, 1 peer, 1 BGP advertisement, 1 L2 advertisement, 1 BFD profile, 1 community alias, 3 LoadBalancer services, 2 nodes'] });
  });

  test('problems: exit 1, one line per problem, load errors first', async () => {
    const r = await run(join(dir, 'bad.yaml'));
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err[0]).toMatch(/bad\.yaml:19: /);
    expect(r.err.slice(1)).toEqual([
      // What the API server itself refuses (the CRD's rule), in its words, before MetalLB's checks.
      'BGPPeer/tor: spec.holdTime: Invalid value: "string": invalid hold time: must be 0 or >=3s',
      'BGPPeer/tor: spec.holdTime: invalid BGPPeer timers: invalid hold time "2s": must be 0 or >=3s',
      'IPAddressPool/b: spec.addresses[1]: invalid CIDR "192.0.2.9-192.0.2.1" in pool "b": invalid IP range "192.0.2.9-192.0.2.1": start IP "192.0.2.9" is after the end IP "192.0.2.1" (write 192.0.2.0/24 or 192.0.2.10-192.0.2.20)',
    ]);
  });

  test('runs the CRDs\' schema and rules: what the API server would refuse is refused, what it admits is not', async () => {
    await writeFile(join(dir, 'crd.yaml'), `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: Pool_A}
spec: {addresses: [192.0.2.0/24]}
---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: fast}
spec: {receiveInterval: 5}
`);
    const r = await run(join(dir, 'crd.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('IPAddressPool/Pool_A: metadata.name: Invalid value: "Pool_A": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\')');
    expect(r.err).toContain('BFDProfile/fast: spec.receiveInterval: Invalid value: 5: spec.receiveInterval in body should be greater than or equal to 10');
    // holdTime "0": Go parses it and upstream takes it; so do the CRDs and the configuration checks.
    await writeFile(join(dir, 'zero.yaml'), `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, holdTime: "0", keepaliveTime: "0"}
`);
    expect(await run(join(dir, 'zero.yaml'))).toEqual({ code: 0, err: [], out: [expect.stringMatching(/^valid: 0 pools, 1 peer,/)] });
  });

  test('--namespace refuses MetalLB objects created elsewhere', async () => {
    const r = await run('--namespace', 'other-ns', join(process.cwd(), 'examples', 'basic', 'l2.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toEqual(['L2Advertisement/lan: resource must be created in other-ns namespace (it is in metallb-system)']);
  });
});
