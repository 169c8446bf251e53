import { describe, expect, it } from '@jest/globals';
import { Allocator } from '../../src/allocator/allocator.js';
import { MAX_INT64 } from '../../src/allocator/capacity.js';
import { serviceRequest } from '../../src/allocator/service-info.js';
import { type IP, formatIP, parseIP } from '../../src/api/ip.js';
import { type SvcOptions, DUAL, V6, config, pool, svc } from './fixtures.js';

const ip = (t: string): IP => parseIP(t)!;
const req = (name: string, o: SvcOptions = {}) => serviceRequest(svc(name, o));
const texts = (r: { ok: boolean } & Partial<{ ips: IP[] }>) => (r.ok ? r.ips!.map(formatIP) : r);

function allocator(...pools: ReturnType<typeof pool>[]): Allocator {
  const a = new Allocator();
  a.setPools(config(...pools));
  return a;
}

describe('allocate: first free address', () => {
  it('hands out .0 first unless avoidBuggyIPs', () => {
    const a = allocator(pool('p', ['192.0.2.0/24']));
    expect(texts(a.allocate(req('a')))).toEqual(['192.0.2.0']);
    expect(texts(a.allocate(req('b')))).toEqual(['192.0.2.1']);
  });

  it('avoidBuggyIPs skips .0 and .255 across /24 boundaries', () => {
    const a = allocator(pool('p', ['198.51.100.250-198.51.101.2'], { avoidBuggyIPs: true }));
    const got = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => texts(a.allocate(req(n))));
    expect(got.slice(0, 7)).toEqual([
      ['198.51.100.250'], ['198.51.100.251'], ['198.51.100.252'], ['198.51.100.253'], ['198.51.100.254'], ['198.51.101.1'], ['198.51.101.2'],
    ]);
    expect(got[7]).toMatchObject({ ok: false, problem: { reason: 'PoolExhausted', message: 'no available IPs' } });
  });

  it('reuses the lowest released address', () => {
    const a = allocator(pool('p', ['192.0.2.0/29']));
    for (const n of ['a', 'b', 'c']) a.allocate(req(n));
    expect(a.release('default/b')).toBe(true);
    expect(a.release('default/b')).toBe(false);
    expect(texts(a.allocate(req('d')))).toEqual(['192.0.2.1']);
  });

  it('scans CIDRs in pool order', () => {
    const a = allocator(pool('p', ['203.0.113.8/31', '192.0.2.0/31']));
    expect(['a', 'b', 'c'].map((n) => texts(a.allocate(req(n))))).toEqual([['203.0.113.8'], ['203.0.113.9'], ['192.0.2.0']]);
  });

  it('copes with an IPv6 /64 and thousands of Services', () => {
    const a = allocator(pool('v6', ['2001:db8::/64']));
    let last: unknown;
    for (let i = 0; i < 3000; i++) last = texts(a.allocate(req(`s${i}`, { clusterIPs: V6 })));
    expect(last).toEqual(['2001:db8::bb7']);
    expect(a.stats('v6')!.inUseIPv6).toBe(3000);
  });
});

