import { describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRenderFrr } from '../../src/cli/render.js';

const objects = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: pool, namespace: metallb-system }
spec: { addresses: [203.0.113.0/28] }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: tor, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, password: s3cret }
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: ad, namespace: metallb-system }
spec: { localPref: 100, communities: ["65535:65282"] }
---
apiVersion: v1
kind: Node
metadata: { name: node-a }
status: { addresses: [{ type: InternalIP, address: 192.0.2.10 }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { type: LoadBalancer, ports: [{ port: 80, protocol: TCP }], selector: { app: web } }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-1, namespace: default, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
endpoints: [{ addresses: [10.0.0.5], nodeName: node-a, conditions: { ready: true } }]
`;

async function run(extra = ''): Promise<{ code: number; out: string; err: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mtrender-'));
  await writeFile(join(dir, 'objects.yaml'), objects + extra);
  let out = '';
  let err = '';
  const code = await runRenderFrr([dir], { node: 'node-a', logLevel: 'info' }, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('render frr', () => {
  it('renders the node config with the allocated Service announced to the peer', async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^router bgp 64500$/m);
    expect(r.out).toMatch(/neighbor 192\.0\.2\.1 remote-as 64501/);
    expect(r.out).toMatch(/neighbor 192\.0\.2\.1 password s3cret/);
    expect(r.out).toMatch(/network 203\.0\.113\.0\/32/);
    expect(r.out).toMatch(/set local-preference 100/);
    expect(r.out).toMatch(/65535:65282/);
  });
  it('prints user-set values equal to FRR defaults (as upstream does), or FRR\'s own form with --canonical', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtrender-'));
    await writeFile(join(dir, 'objects.yaml'), objects.replace('password: s3cret', 'password: s3cret, bfdProfile: std') + `---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: { name: std, namespace: metallb-system }
spec: { receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3, passiveMode: true }
`);
    const outOf = async (canonical: boolean) => {
      let out = '';
      const code = await runRenderFrr([dir], { node: 'node-a', logLevel: 'debug', canonical }, (t) => (out += t), () => undefined);
      expect(code).toBe(0);
      return out;
    };
    const explicit = await outOf(false);
    expect(explicit).toMatch(/^log stdout debugging$/m);
    expect(explicit).toMatch(/neighbor 192\.0\.2\.1 port 179/);
    expect(explicit).toMatch(/receive-interval 300/);
    expect(explicit).toMatch(/detect-multiplier 3/);
    const canonical = await outOf(true);
    expect(canonical).toMatch(/^log stdout$/m);
    expect(canonical).not.toMatch(/port 179|receive-interval 300/);
    expect(canonical).toMatch(/passive-mode/);
  });
  it('exits 1 naming the object when the configuration is invalid', async () => {
    const r = await run(`---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: overlapping, namespace: metallb-system }
spec: { addresses: [203.0.113.8/29] }
`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/IPAddressPool\/(pool|overlapping): .*overlaps with already defined CIDR/);
    expect(r.out).toBe('');
  });
});
