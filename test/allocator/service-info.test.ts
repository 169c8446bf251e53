import { describe, expect, it } from '@jest/globals';
import {
  backendKey,
  handlesLoadBalancerClass,
  requestedIPs,
  requestedPool,
  serviceFamily,
  servicePorts,
  sharingKey,
} from '../../src/allocator/service-info.js';
import { formatIP } from '../../src/api/ip.js';
import { type SvcOptions, svc } from './fixtures.js';

describe('service inputs (spec 3.1)', () => {
  it('ports are Proto/Port, TCP by default', () => {
    const s = svc('a', { ports: ['UDP/53', { port: 80 }] });
    expect(servicePorts(s)).toEqual(['UDP/53', 'TCP/80']);
  });

  it.each([
    [{ 'metallb.io/allow-shared-ip': 'k1' }, 'k1'],
    [{ 'metallb.universe.tf/allow-shared-ip': 'old' }, 'old'],
    [{ 'metallb.io/allow-shared-ip': 'new', 'metallb.universe.tf/allow-shared-ip': 'old' }, 'new'],
    // present but empty still wins
    [{ 'metallb.io/allow-shared-ip': '', 'metallb.universe.tf/allow-shared-ip': 'old' }, ''],
    [{}, ''],
  ])('sharing key from %j is %j', (annotations, want) => {
    expect(sharingKey(svc('a', { annotations }))).toBe(want);
  });

  it('requested pool: metallb.io first, deprecated fallback', () => {
    expect(requestedPool(svc('a', { annotations: { 'metallb.universe.tf/address-pool': 'p' } }))).toBe('p');
    expect(requestedPool(svc('a', { annotations: { 'metallb.io/address-pool': 'q', 'metallb.universe.tf/address-pool': 'p' } }))).toBe('q');
  });

  it('backend key is the sorted selector for Local, empty for Cluster', () => {
    expect(backendKey(svc('a', { local: true, selector: { z: '1', a: '2' } }))).toBe('a=2,z=1');
    expect(backendKey(svc('a', { selector: { z: '1' } }))).toBe('');
  });

  it('family comes from ClusterIPs, not spec.ipFamilies', () => {
    expect(serviceFamily(svc('a', { clusterIPs: ['fd00::1'], ipFamilies: ['IPv4'] }))).toEqual({ family: 'ipv6' });
    expect(serviceFamily(svc('a', { clusterIPs: ['10.0.0.1', 'fd00::1'] }))).toEqual({ family: 'dual' });
    expect(serviceFamily(svc('a', { clusterIPs: ['10.0.0.1', '10.0.0.2'] }))).toEqual({ error: 'same address family ["10.0.0.1" "10.0.0.2"]' });
  });

  it.each([
    [{ ipFamilies: ['IPv6'] }, 'ipv6'],
    [{ ipFamilies: ['IPv4', 'IPv6'] }, 'dual'],
    [{ loadBalancerIP: '2001:db8::1' }, 'ipv6'],
    [{ policy: 'PreferDualStack' }, 'dual'],
    [{}, 'ipv4'],
  ])('without ClusterIPs (a Service from YAML) the family is the declared one: %j -> %s', (o, family) => {
    expect(serviceFamily(svc('a', { ...(o as SvcOptions), clusterIPs: [] }))).toEqual({ family });
  });

  it.each([
    [{ annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.1, 2001:db8::1' } }, ['192.0.2.1', '2001:db8::1'], 'dual'],
    [{ annotations: { 'metallb.universe.tf/loadBalancerIPs': '192.0.2.1' } }, ['192.0.2.1'], 'ipv4'],
    [{ loadBalancerIP: '2001:db8::5' }, ['2001:db8::5'], 'ipv6'],
    // IPv4-mapped IPv6 is IPv4, as Go's net.ParseIP reads it: the Service gets (and shows) 192.0.2.5.
    [{ annotations: { 'metallb.io/loadBalancerIPs': '::ffff:192.0.2.5' } }, ['192.0.2.5'], 'ipv4'],
    [{ annotations: { 'metallb.io/loadBalancerIPs': '::ffff:192.0.2.5,2001:db8::5' } }, ['192.0.2.5', '2001:db8::5'], 'dual'],
    [{}, [], undefined],
  ])('requested IPs %j', (o, ips, family) => {
    const r = requestedIPs(svc('a', o));
    expect('ips' in r && r.ips.map(formatIP)).toEqual(ips);
    expect('ips' in r && r.family).toBe(family);
  });

  it.each([
    [{ annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.1' }, loadBalancerIP: '192.0.2.1' }, 'service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP'],
    [{ annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.x' } }, 'invalid metallb.io/loadBalancerIPs: "192.0.2.x"'],
    [{ annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.1,192.0.2.2' } }, 'same address family ["192.0.2.1" "192.0.2.2"]'],
    // Upstream prints the addresses as Go's net.IP.String() does: the mapped one as IPv4.
    [{ annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.1,::ffff:192.0.2.2' } }, 'same address family ["192.0.2.1" "192.0.2.2"]'],
    [{ annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.1,2001:db8::1,192.0.2.3' } }, 'invalid ips length 3 ["192.0.2.1" "2001:db8::1" "192.0.2.3"]'],
    [{ loadBalancerIP: 'nope' }, 'invalid spec.loadBalancerIP "nope"'],
  ])('requested IPs error %j', (o, message) => {
    expect(requestedIPs(svc('a', o))).toEqual({ error: message });
  });

  it('LoadBalancerClass: unset handles only class-less Services; set handles only that class', () => {
    expect(handlesLoadBalancerClass(svc('a'), undefined)).toBe(true);
    expect(handlesLoadBalancerClass(svc('a', { lbClass: 'x' }), undefined)).toBe(false);
    expect(handlesLoadBalancerClass(svc('a', { lbClass: 'x' }), 'x')).toBe(true);
    expect(handlesLoadBalancerClass(svc('a'), 'x')).toBe(false);
    expect(handlesLoadBalancerClass(svc('a', { lbClass: 'y' }), 'x')).toBe(false);
  });
});
