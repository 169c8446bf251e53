import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileExclude, DEFAULT_EXCLUDE_PATTERNS, parseIfInet6, qualifyInterface, scanInterfaces, type InterfaceFacts } from './interfaces.js';

const exclude = compileExclude(DEFAULT_EXCLUDE_PATTERNS);
const base: InterfaceFacts = { name: 'eth0', flags: 0x1003, mac: '02:00:00:00:0a:01', hasMaster: false, linkLocal: 'fe80::1' };

describe('qualifyInterface', () => {
  test.each<[string, Partial<InterfaceFacts>, { arp: boolean; ndp: boolean } | undefined]>([
    ['up, broadcast, link-local', {}, { arp: true, ndp: true }],
    ['no link-local: ARP only', { linkLocal: undefined }, { arp: true, ndp: false }],
    ['no BROADCAST (point-to-point) but link-local: NDP only', { flags: 0x1091 & ~0x80 & ~0x2 }, { arp: false, ndp: true }],
    ['neither', { flags: 0x1, linkLocal: undefined }, undefined],
    ['down', { flags: 0x1002 }, undefined],
    ['NOARP', { flags: 0x1083 }, undefined],
    ['bridge or bond member', { hasMaster: true }, undefined],
    ['excluded by name: lo', { name: 'lo' }, undefined],
    ['excluded by name: veth', { name: 'vethab12' }, undefined],
    ['excluded by name: cali', { name: 'cali123' }, undefined],
    ['not excluded: lo2 (^lo$ is anchored)', { name: 'lo2' }, { arp: true, ndp: true }],
    ['not excluded: bond0', { name: 'bond0' }, { arp: true, ndp: true }],
  ])('%s', (_what, patch, want) => {
    const q = qualifyInterface({ ...base, ...patch }, exclude);
    expect(q && { arp: q.arp, ndp: q.ndp }).toEqual(want);
  });

  test('an empty exclude list excludes nothing; a bad pattern names the list', () => {
    expect(compileExclude([])).toBeUndefined();
    expect(qualifyInterface({ ...base, name: 'veth0' }, compileExclude([]))?.arp).toBe(true);
    expect(() => compileExclude(['^eth(']) ).toThrow(/invalid layer 2 interface exclude pattern/);
  });
});

describe('parseIfInet6', () => {
  test('keeps link-local, skips global, tentative and DAD-failed', () => {
    const text = [
      '20010db8000000000000000000000010 02 40 00 80     eth0',
      'fe80000000000000000000fffe000a01 02 40 20 80     eth0',
      'fe800000000000000000000000000002 03 40 20 c0     eth1', // tentative (0x40)
      'fe800000000000000000000000000003 04 40 20 88     eth2', // dadfailed (0x08)
      '00000000000000000000000000000001 01 80 10 80       lo',
    ].join('\n');
    expect([...parseIfInet6(text)]).toEqual([['eth0', 'fe80::ff:fe00:a01']]);
  });
});

describe('scanInterfaces over a fake sysfs', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mtl2-sysfs-'));
    const net = join(root, 'net');
    const add = async (name: string, flags: string, mac: string, master = false) => {
      await mkdir(join(net, name), { recursive: true });
      await writeFile(join(net, name, 'flags'), `${flags}\n`);
      await writeFile(join(net, name, 'address'), `${mac}\n`);
      if (master) await symlink('../br0', join(net, name, 'master'));
    };
    await add('eth0', '0x1003', '02:00:00:00:0A:01');
    await add('eth1', '0x1003', '02:00:00:00:0a:02', true);
    await add('br0', '0x1003', '02:00:00:00:0a:03');
    await add('lo', '0x9', '00:00:00:00:00:00');
    await add('wg0', '0x91', '');
    await writeFile(join(root, 'if_inet6'), 'fe800000000000000000000000000001 02 40 20 80     eth0\n');
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  test('members, loopback and MAC-less devices are left out; MACs lower-cased', async () => {
    const got = await scanInterfaces(exclude, { sysClassNet: join(root, 'net'), ifInet6: join(root, 'if_inet6') });
    expect(got).toEqual([
      { name: 'br0', mac: '02:00:00:00:0a:03', arp: true, ndp: false },
      { name: 'eth0', mac: '02:00:00:00:0a:01', arp: true, ndp: true, linkLocal: 'fe80::1' },
    ]);
  });
});