describe('assign (spec 3.4)', () => {
  const p = pool('p', ['192.0.2.0/24', '2001:db8::/120']);
  const buggy = pool('b', ['198.51.100.0/24'], { avoidBuggyIPs: true });
  const nsOnly = pool('ns', ['203.0.113.0/28'], { serviceAllocation: { namespaces: ['team'] } });
  const selOnly = pool('sel', ['203.0.113.16/28'], { serviceAllocation: { serviceSelectors: [{ matchLabels: { tier: 'web' } }] } });

  it.each([
    ['outside every pool', ['10.1.1.1'], {}, '["10.1.1.1"] is not allowed in config', 'RequestedIPNotInPool'],
    ['.0 of an avoidBuggyIPs pool', ['198.51.100.0'], {}, '["198.51.100.0"] is not allowed in config', 'RequestedIPNotInPool'],
    ['.255 of an avoidBuggyIPs pool', ['198.51.100.255'], {}, '["198.51.100.255"] is not allowed in config', 'RequestedIPNotInPool'],
    ['two pools', ['192.0.2.1', '198.51.100.1'], {}, '["192.0.2.1" "198.51.100.1"] is not allowed in config', 'RequestedIPNotInPool'],
    ['other namespace', ['203.0.113.1'], { ns: 'other' }, 'pool ns not compatible for ip assignment', 'PoolNotAllowed'],
    ['selector mismatch', ['203.0.113.17'], { labels: { tier: 'db' } }, 'pool sel not compatible for ip assignment', 'PoolNotAllowed'],
    ['three IPs', ['192.0.2.1', '192.0.2.2', '2001:db8::1'], {}, 'more than two addresses ["192.0.2.1" "192.0.2.2" "2001:db8::1"]', 'InvalidRequestedIPs'],
    ['same family pair', ['192.0.2.1', '192.0.2.2'], {}, '"192.0.2.1" "192.0.2.2" has the same family', 'InvalidRequestedIPs'],
  ])('refuses %s', (_what, ips, o: SvcOptions, message, reason) => {
    const a = allocator(p, buggy, nsOnly, selOnly);
    expect(a.assign(req('x', o), ips.map(ip))).toMatchObject({ ok: false, problem: { reason, message } });
    expect(a.ips('default/x')).toBeUndefined();
  });

  it('accepts the namespace and selector that the pool admits, and .1 of an avoidBuggyIPs pool', () => {
    const a = allocator(p, buggy, nsOnly, selOnly);
    expect(a.assign(req('x', { ns: 'team' }), [ip('203.0.113.1')])).toMatchObject({ ok: true, pool: 'ns' });
    expect(a.assign(req('y', { labels: { tier: 'web' } }), [ip('203.0.113.17')])).toMatchObject({ ok: true, pool: 'sel' });
    expect(a.assign(req('z'), [ip('198.51.100.1')])).toMatchObject({ ok: true, pool: 'b' });
  });

  it('orders a dual-stack pair IPv4 first', () => {
    const a = allocator(p);
    expect(texts(a.assign(req('x', { clusterIPs: DUAL }), [ip('2001:db8::5'), ip('192.0.2.5')]))).toEqual(['192.0.2.5', '2001:db8::5']);
  });

  it('is idempotent for the same Service', () => {
    const a = allocator(p);
    expect(a.assign(req('x'), [ip('192.0.2.5')]).ok).toBe(true);
    expect(a.assign(req('x'), [ip('192.0.2.5')]).ok).toBe(true);
    expect(a.stats('p')!.inUseIPv4).toBe(1);
  });
});

