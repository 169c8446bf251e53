// The registry and HTTP servers the controller and speaker start (standalone uses the registry).
import { expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { roleRegistry, startRoleServers } from '../../src/roles/role-servers.js';
import { httpGet } from '../kube-roles/helpers.js';

it('a role\'s own registry has the process metrics; a given one is used as it is', async () => {
  expect(await roleRegistry().metrics()).toMatch(/^process_cpu_user_seconds_total /m);
  const given = new Registry();
  expect(roleRegistry(given)).toBe(given);
  expect(await given.metrics()).not.toMatch(/process_/); // no default metrics added to it
});

it('serves /metrics and, on its own port, /healthz and /readyz following readiness; no port, no server', async () => {
  const registry = roleRegistry();
  let ready = false;
  const s = await startRoleServers({ registry, metricsPort: 0, healthPort: 0, healthHost: '127.0.0.1', ready: () => ready });
  try {
    expect(s.metricsPort).toBeGreaterThan(0);
    expect(s.healthPort).not.toBe(s.metricsPort);
    expect((await httpGet(s.metricsPort!, '/metrics')).body).toMatch(/process_cpu_user_seconds_total/);
    expect(await httpGet(s.healthPort!, '/readyz')).toEqual({ code: 503, body: 'not ready' });
    ready = true;
    expect(await httpGet(s.healthPort!, '/readyz')).toEqual({ code: 200, body: 'ok' });
    expect(await httpGet(s.healthPort!, '/healthz')).toEqual({ code: 200, body: 'ok' });
  } finally {
    await s.close();
  }
  const none = await startRoleServers({ registry, ready: () => true });
  expect(none).toMatchObject({ metricsPort: undefined, healthPort: undefined });
  await none.close();
});
