import { describe, expect, it } from '@jest/globals';
import { Allocator } from '../../src/allocator/allocator.js';
import { MAX_JSON_INT64, ipAddressPoolStatus } from '../../src/allocator/pool-status.js';
import { serviceRequest } from '../../src/allocator/service-info.js';
import { config, pool, svc } from './fixtures.js';

describe('IPAddressPool status', () => {
  it('reports assigned and available per family', () => {
    const a = new Allocator();
    a.setPools(config(pool('p', ['192.0.2.0/24', '2001:db8::/120'], { avoidBuggyIPs: true })));
    a.allocate(serviceRequest(svc('x')));
    a.allocate(serviceRequest(svc('y', { clusterIPs: ['fd00::1'] })));
    expect(ipAddressPoolStatus(a.stats('p')!)).toEqual({ assignedIPv4: 1, assignedIPv6: 1, availableIPv4: 253, availableIPv6: 255 });
  });

  it('keeps a /64 within int64 once written as JSON', () => {
    const a = new Allocator();
    a.setPools(config(pool('v6', ['2001:db8::/64'])));
    a.allocate(serviceRequest(svc('x', { clusterIPs: ['fd00::1'] })));
    const st = ipAddressPoolStatus(a.stats('v6')!);
    expect(st.availableIPv6).toBe(MAX_JSON_INT64);
    const text = JSON.stringify(st.availableIPv6);
    expect(BigInt(text) <= (1n << 63n) - 1n).toBe(true); // Go's int64 decoding accepts it
    expect(JSON.stringify(Number((1n << 63n) - 1n))).toBe('9223372036854776000'); // what plain Number() would write
  });
});
