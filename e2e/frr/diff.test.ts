// The diff's commands are valid FRR and reach the rendered config: one real FRR walks through every
// golden scenario (and a few peer edits) by incremental commands only; after each step its running
// config holds exactly the rendered lines. Then the applier's full apply repairs a foreign config.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NodeBGPIntent } from '../../src/bgp/types.js';
import { FrrApplier } from '../../src/frr/applier.js';
import { render } from '../../src/frr/frr-conf.js';
import { diffIntents } from '../../src/frr/render/diff.js';
import { normaliseConfig } from '../../src/frr/render/normalise.js';
import { Vtysh, type VtyshRunner } from '../../src/frr/vtysh.js';
import { VtySocketRunner } from '../../src/frr/vty-socket.js';
import { scenarios } from '../../test/golden/frr/scenarios.js';
import { startFrr, type FrrInstance } from '../harness/frr.js';
import { Lab } from '../harness/netns.js';

const lab = new Lab('mtfrr');
afterAll(() => lab.cleanup());

/** Running config and rendered config hold the same lines (FRR orders some objects by history). */
async function expectRunning(frr: FrrInstance, intent: NodeBGPIntent): Promise<void> {
  const lines = (t: string): string[] => normaliseConfig(t).split('\n').filter((l) => l !== '!' && l !== 'exit' && l !== ' exit').sort();
  expect(lines(await frr.runningConfig())).toEqual(lines(render(intent)));
}

const edits: Array<[string, (i: NodeBGPIntent) => NodeBGPIntent]> = [
  ['password, timers and BFD removed', (i) => ({
    ...i,
    routers: i.routers.map((r) => ({ ...r, neighbors: r.neighbors.map((n) => ({ ...n, password: '', bfdProfile: '', holdTime: undefined, keepaliveTime: undefined })) })),
  })],
  ['router-id changed', (i) => ({ ...i, routers: i.routers.map((r) => ({ ...r, routerID: '203.0.113.77' })) })],
  ['unnumbered peer becomes an address', (i) => ({
    ...i,
    routers: i.routers.map((r) => ({ ...r, neighbors: r.neighbors.map((n) => (n.iface ? { ...n, iface: undefined, address: '203.0.113.9', id: '203.0.113.9', family: 'ipv4' as const } : n)) })),
  })],
  ['ASN changed', (i) => ({ ...i, routers: i.routers.map((r) => ({ ...r, asn: r.asn + 10 })) })],
];

describe.each([
  ['vtysh process', (ps: string): VtyshRunner => new Vtysh({ pathspace: ps })],
  ['vty sockets', (ps: string): VtyshRunner => new VtySocketRunner({ pathspace: ps })],
])('incremental commands on a real FRR through %s', (runnerName, makeRunner) => {
  let frr: FrrInstance;
  let vtysh: VtyshRunner;
  beforeAll(async () => {
    frr = await startFrr(lab, { ns: await lab.addNamespace(runnerName === 'vty sockets' ? 'dsock' : 'dproc') });
    vtysh = makeRunner(frr.pathspace);
  }, 20000);
  afterAll(() => (vtysh as { close?: () => void }).close?.());

  const walk = Object.entries(scenarios).filter(([, i]) => !i.extras);
  it('walks through every scenario and edit', async () => {
    let prev: NodeBGPIntent | undefined;
    for (const [name, next] of walk) {
      const steps: Array<[string, NodeBGPIntent]> = [[name, next], ...edits.map(([e, f]) => [`${name}: ${e}`, f(next)] as [string, NodeBGPIntent])];
      for (const [label, intent] of steps) {
        try {
          await vtysh.configure(diffIntents(prev, intent));
          await expectRunning(frr, intent);
        } catch (e) {
          throw new Error(`step "${label}": ${(e as Error).message}`);
        }
        prev = intent;
      }
    }
  }, 120000);

  it('full apply turns whatever FRR runs into the intent', async () => {
    await frr.load(render(scenarios['peer-exceptions']));
    const applier = new FrrApplier({ vtysh, stateProbe: async () => 'same', debounceMs: 1 });
    applier.update(scenarios['bfd-profiles']);
    await applier.idle();
    expect(applier.lastError).toBeUndefined();
    expect(applier.lastApply?.mode).toBe('full');
    await expectRunning(frr, scenarios['bfd-profiles']);
    expect(await applier.checkDrift()).toBe(false);
    applier.stop();
  }, 30000);
});
