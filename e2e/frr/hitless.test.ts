// The hitless promise on real FRRs: a node FRR driven by the applier, peered with a router FRR
// (MD5 password, BFD with a relaxed profile). 100 Services are added and then removed one by one;
// each prefix appears in / disappears from the router's RIB, every apply is incremental, and the
// router never sees a session drop or a new connection.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FrrApplier, pidProbe } from '../../src/frr/applier.js';
import { VtySocketRunner } from '../../src/frr/vty-socket.js';
import { Lab } from '../harness/netns.js';
import { bfdUp, pairIntent, routerPaths, routerSessions, servicePrefix, startPair, waitUntil, type Pair } from './topology.js';

const lab = new Lab('mtfrr');
let pair: Pair;
let applier: FrrApplier;
let runner: VtySocketRunner;

beforeAll(async () => {
  pair = await startPair(lab, {
    tag: 'h',
    password: 'md5-Secret',
    bfd: { name: 'relaxed', receiveInterval: 1000, transmitInterval: 1000, detectMultiplier: 5 },
  });
  runner = new VtySocketRunner({ pathspace: pair.node.pathspace });
  applier = new FrrApplier({
    vtysh: runner,
    stateProbe: pidProbe(`/var/run/frr/${pair.node.pathspace}`),
    debounceMs: 50,
  });
}, 30000);

afterAll(async () => {
  applier?.stop();
  runner?.close();
  await lab.cleanup();
});

describe('hitless Service changes', () => {
  it('adds and removes 100 Services without touching the session', async () => {
    applier.update(pairIntent(pair, 0));
    await applier.idle();
    expect(applier.lastError).toBeUndefined();
    expect(applier.lastApply?.mode).toBe('full');
    const peer = pair.nodeAddrs[0];
    await waitUntil('session established', async () => (await routerSessions(pair)).get(peer)?.bgpState === 'Established', 20000);
    await waitUntil('BFD up', async () => (await bfdUp(pair.router)) === 1, 20000);
    const before = (await routerSessions(pair)).get(peer)!;

    for (let n = 1; n <= 100; n++) {
      applier.update(pairIntent(pair, n));
      await applier.idle();
      expect(applier.lastError).toBeUndefined();
      expect(applier.lastApply?.mode).toBe('incremental');
      await waitUntil(`${servicePrefix(4, n - 1)} at the router`, async () => (await routerPaths(pair, servicePrefix(4, n - 1))) === 1, 10000);
    }
    for (let n = 99; n >= 0; n--) {
      applier.update(pairIntent(pair, n));
      await applier.idle();
      expect(applier.lastApply?.mode).toBe('incremental');
      await waitUntil(`${servicePrefix(4, n)} withdrawn`, async () => (await routerPaths(pair, servicePrefix(4, n))) === 0, 10000);
    }

    const after = (await routerSessions(pair)).get(peer)!;
    expect(after.bgpState).toBe('Established');
    expect(after.connectionsEstablished).toBe(before.connectionsEstablished);
    expect(after.connectionsDropped).toBe(before.connectionsDropped);
    expect(await bfdUp(pair.router)).toBe(1);
    expect(await applier.checkDrift()).toBe(false);
  }, 180000);
});
