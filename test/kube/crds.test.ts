// The CRDs generated from src/api/schema: up to date on disk, accept every valid example (the seed
// guide's and ours) under ajv, reject invalid ones, and each CEL rule holds on good values and fails
// on bad ones (evaluated with cel-js, since no tool here runs the API server's CEL).
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { buildCRD } from '../../src/api/crds.js';
import { CRD_DEFINITIONS, type Schema } from '../../src/api/schema/index.js';
import { CRD_TEMPLATE_DIR, renderCRDs } from '../../scripts/gen-crds.js';
import { celErrors, collectRules, evalRule, listTypeErrors } from './cel.js';
import { VALID_EXAMPLES } from './examples.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CRD_DIR = join(ROOT, CRD_TEMPLATE_DIR);
const SEED_DIR = join(ROOT, 'test', 'fixtures', 'seed');

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));

type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata?: { name?: string } };

const validators = new Map<string, ValidateFunction>();
function schemaOf(o: Obj): Schema | undefined {
  const def = CRD_DEFINITIONS.find((d) => d.kind === o.kind);
  return def?.versions.find((v) => `metallb.io/${v.name}` === o.apiVersion)?.schema;
}
function problems(o: Obj): string[] {
  const schema = schemaOf(o);
  if (!schema) return [`no CRD version for ${o.apiVersion} ${o.kind}`];
  const key = `${o.apiVersion}/${o.kind}`;
  if (!validators.has(key)) validators.set(key, ajv.compile(schema));
  const v = validators.get(key)!;
  const out = v(o) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  return [...out, ...listTypeErrors(schema, o), ...celErrors(schema, o)];
}

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
    .filter((o) => o && typeof o === 'object' && String(o.apiVersion).startsWith('metallb.io/') && schemaOf(o) !== undefined)
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

