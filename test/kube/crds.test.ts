// The CRDs generated from src/api/schema: up to date on disk, accepted by the API server (structural,
// within its CEL cost limits, checked by the ports in src/api/crd-validation), admitting every valid
// example (the seed guide's and ours) and refusing invalid ones, with each CEL rule holding on good
// values and failing on bad ones.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@marcbachmann/cel-js';
import { parseAllDocuments } from 'yaml';
import type { CelJsNode } from '../../src/api/crd-validation/cel-check.js';
import type { CelEngine } from '../../src/api/crd-validation/cel-runtime.js';
import { STATIC_ESTIMATED_COST_LIMIT, STATIC_ESTIMATED_CRD_COST_LIMIT, crdCostReport } from '../../src/api/crd-validation/crd-cost.js';
import { minimumKubernetes } from '../../src/api/crd-validation/min-kubernetes.js';
import { checkCrd } from '../../src/api/crd-validation/structural.js';
import { buildCRD } from '../../src/api/crds.js';
import { CRD_DEFINITIONS } from '../../src/api/schema/index.js';
import { CRD_TEMPLATE_DIR, renderCRDs } from '../../scripts/gen-crds.js';
import { celEngine, collectRules, crdProblems, evalRule, schemaOf } from './cel.js';
import { VALID_EXAMPLES } from './examples.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CRD_DIR = join(ROOT, CRD_TEMPLATE_DIR);
const SEED_DIR = join(ROOT, 'test', 'fixtures', 'seed');
const parseRule = (rule: string): CelJsNode => parse(rule).ast as unknown as CelJsNode;

type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata?: { name?: string } };

let cel: CelEngine;
beforeAll(async () => {
  cel = await celEngine();
});

const problems = (o: Obj, old?: Obj): string[] => crdProblems(cel, o, old);

function seedObjects(): Array<{ file: string; obj: Obj }> {
  if (!existsSync(SEED_DIR)) return [];
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f)) files.push(p);
    }
  };
  walk(SEED_DIR);
  return files.flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as Obj)
    .filter((o) => o && typeof o === 'object' && String(o.apiVersion).startsWith('metallb.io/') && schemaOf(o.apiVersion, o.kind) !== undefined)
    .map((obj) => ({ file, obj })));
}

