import { describe, expect, it } from '@jest/globals';
import { scenarios } from '../../test/golden/frr/scenarios.js';
import { diffIntents } from './render/diff.js';
import { routeCommands } from './vty-socket.js';

describe('routeCommands', () => {
  it('sends each command to the daemons that own it, blocks as a whole', () => {
    const r = routeCommands([
      'log stdout informational',
      'bgp route-map delay-timer 1',
      'ip prefix-list L seq 1 permit 192.0.2.0/24 ge 32',
      'bfd', 'profile p', 'receive-interval 500', 'exit', 'exit',
      'route-map X-out permit 1', 'match ip address prefix-list L', 'on-match next', 'set local-preference 50', 'exit',
      'router bgp 64512', 'neighbor 192.0.2.1 remote-as 1', 'address-family ipv4 unicast', 'network 192.0.2.5/32', 'exit-address-family', 'exit',
      'debug bgp updates in', 'ip nht resolve-via-default', 'no route-map X-out',
    ]);
    expect(r).toEqual([
      { cmd: 'log stdout informational', to: ['zebra', 'bgpd', 'bfdd', 'staticd'] },
      { cmd: 'bgp route-map delay-timer 1', to: ['bgpd'] },
      { cmd: 'ip prefix-list L seq 1 permit 192.0.2.0/24 ge 32', to: ['zebra', 'bgpd', 'bfdd'] },
      { cmd: 'bfd', to: ['bfdd'] },
      { cmd: 'profile p', to: ['bfdd'] },
      { cmd: 'receive-interval 500', to: ['bfdd'] },
      { cmd: 'exit', to: ['bfdd'] },
      { cmd: 'exit', to: ['bfdd'] },
      { cmd: 'route-map X-out permit 1', to: ['zebra', 'bgpd'] },
      { cmd: 'match ip address prefix-list L', to: ['zebra', 'bgpd'] },
      { cmd: 'on-match next', to: ['zebra', 'bgpd'] },
      { cmd: 'set local-preference 50', to: ['bgpd'] },
      { cmd: 'exit', to: ['zebra', 'bgpd'] },
      { cmd: 'router bgp 64512', to: ['bgpd'] },
      { cmd: 'neighbor 192.0.2.1 remote-as 1', to: ['bgpd'] },
      { cmd: 'address-family ipv4 unicast', to: ['bgpd'] },
      { cmd: 'network 192.0.2.5/32', to: ['bgpd'] },
      { cmd: 'exit-address-family', to: ['bgpd'] },
      { cmd: 'exit', to: ['bgpd'] },
      { cmd: 'debug bgp updates in', to: ['bgpd'] },
      { cmd: 'ip nht resolve-via-default', to: ['zebra'] },
      { cmd: 'no route-map X-out', to: ['zebra', 'bgpd'] },
    ]);
  });

  it('knows every command the diff produces', () => {
    for (const i of Object.values(scenarios).filter((x) => !x.extras)) expect(routeCommands(diffIntents(undefined, i))).toBeDefined();
  });

  it('gives up on anything else (bgpextras text goes through vtysh)', () => {
    expect(routeCommands(['router bgp 64512', 'exit', 'ip route 0.0.0.0/0 192.0.2.1'])).toBeUndefined();
  });
});
