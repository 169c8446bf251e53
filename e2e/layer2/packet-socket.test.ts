// The AF_PACKET addon on a real veth pair: a probe process in each namespace opens sockets and
// reports what they receive, so both directions are checked frame by frame.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execa } from 'execa';
import { ARP_REQUEST, encodeArpFrame, gratuitousArpFrame } from '../../src/layer2/frames/arp.js';
import { multicastMAC, solicitedNodeAddress } from '../../src/layer2/frames/ipv6.js';
import { buildRunner, buildTopology, nsExec, RunnerProcess, waitFor, type L2Topology } from './lab.js';

jest.setTimeout(60_000);

let topo: L2Topology;
let probeJs: string;
let node: RunnerProcess;
let client: RunnerProcess;

beforeAll(async () => {
  probeJs = await buildRunner(process.cwd(), 'socket-probe');
  topo = await buildTopology('mtl2', 'ps');
  node = await RunnerProcess.start(topo.lab, topo.node, probeJs);
  client = await RunnerProcess.start(topo.lab, topo.client, probeJs);
  await node.command({ open: 'arp', kind: 'arp' });
  await node.command({ open: 'ndp', kind: 'ndp' });
  await client.command({ open: 'arp', kind: 'arp' });
});

afterAll(async () => {
  await topo?.lab.cleanup();
});

type Frames = { ok: boolean; frames: string[] };
const frames = async (p: RunnerProcess, id: string) => (await p.command<Frames>({ frames: id })).frames;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function arpRequestFrom(mac: string, target: string): Buffer {
  return encodeArpFrame({
    ethDst: 'ff:ff:ff:ff:ff:ff', ethSrc: mac,
    arp: { op: ARP_REQUEST, senderMAC: mac, senderIP: '192.0.2.1', targetMAC: '00:00:00:00:00:00', targetIP: target },
  });
}

