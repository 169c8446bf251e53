// The two data planes as the speaker and standalone build them: FRR driven through vtysh (with the
// metallb_bgp_*/metallb_bfd_* metrics read from the same vtysh at scrape time), and the layer 2
// announcer, whose failure to open packet sockets disables layer 2 instead of stopping the process.
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { FrrApplier, pidProbe } from '../frr/applier.js';
import { registerFrrMetrics } from '../frr/read/metrics.js';
import { VtySocketRunner } from '../frr/vty-socket.js';
import { Vtysh } from '../frr/vtysh.js';
import { Announcer, type AnnouncerOptions } from '../layer2/announcer/announcer.js';
import type { Logger } from '../util/log.js';

export interface FrrPlaneOptions {
  /** FRR pathspace (`vtysh -N`); "" = the default instance */
  pathspace: string;
  /** where the full frr.conf is written */
  configPath: string;
  debounceMs?: number;
  registry: Registry;
  /** the applier's logger */
  logger: Logger;
  /** the scrape-time FRR metrics' logger */
  metricsLogger: Logger;
}

export function startFrr(o: FrrPlaneOptions): FrrApplier {
  registerFrrMetrics({ vtysh: new Vtysh({ pathspace: o.pathspace }), registry: o.registry, logger: o.metricsLogger });
  // Applies go over kept connections to the daemons' vty sockets (about 1 ms a command instead of a
  // vtysh process per apply: bench/frr-apply.ts measured 70 ms vs 288 ms median change-to-router);
  // the runner falls back to a vtysh process for what it cannot route.
  const applier = new FrrApplier({
    vtysh: new VtySocketRunner({ pathspace: o.pathspace }), configPath: o.configPath, stateProbe: pidProbe(join('/var/run/frr', o.pathspace)),
    debounceMs: o.debounceMs, logger: o.logger, registry: o.registry,
  });
  // A restarted FRR comes back with its small bootstrap config: notice it within seconds.
  applier.watch();
  return applier;
}

export interface Layer2PlaneOptions extends AnnouncerOptions {
  /** the role's logger, for the "layer 2 disabled" error */
  log: Logger;
}

/** The started announcer, or undefined (logged) when its sockets could not be opened. */
export async function startAnnouncer(o: Layer2PlaneOptions): Promise<Announcer | undefined> {
  const { log, ...opts } = o;
  const announcer = new Announcer(opts);
  try {
    await announcer.start();
    return announcer;
  } catch (err) {
    log.error({ op: 'startLayer2', error: (err as Error).message }, 'layer 2 disabled: the packet sockets could not be opened');
    announcer.stop();
    return undefined;
  }
}
