// The data planes the speaker and standalone build: FRR (applier + scrape-time metrics on one vtysh)
// and the layer 2 announcer, whose failed start disables layer 2 with an error instead of crashing.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Registry } from 'prom-client';
import { FrrApplier } from '../../src/frr/applier.js';
import { Announcer } from '../../src/layer2/announcer/announcer.js';
import { startAnnouncer, startFrr } from '../../src/roles/data-planes.js';
import { logSink } from '../kube-roles/helpers.js';

afterEach(() => {
  jest.restoreAllMocks();
});

describe('startFrr', () => {
  it('builds the applier and registers the FRR metrics in the role\'s registry (nothing runs before the first update)', () => {
    const registry = new Registry();
    const sink = logSink();
    const frr = startFrr({ pathspace: 'nowhere', configPath: '/nonexistent/frr.conf', registry, logger: sink.logger, metricsLogger: sink.logger });
    expect(frr).toBeInstanceOf(FrrApplier);
    // looked up, not collected: a scrape would run vtysh
    expect(registry.getSingleMetric('metallb_bgp_session_up')).toBeDefined();
    expect(registry.getSingleMetric('metallb_bgp_announced_prefixes_total')).toBeDefined();
    frr.stop();
  });
});

describe('startAnnouncer', () => {
  it('returns the started announcer with the interfaces of its first scan', async () => {
    const sink = logSink();
    const a = await startAnnouncer({
      log: sink.logger, registry: new Registry(),
      scan: async () => [{ name: 'eth9', mac: '02:00:00:00:00:09', arp: false, ndp: false }],
    });
    try {
      expect(a?.knownInterfaces()).toEqual(['eth9']);
    } finally {
      a?.stop();
    }
  });

  it('a start that fails disables layer 2 with an error naming the cause', async () => {
    jest.spyOn(Announcer.prototype, 'start').mockRejectedValue(new Error('socket: operation not permitted'));
    const stop = jest.spyOn(Announcer.prototype, 'stop');
    const sink = logSink();
    expect(await startAnnouncer({ log: sink.logger, registry: new Registry(), scan: async () => [] })).toBeUndefined();
    expect(sink.lines()).toEqual([expect.objectContaining({ level: 'error', op: 'startLayer2', error: 'socket: operation not permitted', msg: 'layer 2 disabled: the packet sockets could not be opened' })]);
    expect(stop).toHaveBeenCalled(); // whatever it had opened is closed again
  });
});