describe('AF_PACKET addon', () => {
  test('frames cross the link byte for byte; a socket does not see its own transmissions', async () => {
    const garp = gratuitousArpFrame(ARP_REQUEST, topo.nodeMac, '192.0.2.50');
    await frames(node, 'arp');
    await frames(client, 'arp');
    await node.command({ send: 'arp', hex: garp.toString('hex') });
    await waitFor(async () => (await client.command<Frames>({ frames: 'arp' })).frames.some((f) => f === garp.toString('hex')), 3000, 'GARP at the client');
    expect(await frames(node, 'arp')).toEqual([]);
  });

  test('the BPF filters: ARP to the ARP socket only; NS to the NDP socket; router solicitations to neither', async () => {
    await frames(node, 'arp');
    await frames(node, 'ndp');
    await nsExec(topo.client, 'arping', ['-c', '1', '-w', '1', '-I', 'eth0', '192.0.2.77'], { reject: false });
    await nsExec(topo.client, 'ndisc6', ['-1', '-r', '1', '-w', '300', '2001:db8::77', 'eth0'], { reject: false });
    await nsExec(topo.client, 'rdisc6', ['-1', '-r', '1', '-w', '300', 'eth0'], { reject: false });
    await sleep(200);
    const arp = await frames(node, 'arp');
    const ndp = await frames(node, 'ndp');
    expect(arp.length).toBeGreaterThanOrEqual(1);
    expect(arp.every((h) => h.slice(24, 28) === '0806')).toBe(true);
    expect(arp.some((h) => h.includes('c000024d'))).toBe(true); // target 192.0.2.77
    // ICMPv6 type at byte 54: only 135/136 (0x87/0x88); the RS (0x85) and MLD reports were filtered.
    expect(ndp.length).toBeGreaterThanOrEqual(1);
    expect(ndp.every((h) => h.slice(24, 28) === '86dd' && ['87', '88'].includes(h.slice(108, 110)))).toBe(true);
    expect(ndp.some((h) => h.slice(108, 110) === '87' && h.includes('20010db8000000000000000000000077'))).toBe(true);
  });

  test('frames the kernel hands to a device stacked on the interface (macvlan) are not delivered to the parent socket', async () => {
    await nsExec(topo.node, 'ip', ['link', 'add', 'link', 'eth0', 'name', 'mv0', 'type', 'macvlan']);
    await nsExec(topo.node, 'ip', ['link', 'set', 'mv0', 'up']);
    const mvMac = (await nsExec(topo.node, 'cat', ['/sys/class/net/mv0/address'])).trim();
    await frames(node, 'arp');
    const toMacvlan = encodeArpFrame({
      ethDst: mvMac, ethSrc: topo.clientMac,
      arp: { op: ARP_REQUEST, senderMAC: topo.clientMac, senderIP: '192.0.2.1', targetMAC: '00:00:00:00:00:00', targetIP: '192.0.2.91' },
    });
    await client.command({ send: 'arp', hex: toMacvlan.toString('hex') });
    await client.command({ send: 'arp', hex: arpRequestFrom(topo.clientMac, '192.0.2.92').toString('hex') });
    const got: string[] = [];
    await waitFor(async () => {
      got.push(...(await frames(node, 'arp')));
      return got.some((h) => h.includes('c000025c'));
    }, 3000, 'the request to the interface itself');
    await sleep(100);
    got.push(...(await frames(node, 'arp')));
    await nsExec(topo.node, 'ip', ['link', 'del', 'mv0']);
    expect(got.filter((h) => h.includes('c000025b'))).toEqual([]); // 192.0.2.91, sent to the macvlan's MAC
  });

  test('multicast membership appears in and leaves the interface group list', async () => {
    const mac = multicastMAC(solicitedNodeAddress('2001:db8::1:2345'));
    expect(mac).toBe('33:33:ff:01:23:45');
    const groups = async () => (await node.command<{ ok: boolean; groups: string[] }>({ mcast: true })).groups;
    expect(await groups()).not.toContain(mac);
    await node.command({ join: 'ndp', mac });
    expect(await groups()).toContain(mac);
    await node.command({ drop: 'ndp', mac });
    expect(await groups()).not.toContain(mac);
  });

  test('frame callbacks run through MakeCallback: nextTick and promise jobs run before the next frame is delivered', async () => {
    await node.command({ armTick: 'arp' });
    await client.command({ sendTwice: 'arp', hex: arpRequestFrom(topo.clientMac, '192.0.2.78').toString('hex') });
    await waitFor(async () => (await node.command<{ ok: boolean; order: string[] }>({ report: true })).order.includes('second frame'), 3000, 'two frames');
    const { order } = await node.command<{ ok: boolean; order: string[] }>({ report: true });
    expect(order).toEqual(['nextTick', 'promise', 'second frame']);
  });

  test('an exception in the callback reaches uncaughtException and the socket keeps working', async () => {
    await node.command({ armThrow: 'arp' });
    await frames(node, 'arp');
    await client.command({ send: 'arp', hex: arpRequestFrom(topo.clientMac, '192.0.2.79').toString('hex') });
    await waitFor(async () => (await node.command<{ ok: boolean; uncaught: string[] }>({ report: true })).uncaught.includes('boom in arp'), 3000, 'uncaught exception');
    await client.command({ send: 'arp', hex: arpRequestFrom(topo.clientMac, '192.0.2.80').toString('hex') });
    await waitFor(async () => (await frames(node, 'arp')).some((h) => h.includes('c0000250')), 3000, 'next frame after the throw');
  });

  test('close stops delivery and later sends fail with a clear error', async () => {
    await node.command({ open: 'tmp', kind: 'arp' });
    expect(await node.command<{ ok: boolean; open: boolean }>({ close: 'tmp' })).toMatchObject({ open: false });
    await client.command({ send: 'arp', hex: arpRequestFrom(topo.clientMac, '192.0.2.81').toString('hex') });
    await waitFor(async () => (await frames(node, 'arp')).some((h) => h.includes('c0000251')), 3000, 'frame at the open socket');
    expect(await frames(node, 'tmp')).toEqual([]);
    const r = await node.command<{ ok: boolean; error?: string }>({ send: 'tmp', hex: '00' });
    expect(r.error).toMatch(/packet socket on interface "eth0" is closed/);
  });

  test('errors say what to do: unknown interface, missing CAP_NET_RAW', async () => {
    const bad = await node.command<{ ok: boolean; error: string; code: string }>({ openBad: 'mtl2nope0' });
    expect(bad.code).toBe('ENODEV');
    expect(bad.error).toMatch(/interface "mtl2nope0".*no such interface/);
    const r = await execa('ip', ['netns', 'exec', topo.node, 'setpriv', '--inh-caps=-net_raw', '--bounding-set=-net_raw',
      process.execPath, probeJs, '--open-once'], { reject: false });
    const out = JSON.parse(String(r.stdout)) as { error: string; code: string };
    expect(out.code).toBe('EPERM');
    expect(out.error).toMatch(/needs CAP_NET_RAW \(run as root or grant NET_RAW\)/);
  });
});
