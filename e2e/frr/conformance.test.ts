// Every golden frr.conf, loaded into a fresh real FRR 8.4, reads back from `show running-config`
// exactly as rendered (after dropping FRR's banner lines): nothing FRR hides, reorders or respells.
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseConfig } from '../../src/frr/render/normalise.js';
import { startFrr } from '../harness/frr.js';
import { Lab } from '../harness/netns.js';
import { scenarios } from '../../test/golden/frr/scenarios.js';

const lab = new Lab('mtfrr');
afterAll(() => lab.cleanup());

describe('golden frr.conf files in a real FRR', () => {
  let i = 0;
  for (const name of Object.keys(scenarios)) {
    it(name, async () => {
      const golden = readFileSync(join(process.cwd(), 'test', 'golden', 'frr', `${name}.conf`), 'utf8');
      const ns = await lab.addNamespace(`c${i++}`);
      const frr = await startFrr(lab, { ns });
      await frr.load(golden);
      const running = normaliseConfig(await frr.runningConfig());
      if (scenarios[name].extras) {
        // bgpextras are raw text: FRR files their lines where it prints such objects.
        const lines = (t: string): string[] => t.split('\n').filter((l) => l !== '!').sort();
        expect(lines(running)).toEqual(lines(normaliseConfig(golden)));
      } else {
        expect(running).toBe(normaliseConfig(golden));
      }
      frr.stop();
    }, 20000);
  }
});
