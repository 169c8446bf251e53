import { expect, test } from '@jest/globals';
import { servicesWithoutConfig } from '../../src/speaker/config-guard.js';
import { planNode } from '../../src/speaker/plan.js';
import { bgpAd, config, node, peer, pool, service, slice, snapshot } from './fixtures.js';

test('a config that would orphan an announced Service is flagged; one that still holds its IPs is not', () => {
  const p = pool('p', ['192.0.2.0/24'], { bgp: [bgpAd('b')] });
  const snap = snapshot({
    services: [service('ns/a', ['192.0.2.1']), service('ns/b', ['192.0.2.200'])],
    nodes: [node('n1')], endpointSlices: [slice('ns/a', [['n1']]), slice('ns/b', [['n1']])],
  });
  const plan = planNode({ config: config({ pools: [p], peers: [peer('r')] }), snapshot: snap, node: 'n1' });
  expect(servicesWithoutConfig(plan, config({ pools: [pool('p', ['192.0.2.0/25'])] }))).toEqual(['ns/b']);
  expect(servicesWithoutConfig(plan, config({ pools: [pool('q', ['192.0.2.0/24'])] }))).toEqual([]);
  expect(servicesWithoutConfig(plan, config())).toEqual(['ns/a', 'ns/b']);
});
