import { describe, expect, it } from '@jest/globals';
import { Allocator } from '../allocator/allocator.js';
import type { Pool } from '../config/types.js';
import { type SvcOptions, DUAL, V6, config, pool, svc } from '../../test/allocator/fixtures.js';
import { applyConvergence, convergeService, serviceDeleted } from './converge.js';

function allocator(...pools: Pool[]): Allocator {
  const a = new Allocator();
  a.setPools(config(...pools));
  return a;
}

const withPool = (name: string, o: SvcOptions = {}) =>
  svc(name, { ...o, annotations: { ...(o.annotations ?? {}), 'metallb.io/ip-allocated-from-pool': o.annotations?.['metallb.io/ip-allocated-from-pool'] ?? 'p' } });

const p = pool('p', ['192.168.10.0/24', '2001:db8::/120']);
const q = pool('q', ['198.51.100.0/24']);

describe('convergeService (spec 3.2)', () => {
  it('allocates and reports IPAllocated with the list rendered like Go', () => {
    const r = convergeService(allocator(p), svc('a'));
    expect(r).toMatchObject({ handled: true, ok: true, ingressIPs: ['192.168.10.0'], pool: 'p', changed: true });
    expect(r.events).toEqual([{ type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["192.168.10.0"]' }]);
  });

  it('dual-stack lists IPv4 then IPv6', () => {
    const r = convergeService(allocator(p), svc('a', { clusterIPs: ['fd00::1', '10.0.0.1'], policy: 'RequireDualStack' }));
    expect(r.ingressIPs).toEqual(['192.168.10.0', '2001:db8::']);
    expect(r.events[0].message).toBe('Assigned IP ["192.168.10.0" "2001:db8::"]');
  });

  it('clears a Service that is no longer a LoadBalancer', () => {
    const a = allocator(p);
    convergeService(a, svc('a'));
    const r = convergeService(a, withPool('a', { type: 'ClusterIP', status: ['192.168.10.0'] }));
    expect(r).toMatchObject({ ok: true, ingressIPs: [], pool: undefined, changed: true, events: [] });
    expect(a.ips('default/a')).toBeUndefined();
  });

  it('clears every Service when no pool is left', () => {
    const r = convergeService(allocator(), withPool('a', { status: ['192.168.10.0'] }));
    expect(r).toMatchObject({ ok: false, ingressIPs: [], pool: undefined, problem: { reason: 'NoPoolsConfigured' }, events: [] });
  });

  it('a Service without ClusterIP (read from YAML, no API server) keeps its declared family', () => {
    const r = convergeService(allocator(p), withPool('a', { status: ['192.168.10.0'], clusterIPs: [] }));
    expect(r).toMatchObject({ ok: true, ingressIPs: ['192.168.10.0'] });
  });

  it('RequireDualStack with one ClusterIP: warning "not enough clusterips"', () => {
    const r = convergeService(allocator(p), svc('a', { policy: 'RequireDualStack' }));
    expect(r).toMatchObject({ ok: false, ingressIPs: [], problem: { reason: 'NotEnoughClusterIPs' } });
    expect(r.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'not enough clusterips' })]);
  });

  it('keeps a valid status untouched and silent', () => {
    const a = allocator(p);
    const r = convergeService(a, withPool('a', { status: ['192.168.10.77'] }));
    expect(r).toMatchObject({ ok: true, ingressIPs: ['192.168.10.77'], pool: 'p', changed: false, events: [] });
    expect(a.ips('default/a')).toHaveLength(1);
  });

  it('replaces a status IP the configuration no longer allows (ClearAssignment, then IPAllocated)', () => {
    const r = convergeService(allocator(q), withPool('a', { status: ['192.168.10.77'] }));
    expect(r.ingressIPs).toEqual(['198.51.100.0']);
    expect(r.pool).toBe('q');
    expect(r.events).toEqual([
      {
        type: 'Normal',
        reason: 'ClearAssignment',
        message: 'current IP for "default/a" not allowed by config, will attempt for new IP assignment: ["192.168.10.77"] is not allowed in config',
      },
      { type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["198.51.100.0"]' },
    ]);
  });

  it('moves the Service when the address-pool annotation names another pool', () => {
    const r = convergeService(allocator(p, q), withPool('a', { status: ['192.168.10.77'], annotations: { 'metallb.io/address-pool': 'q' } }));
    expect(r).toMatchObject({ ok: true, ingressIPs: ['198.51.100.0'], pool: 'q' });
  });

  it('moves the Service when the requested IPs change', () => {
    const r = convergeService(allocator(p), withPool('a', { status: ['192.168.10.77'], annotations: { 'metallb.io/loadBalancerIPs': '192.168.10.5' } }));
    expect(r).toMatchObject({ ok: true, ingressIPs: ['192.168.10.5'] });
  });

  it('LoadBalancerFailed for an invalid request on an assigned Service', () => {
    const r = convergeService(allocator(p), withPool('a', { status: ['192.168.10.77'], loadBalancerIP: '192.168.10.5', annotations: { 'metallb.io/loadBalancerIPs': '192.168.10.5' } }));
    expect(r.ok).toBe(false);
    expect(r.events).toEqual([
      { type: 'Warning', reason: 'LoadBalancerFailed', message: 'invalid requested loadbalancer IPs: service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP' },
    ]);
  });

  it.each([
    ['no free address', [pool('tiny', ['192.168.10.0/32'])], { name: 'b' }, 'no available IPs', 'PoolExhausted'],
    ['both request forms', [p], { loadBalancerIP: '192.168.10.5', annotations: { 'metallb.io/loadBalancerIPs': '192.168.10.5' } }, 'service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP', 'InvalidRequestedIPs'],
    ['requested IP of another family', [p], { annotations: { 'metallb.io/loadBalancerIPs': '2001:db8::5' } }, 'requested loadBalancer IP(s) ["2001:db8::5"] does not match the ipFamily of the service', 'RequestedIPFamilyMismatch'],
    ['requested IP outside the requested pool', [p, q], { annotations: { 'metallb.io/loadBalancerIPs': '192.168.10.5', 'metallb.io/address-pool': 'q' } }, 'requested loadBalancer IP(s) ["192.168.10.5"] is not compatible with requested address pool q', 'RequestedIPPoolMismatch'],
    ['requested IP in no pool', [p], { loadBalancerIP: '10.9.9.9' }, '["10.9.9.9"] is not allowed in config', 'RequestedIPNotInPool'],
    ['unknown pool', [p], { annotations: { 'metallb.io/address-pool': 'nope' } }, 'unknown pool "nope"', 'UnknownPool'],
    ['pool of another namespace', [pool('team', ['192.0.2.0/24'], { serviceAllocation: { namespaces: ['team'] } })], { annotations: { 'metallb.io/address-pool': 'team' } }, 'pool team not compatible for ip assignment', 'PoolNotAllowed'],
  ])('AllocationFailed: %s', (_what, pools, o: SvcOptions & { name?: string }, message, reason) => {
    const a = allocator(...pools);
    if (o.name) convergeService(a, svc('first'));
    const r = convergeService(a, svc(o.name ?? 'a', o));
    expect(r).toMatchObject({ ok: false, ingressIPs: [], problem: { reason, message } });
    expect(r.events).toEqual([{ type: 'Warning', reason: 'AllocationFailed', message: `Failed to allocate IP for "default/${o.name ?? 'a'}": ${message}` }]);
  });

  it('honours a requested IP in an autoAssign=false pool', () => {
    const r = convergeService(allocator(pool('manual', ['192.0.2.0/24'], { autoAssign: false })), svc('a', { loadBalancerIP: '192.0.2.9' }));
    expect(r).toMatchObject({ ok: true, ingressIPs: ['192.0.2.9'], pool: 'manual' });
  });

  it('PreferDualStack with one status IP adds the other family from the same pool', () => {
    const r = convergeService(allocator(p), withPool('a', { clusterIPs: DUAL, policy: 'PreferDualStack', status: ['2001:db8::7'] }));
    expect(r).toMatchObject({ ok: true, ingressIPs: ['192.168.10.0', '2001:db8::7'] });
    expect(r.events).toEqual([{ type: 'Normal', reason: 'IPAllocated', message: 'Assigned additional IP "192.168.10.0"' }]);
  });

  it('PreferDualStack keeps one IP and says AdditionalAssignFailed when the pool lacks the family', () => {
    const r = convergeService(allocator(q), withPool('a', { annotations: { 'metallb.io/ip-allocated-from-pool': 'q' }, clusterIPs: DUAL, policy: 'PreferDualStack', status: ['198.51.100.3'] }));
    expect(r).toMatchObject({ ok: true, ingressIPs: ['198.51.100.3'], changed: false, problem: { reason: 'NoPoolForFamily' } });
    expect(r.events).toEqual([
      { type: 'Normal', reason: 'AdditionalAssignFailed', message: 'cannot assign additional IP in PreferDualStack: no available IPs in pool q for ipv6 IPFamily' },
    ]);
  });

  it('drops status IPs of another family than the ClusterIPs', () => {
    const r = convergeService(allocator(p), withPool('a', { status: ['2001:db8::7'] }));
    expect(r).toMatchObject({ ok: true, ingressIPs: ['192.168.10.0'] });
  });

  it('nolbIPsIPFamily for unusable status IPs, then allocates', () => {
    const r = convergeService(allocator(p), withPool('a', { status: ['192.168.10.1', '192.168.10.2'] }));
    expect(r.events[0]).toEqual({
      type: 'Warning',
      reason: 'nolbIPsIPFamily',
      message: 'Failed to retrieve LBIPs IPFamily for ["192.168.10.1" "192.168.10.2"]: same address family ["192.168.10.1" "192.168.10.2"]',
    });
    expect(r).toMatchObject({ ok: true, ingressIPs: ['192.168.10.0'] });
  });

  it('noclusterIPsIPFamily for unusable ClusterIPs on an assigned Service, leaving it as is', () => {
    const r = convergeService(allocator(p), withPool('a', { status: ['192.168.10.1'], clusterIPs: ['10.0.0.1', '10.0.0.2'] }));
    expect(r).toMatchObject({ ok: false, ingressIPs: ['192.168.10.1'], changed: false, problem: { reason: 'InvalidClusterIPs' } });
    expect(r.events).toEqual([
      { type: 'Warning', reason: 'noclusterIPsIPFamily', message: 'Failed to retrieve ClusterIPs IPFamily for ["10.0.0.1" "10.0.0.2"] 10.0.0.1: same address family ["10.0.0.1" "10.0.0.2"]' },
    ]);
  });

  it('warns about deprecated annotations only when it changes the Service', () => {
    const a = allocator(p);
    const first = convergeService(a, svc('a', { annotations: { 'metallb.universe.tf/allow-shared-ip': 'k' } }));
    expect(first.events.map((e) => e.reason)).toEqual(['IPAllocated', 'deprecatedAnnotation']);
    expect(first.events[1]).toEqual({ type: 'Warning', reason: 'deprecatedAnnotation', message: 'Service uses deprecated annotation metallb.universe.tf/allow-shared-ip' });
    const again = convergeService(a, applyConvergence(svc('a', { annotations: { 'metallb.universe.tf/allow-shared-ip': 'k' } }), first));
    expect(again).toMatchObject({ changed: false, events: [] });
  });

  it('shares by the deprecated key too: a second Service lands on the same IP', () => {
    const a = allocator(p);
    convergeService(a, svc('a', { ports: ['TCP/80'], annotations: { 'metallb.universe.tf/allow-shared-ip': 'k' } }));
    const r = convergeService(a, svc('b', { ports: ['TCP/443'], annotations: { 'metallb.io/allow-shared-ip': 'k' } }));
    expect(r.ingressIPs).toEqual(['192.168.10.0']);
  });

  describe('LoadBalancerClass (spec 3.6)', () => {
    it.each([
      [undefined, undefined, true],
      [undefined, 'other', false],
      ['mine', 'mine', true],
      ['mine', undefined, false],
      ['mine', 'other', false],
    ])('--lb-class %s, Service class %s -> handled %s', (lbClass, svcClass, handled) => {
      const a = allocator(p);
      const r = convergeService(a, svc('a', { lbClass: svcClass }), { lbClass });
      expect(r.handled).toBe(handled);
      expect(a.ips('default/a') !== undefined).toBe(handled);
      if (!handled) expect(r).toMatchObject({ changed: false, events: [] });
    });
  });

  it('asks to reprocess everything when a Service gives its address back', () => {
    const a = allocator(p);
    const first = convergeService(a, svc('a'));
    const moved = convergeService(a, applyConvergence(svc('a', { loadBalancerIP: '192.168.10.9' }), first));
    expect(moved).toMatchObject({ ingressIPs: ['192.168.10.9'], reprocessAll: true });
    expect(serviceDeleted(a, 'default/a')).toEqual({ reprocessAll: true });
    expect(serviceDeleted(a, 'default/a')).toEqual({ reprocessAll: false });
  });

  it('applyConvergence writes status and annotation, and removes them when cleared', () => {
    const s = withPool('a', { status: ['192.168.10.1'], clusterIPs: V6 });
    const cleared = applyConvergence(s, { handled: true, ok: true, ingressIPs: [], events: [], logs: [], changed: true, reprocessAll: false });
    expect(cleared.status?.loadBalancer).toEqual({});
    expect(cleared.metadata.annotations?.['metallb.io/ip-allocated-from-pool']).toBeUndefined();
    expect(s.status?.loadBalancer?.ingress).toEqual([{ ip: '192.168.10.1' }]);
  });
});