describe('generated CRD files', () => {
  it('are up to date with src/api/schema (run node dist/scripts/gen-crds.js after changing a schema)', () => {
    const rendered = renderCRDs();
    const onDisk = readdirSync(CRD_DIR).filter((f) => f.startsWith('metallb.io_')).sort();
    expect(onDisk).toEqual([...rendered.keys()].sort());
    for (const [file, text] of rendered) expect(readFileSync(join(CRD_DIR, file), 'utf8')).toBe(text);
  });

  it('give every kind a status subresource, printer columns, and BGPPeer a v1beta2 storage version with webhook conversion', () => {
    for (const def of CRD_DEFINITIONS) {
      const crd = buildCRD(def) as { spec: { versions: Array<{ subresources: unknown; additionalPrinterColumns: unknown[]; storage: boolean }> } };
      expect(crd.spec.versions.every((v) => JSON.stringify(v.subresources) === '{"status":{}}')).toBe(true);
      expect(crd.spec.versions.filter((v) => v.storage)).toHaveLength(1);
    }
    const peer = buildCRD(CRD_DEFINITIONS.find((d) => d.kind === 'BGPPeer')!) as {
      spec: { conversion: { strategy: string; webhook: { clientConfig: { service: { path: string } } } }; versions: Array<{ name: string; storage: boolean; served: boolean }> };
    };
    expect(peer.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([['v1beta1', true, false], ['v1beta2', true, true]]);
    expect(peer.spec.conversion.strategy).toBe('Webhook');
    expect(peer.spec.conversion.webhook.clientConfig.service.path).toBe('/convert');
    const pool = buildCRD(CRD_DEFINITIONS.find((d) => d.kind === 'IPAddressPool')!) as { spec: { versions: Array<{ additionalPrinterColumns: Array<{ name: string; jsonPath: string }> }> } };
    expect(pool.spec.versions[0].additionalPrinterColumns.map((c) => c.jsonPath)).toEqual(['.spec.autoAssign', '.spec.avoidBuggyIPs', '.spec.addresses', '.metadata.creationTimestamp']);
  });
});

describe('valid objects', () => {
  it.each(VALID_EXAMPLES.map((o) => [`${o.kind} ${(o.metadata as { name: string }).name}`, o]))('%s passes ajv and every CEL rule', (_n, o) => {
    expect(problems(o as Obj)).toEqual([]);
  });

  it('every seed example from the user guide validates', () => {
    const seeds = seedObjects();
    const failures = seeds.map(({ file, obj }) => ({ file, name: `${obj.kind}/${obj.metadata?.name}`, problems: problems(obj) })).filter((x) => x.problems.length > 0);
    expect(failures).toEqual([]);
    // Report how many were checked (the fixtures are extracted by another part of the build).
    console.log(`seed examples validated against the CRDs: ${seeds.length}`);
  });

  it('defaults are those of upstream', () => {
    const d = (kind: string, field: string, version?: string) => {
      const def = CRD_DEFINITIONS.find((x) => x.kind === kind)!;
      const v = version ? def.versions.find((x) => x.name === version)! : def.versions.find((x) => x.storage)!;
      return v.schema.properties!.spec.properties![field].default;
    };
    expect(d('IPAddressPool', 'autoAssign')).toBe(true);
    expect(d('IPAddressPool', 'avoidBuggyIPs')).toBe(false);
    expect(d('BGPAdvertisement', 'aggregationLength')).toBe(32);
    expect(d('BGPAdvertisement', 'aggregationLengthV6')).toBe(128);
    expect(d('BGPPeer', 'peerPort')).toBe(179);
    expect(d('BGPPeer', 'peerPort', 'v1beta1')).toBeUndefined();
    expect(d('BGPPeer', 'disableMP')).toBe(false);
    expect(d('BGPPeer', 'dualStackAddressFamily')).toBe(false);
  });
});

describe('invalid objects are rejected, in the words of the API server', () => {
  const pool = (spec: unknown): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p' }, spec } as Obj);
  const peer = (spec: unknown, v = 'v1beta2'): Obj => ({ apiVersion: `metallb.io/${v}`, kind: 'BGPPeer', metadata: { name: 'r' }, spec } as Obj);
  const ad = (spec: unknown): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name: 'a' }, spec } as Obj);
  const cases: Array<[string, Obj, RegExp]> = [
    ['pool without addresses', pool({}), /^spec\.addresses: Required value$/],
    ['pool with no address at all', pool({ addresses: [] }), /^spec\.addresses: Invalid value: 0: spec\.addresses in body should have at least 1 items$/],
    ['pool with a bare IP', pool({ addresses: ['192.0.2.1'] }), /^spec\.addresses\[0\]: Invalid value: "string": each address must be a CIDR/],
    ['pool with a list for an address', pool({ addresses: ['192.0.2.0/24,192.0.3.0/24'] }), /^spec\.addresses\[0\]: Invalid value: "string": each address must be a CIDR/],
    ['pool with a non-boolean autoAssign', pool({ addresses: ['192.0.2.0/24'], autoAssign: 'yes' }), /^spec\.autoAssign: Invalid value: "string": spec\.autoAssign in body must be of type boolean: "string"$/],
    ['pool with an uppercase name', { ...pool({ addresses: ['192.0.2.0/24'] }), metadata: { name: 'Pool_A' } }, /^metadata\.name: Invalid value: "Pool_A": a lowercase RFC 1123 subdomain/],
    ['BFD interval out of range', { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'b' }, spec: { receiveInterval: 5 } } as Obj, /^spec\.receiveInterval: Invalid value: 5: spec\.receiveInterval in body should be greater than or equal to 10$/],
    ['BFD multiplier out of range', { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'b' }, spec: { detectMultiplier: 256 } } as Obj, /should be less than or equal to 255$/],
    ['L2 preference weight 0', { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l' }, spec: { preferredNodeSelectors: [{ weight: 0, preference: {} }] } } as Obj, /^spec\.preferredNodeSelectors\[0\]\.weight: Invalid value: 0: .* greater than or equal to 1$/],
    ['peer port 0 in v1beta2', peer({ myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', peerPort: 0 }), /^spec\.peerPort: Invalid value: 0: .*greater than or equal to 1$/],
    ['unknown dynamicASN', peer({ myASN: 1, dynamicASN: 'both', peerAddress: '192.0.2.1' }), /^spec\.dynamicASN: Unsupported value: "both": supported values: "internal", "external"$/],
    ['ASN above 32 bits', peer({ myASN: 4294967296, peerASN: 1, peerAddress: '192.0.2.1' }), /^spec\.myASN: Invalid value: 4294967296: .*less than or equal to 4294967295$/],
    ['both address and interface', peer({ myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', interface: 'eth0' }), /^spec: Invalid value: "object": peer has both Address and Interface specified/],
    ['connect time too long', peer({ myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', connectTime: '65536s' }), /^spec\.connectTime: Invalid value: "string": connect time should be between 1 seconds to 65535$/],
    ['hold time of one second', peer({ myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', holdTime: '1s' }), /^spec\.holdTime: Invalid value: "string": invalid hold time: must be 0 or >=3s$/],
    ['v1beta1 without peerAddress', peer({ myASN: 1, peerASN: 2 }, 'v1beta1'), /^spec\.peerAddress: Required value$/],
    ['aggregation with service selectors', ad({ aggregationLength: 24, serviceSelectors: [{}] }), /mutually exclusive/],
    ['an alias with an out-of-range value', { apiVersion: 'metallb.io/v1beta1', kind: 'Community', metadata: { name: 'c' }, spec: { communities: [{ name: 'a', value: '1:1' }, { name: 'b', value: '99999999:1' }] } } as Obj, /^spec\.communities\[1\]\.value: Invalid value: "string": invalid community value/],
    ['a pool named twice in an advertisement', ad({ ipAddressPools: ['p', 'p'] }), /^spec\.ipAddressPools\[1\]: Duplicate value: "p"$/],
    ['a peer named twice in an advertisement', ad({ peers: ['r', 'r'] }), /peers\[1\]: Duplicate value/],
    ['a community repeated in an advertisement', ad({ communities: ['1:1', '1:1'] }), /communities\[1\]: Duplicate value/],
    ['a namespace repeated in serviceAllocation', pool({ addresses: ['192.0.2.0/24'], serviceAllocation: { namespaces: ['a', 'a'] } }), /namespaces\[1\]: Duplicate value/],
    ['a pool repeated in an L2 advertisement', { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l' }, spec: { ipAddressPools: ['p', 'p'] } } as Obj, /ipAddressPools\[1\]: Duplicate value/],
    ['bad ConfigurationState result', { apiVersion: 'metallb.io/v1beta1', kind: 'ConfigurationState', metadata: { name: 'c' }, status: { result: 'Maybe' } } as Obj, /^status\.result: Unsupported value: "Maybe"/],
  ];
  it.each(cases)('%s', (_n, obj, re) => {
    const p = problems(obj);
    expect(p.filter((m) => re.test(m))).toHaveLength(1);
  });

  it('status identities and enableGracefulRestart cannot change after creation', () => {
    const status = (s: Record<string, unknown>): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', metadata: { name: 'l2-a' }, status: s } as Obj);
    const old = status({ node: 'n1', serviceName: 'web', serviceNamespace: 'default' });
    expect(problems(old, old)).toEqual([]);
    expect(problems(status({ node: 'n2', serviceName: 'web', serviceNamespace: 'default' }), old)).toEqual(['status.node: Invalid value: "string": node is immutable']);
    // On create there is no old value: transition rules do not run.
    expect(problems(status({ node: 'n2', serviceName: 'web', serviceNamespace: 'default' }))).toEqual([]);
    const p = peer({ myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', enableGracefulRestart: false });
    expect(problems(peer({ myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', enableGracefulRestart: true }), p))
      .toEqual(['spec.enableGracefulRestart: Invalid value: "boolean": EnableGracefulRestart cannot be changed after creation']);
  });

  it('the API server drops fields the schema does not have, and applies defaults, before it validates', async () => {
    const { validateCustomResource } = await import('../../src/api/crd-validation/validate.js');
    const r = validateCustomResource(schemaOf('metallb.io/v1beta1', 'IPAddressPool')!, pool({ addresses: ['192.0.2.0/24'], autoAsign: false }), { cel });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(['unknown field "spec.autoAsign"']);
    expect((r.object as { spec: unknown }).spec).toEqual({ addresses: ['192.0.2.0/24'], autoAssign: true, avoidBuggyIPs: false });
    const strict = validateCustomResource(schemaOf('metallb.io/v1beta1', 'IPAddressPool')!, pool({ addresses: ['192.0.2.0/24'], autoAsign: false }), { cel, fieldValidation: 'Strict' });
    expect(strict.errors.map((e) => e.path)).toEqual(['spec.autoAsign']);
  });
});

/**
 * For every CEL rule (by message): values of `self` that must pass and values that must fail (false
 * or an evaluation error, which the API server also counts as a failure). A rule is never stricter
 * than upstream: the "good" values include upstream's edge cases (see upstream-accepted.test.ts).
 */
const RULE_CASES: Record<string, { good: unknown[]; bad: unknown[]; old?: unknown }> = {
  'each address must be a CIDR (192.0.2.0/24, 2001:db8::/64) or a range of two addresses (192.0.2.10-192.0.2.20)': {
    good: ['192.0.2.0/24', '10.0.0.0/8', '192.0.2.1/32', '2001:db8::/64', '2001:db8::1/128', '192.0.2.10-192.0.2.20', ' 192.0.2.10 - 192.0.2.20 ',
      '2001:db8::1-2001:db8::ff', '::ffff:192.0.2.1/128', '0:0:0:0:0:ffff:192.0.2.1/128', '1:2:3:4:5::192.0.2.1/128', '64:ff9b::192.0.2.0/120', '2001:DB8::/32',
      '192.0.2.0/024', '192.0.2.1\t-\t192.0.2.5',
      // Only the shape is checked here; these are refused by the webhook and `metallb-ts validate`.
      '192.0.2.0/33', '300.1.1.1/24', '192.0.2.1-2001:db8::1'],
    bad: ['192.0.2.0', 'pool', '192.0.2.0/24,192.0.3.0/24', '192.0.2.1-', '-192.0.2.1', '192.0.2.1-192.0.2.2-192.0.2.3', ' 192.0.2.0/24', '192.0.2.0/ 24', 'fe80::/64%eth0', ''],
  },
  'invalid aggregation length for IPv4: must be between 1 and 32': { good: [1, 24, 32], bad: [33, 64] },
  'invalid aggregation length for IPv6: must be at most 128': { good: [0, 64, 128, -1], bad: [129] },
  'serviceSelectors and aggregationLength are mutually exclusive, both cannot be set': {
    good: [{ aggregationLength: 24 }, { serviceSelectors: [{}], aggregationLength: 32, aggregationLengthV6: 128 }, { serviceSelectors: [], aggregationLength: 24 }],
    bad: [{ serviceSelectors: [{ matchLabels: { a: 'b' } }], aggregationLength: 24 }, { serviceSelectors: [{}], aggregationLengthV6: 64 }],
  },
  'invalid community value: use A:B with numbers up to 65535 or large:A:B:C with numbers up to 4294967295': {
    good: ['65535:65282', '0:0', 'large:1:2:3', 'large:4294967295:0:4294967295', '00065535:1', 'large:0001:2:3'],
    bad: ['gold', '1:2:3', '70000:1', 'large:1:2', '+1:2', '1:-2', 'lar:1:2:3', 'large:4294967296:1:1', '99999999999999999999:1', ':1', '', 'large:1:2:x'],
  },
  'peerAddress must be an IPv4 or IPv6 address': {
    good: ['192.0.2.1', '2001:db8::1', 'fe80::1', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8', '::', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '2001:DB8::0001', ''],
    bad: ['192.0.2.256', '192.0.2.01', 'router', '192.0.2.1/32', 'fe80::1%eth0', '2001:db8::00001', ' 192.0.2.1'],
  },
  'sourceAddress must be an IPv4 or IPv6 address': { good: ['192.0.2.1', '2001:db8::2', ''], bad: ['eth0'] },
  'routerID must be an IPv4 or IPv6 address': { good: ['10.10.10.10', ''], bad: ['10.10.10'] },
  'holdTime must be a duration such as 90s, 1m30s or 500ms': {
    good: ['90s', '1m30s', '0s', '1.5h', '0', '-1s', '+5s', '-0', '.5s', '1.s', '1µs', '1μs', '1h1m1s', '3s3s'],
    bad: ['90', 'abc', '', 's', '.s', '1x', '1 s', '- 1s', '1s '],
  },
  'invalid hold time: must be 0 or >=3s': { good: ['0s', '0', '500ms', '-500ms', '3s', '3.5s', '90s', '1m'], bad: ['1s', '2s', '2999ms', '-1s', '-5s'] },
  'keepaliveTime must be a duration such as 90s, 1m30s or 500ms': { good: ['30s', '0'], bad: ['30'] },
  'connectTime must be a duration such as 90s, 1m30s or 500ms': { good: ['10s'], bad: ['ten'] },
  'connect time should be between 1 seconds to 65535': { good: ['1s', '10s', '65535s', '1h'], bad: ['0s', '0', '500ms', '65536s', '19h', '-1s'] },
  'connect time should contain a whole number of seconds': { good: ['5s', '1m', '2h'], bad: ['1500ms', '1.5s'] },
  'EnableGracefulRestart cannot be changed after creation': { good: [true], bad: [false], old: true },
  'missing local ASN: set myASN': { good: [{ myASN: 1 }], bad: [{ myASN: 0 }] },
  'missing peer ASN and dynamicASN: set one of them': { good: [{ peerASN: 2 }, { dynamicASN: 'internal' }], bad: [{}, { peerASN: 0 }] },
  'both peer ASN and dynamicASN specified: set only one': { good: [{ peerASN: 2 }, { peerASN: 0, dynamicASN: 'external' }], bad: [{ peerASN: 2, dynamicASN: 'external' }] },
  'peer has no Address or Interface specified: set peerAddress or interface': {
    good: [{ peerAddress: '192.0.2.1' }, { interface: 'eth0' }, { peerAddress: '', interface: 'eth0' }],
    bad: [{}, { peerAddress: '' }, { peerAddress: '', interface: '' }],
  },
  'peer has both Address and Interface specified: set only one': {
    good: [{ interface: 'eth0' }, { peerAddress: '', interface: 'eth0' }, { peerAddress: '192.0.2.1', interface: '' }],
    bad: [{ peerAddress: '192.0.2.1', interface: 'eth0' }],
  },
  'invalid ebgp-multihop parameter set for an ibgp peer': {
    good: [{ myASN: 1, peerASN: 1 }, { myASN: 1, peerASN: 2, ebgpMultiHop: true }, { myASN: 1, peerASN: 1, ebgpMultiHop: false }],
    bad: [{ myASN: 1, peerASN: 1, ebgpMultiHop: true }],
  },
  'can not have both password and secret ref set in peer config': {
    good: [{ password: 'x' }, { passwordSecret: { name: 's' } }, { password: '', passwordSecret: { name: 's' } }],
    bad: [{ password: 'x', passwordSecret: { name: 's' } }],
  },
  'invalid keepaliveTime: must be lower than or equal to holdTime': {
    good: [{ holdTime: '90s', keepaliveTime: '30s' }, { holdTime: '90s', keepaliveTime: '90s' }, { keepaliveTime: '300s' }, { holdTime: 'x', keepaliveTime: '1s' }, { holdTime: '0', keepaliveTime: '0' }],
    bad: [{ holdTime: '90s', keepaliveTime: '91s' }, { holdTime: '1m', keepaliveTime: '2m' }, { holdTime: '0', keepaliveTime: '30s' }],
  },
  'node is immutable': { good: ['n1'], bad: ['n2'], old: 'n1' },
  'serviceName is immutable': { good: ['web'], bad: ['db'], old: 'web' },
  'serviceNamespace is immutable': { good: ['default'], bad: ['other'], old: 'default' },
};

describe('CEL rules, run with the CEL engine of `metallb-ts validate`', () => {
  const rules = CRD_DEFINITIONS.flatMap((def) => def.versions.flatMap((v) => collectRules(v.schema).map((r) => ({ ...r, where: `${def.kind} ${v.name} ${r.path}` }))));

  it('every rule has test cases', () => {
    expect(rules.filter((r) => !RULE_CASES[r.message]).map((r) => `${r.where}: ${r.message}`)).toEqual([]);
  });

  it.each(rules.map((r) => [r.where, r.message, r] as const))('%s: %s', (_w, message, r) => {
    const c = RULE_CASES[message];
    for (const good of c.good) expect([good, evalRule(cel, r.rule, good, c.old)]).toEqual([good, true]);
    for (const bad of c.bad) expect([bad, evalRule(cel, r.rule, bad, c.old) === true]).toEqual([bad, false]);
  });
});

describe('the oldest Kubernetes the CRDs need', () => {
  it('is 1.25 (CEL validation rules on by default), nothing newer is used, and the chart and docs say so', () => {
    const needs = CRD_DEFINITIONS.map((d) => minimumKubernetes(buildCRD(d)));
    expect(Math.max(...needs.map((n) => n.minor))).toBe(25);
    expect(readFileSync(join(ROOT, 'charts', 'metallb-ts', 'Chart.yaml'), 'utf8')).toMatch(/^kubeVersion: ">=1\.25\.0-0"$/m);
    expect(readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8')).toContain('The CRDs need Kubernetes 1.25 or newer');
  });

  it('would be raised by a newer feature (a rule with a reason needs 1.28)', () => {
    const crd = structuredClone(buildCRD(CRD_DEFINITIONS.find((d) => d.kind === 'BGPPeer')!)) as { spec: { versions: Array<{ schema: { openAPIV3Schema: { properties: Record<string, { properties: Record<string, { 'x-kubernetes-validations'?: object[] }> }> } } }> } };
    const rules = crd.spec.versions[1].schema.openAPIV3Schema.properties.spec.properties.enableGracefulRestart['x-kubernetes-validations']!;
    rules[0] = { ...rules[0], reason: 'FieldValueForbidden' };
    expect(minimumKubernetes(crd).minor).toBe(28);
  });
});

describe('every generated CRD passes the checks the API server runs on a CustomResourceDefinition', () => {
  it.each(CRD_DEFINITIONS.map((d) => [d.kind, d] as const))('%s', (_k, def) => {
    expect(checkCrd(buildCRD(def), { parse: parseRule, cel })).toEqual([]);
  });
});

describe("the API server's static CEL cost limits, with a tenfold margin", () => {
  // The API server refuses a CRD when one rule (times its cardinality) costs more than
  // STATIC_ESTIMATED_COST_LIMIT (1e7) or a version's rules together more than
  // STATIC_ESTIMATED_CRD_COST_LIMIT (1e8). We keep a tenth of each.
  const RULE_BUDGET = STATIC_ESTIMATED_COST_LIMIT / 10n;
  const CRD_BUDGET = STATIC_ESTIMATED_CRD_COST_LIMIT / 10n;
  const parseRule = (rule: string): CelJsNode => parse(rule).ast as unknown as CelJsNode;

  it.each(CRD_DEFINITIONS.flatMap((d) => d.versions.map((v) => [`${d.kind} ${v.name}`, v.schema] as const)))('%s', (_n, schema) => {
    const report = crdCostReport(schema, parseRule);
    expect(report.rules.filter((r) => r.cost > RULE_BUDGET).map((r) => `${r.path}: ${r.maxCost} x ${r.cardinality} = ${r.cost}`)).toEqual([]);
    expect(report.total <= CRD_BUDGET).toBe(true);
  });
});
