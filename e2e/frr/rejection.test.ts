// FRR refuses some configuration with a "% ..." line yet reports success (vtysh exit 0, vty status
// 0). Both runners must turn that into an error, or a refused line would be dropped silently and
// the applier would believe FRR holds it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFrr, type FrrInstance } from '../harness/frr.js';
import { Lab } from '../harness/netns.js';
import { VtySocketRunner } from '../../src/frr/vty-socket.js';
import { Vtysh } from '../../src/frr/vtysh.js';

const lab = new Lab('mtrej');
let frr: FrrInstance;

beforeAll(async () => {
  const ns = await lab.addNamespace('node');
  frr = await startFrr(lab, { ns });
}, 60_000);
afterAll(() => lab.cleanup());

const refused = (rm: string) => [`route-map ${rm} permit 1`, 'set large-community large:1:2:3 additive', 'exit'];
const accepted = (rm: string) => [`route-map ${rm} permit 2`, 'set large-community 1:2:3 additive', 'exit'];

describe('refused configuration', () => {
  it.each([
    ['vtysh process', 'rm-process', () => new Vtysh({ pathspace: frr.pathspace })],
    ['vty sockets', 'rm-socket', () => new VtySocketRunner({ pathspace: frr.pathspace })],
  ])('%s: a "%%" answer is an error, a good command is not', async (_name, rm, make) => {
    const runner = make();
    await expect(runner.configure(refused(rm))).rejects.toThrow(/Argument form is unsupported or malformed/);
    await expect(runner.configure(accepted(rm))).resolves.toBeUndefined();
    const running = await new Vtysh({ pathspace: frr.pathspace }).show('show running-config');
    expect(running).toContain(`route-map ${rm} permit 2\n set large-community 1:2:3 additive`);
  }, 60_000);
});
