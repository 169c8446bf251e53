import { describe, expect, it } from '@jest/globals';
import { allocateAll } from '../../src/allocator/allocate-all.js';
import { emptySnapshot } from '../../src/api/snapshot.js';
import type { Service } from '../../src/api/core.js';
import { config, pool, svc } from './fixtures.js';

const snap = (...services: Service[]) => ({ ...emptySnapshot(), services });
const plain = (m: Map<string, unknown>) => Object.fromEntries(m);

describe('allocateAll', () => {
  const cfg = config(pool('p', ['192.0.2.0/30']));

  it('serves Services already holding addresses first, so a restart steals nothing', () => {
    // "a" sorts first by name but "z" already owns .0 in its status.
    const out = allocateAll(cfg, snap(svc('a'), svc('z', { status: ['192.0.2.0'] })));
    expect(plain(out)).toEqual({
      'default/a': { ips: ['192.0.2.1'], pool: 'p' },
      'default/z': { ips: ['192.0.2.0'], pool: 'p' },
    });
  });

  it('gives a Service that asks for an IPv4-mapped IPv6 address that IPv4 address, as upstream does', () => {
    const out = allocateAll(cfg, snap(svc('a', { annotations: { 'metallb.io/loadBalancerIPs': '::ffff:192.0.2.2' } })));
    expect(plain(out)).toEqual({ 'default/a': { ips: ['192.0.2.2'], pool: 'p' } });
  });

  it('counts every ingress entry, hostnames included, when it ranks Services (upstream sorts by len(status.loadBalancer.ingress))', () => {
    // "b" has a hostname entry only: upstream serves it before "a", which has none.
    const b = { ...svc('b'), status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } } };
    const out = allocateAll(config(pool('p', ['192.0.2.0/32'])), snap(svc('a'), b));
    expect(plain(out)).toEqual({ 'default/a': { error: 'no available IPs' }, 'default/b': { ips: ['192.0.2.0'], pool: 'p' } });
  });

  it('ranks dual-stack holders before single ones', () => {
    const c = config(pool('d', ['192.0.2.0/32', '2001:db8::/127']));
    const out = allocateAll(
      c,
      snap(
        svc('a', { status: ['2001:db8::'], clusterIPs: ['fd00::1'] }),
        svc('b', { status: ['192.0.2.0', '2001:db8::'], clusterIPs: ['10.0.0.1', 'fd00::1'], policy: 'RequireDualStack' }),
      ),
    );
    expect(plain(out)).toEqual({
      'default/a': { ips: ['2001:db8::1'], pool: 'd' },
      'default/b': { ips: ['192.0.2.0', '2001:db8::'], pool: 'd' },
    });
  });

  it('reports errors and leaves out other classes and types', () => {
    const out = allocateAll(
      config(pool('p', ['192.0.2.0/32'])),
      snap(svc('a'), svc('b'), svc('c', { lbClass: 'other' }), svc('d', { type: 'ClusterIP' })),
    );
    expect(plain(out)).toEqual({ 'default/a': { ips: ['192.0.2.0'], pool: 'p' }, 'default/b': { error: 'no available IPs' } });
    expect(plain(allocateAll(config(pool('p', ['192.0.2.0/32'])), snap(svc('a'), svc('c', { lbClass: 'other' })), { lbClass: 'other' }))).toEqual({
      'default/c': { ips: ['192.0.2.0'], pool: 'p' },
    });
  });

  it('lets an earlier holder that moves free its address for the next one', () => {
    // a and c both hold an address; a (first by key) now asks for .1, which c holds: a wins it,
    // c is told its address is taken (ClearAssignment) and gets the .0 that a left; b gets nothing.
    const c = config(pool('p', ['192.0.2.0/31']));
    const out = allocateAll(c, snap(svc('a', { status: ['192.0.2.0'], loadBalancerIP: '192.0.2.1' }), svc('b'), svc('c', { status: ['192.0.2.1'] })));
    expect(plain(out)).toEqual({
      'default/a': { ips: ['192.0.2.1'], pool: 'p' },
      'default/b': { error: 'no available IPs' },
      'default/c': { ips: ['192.0.2.0'], pool: 'p' },
    });
  });

  it('returns an error for every Service when no pool exists', () => {
    expect(plain(allocateAll(config(), snap(svc('a'))))).toEqual({ 'default/a': { error: 'no IPAddressPool is configured' } });
  });
});