describe('sharing (spec 3.4, 11.12)', () => {
  const p = pool('p', ['192.0.2.0/24']);
  const share = (k: string) => ({ annotations: { 'metallb.io/allow-shared-ip': k } });
  const one = [ip('192.0.2.7')];

  it.each([
    ['existing has no key', {}, share('k'), 'existing service does not allow sharing: "192.0.2.7" is in use by default/a', 'SharingRefused'],
    ['new has no key', share('k'), {}, 'new service does not allow sharing: "192.0.2.7" is in use by default/a', 'SharingRefused'],
    ['keys differ', share('k1'), share('k2'), 'sharing key "k2" does not match existing sharing key "k1": "192.0.2.7" is in use by default/a', 'SharingRefused'],
    [
      'backend keys differ (Local vs Cluster)',
      { ...share('k'), local: true, selector: { app: 'x' } },
      { ...share('k'), selector: { app: 'x' } },
      'backend key "" does not match existing sharing key "app=x": "192.0.2.7" is in use by default/a',
      'SharingRefused',
    ],
    [
      'two Local Services with different selectors',
      { ...share('k'), local: true, selector: { app: 'x' } },
      { ...share('k'), local: true, selector: { app: 'y' } },
      'backend key "app=y" does not match existing sharing key "app=x": "192.0.2.7" is in use by default/a',
      'SharingRefused',
    ],
    ['same port', { ...share('k'), ports: ['TCP/80'] }, { ...share('k'), ports: ['TCP/443', 'TCP/80'] }, 'port TCP/80 is already in use on "192.0.2.7"', 'PortInUse'],
  ])('refuses when %s', (_what, first: SvcOptions, second: SvcOptions, message, reason) => {
    const a = allocator(p);
    expect(a.assign(req('a', first), one).ok).toBe(true);
    expect(a.assign(req('b', second), one)).toMatchObject({ ok: false, problem: { reason, message } });
  });

  it.each([
    ['same key, disjoint ports', { ...share('k'), ports: ['TCP/80'] }, { ...share('k'), ports: ['TCP/443'] }],
    ['same port on TCP and UDP', { ...share('k'), ports: ['TCP/53'] }, { ...share('k'), ports: ['UDP/53'] }],
    ['two Local Services selecting the same pods', { ...share('k'), local: true, selector: { b: '1', a: '2' }, ports: ['TCP/1'] }, { ...share('k'), local: true, selector: { a: '2', b: '1' }, ports: ['TCP/2'] }],
  ])('shares when %s', (_what, first: SvcOptions, second: SvcOptions) => {
    const a = allocator(p);
    expect(a.assign(req('a', first), one).ok).toBe(true);
    expect(a.assign(req('b', second), one).ok).toBe(true);
    expect(a.usersOf('192.0.2.7')).toEqual(['default/a', 'default/b']);
    expect(a.stats('p')!.inUseIPv4).toBe(1); // a shared address counts once
  });

  it('lets the only user of an address change its key in place', () => {
    const a = allocator(p);
    expect(a.assign(req('a', share('k1')), one).ok).toBe(true);
    expect(a.assign(req('a', share('k2')), one).ok).toBe(true);
    // the new key is the one others must match now
    expect(a.assign(req('b', { ...share('k2'), ports: ['UDP/1'] }), one).ok).toBe(true);
    expect(a.assign(req('c', { ...share('k1'), ports: ['UDP/2'] }), one).ok).toBe(false);
  });

  it('puts Services with the same key on the same address automatically', () => {
    const a = allocator(p);
    a.allocate(req('x'));
    const r1 = a.allocate(req('a', { ...share('k'), ports: ['TCP/80'] }));
    const r2 = a.allocate(req('b', { ...share('k'), ports: ['TCP/443'] }));
    const r3 = a.allocate(req('c', { ...share('k'), ports: ['TCP/443'] }));
    expect([texts(r1), texts(r2), texts(r3)]).toEqual([['192.0.2.1'], ['192.0.2.1'], ['192.0.2.2']]);
  });

  it('frees a shared address only when its last user goes', () => {
    const a = allocator(p);
    a.assign(req('a', { ...share('k'), ports: ['TCP/1'] }), one);
    a.assign(req('b', { ...share('k'), ports: ['TCP/2'] }), one);
    a.release('default/a');
    expect(a.stats('p')!.inUseIPv4).toBe(1);
    expect(a.assign(req('c'), one).ok).toBe(false);
    a.release('default/b');
    expect(a.stats('p')!.inUseIPv4).toBe(0);
    expect(a.assign(req('c'), one).ok).toBe(true);
  });
});

