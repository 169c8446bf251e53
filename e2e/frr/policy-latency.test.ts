// A policy change (an advertisement's localPref or communities edited, a per-peer exception) reaches
// the router promptly.
// bgpd re-runs route-maps only when its route-map delay timer fires; at FRR's default of 5 s every such
// edit reached the routers about 5 s late. The rendered config sets `bgp route-map delay-timer 1`
// (src/frr/render/model.ts: 0 would mean "never"), so here, with a node FRR driven by the applier and an
// iBGP router (iBGP so that localPref travels), each change must be visible on the router within 3 s:
// a bound the 5 s default could not meet. No timing assertion: the test checks what the router holds.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AdvertisedPrefix, NodeBGPIntent } from '../../src/bgp/types.js';
import type { BGPCommunity } from '../../src/config/types.js';
import { FrrApplier, pidProbe } from '../../src/frr/applier.js';
import { VtySocketRunner } from '../../src/frr/vty-socket.js';
import { startFrr, type FrrDaemon, type FrrInstance } from '../harness/frr.js';
import { Lab } from '../harness/netns.js';
import { waitUntil } from './topology.js';

const ASN = 64512;
const NODE = '198.51.100.101';
const ROUTER = '198.51.100.1';
const PREFIX = '203.0.113.7/32';
/** a second Service, for the per-peer exception */
const OTHER = '203.0.113.9/32';
/** shorter than FRR's default route-map delay (5 s): a change waiting for that timer misses it */
const BOUND_MS = 3000;
const DAEMONS: FrrDaemon[] = ['zebra', 'bgpd'];
/** longer than the rendered route-map delay (1 s), much shorter than FRR's default */
const QUIET_MS = 1500;

const lab = new Lab('mtrmd');
let node: FrrInstance;
let router: FrrInstance;
let runner: VtySocketRunner;
let applier: FrrApplier;

/** `exceptOther`: OTHER is announced by the node but not to this peer (BGPAdvertisement `peers`). */
function nodeIntent(localPref: number, communities: BGPCommunity[], exceptOther = false): NodeBGPIntent {
  const ad = (prefix: string): AdvertisedPrefix => ({ prefix, family: 4, localPref, communities, pool: 'pool' });
  return {
    hostname: 'node',
    logLevel: 'informational',
    routers: [
      {
        asn: ASN,
        routerID: NODE,
        vrf: '',
        prefixes: [PREFIX, OTHER],
        poolRanges: [{ pool: 'pool', cidr: '203.0.113.0/24', family: 4, lengths: [32] }],
        neighbors: [
          {
            peerName: 'router',
            id: ROUTER,
            address: ROUTER,
            remoteAS: String(ASN),
            localASN: 0,
            family: 'ipv4',
            port: 179,
            password: '',
            ebgpMultiHop: false,
            gracefulRestart: false,
            bfdProfile: '',
            disableConnectedCheck: false,
            advertisements: exceptOther ? [ad(PREFIX)] : [ad(PREFIX), ad(OTHER)],
          },
        ],
      },
    ],
    bfdProfiles: [],
    extras: '',
  };
}

interface RouterPath {
  locPrf?: number;
  community?: { string: string };
}

async function routerPath(prefix = PREFIX): Promise<RouterPath | undefined> {
  const j = await router.json<{ paths?: RouterPath[] }>(`show bgp ipv4 unicast ${prefix} json`);
  return j.paths?.[0];
}

/** Polls the router for at most BOUND_MS; returns what it holds at the end (or as soon as it matches). */
async function pathWithin(matches: (p: RouterPath | undefined) => boolean): Promise<RouterPath | undefined> {
  await waitUntil('policy change at the router', async () => matches(await routerPath()), BOUND_MS, 50).catch(() => undefined);
  return routerPath();
}

/**
 * Waits until the router holds the previous state, then a little longer than the product's delay.
 * Measured: with the 5 s default, a change made right after bgpd's previous policy run reached the
 * router at once; only a change made on a quiet bgpd shows what the delay timer does.
 */
async function settled(what: string, holds: (p: RouterPath | undefined) => boolean): Promise<void> {
  await waitUntil(what, async () => holds(await routerPath()), 20000);
  await new Promise((r) => setTimeout(r, QUIET_MS));
}

