// IPAddressPool rules (spec 2.4): entries, overlaps (also inside one pool), service allocation.
import { describe, expect, test } from '@jest/globals';
import { build, inNs, namespace, pool, problems } from './helpers.js';
import { formatPrefix } from '../../src/api/ip.js';

describe('IPAddressPool rules', () => {
  const rows: [string, { kind: string }[], string | undefined][] = [
    ['a CIDR and a range', [pool('p', ['192.0.2.0/25', '192.0.2.200-192.0.2.210'])], undefined],
    ['one address as a range', [pool('p', ['192.0.2.7-192.0.2.7'])], undefined],
    ['range with spaces around the dash', [pool('p', ['192.0.2.10 - 192.0.2.20'])], undefined],
    ['IPv6 range', [pool('p', ['2001:db8::1-2001:db8::100'])], undefined],
    ['host bits are dropped silently', [pool('p', ['192.0.2.77/24'])], undefined],
    ['no addresses', [pool('p', [])], 'pool has no prefixes defined'],
    ['addresses missing', [pool('p', undefined)], 'spec.addresses: Required value'],
    ['addresses not a list', [pool('p', '192.0.2.0/24')], 'spec.addresses in body must be of type array'],
    ['prefix too long', [pool('p', ['192.0.2.0/33'])], 'invalid CIDR "192.0.2.0/33" in pool "p": invalid CIDR "192.0.2.0/33"'],
    ['a bare address', [pool('p', ['192.0.2.1'])], 'invalid CIDR "192.0.2.1" in pool "p": invalid CIDR "192.0.2.1"'],
    ['leading zero in IPv4', [pool('p', ['192.0.2.010/32'])], 'invalid CIDR'],
    ['CIDR with a space', [pool('p', [' 192.0.2.0/24'])], 'invalid CIDR'],
    ['bad range start', [pool('p', ['192.0.2-192.0.2.9'])], 'invalid IP range "192.0.2-192.0.2.9": invalid start IP "192.0.2"'],
    ['bad range end', [pool('p', ['192.0.2.1-192.0.2'])], 'invalid IP range "192.0.2.1-192.0.2": invalid end IP "192.0.2"'],
    ['range backwards', [pool('p', ['192.0.2.9-192.0.2.1'])], 'invalid IP range "192.0.2.9-192.0.2.1": start IP "192.0.2.9" is after the end IP "192.0.2.1"'],
    ['overlap between pools', [pool('a', ['192.0.2.0/24']), pool('b', ['192.0.2.128/25'])], 'CIDR "192.0.2.128/25" in pool "b" overlaps with already defined CIDR "192.0.2.0/24"'],
    ['overlap inside one pool', [pool('a', ['192.0.2.0/24', '192.0.2.0/26'])], 'CIDR "192.0.2.0/26" in pool "a" overlaps with already defined CIDR "192.0.2.0/24"'],
    ['same CIDR twice in one pool', [pool('a', ['192.0.2.0/24', '192.0.2.0/24'])], 'overlaps with already defined CIDR'],
    ['range overlapping a CIDR', [pool('a', ['192.0.2.0/28']), pool('b', ['192.0.2.10-192.0.2.20'])], 'overlaps with already defined CIDR'],
    ['adjacent pools do not overlap', [pool('a', ['192.0.2.0/25']), pool('b', ['192.0.2.128/25'])], undefined],
    ['IPv4 and IPv6 never overlap', [pool('a', ['0.0.0.0/0']), pool('b', ['::/0'])], undefined],
    ['same pool name in two namespaces', [pool('a', ['192.0.2.0/25']), inNs('other', pool('a', ['198.51.100.0/24']))], 'duplicate definition of pool "a"'],
    ['the same pool name twice in one namespace', [pool('a', ['192.0.2.0/25']), pool('a', ['198.51.100.0/24'])], 'duplicate definition of pool "a"'],
    ['duplicate namespaces', [pool('a', ['192.0.2.0/24'], { serviceAllocation: { namespaces: ['x', 'x'] } })], 'duplicate definition in namespaces field'],
    ['duplicate namespaceSelectors', [pool('a', ['192.0.2.0/24'], { serviceAllocation: { namespaceSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] } })], 'duplicate definition of namespaceSelectors'],
    ['duplicate serviceSelectors values', [pool('a', ['192.0.2.0/24'], { serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar', 'bar'] }] }] } })], 'duplicate definition of match expression value in label selector "bar"'],
    ['invalid namespace selector', [pool('a', ['192.0.2.0/24'], { serviceAllocation: { namespaceSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }] } })], 'invalid namespace label selector'],
    ['invalid service selector value', [pool('a', ['192.0.2.0/24'], { serviceAllocation: { serviceSelectors: [{ matchLabels: { app: 'not valid!' } }] } })], 'invalid service label selector'],
    // IPv4-mapped IPv6 (::ffff:a.b.c.d) is IPv4, as Go's net.ParseIP and net.ParseCIDR make it.
    ['IPv4-mapped CIDR overlapping its IPv4 twin', [pool('a', ['198.51.100.0/24']), pool('b', ['::ffff:198.51.100.0/120'])], 'CIDR "198.51.100.0/24" in pool "b" overlaps with already defined CIDR "198.51.100.0/24"'],
    ['IPv4-mapped range overlapping an IPv4 CIDR', [pool('a', ['198.51.100.0/28']), pool('b', ['::ffff:198.51.100.10-::ffff:198.51.100.20'])], 'overlaps with already defined CIDR "198.51.100.0/28"'],
    ['a range from IPv4 to IPv4-mapped is one family', [pool('a', ['198.51.100.20-::ffff:198.51.100.10'])], 'invalid IP range "198.51.100.20-::ffff:198.51.100.10": start IP "198.51.100.20" is after the end IP "198.51.100.10"'],
    ['autoAssign not a boolean', [pool('a', ['192.0.2.0/24'], { autoAssign: 'no' })], 'spec.autoAssign in body must be of type boolean'],
  ];
  test.each([
    // Go keeps the /len of the 16-byte mask: len - 96 bits of the IPv4 address (/104 is a /8)...
    ['::ffff:198.51.100.0/120', ['198.51.100.0/24']],
    ['::ffff:10.0.0.0/104', ['10.0.0.0/8']],
    ['0:0:0:0:0:ffff:198.51.100.7/128', ['198.51.100.7/32']],
    ['::ffff:198.51.100.10-::ffff:198.51.100.13', ['198.51.100.10/31', '198.51.100.12/31']],
    ['198.51.100.10-::ffff:198.51.100.11', ['198.51.100.10/31']],
    // ...while a mask shorter than 96 bits clears the ffff: what is left is IPv6.
    ['::ffff:10.0.0.0/64', ['::/64']],
  ])('IPv4-mapped entry %s is read as Go reads it: %j', (entry, want) => {
    const r = build([pool('p', [entry])]);
    expect(r.ok && [...r.config.pools.get('p')!.cidrs].map((c) => formatPrefix(c.prefix))).toEqual(want);
  });

  test.each(rows)('%s', (_d, objects, error) => {
    const lines = problems(objects);
    if (error === undefined) expect(lines).toEqual([]);
    else expect(lines.join('\n')).toContain(error);
  });

  test('ranges are summarised into minimal CIDRs; defaults applied', () => {
    const r = build([pool('p', ['192.0.2.150-192.0.2.200'])]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.config.pools.get('p')!;
    expect(p.cidrs.map((c) => formatPrefix(c.prefix))).toEqual(['192.0.2.150/31', '192.0.2.152/29', '192.0.2.160/27', '192.0.2.192/29', '192.0.2.200/32']);
    expect(p).toMatchObject({ autoAssign: true, avoidBuggyIPs: false });
    expect([...p.families]).toEqual([4]);
  });

  test('namespaceSelectors resolve against Namespace labels and merge with namespaces', () => {
    const r = build([
      namespace('blue', { team: 'metallb' }),
      namespace('red', { team: 'other' }),
      pool('p', ['192.0.2.0/24'], { serviceAllocation: { priority: 5, namespaces: ['green'], namespaceSelectors: [{ matchLabels: { team: 'metallb' } }] } }),
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const sa = r.config.pools.get('p')!.serviceAllocation!;
    expect(sa.priority).toBe(5);
    expect([...sa.namespaces].sort()).toEqual(['blue', 'green']);
  });

  test('each overlapping address entry is reported once (its first clash), naming the field', () => {
    const lines = problems([pool('a', ['192.0.2.0/24']), pool('b', ['198.51.100.0/24', '192.0.2.1-192.0.2.2', '192.0.2.64/26'])]);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^IPAddressPool\/b: spec\.addresses\[2\]: CIDR "192\.0\.2\.64\/26"/);
    expect(lines[0]).toMatch(/^IPAddressPool\/b: spec\.addresses\[1\]: CIDR "192\.0\.2\.1\/32" in pool "b" overlaps/);
  });
});
