import { describe, expect, it } from '@jest/globals';
import { buildConfig } from '../../src/config/build.js';
import { allocateAll } from '../../src/allocator/allocate-all.js';
import { parseDocuments, toSnapshot } from '../../src/sources/files/parse.js';

// A pool whose namespaceSelectors match no Namespace must not hand its IPs to every namespace.
const text = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: team-only, namespace: metallb-system }
spec:
  addresses: [192.0.2.0/30]
  serviceAllocation:
    namespaceSelectors: [{ matchLabels: { team: blue } }]
---
apiVersion: v1
kind: Namespace
metadata: { name: other, labels: { team: red } }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: other }
spec: { type: LoadBalancer, ports: [{ port: 80 }] }
`;

describe('pool restricted to namespaces that match nothing', () => {
  it('is not used for a Service of another namespace', () => {
    const parsed = parseDocuments(text, 'mem.yaml');
    const snapshot = toSnapshot(parsed.objects);
    const built = buildConfig(snapshot);
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    expect(built.config.pools.get('team-only')!.serviceAllocation!.namespaceRestricted).toBe(true);
    const r = allocateAll(built.config, snapshot);
    expect(r.get('other/web')).toHaveProperty('error');
  });
});
