// The metrics side every role sets up the same way: its own prom-client registry with the process
// metrics (unless a test passes one), and the /metrics server plus the /healthz-/readyz server.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { startMetricsServer } from '../metrics/server.js';

/** The registry a test gave, else a new one with prom-client's default process and Node.js metrics. */
export function roleRegistry(given?: Registry): Registry {
  if (given) return given;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface RoleServersOptions {
  registry: Registry;
  /** /metrics port; undefined = no server, 0 = any free port */
  metricsPort?: number;
  /** /healthz, /readyz port; undefined = no server */
  healthPort?: number;
  healthHost?: string;
  /** /readyz answers ok once this is true */
  ready: () => boolean;
}

export interface RoleServers {
  metricsPort?: number;
  healthPort?: number;
  close(): Promise<void>;
}

export async function startRoleServers(o: RoleServersOptions): Promise<RoleServers> {
  const metrics = o.metricsPort === undefined ? undefined : await startMetricsServer({ port: o.metricsPort, registry: o.registry });
  const health = o.healthPort === undefined ? undefined : await startMetricsServer({ port: o.healthPort, host: o.healthHost, registry: o.registry, ready: o.ready });
  return {
    metricsPort: metrics?.port,
    healthPort: health?.port,
    async close() {
      await metrics?.close();
      await health?.close();
    },
  };
}