describe('pool choice (spec 3.3)', () => {
  it('tries pinned pools by priority (0 last, ties by name), then autoAssign pools by name', () => {
    const a = allocator(
      pool('zz-open', ['192.0.2.0/32']),
      pool('aa-open', ['192.0.2.1/32']),
      pool('p0', ['198.51.100.0/32'], { serviceAllocation: { namespaces: ['team'] } }),
      pool('p2', ['198.51.100.2/32'], { serviceAllocation: { priority: 2, namespaces: ['team'] } }),
      pool('p1b', ['198.51.100.11/32'], { serviceAllocation: { priority: 1, namespaces: ['team'] } }),
      pool('p1a', ['198.51.100.10/32'], { serviceAllocation: { priority: 1, serviceSelectors: [{ matchLabels: { t: 'x' } }] } }),
      pool('manual', ['203.0.113.0/24'], { autoAssign: false }),
    );
    const o = { ns: 'team', labels: { t: 'x' } };
    const order = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => a.allocate(req(n, o))).map((r) => (r.ok ? r.pool : r.problem.message));
    expect(order).toEqual(['p1a', 'p1b', 'p2', 'p0', 'aa-open', 'zz-open', 'no available IPs']);
  });

  it('never auto-assigns from a pool reserved for others or with autoAssign false', () => {
    const a = allocator(
      pool('reserved', ['192.0.2.0/24'], { serviceAllocation: { namespaces: ['team'] } }),
      pool('manual', ['198.51.100.0/24'], { autoAssign: false }),
    );
    expect(a.allocate(req('x', { ns: 'other' }))).toMatchObject({
      ok: false,
      problem: { reason: 'NoEligiblePool', message: 'no available IPs' },
    });
  });

  it('an empty serviceAllocation admits every Service and makes the pool pinned', () => {
    const a = allocator(pool('aa', ['192.0.2.0/32']), pool('zz', ['198.51.100.0/32'], { serviceAllocation: {} }));
    expect(a.allocate(req('x'))).toMatchObject({ ok: true, pool: 'zz' });
  });

  it('namespaceSelectors that match no Namespace admit no Service (upstream: every Service)', () => {
    const a = allocator(pool('aa', ['192.0.2.0/32']), pool('zz', ['198.51.100.0/32'], { serviceAllocation: { namespaceRestricted: true } }));
    expect(a.allocate(req('x'))).toMatchObject({ ok: true, pool: 'aa' });
    expect(a.allocateFromPool(req('y'), 'zz')).toMatchObject({
      ok: false,
      problem: { reason: 'PoolNotAllowed', detail: 'serviceAllocation.namespaceSelectors match no Namespace' },
    });
  });

  it('says which family is missing', () => {
    const a = allocator(pool('v4', ['192.0.2.0/24']));
    expect(a.allocate(req('x', { clusterIPs: V6 }))).toMatchObject({ ok: false, problem: { reason: 'NoPoolForFamily' } });
  });

  describe('allocateFromPool', () => {
    it('ignores autoAssign but enforces serviceAllocation', () => {
      const a = allocator(
        pool('manual', ['192.0.2.0/24'], { autoAssign: false }),
        pool('team', ['198.51.100.0/24'], { autoAssign: false, serviceAllocation: { namespaces: ['team'] } }),
      );
      expect(texts(a.allocateFromPool(req('x'), 'manual'))).toEqual(['192.0.2.0']);
      expect(a.allocateFromPool(req('y'), 'team')).toMatchObject({ ok: false, problem: { reason: 'PoolNotAllowed', message: 'pool team not compatible for ip assignment' } });
      expect(a.allocateFromPool(req('z'), 'nope')).toMatchObject({ ok: false, problem: { reason: 'UnknownPool', message: 'unknown pool "nope"' } });
    });

    it('reports an exhausted pool and a pool without the family', () => {
      const a = allocator(pool('tiny', ['192.0.2.0/32']));
      a.allocateFromPool(req('x'), 'tiny');
      expect(a.allocateFromPool(req('y'), 'tiny')).toMatchObject({ ok: false, problem: { reason: 'PoolExhausted', message: 'no available IPs in pool tiny for ipv4 IPFamily' } });
      expect(a.allocateFromPool(req('z', { clusterIPs: V6 }), 'tiny')).toMatchObject({ ok: false, problem: { reason: 'NoPoolForFamily', message: 'no available IPs in pool tiny for ipv6 IPFamily' } });
    });
  });
});

describe('dual stack', () => {
  const v4 = pool('a-v4', ['192.0.2.0/24']);
  const v6 = pool('b-v6', ['2001:db8::/120']);
  const both = pool('c-dual', ['2001:db8:1::/120', '198.51.100.0/24']);

  it('RequireDualStack takes both from one pool, IPv4 first', () => {
    const a = allocator(v4, v6, both);
    expect(a.allocate(req('x', { clusterIPs: DUAL, policy: 'RequireDualStack' }))).toMatchObject({ ok: true, pool: 'c-dual' });
    expect(texts(a.allocate(req('y', { clusterIPs: DUAL, policy: 'RequireDualStack' })))).toEqual(['198.51.100.1', '2001:db8:1::1']);
  });

  it('RequireDualStack fails without a dual pool', () => {
    const a = allocator(v4, v6);
    expect(a.allocate(req('x', { clusterIPs: DUAL, policy: 'RequireDualStack' }))).toMatchObject({ ok: false, problem: { reason: 'NoPoolForFamily' } });
  });

  it('PreferDualStack prefers a dual pool, else the primary family (IPv4 unless ipFamilies[0] is IPv6)', () => {
    expect(allocator(v4, v6, both).allocate(req('x', { clusterIPs: DUAL, policy: 'PreferDualStack' }))).toMatchObject({ pool: 'c-dual' });
    expect(texts(allocator(v6, v4).allocate(req('x', { clusterIPs: DUAL, policy: 'PreferDualStack' })))).toEqual(['192.0.2.0']);
    expect(
      texts(allocator(v4, v6).allocate(req('x', { clusterIPs: ['fd00::1', '10.0.0.1'], ipFamilies: ['IPv6', 'IPv4'], policy: 'PreferDualStack' }))),
    ).toEqual(['2001:db8::']);
    expect(texts(allocator(v6).allocate(req('x', { clusterIPs: DUAL, policy: 'PreferDualStack' })))).toEqual(['2001:db8::']);
  });

  it('adds the missing family from the same pool', () => {
    const a = allocator(both);
    const r = req('x', { clusterIPs: DUAL, policy: 'PreferDualStack' });
    expect(a.assign(r, [ip('2001:db8:1::9')]).ok).toBe(true);
    const add = a.allocateAdditionalFamily(r, ip('2001:db8:1::9'), 'c-dual');
    expect(add.ok && add.ips.map(formatIP)).toEqual(['198.51.100.0', '2001:db8:1::9']);
    const b = allocator(v6);
    b.assign(r, [ip('2001:db8::9')]);
    expect(b.allocateAdditionalFamily(r, ip('2001:db8::9'), 'b-v6')).toMatchObject({ ok: false, problem: { message: 'no available IPs in pool b-v6 for ipv4 IPFamily' } });
  });
});

