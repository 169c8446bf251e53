import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { buildConfig } from '../../src/config/build.js';
import type { Config } from '../../src/config/types.js';
import { parseDocuments, toSnapshot } from '../../src/sources/files/parse.js';
import { allocateStandalone } from '../../src/roles/standalone-allocation.js';

const yaml = (services: string) => `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: small, namespace: metallb-system }
spec: { addresses: [192.0.2.10-192.0.2.11] }
---
${services}`;

const svc = (name: string, extra = '') => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec:
  type: LoadBalancer
  ports: [{ port: 80, protocol: TCP }]${extra}
---`;

function setup(text: string): { config: Config; snapshot: ReturnType<typeof toSnapshot> } {
  const parsed = parseDocuments(text, join('mem', 'x.yaml'));
  expect(parsed.errors).toEqual([]);
  const snapshot = toSnapshot(parsed.objects);
  const built = buildConfig(snapshot);
  if (!built.ok) throw new Error(JSON.stringify(built.errors));
  return { config: built.config, snapshot };
}

describe('standalone allocation', () => {
  it('keeps persisted IPs across a restart even when a newcomer sorts first', () => {
    const first = setup(yaml(svc('zeta')));
    const a = allocateStandalone(first.config, first.snapshot, {});
    expect(a.assignments['default/zeta']).toEqual({ ips: ['192.0.2.10'], pool: 'small' });
    // Restart with a new Service whose key sorts before: the persisted one must keep .10.
    const second = setup(yaml(svc('alpha') + svc('zeta')));
    const b = allocateStandalone(second.config, second.snapshot, a.assignments);
    expect(b.assignments['default/zeta']).toEqual({ ips: ['192.0.2.10'], pool: 'small' });
    expect(b.assignments['default/alpha']).toEqual({ ips: ['192.0.2.11'], pool: 'small' });
    const ingress = b.snapshot.services.find((s) => s.metadata.name === 'alpha')!.status!.loadBalancer!.ingress;
    expect(ingress).toEqual([{ ip: '192.0.2.11' }]);
  });

  it('never hands one IP to two Services when the pool is exhausted', () => {
    const s = setup(yaml(svc('a') + svc('b') + svc('c')));
    const r = allocateStandalone(s.config, s.snapshot, {});
    const ips = Object.values(r.assignments).flatMap((x) => x.ips);
    expect(new Set(ips).size).toBe(ips.length);
    expect(ips).toHaveLength(2);
    expect(r.results.get('default/c')!.problem?.message).toMatch(/no available IPs/);
  });

  it('drops a persisted IP that left its pool and allocates a new one', () => {
    const s = setup(yaml(svc('a')));
    const r = allocateStandalone(s.config, s.snapshot, { 'default/a': { ips: ['198.51.100.1'], pool: 'gone' } });
    expect(r.assignments['default/a']).toEqual({ ips: ['192.0.2.10'], pool: 'small' });
  });

  it('takes the family from spec.ipFamilies when there is no ClusterIP', () => {
    const text = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: dual, namespace: metallb-system }
spec: { addresses: [192.0.2.0/30, 2001:db8::/126] }
---
${svc('v6', '\n  ipFamilies: [IPv6]')}${svc('both', '\n  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]')}`;
    const s = setup(text);
    const r = allocateStandalone(s.config, s.snapshot, {});
    // processed by key: default/both first, then default/v6
    expect(r.assignments['default/both'].ips).toEqual(['192.0.2.0', '2001:db8::']);
    expect(r.assignments['default/v6'].ips).toEqual(['2001:db8::1']);
  });
});
