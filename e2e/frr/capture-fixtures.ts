// Captures the vtysh JSON the reader parses, from real FRR 8.4, into src/frr/fixtures/ (run by hand:
// `npx tsc -p tsconfig.build.json && node dist/e2e/frr/capture-fixtures.js`). The node has an
// established eBGP session with BFD and MD5 to the router, an unnumbered neighbor on eth0 (keyed by
// its interface name) and a neighbor in VRF red.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrrApplier } from '../../src/frr/applier.js';
import { Vtysh } from '../../src/frr/vtysh.js';
import { Lab } from '../harness/netns.js';
import { bfdUp, pairIntent, routerSessions, startPair, waitUntil } from './topology.js';

const lab = new Lab('mtfrr');
try {
  const pair = await startPair(lab, { tag: 'cap', password: 'pw', bfd: { name: 'relaxed', receiveInterval: 1000, transmitInterval: 1000, detectMultiplier: 5 } });
  // This kernel has no VRF devices: VRF red exists in FRR only (inactive), which is enough for the
  // shape of its JSON.
  const vtysh = new Vtysh({ pathspace: pair.node.pathspace });
  const intent = pairIntent(pair, 3);
  const base = intent.routers[0];
  intent.routers = [
    { ...base, neighbors: [...base.neighbors, { ...base.neighbors[0], peerName: 'unnumbered', id: 'eth0', address: undefined, iface: 'eth0', remoteAS: 'external', family: 'dual', bfdProfile: '', password: '' }] },
    { ...base, vrf: 'red', neighbors: [{ ...base.neighbors[0], peerName: 'red', id: '203.0.113.50-red', address: '203.0.113.50', bfdProfile: 'relaxed', password: '' }] },
  ];
  const applier = new FrrApplier({ vtysh, stateProbe: async () => 'x' });
  applier.update(intent);
  await applier.idle();
  if (applier.lastError) throw applier.lastError;
  await waitUntil('established', async () => (await routerSessions(pair)).get(pair.nodeAddrs[0])?.bgpState === 'Established', 20000);
  await waitUntil('bfd up', async () => (await bfdUp(pair.node)) >= 1, 20000);
  await new Promise((r) => setTimeout(r, 2000));
  const dir = join(process.cwd(), 'src', 'frr', 'fixtures');
  const save = async (file: string, cmd: string): Promise<void> => {
    writeFileSync(join(dir, file), JSON.stringify(await vtysh.showJSON(cmd), null, 1) + '\n');
  };
  await save('bgp-vrf-all.json', 'show bgp vrf all json');
  await save('bgp-vrfs.json', 'show bgp vrfs json');
  await save('bgp-neighbors-default.json', 'show bgp vrf default neighbors json');
  await save('bgp-neighbors-red.json', 'show bgp vrf red neighbors json');
  await save('bfd-peers-default.json', 'show bfd vrf default peers json');
  await save('bfd-counters-default.json', 'show bfd vrf default peers counters json');
  await save('bfd-peers-red.json', 'show bfd vrf red peers json');
  await save('bfd-counters-red.json', 'show bfd vrf red peers counters json');
  writeFileSync(join(dir, 'show-daemons.txt'), await vtysh.show('show daemons'));
  applier.stop();
} finally {
  await lab.cleanup();
}
