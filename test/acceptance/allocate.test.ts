// Acceptance: `metallb-ts allocate` on folders of YAML, compared with what upstream MetalLB's
// controller does (spec 3.1-3.7; guide 31.9).
import { describe, expect, jest, test } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allocate, namespace, pool, runCli, service, yaml } from './cli.js';

jest.setTimeout(60_000);

const SH = 'metallb.io/allow-shared-ip';
const IPS = 'metallb.io/loadBalancerIPs';
const POOL = 'metallb.io/address-pool';
const seed = (f: string): Promise<string> => readFile(join(process.cwd(), 'test', 'fixtures', 'seed', f), 'utf8');

describe('guide 31.9 examples', () => {
  test('Services written without a namespace land in "default", as kubectl apply puts them', async () => {
    const files = { 'pool.yaml': await seed('31.9.1-service-specific-ip.companion.yaml'), 'svc.yaml': await seed('31.9.1-service-specific-ip.yaml') };
    expect(await allocate(files)).toEqual({ 'default/web': { ips: ['203.0.113.5'], pool: 'doc-example' } });
  });

  test('31.9.2 pool by annotation, 31.9.3 any IP: first address of the range', async () => {
    const pools = await seed('31.9.1-service-specific-ip.companion.yaml');
    expect(await allocate({ 'p.yaml': pools, 's.yaml': await seed('31.9.2-service-specific-pool.yaml') })).toEqual({
      'default/web-from-pool': { ips: ['203.0.113.1'], pool: 'doc-example' },
    });
    expect(await allocate({ 'p.yaml': pools, 's.yaml': await seed('31.9.3-service-any-ip.yaml') })).toEqual({
      'default/web-any': { ips: ['203.0.113.1'], pool: 'doc-example' },
    });
  });

  test('31.9.4 two Services share 172.31.249.7 (different ports, same key)', async () => {
    const out = await allocate({ 'p.yaml': await seed('31.9.4-shared-ip.companion.yaml'), 's.yaml': await seed('31.9.4-shared-ip.yaml') });
    expect(out).toEqual({
      'default/service-http': { ips: ['172.31.249.7'], pool: 'doc-example' },
      'default/service-https': { ips: ['172.31.249.7'], pool: 'doc-example' },
    });
  });

  test('namespace-restricted pool admits a Service written without a namespace when "default" is listed', async () => {
    const svc = service('web');
    delete (svc.metadata as Record<string, unknown>).namespace;
    const out = await allocate({ 'a.yaml': yaml(pool('only-default', ['192.0.2.8/29'], { serviceAllocation: { namespaces: ['default'] } }), svc) });
    expect(out).toEqual({ 'default/web': { ips: ['192.0.2.8'], pool: 'only-default' } });
  });
});

describe('requested IPs and pools', () => {
  const files = {
    'all.yaml': yaml(
      pool('p', ['192.0.2.0/24']),
      pool('manual', ['198.51.100.10-198.51.100.20'], { autoAssign: false }),
      service('both', { annotations: { [IPS]: '192.0.2.5' }, loadBalancerIP: '192.0.2.5' }),
      service('auto'),
      service('by-old-key', { annotations: { 'metallb.universe.tf/loadBalancerIPs': '192.0.2.7' } }),
      service('same-ip-no-sharing', { annotations: { [IPS]: '192.0.2.7' }, ports: [{ port: 81 }] }),
      service('outside', { loadBalancerIP: '10.1.1.1' }),
      service('spec-ip-manual', { loadBalancerIP: '198.51.100.15' }),
      service('pool-manual', { annotations: { [POOL]: 'manual' } }),
      service('unknown-pool', { annotations: { [POOL]: 'nope' } }),
      service('ip-and-other-pool', { annotations: { [IPS]: '192.0.2.10', [POOL]: 'manual' } }),
      service('cluster-ip', { type: 'ClusterIP' }),
      service('node-port', { type: 'NodePort' }),
    ),
  };

  test('each Service gets what upstream gives it', async () => {
    expect(await allocate(files)).toEqual({
      'default/auto': { ips: ['192.0.2.0'], pool: 'p' },
      'default/both': { error: 'service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP' },
      'default/by-old-key': { ips: ['192.0.2.7'], pool: 'p' },
      'default/ip-and-other-pool': { error: 'requested loadBalancer IP(s) ["192.0.2.10"] is not compatible with requested address pool manual' },
      'default/outside': { error: '["10.1.1.1"] is not allowed in config' },
      'default/pool-manual': { ips: ['198.51.100.10'], pool: 'manual' },
      'default/same-ip-no-sharing': { error: expect.stringMatching(/^existing service does not allow sharing/) },
      'default/spec-ip-manual': { ips: ['198.51.100.15'], pool: 'manual' },
      'default/unknown-pool': { error: 'unknown pool "nope"' },
    });
  });

  test('output is stable: sorted keys, same text on every run', async () => {
    const a = await runCli('allocate', files);
    const b = await runCli('allocate', files);
    expect(a.stdout).toBe(b.stdout);
    expect(Object.keys(JSON.parse(a.stdout))).toEqual(Object.keys(JSON.parse(a.stdout)).sort());
    expect(a.stderr).toBe('');
  });
});

