// FRR restarted under the applier: bgpd comes back empty with a new PID; the next change is a full
// apply computed from FRR's running config, which brings back the whole intent.
import { afterAll, describe, expect, it } from '@jest/globals';
import { FrrApplier, pidProbe } from '../../src/frr/applier.js';
import { render } from '../../src/frr/frr-conf.js';
import { normaliseConfig } from '../../src/frr/render/normalise.js';
import { VtySocketRunner } from '../../src/frr/vty-socket.js';
import { ad, intent, neighbor, range, router } from '../../test/golden/frr/scenarios.js';
import { startFrr } from '../harness/frr.js';
import { Lab } from '../harness/netns.js';

const lab = new Lab('mtfrr');
const runners: VtySocketRunner[] = [];
afterAll(async () => {
  for (const r of runners) r.close();
  await lab.cleanup();
});

const withServices = (n: number) =>
  intent(
    [router({ poolRanges: [range('192.0.2.0/24', [32])], neighbors: [neighbor({ address: '198.51.100.1', bfdProfile: 'p', advertisements: Array.from({ length: n }, (_, i) => ad(`192.0.2.${i + 1}/32`)) })] })],
    { bfdProfiles: [{ name: 'p', receiveInterval: 700 }] },
  );

describe('FRR restart', () => {
  it('is noticed by its new PID and repaired by a full apply', async () => {
    const frr = await startFrr(lab, { ns: await lab.addNamespace('rst') });
    const runner = new VtySocketRunner({ pathspace: frr.pathspace });
    runners.push(runner);
    const applier = new FrrApplier({ vtysh: runner, stateProbe: pidProbe(`/var/run/frr/${frr.pathspace}`), debounceMs: 1 });
    applier.update(withServices(2));
    await applier.idle();
    expect(applier.lastApply?.mode).toBe('full');

    await frr.restart('bgpd');
    expect(await frr.runningConfig()).not.toContain('router bgp');

    applier.update(withServices(3));
    await applier.idle();
    expect(applier.lastError).toBeUndefined();
    expect(applier.lastApply?.mode).toBe('full');
    const lines = (t: string): string[] => normaliseConfig(t).split('\n').filter((l) => l !== '!' && l !== 'exit').sort();
    expect(lines(await frr.runningConfig())).toEqual(lines(render(withServices(3))));
    // The merged view hides what bgpd lost: its own config must hold the policy again.
    const bgpd = await runner.showOn('bgpd', 'show running-config');
    expect(bgpd).toMatch(/ip prefix-list metallb-allowed-ip-\w+ seq 1 permit 192.0.2.0\/24 ge 32/);
    expect(bgpd).toContain('route-map 198.51.100.1-out permit 1');
    applier.stop();
  }, 60000);

  it('is repaired without any new change when the applier watches FRR', async () => {
    const frr = await startFrr(lab, { ns: await lab.addNamespace('rsw') });
    const runner = new VtySocketRunner({ pathspace: frr.pathspace });
    runners.push(runner);
    const applier = new FrrApplier({ vtysh: runner, stateProbe: pidProbe(`/var/run/frr/${frr.pathspace}`), debounceMs: 1 });
    applier.update(withServices(2));
    await applier.idle();
    applier.watch({ restartCheckMs: 200, driftCheckMs: 0 });

    await frr.restart('bgpd');
    // No update() after the restart: only the watch can bring the configuration back.
    const deadline = Date.now() + 20_000;
    let running = '';
    while (Date.now() < deadline) {
      running = await frr.runningConfig();
      if (running.includes('network 192.0.2.2/32') && applier.state === 'idle') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(running).toContain('router bgp');
    expect(running).toContain('network 192.0.2.2/32');
    expect(applier.lastApply?.mode).toBe('full');
    applier.stop();
  }, 60000);
});