describe('invalid objects are rejected', () => {
  const pool = (spec: unknown): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p' }, spec } as Obj);
  const peer = (spec: unknown, v = 'v1beta2'): Obj => ({ apiVersion: `metallb.io/${v}`, kind: 'BGPPeer', metadata: { name: 'r' }, spec } as Obj);
  const cases: Array<[string, Obj, RegExp]> = [
    ['pool without addresses', pool({}), /addresses/],
    ['pool with a bare IP', pool({ addresses: ['192.0.2.1'] }), /each address must be a CIDR/],
    ['pool with a mixed-family range', pool({ addresses: ['192.0.2.1-2001:db8::1'] }), /each address must be a CIDR/],
    ['pool with a non-boolean autoAssign', pool({ addresses: ['192.0.2.0/24'], autoAssign: 'yes' }), /boolean/],
    ['BFD interval out of range', { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'b' }, spec: { receiveInterval: 5 } } as Obj, />= 10/],
    ['BFD multiplier out of range', { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'b' }, spec: { detectMultiplier: 256 } } as Obj, /<= 255/],
    ['L2 preference weight 0', { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l' }, spec: { preferredNodeSelectors: [{ weight: 0, preference: {} }] } } as Obj, />= 1/],
    ['peer port 0 in v1beta2', peer({ myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', peerPort: 0 }), />= 1/],
    ['unknown dynamicASN', peer({ myASN: 1, dynamicASN: 'both', peerAddress: '192.0.2.1' }), /allowed values/],
    ['ASN above 32 bits', peer({ myASN: 4294967296, peerASN: 1, peerAddress: '192.0.2.1' }), /<= 4294967295/],
    ['both address and interface', peer({ myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', interface: 'eth0' }), /both Address and Interface/],
    ['connect time too long', peer({ myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', connectTime: '65536s' }), /connect time should be between 1 seconds to 65535/],
    ['v1beta1 without peerAddress', peer({ myASN: 1, peerASN: 2 }, 'v1beta1'), /peerAddress/],
    ['aggregation with service selectors', { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name: 'a' }, spec: { aggregationLength: 24, serviceSelectors: [{}] } } as Obj, /mutually exclusive/],
    ['an alias with an out-of-range value', { apiVersion: 'metallb.io/v1beta1', kind: 'Community', metadata: { name: 'c' }, spec: { communities: [{ name: 'a', value: '1:1' }, { name: 'b', value: '99999999:1' }] } } as Obj, /invalid community value/],
    ['duplicate alias names in one Community', { apiVersion: 'metallb.io/v1beta1', kind: 'Community', metadata: { name: 'c' }, spec: { communities: [{ name: 'a', value: '1:1' }, { name: 'a', value: '1:2' }] } } as Obj, /communities\[1\]: Duplicate value/],
    ['a pool named twice in an advertisement', { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name: 'a' }, spec: { ipAddressPools: ['p', 'p'] } } as Obj, /ipAddressPools\[1\]: Duplicate value/],
    ['a peer named twice in an advertisement', { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name: 'a' }, spec: { peers: ['r', 'r'] } } as Obj, /peers\[1\]: Duplicate value/],
    ['a community repeated in an advertisement', { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name: 'a' }, spec: { communities: ['1:1', '1:1'] } } as Obj, /communities\[1\]: Duplicate value/],
    ['a namespace repeated in serviceAllocation', pool({ addresses: ['192.0.2.0/24'], serviceAllocation: { namespaces: ['a', 'a'] } }), /namespaces\[1\]: Duplicate value/],
    ['a pool repeated in an L2 advertisement', { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l' }, spec: { ipAddressPools: ['p', 'p'] } } as Obj, /ipAddressPools\[1\]: Duplicate value/],
    ['bad ConfigurationState result', { apiVersion: 'metallb.io/v1beta1', kind: 'ConfigurationState', metadata: { name: 'c' }, status: { result: 'Maybe' } } as Obj, /allowed values/],
  ];
  it.each(cases)('%s', (_n, obj, re) => {
    const p = problems(obj);
    expect(p.some((m) => re.test(m))).toBe(true);
  });

  it('status identities and enableGracefulRestart cannot change after creation', () => {
    const schema = CRD_DEFINITIONS.find((d) => d.kind === 'ServiceL2Status')!.versions[0].schema;
    const old = { status: { node: 'n1', serviceName: 'web', serviceNamespace: 'default' } };
    expect(celErrors(schema, old, old)).toEqual([]);
    expect(celErrors(schema, { status: { ...old.status, node: 'n2' } }, old)).toEqual(['.status.node: node is immutable']);
    const peerSchema = CRD_DEFINITIONS.find((d) => d.kind === 'BGPPeer')!.versions.find((v) => v.storage)!.schema;
    const p = { spec: { myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', enableGracefulRestart: false } };
    expect(celErrors(peerSchema, { spec: { ...p.spec, enableGracefulRestart: true } }, p)).toEqual(['.spec.enableGracefulRestart: EnableGracefulRestart cannot be changed after creation']);
  });
});

/** For every CEL rule (by message): values of `self` that must pass and values that must fail. */
const RULE_CASES: Record<string, { good: unknown[]; bad: unknown[]; old?: unknown }> = {
  'each address must be a CIDR (192.0.2.0/24, 2001:db8::/64) or a range of one family (192.0.2.10-192.0.2.20)': {
    good: ['192.0.2.0/24', '10.0.0.0/8', '192.0.2.1/32', '2001:db8::/64', '2001:db8::1/128', '192.0.2.10-192.0.2.20', ' 192.0.2.10 - 192.0.2.20 ', '2001:db8::1-2001:db8::ff', '::ffff:192.0.2.1/128', '0:0:0:0:0:ffff:192.0.2.1/128', '1:2:3:4:5::192.0.2.1/128', '64:ff9b::192.0.2.0/120', '2001:DB8::/32'],
    bad: ['192.0.2.0', '192.0.2.0/33', '300.1.1.1/24', '2001:db8::/129', '192.0.2.1-2001:db8::1', '192.0.2.1-', 'pool', '192.0.2.0/24,192.0.3.0/24', '2001:db8:::1/64'],
  },
  'invalid aggregation length for IPv4: must be between 1 and 32': { good: [1, 24, 32], bad: [33, 64] },
  'invalid aggregation length for IPv6: must be between 0 and 128': { good: [0, 64, 128], bad: [129, -1] },
  'invalid community value: use A:B with numbers up to 65535, large:A:B:C with numbers up to 4294967295, or the name of a Community alias': {
    good: ['65535:65282', '0:0', 'large:1:2:3', 'large:4294967295:0:4294967295', 'NO_ADVERTISE', 'a:b:c'],
    bad: ['99999999:1', '65536:1', '1:x', 'lar:123:9999:123', 'large:4294967296:1:1', 'large:1:2:x'],
  },
  'serviceSelectors and aggregationLength are mutually exclusive, both cannot be set': {
    good: [{ aggregationLength: 24 }, { serviceSelectors: [{}], aggregationLength: 32, aggregationLengthV6: 128 }, { serviceSelectors: [], aggregationLength: 24 }],
    bad: [{ serviceSelectors: [{ matchLabels: { a: 'b' } }], aggregationLength: 24 }, { serviceSelectors: [{}], aggregationLengthV6: 64 }],
  },
  'invalid community value: use A:B with numbers up to 65535 or large:A:B:C with numbers up to 4294967295': {
    good: ['65535:65282', 'large:1:2:3'], bad: ['gold', '1:2:3', '70000:1', 'large:1:2'],
  },
  'peerAddress must be an IPv4 or IPv6 address': { good: ['192.0.2.1', '2001:db8::1', 'fe80::1', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8', '::'], bad: ['192.0.2.256', 'router', '192.0.2.1/32', ''] },
  'sourceAddress must be an IPv4 or IPv6 address': { good: ['192.0.2.1', '2001:db8::2'], bad: ['eth0'] },
  'routerID must be an IPv4 or IPv6 address': { good: ['10.10.10.10'], bad: ['10.10.10'] },
  'holdTime must be a duration such as 90s, 1m30s or 500ms': { good: ['90s', '1m30s', '0s', '1.5h'], bad: ['90', 'abc', '-1s', ''] },
  'invalid hold time: must be 0 or >=3s': { good: ['0s', '500ms', '3s', '90s', '1m'], bad: ['1s', '2s', '2999ms'] },
  'keepaliveTime must be a duration such as 90s, 1m30s or 500ms': { good: ['30s'], bad: ['30'] },
  'connectTime must be a duration such as 90s, 1m30s or 500ms': { good: ['10s'], bad: ['ten'] },
  'connect time should be between 1 seconds to 65535': { good: ['1s', '10s', '65535s', '1h'], bad: ['0s', '500ms', '65536s', '19h'] },
  'connect time should contain a whole number of seconds': { good: ['5s', '1m', '2h'], bad: ['1500ms', '1.5s'] },
  'EnableGracefulRestart cannot be changed after creation': { good: [true], bad: [false], old: true },
  'missing local ASN: set myASN': { good: [{ myASN: 1 }], bad: [{ myASN: 0 }] },
  'missing peer ASN and dynamicASN: set one of them': { good: [{ peerASN: 2 }, { dynamicASN: 'internal' }], bad: [{}, { peerASN: 0 }] },
  'both peer ASN and dynamicASN specified: set only one': { good: [{ peerASN: 2 }, { peerASN: 0, dynamicASN: 'external' }], bad: [{ peerASN: 2, dynamicASN: 'external' }] },
  'peer has no Address or Interface specified: set peerAddress or interface': { good: [{ peerAddress: '192.0.2.1' }, { interface: 'eth0' }], bad: [{}] },
  'peer has both Address and Interface specified: set only one': { good: [{ interface: 'eth0' }], bad: [{ peerAddress: '192.0.2.1', interface: 'eth0' }] },
  'invalid ebgp-multihop parameter set for an ibgp peer': {
    good: [{ myASN: 1, peerASN: 1 }, { myASN: 1, peerASN: 2, ebgpMultiHop: true }, { myASN: 1, peerASN: 1, ebgpMultiHop: false }],
    bad: [{ myASN: 1, peerASN: 1, ebgpMultiHop: true }],
  },
  'can not have both password and secret ref set in peer config': {
    good: [{ password: 'x' }, { passwordSecret: { name: 's' } }, { password: '', passwordSecret: { name: 's' } }],
    bad: [{ password: 'x', passwordSecret: { name: 's' } }],
  },
  'invalid keepaliveTime: must be lower than or equal to holdTime': {
    good: [{ holdTime: '90s', keepaliveTime: '30s' }, { holdTime: '90s', keepaliveTime: '90s' }, { keepaliveTime: '300s' }, { holdTime: 'x', keepaliveTime: '1s' }],
    bad: [{ holdTime: '90s', keepaliveTime: '91s' }, { holdTime: '1m', keepaliveTime: '2m' }],
  },
  'node is immutable': { good: ['n1'], bad: ['n2'], old: 'n1' },
  'serviceName is immutable': { good: ['web'], bad: ['db'], old: 'web' },
  'serviceNamespace is immutable': { good: ['default'], bad: ['other'], old: 'default' },
};

describe('CEL rules (cel-js)', () => {
  const rules = CRD_DEFINITIONS.flatMap((def) => def.versions.flatMap((v) => collectRules(v.schema).map((r) => ({ ...r, where: `${def.kind} ${v.name} ${r.path}` }))));

  it('every rule has test cases', () => {
    expect(rules.filter((r) => !RULE_CASES[r.message]).map((r) => `${r.where}: ${r.message}`)).toEqual([]);
  });

  it.each(rules.map((r) => [r.where, r.message, r] as const))('%s: %s', (_w, message, r) => {
    const c = RULE_CASES[message];
    for (const good of c.good) expect([good, evalRule(r.rule, good, c.old)]).toEqual([good, true]);
    for (const bad of c.bad) expect([bad, evalRule(r.rule, bad, c.old)]).toEqual([bad, false]);
  });
});

describe('CEL cost bounds (a rough model of the API server estimate, which refuses CRDs over 1e8)', () => {
  /** Walks a schema; calls back for every rule with the product of maxItems above it. */
  function walk(s: Schema, cardinality: number, visit: (s: Schema, cardinality: number, unbounded: boolean) => void, unbounded = false): void {
    visit(s, cardinality, unbounded);
    for (const p of Object.values(s.properties ?? {})) walk(p, cardinality, visit, unbounded);
    if (s.items) walk(s.items, cardinality * (s.maxItems ?? 1), visit, unbounded || s.maxItems === undefined);
  }
  const regexCost = (rule: string, maxLen: number) =>
    [...rule.matchAll(/matches\('([^']*)'\)/g)].reduce((sum, m) => sum + maxLen * m[1].length * 0.1, 0);

  it.each(CRD_DEFINITIONS.flatMap((d) => d.versions.map((v) => [`${d.kind} ${v.name}`, v.schema] as const)))('%s', (_n, schema) => {
    let total = 0;
    walk(schema, 1, (s, card, unbounded) => {
      const rules = s['x-kubernetes-validations'] ?? [];
      if (rules.length === 0) return;
      expect(unbounded).toBe(false); // every list above a rule has maxItems
      const strings = s.type === 'string' ? [s] : Object.values(s.properties ?? {}).filter((p) => p.type === 'string');
      for (const r of rules) {
        if (/matches|split|contains/.test(r.rule) && s.type === 'string') expect(s.maxLength).toBeDefined();
        const maxLen = r.rule.includes('matches') ? Math.max(0, ...strings.map((p) => p.maxLength ?? 0)) : 0;
        const perCall = regexCost(r.rule, maxLen);
        expect(perCall).toBeLessThan(1e6);
        total += perCall * card;
      }
    });
    expect(total).toBeLessThan(1e8);
  });
});