describe('setPools (spec 3.5)', () => {
  it('re-homes allocations into the pool that now holds them, and drops the rest', () => {
    const a = allocator(pool('old', ['192.0.2.0/24']));
    a.assign(req('x'), [ip('192.0.2.10')]);
    a.assign(req('y'), [ip('192.0.2.200')]);
    a.setPools(config(pool('new', ['192.0.2.0/25'])));
    expect(a.pool('default/x')).toBe('new');
    expect(a.ips('default/y')).toBeUndefined();
    expect(a.stats('new')!.inUseIPv4).toBe(1);
    expect(a.stats('old')).toBeUndefined();
    // y's address is free again
    a.setPools(config(pool('new', ['192.0.2.0/24'])));
    expect(a.assign(req('z'), [ip('192.0.2.200')]).ok).toBe(true);
  });

  it('drops an address that turned buggy', () => {
    const a = allocator(pool('p', ['192.0.2.0/24']));
    a.assign(req('x'), [ip('192.0.2.0')]);
    a.setPools(config(pool('p', ['192.0.2.0/24'], { avoidBuggyIPs: true })));
    expect(a.ips('default/x')).toBeUndefined();
  });
});

describe('pool statistics (spec 3.7)', () => {
  it.each([
    ['/24', ['192.0.2.0/24'], false, 256n, 0n],
    ['/24 avoidBuggyIPs', ['192.0.2.0/24'], true, 254n, 0n],
    ['/16 avoidBuggyIPs', ['10.0.0.0/16'], true, 65536n - 512n, 0n],
    ['/30 at .0 avoidBuggyIPs', ['192.0.2.0/30'], true, 3n, 0n],
    ['/30 at .252 avoidBuggyIPs', ['192.0.2.252/30'], true, 3n, 0n],
    ['/30 in the middle avoidBuggyIPs', ['192.0.2.4/30'], true, 4n, 0n],
    ['/32 at .0 avoidBuggyIPs', ['192.0.2.0/32'], true, 0n, 0n],
    ['IPv6 /120 plus IPv4 /30', ['2001:db8::/120', '192.0.2.4/30'], true, 4n, 256n],
    ['IPv6 /64', ['2001:db8::/64'], false, 0n, MAX_INT64],
    ['IPv6 /64 followed by /120 saturates', ['2001:db8::/64', '2001:db8:1::/120'], false, 0n, MAX_INT64],
  ])('capacity of %s', (_what, addresses, avoid, v4, v6) => {
    const a = allocator(pool('p', addresses, { avoidBuggyIPs: avoid }));
    const s = a.stats('p')!;
    expect([s.capacity.ipv4, s.capacity.ipv6]).toEqual([v4, v6]);
    expect(s.capacity.total <= MAX_INT64).toBe(true);
  });

  it('counts in-use and available per family', () => {
    const a = allocator(pool('p', ['192.0.2.0/28', '2001:db8::/124']));
    a.allocate(req('x', { clusterIPs: DUAL, policy: 'RequireDualStack' }));
    a.allocate(req('y'));
    expect(a.stats('p')).toMatchObject({ inUseIPv4: 2, inUseIPv6: 1, inUse: 3, availableIPv4: 14n, availableIPv6: 15n });
  });
});