async function apply(i: NodeBGPIntent): Promise<void> {
  applier.update(i);
  await applier.idle();
  expect(applier.lastError).toBeUndefined();
}

const community = (high: number, low: number): BGPCommunity => ({ kind: 'standard', high, low, text: `${high}:${low}` });

beforeAll(async () => {
  const nodeNs = await lab.addNamespace('node');
  const routerNs = await lab.addNamespace('rtr');
  await lab.link({ ns: nodeNs, ifname: 'eth0', addrs: [`${NODE}/24`] }, { ns: routerNs, ifname: 'eth0', addrs: [`${ROUTER}/24`] });
  node = await startFrr(lab, { ns: nodeNs, daemons: DAEMONS });
  router = await startFrr(lab, { ns: routerNs, daemons: DAEMONS, listen: true });
  await router.configure([
    `router bgp ${ASN}`,
    `bgp router-id ${ROUTER}`,
    'no bgp default ipv4-unicast',
    `neighbor ${NODE} remote-as internal`,
    'address-family ipv4 unicast',
    `neighbor ${NODE} activate`,
    'exit-address-family',
    'exit',
  ]);
  runner = new VtySocketRunner({ pathspace: node.pathspace, daemons: DAEMONS });
  applier = new FrrApplier({ vtysh: runner, stateProbe: pidProbe(`/var/run/frr/${node.pathspace}`, DAEMONS), debounceMs: 20 });
}, 30000);

afterAll(async () => {
  applier?.stop();
  runner?.close();
  await lab.cleanup();
});

describe('policy changes reach the router without bgpd\'s 5 s route-map delay', () => {
  it('a fresh FRR gets the short route-map delay from the full apply', async () => {
    await apply(nodeIntent(100, [community(64512, 7)]));
    expect(applier.lastApply?.mode).toBe('full');
    expect((await node.runningConfig()).split('\n')).toContain('bgp route-map delay-timer 1');
    await waitUntil('the Service prefix at the router', async () => (await routerPath())?.locPrf === 100, 20000);
  }, 30000);

  it('a localPref change is at the router within 3 s', async () => {
    // Start from a settled session: a change made before it is up would ride on the first update.
    await settled('the router to hold localPref 100', (p) => p?.locPrf === 100);
    await apply(nodeIntent(200, [community(64512, 7)]));
    expect(applier.lastApply?.mode).toBe('incremental');
    expect((await pathWithin((p) => p?.locPrf === 200))?.locPrf).toBe(200);
  }, 30000);

  it('a communities change (one value for another) is at the router within 3 s', async () => {
    await settled('the router to hold localPref 200', (p) => p?.locPrf === 200);
    await apply(nodeIntent(200, [community(64512, 8)]));
    expect(applier.lastApply?.mode).toBe('incremental');
    expect((await pathWithin((p) => p?.community?.string === '64512:8'))?.community?.string).toBe('64512:8');
  }, 30000);

  it('a per-peer exception (a Service no longer for this peer) is withdrawn from the router within 3 s', async () => {
    await settled('the router to hold community 64512:8', (p) => p?.community?.string === '64512:8');
    expect(await routerPath(OTHER)).toBeDefined();
    await apply(nodeIntent(200, [community(64512, 8)], true));
    expect(applier.lastApply?.mode).toBe('incremental');
    await waitUntil('the exception at the router', async () => (await routerPath(OTHER)) === undefined, BOUND_MS, 50).catch(() => undefined);
    expect(await routerPath(OTHER)).toBeUndefined();
    expect(await routerPath(PREFIX)).toBeDefined();
  }, 30000);

  it('a bgpd that lost the setting gets it back from the drift check, and changes stay prompt', async () => {
    await settled('the router to hold community 64512:8', (p) => p?.community?.string === '64512:8');
    // What a bgpd restarted alone, or an operator's `no`, leaves behind: FRR's 5 s default.
    await node.configure(['no bgp route-map delay-timer 1']);
    expect(await applier.checkDrift()).toBe(true);
    await apply(nodeIntent(300, [community(64512, 8)]));
    expect((await node.runningConfig()).split('\n')).toContain('bgp route-map delay-timer 1');
    expect((await pathWithin((p) => p?.locPrf === 300))?.locPrf).toBe(300);
    expect(await applier.checkDrift()).toBe(false);
  }, 30000);
});