describe('sharing', () => {
  test('same key shares when ports differ; TCP and UDP on one port share; port clash and key mismatch refused', async () => {
    const out = await allocate({
      's.yaml': yaml(
        pool('p', ['192.0.2.10-192.0.2.20']),
        service('a', { annotations: { [SH]: 'k', [IPS]: '192.0.2.15' } }),
        service('b', { annotations: { [SH]: 'k', [IPS]: '192.0.2.15' }, ports: [{ port: 80, protocol: 'UDP' }] }),
        service('c', { annotations: { [SH]: 'k', [IPS]: '192.0.2.15' } }),
        service('d', { annotations: { [IPS]: '192.0.2.15' }, ports: [{ port: 81 }] }),
        service('e', { annotations: { [SH]: 'other', [IPS]: '192.0.2.15' }, ports: [{ port: 82 }] }),
        service('f', { annotations: { [SH]: 'k', [IPS]: '192.0.2.15' }, ports: [{ port: 83 }], externalTrafficPolicy: 'Local', selector: { app: 'a' } }),
        service('g', { annotations: { [SH]: 'k' }, ports: [{ port: 84 }] }),
      ),
    });
    expect(out['default/a']).toEqual({ ips: ['192.0.2.15'], pool: 'p' });
    expect(out['default/b']).toEqual({ ips: ['192.0.2.15'], pool: 'p' });
    expect(out['default/c']).toEqual({ error: 'port TCP/80 is already in use on "192.0.2.15"' });
    expect(out['default/d']).toEqual({ error: expect.stringMatching(/^new service does not allow sharing/) });
    expect(out['default/e']).toEqual({ error: expect.stringMatching(/^sharing key "other" does not match existing sharing key "k"/) });
    expect(out['default/f']).toEqual({ error: expect.stringMatching(/^backend key "app=a" does not match existing sharing key ""/) });
    // a shareable Service takes the first address it may use, which is .10 (free), not the shared .15
    expect(out['default/g']).toEqual({ ips: ['192.0.2.10'], pool: 'p' });
  });

  test('ETP Local Services share only with the same selector (order of labels irrelevant); metallb.io key wins even when empty', async () => {
    const local = (name: string, port: number, selector: Record<string, string>) =>
      service(name, { annotations: { [SH]: 'loc' }, ports: [{ port }], externalTrafficPolicy: 'Local', selector });
    const out = await allocate({
      's.yaml': yaml(
        pool('p', ['192.0.2.0/24']),
        local('l1', 1, { app: 'x', b: 'y' }),
        local('l2', 2, { b: 'y', app: 'x' }),
        local('l3', 3, { app: 'z' }),
        service('x', { annotations: { [SH]: '', 'metallb.universe.tf/allow-shared-ip': 'loc', [IPS]: '192.0.2.0' }, ports: [{ port: 9 }] }),
      ),
    });
    expect(out['default/l1']).toEqual({ ips: ['192.0.2.0'], pool: 'p' });
    expect(out['default/l2']).toEqual({ ips: ['192.0.2.0'], pool: 'p' });
    expect(out['default/l3']).toEqual({ ips: ['192.0.2.1'], pool: 'p' });
    expect(out['default/x']).toEqual({ error: expect.stringMatching(/^new service does not allow sharing/) });
  });
});

describe('families', () => {
  test('ipFamilies, RequireDualStack, PreferDualStack, requested IPv6 and mismatches', async () => {
    const out = await allocate({
      'd.yaml': yaml(
        pool('v4', ['192.0.2.0/30']),
        pool('v6', ['2001:db8::/126']),
        pool('ds', ['198.51.100.0/31', '2001:db8:1::/127'], { autoAssign: false }),
        service('single'),
        service('v6', { ipFamilies: ['IPv6'] }),
        service('require', { ipFamilyPolicy: 'RequireDualStack' }),
        service('prefer', { ipFamilyPolicy: 'PreferDualStack' }),
        service('prefer6', { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv6', 'IPv4'] }),
        service('require-ds', { ipFamilyPolicy: 'RequireDualStack', annotations: { [POOL]: 'ds' } }),
        service('req-pair', { annotations: { [IPS]: '2001:db8:1::1, 198.51.100.1' } }),
        service('req-split', { annotations: { [IPS]: '2001:db8::3,192.0.2.3' } }),
        service('req-v6-fam4', { annotations: { [IPS]: '2001:db8::1' }, ipFamilies: ['IPv4'] }),
      ),
    });
    expect(out).toEqual({
      // Services without status are processed by key: prefer, prefer6, ..., single, v6
      'default/prefer': { ips: ['192.0.2.0'], pool: 'v4' },
      'default/prefer6': { ips: ['2001:db8::'], pool: 'v6' },
      'default/require': { error: 'no available IPs' },
      'default/single': { ips: ['192.0.2.1'], pool: 'v4' },
      'default/v6': { ips: ['2001:db8::1'], pool: 'v6' },
      'default/require-ds': { ips: ['198.51.100.0', '2001:db8:1::'], pool: 'ds' },
      'default/req-pair': { ips: ['198.51.100.1', '2001:db8:1::1'], pool: 'ds' },
      'default/req-split': { error: '["2001:db8::3" "192.0.2.3"] is not allowed in config' },
      'default/req-v6-fam4': { error: 'requested loadBalancer IP(s) ["2001:db8::1"] does not match the ipFamily of the service' },
    });
  });
});

describe('pool choice', () => {
  test('serviceAllocation priority, namespace selectors, service selectors, empty serviceAllocation, avoidBuggyIPs', async () => {
    const out = await allocate({
      'p.yaml': yaml(
        namespace('team-a', { team: 'a' }),
        namespace('team-b', { team: 'b' }),
        pool('general', ['192.0.2.0/28']),
        pool('buggy', ['198.51.100.0/24'], { avoidBuggyIPs: true, serviceAllocation: { namespaces: ['buggy'] } }),
        pool('a-low', ['203.0.113.0/28'], { serviceAllocation: { priority: 50, namespaceSelectors: [{ matchLabels: { team: 'a' } }] } }),
        pool('a-high', ['203.0.113.16/28'], { serviceAllocation: { priority: 10, namespaces: ['team-a'] } }),
        pool('a-zero', ['203.0.113.32/28'], { serviceAllocation: { namespaces: ['team-a'] } }),
        pool('gold', ['203.0.113.48/28'], { serviceAllocation: { priority: 20, serviceSelectors: [{ matchLabels: { tier: 'gold' } }] } }),
      ),
      's.yaml': yaml(
        service('plain'),
        service('gold', { labels: { tier: 'gold' } }),
        service('in-a', { ns: 'team-a' }),
        service('in-b', { ns: 'team-b' }),
        service('buggy', { ns: 'buggy' }),
        service('a-pool-from-b', { ns: 'team-b', annotations: { [POOL]: 'a-high' } }),
        service('a-ip-from-b', { ns: 'team-b', annotations: { [IPS]: '203.0.113.20' } }),
        service('buggy-zero', { ns: 'buggy', annotations: { [IPS]: '198.51.100.0' } }),
      ),
    });
    expect(out).toEqual({
      'default/plain': { ips: ['192.0.2.0'], pool: 'general' },
      'default/gold': { ips: ['203.0.113.48'], pool: 'gold' },
      'team-a/in-a': { ips: ['203.0.113.16'], pool: 'a-high' },
      'team-b/in-b': { ips: ['192.0.2.1'], pool: 'general' },
      'buggy/buggy': { ips: ['198.51.100.1'], pool: 'buggy' },
      'buggy/buggy-zero': { error: '["198.51.100.0"] is not allowed in config' },
      'team-b/a-pool-from-b': { error: 'pool a-high not compatible for ip assignment' },
      'team-b/a-ip-from-b': { error: 'pool a-high not compatible for ip assignment' },
    });
  });

  test('loadBalancerClass: without --lb-class only class-less Services; with it only that class', async () => {
    const files = {
      'c.yaml': yaml(pool('p', ['192.0.2.0/31']), service('none'), service('mine', { loadBalancerClass: 'metallb' }), service('other', { loadBalancerClass: 'other' })),
    };
    expect(Object.keys(await allocate(files))).toEqual(['default/none']);
    expect(await allocate(files, '--lb-class', 'metallb')).toEqual({ 'default/mine': { ips: ['192.0.2.0'], pool: 'p' } });
  });

  test('exhaustion: auto-assigned and named pool, IPv6 range', async () => {
    const out = await allocate({
      'e.yaml': yaml(
        pool('p', ['192.0.2.10-192.0.2.11']),
        pool('six', ['2001:db8::ffff-2001:db8::1:0']),
        service('a'),
        service('b'),
        service('c'),
        service('d', { annotations: { [POOL]: 'p' } }),
        service('v6', { ipFamilies: ['IPv6'] }),
      ),
    });
    expect(out).toEqual({
      'default/a': { ips: ['192.0.2.10'], pool: 'p' },
      'default/b': { ips: ['192.0.2.11'], pool: 'p' },
      'default/c': { error: 'no available IPs' },
      'default/d': { error: expect.stringMatching(/^no available IPs in pool p/) },
      'default/v6': { ips: ['2001:db8::ffff'], pool: 'six' },
    });
  });
});

describe('invalid configuration', () => {
  test('exit 1, nothing on stdout, the problems on stderr as <Kind>/<name>: ...', async () => {
    const r = await runCli('allocate', { 'x.yaml': yaml(pool('a', ['192.0.2.0/24']), pool('b', ['192.0.2.128/25']), service('s')) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.errors).toEqual([expect.stringMatching(/^IPAddressPool\/b: .*CIDR "192.0.2.128\/25" in pool "b" overlaps with already defined CIDR "192.0.2.0\/24"/)]);
  });
});

describe('unreadable input', () => {
  test('a document without apiVersion: exit 1, file:line on stderr, the fix names the right apiVersion for the kind', async () => {
    const r = await runCli('allocate', { 'svc.yaml': 'kind: Service\nmetadata: {name: a}\nspec: {type: LoadBalancer}\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.errors).toEqual([expect.stringMatching(/svc\.yaml:1: Service has no apiVersion: add "apiVersion: v1"$/)]);
    const p = await runCli('validate', { 'peer.yaml': 'kind: BGPPeer\nmetadata: {name: a}\n' });
    expect(p.errors).toEqual([expect.stringMatching(/peer\.yaml:1: BGPPeer has no apiVersion: add "apiVersion: metallb.io\/v1beta2"$/)]);
  });
});

describe('Services that already hold addresses (a restarted controller)', () => {
  const withStatus = (o: Record<string, unknown>, ...ips: string[]) => ({ ...o, status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } } });
  test('kept when still allowed, moved when outside every pool, taken twice, in another pool than requested, or not the requested IP', async () => {
    const files = {
      's.yaml': yaml(
        pool('p', ['192.0.2.0/29']),
        pool('q', ['198.51.100.0/30']),
        service('a-new'),
        withStatus(service('b-keeps'), '192.0.2.5'),
        withStatus(service('c-outside'), '10.0.0.1'),
        withStatus(service('d-wrong-pool', { annotations: { [POOL]: 'q' } }), '192.0.2.6'),
        withStatus(service('e-other-request', { annotations: { [IPS]: '192.0.2.1' } }), '192.0.2.7'),
        withStatus(service('f-same-as-b'), '192.0.2.5'),
        withStatus(service('g-prefer-dual', { ipFamilyPolicy: 'PreferDualStack' }), '192.0.2.4'),
      ),
    };
    expect(await allocate(files)).toEqual({
      'default/a-new': { ips: ['192.0.2.3'], pool: 'p' },
      'default/b-keeps': { ips: ['192.0.2.5'], pool: 'p' },
      'default/c-outside': { ips: ['192.0.2.0'], pool: 'p' },
      'default/d-wrong-pool': { ips: ['198.51.100.0'], pool: 'q' },
      'default/e-other-request': { ips: ['192.0.2.1'], pool: 'p' },
      'default/f-same-as-b': { ips: ['192.0.2.2'], pool: 'p' },
      'default/g-prefer-dual': { ips: ['192.0.2.4'], pool: 'p' },
    });
    const detail = JSON.parse((await runCli('allocate', files, '--detail')).stdout) as Record<string, { events: { type: string; reason: string; message: string }[] }>;
    expect(detail['default/c-outside'].events[0]).toEqual({
      type: 'Normal',
      reason: 'ClearAssignment',
      message: 'current IP for "default/c-outside" not allowed by config, will attempt for new IP assignment: ["10.0.0.1"] is not allowed in config',
    });
    expect(detail['default/a-new'].events).toEqual([{ type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["192.0.2.3"]' }]);
    expect(detail['default/g-prefer-dual'].events[0]).toMatchObject({ reason: 'AdditionalAssignFailed', message: expect.stringMatching(/^cannot assign additional IP in PreferDualStack: /) });
  });
});

describe('an address-pool annotation naming no pool', () => {
  test('stays pending as upstream (no fallback to other pools, whatever guide 31.9.2 says); --detail says why and what to change', async () => {
    const files = { 'u.yaml': yaml(pool('p', ['192.0.2.0/30']), pool('q', ['198.51.100.0/30']), service('a', { annotations: { 'metallb.universe.tf/address-pool': 'gold' } })) };
    expect(await allocate(files)).toEqual({ 'default/a': { error: 'unknown pool "gold"' } });
    const detail = JSON.parse((await runCli('allocate', files, '--detail')).stdout) as Record<string, { reason: string; detail: string }>;
    expect(detail['default/a'].reason).toBe('UnknownPool');
    expect(detail['default/a'].detail).toMatch(/no IPAddressPool is named "gold" \(pools: p, q\).*does not fall back.*fix the metallb\.io\/address-pool annotation or create the pool/);
  });
});
