import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { createLogger } from '../../util/log.js';
import { ARP_REPLY, ARP_REQUEST, decodeArpFrame, encodeArpFrame, gratuitousArpFrame } from '../frames/arp.js';
import { decodeNdpFrame, encodeNdpFrame } from '../frames/ndp.js';
import type { QualifiedInterface } from '../interfaces.js';
import type { FrameSocket, SocketKind } from '../packet-socket.js';
import { Announcer, type AnnouncerOptions } from './announcer.js';

const CLIENT_MAC = '02:00:00:00:0b:01';

class FakeSocket implements FrameSocket {
  sent: Buffer[] = [];
  groups: string[] = [];
  joins = 0;
  drops = 0;
  closed = false;
  constructor(readonly ifname: string, readonly kind: SocketKind, readonly onFrame: (f: Buffer) => void) {}
  send(frame: Buffer): void {
    if (this.closed) throw new Error('closed');
    this.sent.push(frame);
  }
  addMembership(mac: string): void {
    this.joins++;
    this.groups.push(mac);
  }
  dropMembership(mac: string): void {
    this.drops++;
    this.groups = this.groups.filter((g) => g !== mac);
  }
  close(): void {
    this.closed = true;
  }
}

const eth0: QualifiedInterface = { name: 'eth0', mac: '02:00:00:00:0a:01', arp: true, ndp: true, linkLocal: 'fe80::a01' };
const eth1: QualifiedInterface = { name: 'eth1', mac: '02:00:00:00:0a:02', arp: true, ndp: true, linkLocal: 'fe80::a02' };

function setup(ifaces: QualifiedInterface[], extra: AnnouncerOptions = {}) {
  const sockets: FakeSocket[] = [];
  let current = ifaces;
  const registry = new Registry();
  const announcer = new Announcer({
    registry,
    scan: async () => current,
    openSocket: (ifname, kind, onFrame) => {
      const s = new FakeSocket(ifname, kind, onFrame);
      sockets.push(s);
      return s;
    },
    ...extra,
  });
  const sock = (ifname: string, kind: SocketKind) => sockets.filter((s) => s.ifname === ifname && s.kind === kind && !s.closed).at(-1)!;
  const setIfaces = (l: QualifiedInterface[]) => {
    current = l;
  };
  const metric = async (name: string, ip: string) => {
    const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
    return (m?.values.find((v) => v.labels.ip === ip)?.value as number | undefined) ?? 0;
  };
  return { announcer, sockets, sock, setIfaces, metric };
}

function arpRequest(targetIP: string, ethDst = 'ff:ff:ff:ff:ff:ff'): Buffer {
  return encodeArpFrame({
    ethDst, ethSrc: CLIENT_MAC,
    arp: { op: ARP_REQUEST, senderMAC: CLIENT_MAC, senderIP: '192.0.2.1', targetMAC: '00:00:00:00:00:00', targetIP },
  });
}

function neighborSolicitation(target: string, withLLA = true, ethDst = '33:33:ff:00:00:10'): Buffer {
  return encodeNdpFrame({
    ethDst, ethSrc: CLIENT_MAC, src: 'fe80::b01', dst: 'ff02::1:ff00:10', hopLimit: 255,
    message: { type: 'ns', target, ...(withLLA ? { sourceLLA: CLIENT_MAC } : {}) },
  });
}

let current: Announcer | undefined;
beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  current?.stop();
  current = undefined;
  jest.useRealTimers();
});

async function started(ifaces: QualifiedInterface[], extra: AnnouncerOptions = {}) {
  const t = setup(ifaces, extra);
  current = t.announcer;
  await t.announcer.start();
  return t;
}

describe('ARP responder', () => {
  test('answers requests for announced IPs with the interface MAC, nothing else', async () => {
    const t = await started([eth0]);
    t.announcer.setAnnouncements([{ ip: '192.0.2.10', interfaces: 'all' }]);
    const s = t.sock('eth0', 'arp');
    s.sent = []; // drop the gratuitous round
    s.onFrame(arpRequest('192.0.2.10'));
    s.onFrame(arpRequest('192.0.2.11')); // not announced
    s.onFrame(arpRequest('192.0.2.10', '02:00:00:00:ff:ff')); // unicast to another host
    s.onFrame(arpRequest('192.0.2.10', eth0.mac)); // unicast to us: answered
    s.onFrame(gratuitousArpFrame(ARP_REPLY, CLIENT_MAC, '192.0.2.10')); // a reply: ignored
    s.onFrame(Buffer.from('garbage'));
    expect(s.sent.map((f) => decodeArpFrame(f))).toEqual([
      { ethDst: CLIENT_MAC, ethSrc: eth0.mac, arp: { op: ARP_REPLY, senderMAC: eth0.mac, senderIP: '192.0.2.10', targetMAC: CLIENT_MAC, targetIP: '192.0.2.1' } },
      { ethDst: CLIENT_MAC, ethSrc: eth0.mac, arp: { op: ARP_REPLY, senderMAC: eth0.mac, senderIP: '192.0.2.10', targetMAC: CLIENT_MAC, targetIP: '192.0.2.1' } },
    ]);
    expect(await t.metric('metallb_layer2_requests_received', '192.0.2.10')).toBe(2);
    expect(await t.metric('metallb_layer2_responses_sent', '192.0.2.10')).toBe(2);
    expect(await t.metric('metallb_layer2_requests_received', '192.0.2.11')).toBe(0);
  });

  test('respects the advertisement interface list, and withdrawal stops answers', async () => {
    const t = await started([eth0, eth1]);
    t.announcer.setAnnouncements([{ ip: '192.0.2.10', interfaces: ['eth1'] }]);
    const s0 = t.sock('eth0', 'arp');
    const s1 = t.sock('eth1', 'arp');
    expect(s0.sent).toHaveLength(0); // no gratuitous on eth0 either
    expect(s1.sent).toHaveLength(2);
    s0.onFrame(arpRequest('192.0.2.10'));
    s1.onFrame(arpRequest('192.0.2.10'));
    expect(s0.sent).toHaveLength(0);
    expect(s1.sent).toHaveLength(3);
    t.announcer.setAnnouncements([]);
    s1.onFrame(arpRequest('192.0.2.10'));
    expect(s1.sent).toHaveLength(3);
  });

  test('an IP shared by two services is answered on the union of their interfaces', async () => {
    const t = await started([eth0, eth1]);
    t.announcer.setAnnouncements([{ ip: '192.0.2.10', interfaces: ['eth0'] }, { ip: '192.0.2.10', interfaces: ['eth1'] }]);
    t.sock('eth0', 'arp').onFrame(arpRequest('192.0.2.10'));
    t.sock('eth1', 'arp').onFrame(arpRequest('192.0.2.10'));
    expect(t.sock('eth0', 'arp').sent).toHaveLength(3);
    expect(t.sock('eth1', 'arp').sent).toHaveLength(3);
  });
});

describe('NDP responder', () => {
  test('answers an NS carrying a source LLA with S=1, O=0 to the NS source; ignores one without', async () => {
    const t = await started([eth0]);
    t.announcer.setAnnouncements([{ ip: '2001:db8::10', interfaces: 'all' }]);
    const s = t.sock('eth0', 'ndp');
    s.sent = [];
    s.onFrame(neighborSolicitation('2001:db8::10'));
    s.onFrame(neighborSolicitation('2001:db8::10', false));
    s.onFrame(neighborSolicitation('2001:db8::11'));
    s.onFrame(neighborSolicitation('2001:db8::10', true, '02:00:00:00:ff:ff')); // unicast to another host
    s.onFrame(neighborSolicitation('2001:db8::10', true, eth0.mac)); // unicast to us (reachability probe): answered
    const na = {
      ethDst: CLIENT_MAC, ethSrc: eth0.mac, src: '2001:db8::10', dst: 'fe80::b01', hopLimit: 255,
      message: { type: 'na', router: false, solicited: true, override: false, target: '2001:db8::10', targetLLA: eth0.mac },
    };
    expect(s.sent.map((f) => decodeNdpFrame(f))).toEqual([na, na]);
    expect(await t.metric('metallb_layer2_responses_sent', '2001:db8::10')).toBe(2);
  });

  test('solicited-node groups are refcounted: two IPs in one group join once and leave once', async () => {
    const t = await started([eth0]);
    const s = t.sock('eth0', 'ndp');
    // 2001:db8::10 and 2001:db8:1::10 share the low 24 bits, hence the group 33:33:ff:00:00:10.
    t.announcer.setAnnouncements([{ ip: '2001:db8::10', interfaces: 'all' }, { ip: '2001:db8:1::10', interfaces: 'all' }]);
    expect(s.groups).toEqual(['33:33:ff:00:00:10']);
    expect(s.joins).toBe(1);
    t.announcer.setAnnouncements([{ ip: '2001:db8:1::10', interfaces: 'all' }]);
    expect(s.drops).toBe(0);
    t.announcer.setAnnouncements([{ ip: '192.0.2.10', interfaces: 'all' }]);
    expect(s.drops).toBe(1);
    expect(s.groups).toEqual([]);
  });

  test('a responder created after the announcement joins the groups of IPs already announced', async () => {
    const t = await started([eth0]);
    t.announcer.setAnnouncements([{ ip: '2001:db8::10', interfaces: 'all' }]);
    t.setIfaces([eth0, eth1]);
    await t.announcer.rescan();
    expect(t.sock('eth1', 'ndp').groups).toEqual(['33:33:ff:00:00:10']);
    expect(t.announcer.joinedGroups('eth1')).toEqual(['2001:db8::10']);
  });
});

describe('gratuitous bursts', () => {
  test('IPv4: request and reply at once, then every 1.1 s for 5 s (5 rounds)', async () => {
    const t = await started([eth0]);
    t.announcer.setAnnouncements([{ ip: '192.0.2.10', interfaces: 'all' }]);
    const s = t.sock('eth0', 'arp');
    expect(s.sent.map((f) => decodeArpFrame(f)?.arp.op)).toEqual([ARP_REQUEST, ARP_REPLY]);
    const garp = decodeArpFrame(s.sent[0])!;
    expect(garp.ethDst).toBe('ff:ff:ff:ff:ff:ff');
    expect(garp.arp).toMatchObject({ senderIP: '192.0.2.10', targetIP: '192.0.2.10', targetMAC: 'ff:ff:ff:ff:ff:ff', senderMAC: eth0.mac });
    jest.advanceTimersByTime(1100);
    expect(s.sent).toHaveLength(4);
    jest.advanceTimersByTime(10_000);
    expect(s.sent).toHaveLength(10);
    expect(await t.metric('metallb_layer2_gratuitous_sent', '192.0.2.10')).toBe(10);
  });

  test('IPv6: one unsolicited NA (S=0, O=1) to ff02::1 per round', async () => {
    const t = await started([eth0]);
    t.announcer.setAnnouncements([{ ip: '2001:db8::10', interfaces: 'all' }]);
    jest.advanceTimersByTime(10_000);
    const s = t.sock('eth0', 'ndp');
    expect(s.sent).toHaveLength(5);
    const na = decodeNdpFrame(s.sent[0])!;
    expect(na.dst).toBe('ff02::1');
    expect(na.message).toMatchObject({ type: 'na', solicited: false, override: true, target: '2001:db8::10', targetLLA: eth0.mac });
    expect(t.sock('eth0', 'arp').sent).toHaveLength(0);
  });

  test('refresh() during a burst extends it; withdrawal ends it; unchanged IPs get no new burst', async () => {
    const t = await started([eth0]);
    t.announcer.setAnnouncements([{ ip: '192.0.2.10', interfaces: 'all' }]);
    const s = t.sock('eth0', 'arp');
    jest.advanceTimersByTime(3300); // rounds at 0, 1.1, 2.2, 3.3
    t.announcer.refresh('192.0.2.10'); // now the burst runs until 8.3 s
    jest.advanceTimersByTime(10_000);
    expect(s.sent).toHaveLength(2 * 8); // 0 .. 7.7 s
    t.announcer.setAnnouncements([{ ip: '192.0.2.10', interfaces: 'all' }]);
    expect(s.sent).toHaveLength(16);
    t.announcer.refresh('192.0.2.10');
    expect(s.sent).toHaveLength(18);
    t.announcer.setAnnouncements([]);
    jest.advanceTimersByTime(10_000);
    expect(s.sent).toHaveLength(18);
    t.announcer.refresh('192.0.2.10'); // not announced: nothing
    expect(s.sent).toHaveLength(18);
  });

  test('periodic refresh when configured', async () => {
    const t = await started([eth0], { refreshIntervalMs: 60_000 });
    t.announcer.setAnnouncements([{ ip: '192.0.2.10', interfaces: 'all' }]);
    jest.advanceTimersByTime(59_000);
    expect(t.sock('eth0', 'arp').sent).toHaveLength(10);
    jest.advanceTimersByTime(1000);
    expect(t.sock('eth0', 'arp').sent).toHaveLength(12);
  });
});

describe('interface rescans', () => {
  test('responders follow the scan: gone interfaces close, a new MAC reopens, ARP-only gets no NDP', async () => {
    const t = await started([eth0, { ...eth1, ndp: false, linkLocal: undefined }]);
    expect(t.announcer.responderKeys()).toEqual(['arp/eth0', 'arp/eth1', 'ndp/eth0']);
    const old = t.sock('eth0', 'arp');
    t.setIfaces([{ ...eth0, mac: '02:00:00:00:0a:09' }]);
    await t.announcer.rescan();
    expect(old.closed).toBe(true);
    expect(t.sockets.filter((s) => s.ifname === 'eth1').every((s) => s.closed)).toBe(true);
    expect(t.announcer.responderKeys()).toEqual(['arp/eth0', 'ndp/eth0']);
    t.announcer.setAnnouncements([{ ip: '192.0.2.10', interfaces: 'all' }]);
    expect(decodeArpFrame(t.sock('eth0', 'arp').sent[0])?.ethSrc).toBe('02:00:00:00:0a:09');
  });

  test('the scan runs again every rescan interval; a socket that fails to open is retried', async () => {
    let fail = true;
    const opened: string[] = [];
    const a = new Announcer({
      registry: new Registry(),
      rescanIntervalMs: 10_000,
      scan: async () => [eth0],
      openSocket: (ifname, kind, onFrame) => {
        if (fail) throw new Error('needs CAP_NET_RAW');
        opened.push(`${kind}/${ifname}`);
        return new FakeSocket(ifname, kind, onFrame);
      },
    });
    current = a;
    await a.start();
    expect(a.responderKeys()).toEqual([]);
    fail = false;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(a.responderKeys()).toEqual(['arp/eth0', 'ndp/eth0']);
    expect(opened).toEqual(['arp/eth0', 'ndp/eth0']);
  });

  test('stop closes every socket; bad IPs are refused with the value named', async () => {
    const t = await started([eth0]);
    expect(() => t.announcer.setAnnouncements([{ ip: '192.0.2.300', interfaces: 'all' }])).toThrow(/"192.0.2.300" is not an IP address/);
    t.announcer.stop();
    expect(t.sockets.every((s) => s.closed)).toBe(true);
  });
});

describe('responder log events (upstream internal/layer2/announcer.go)', () => {
  test('createARPResponder / createNDPResponder and deleteARPResponder / deleteNDPResponder, with the interface', async () => {
    const chunks: string[] = [];
    const logger = createLogger('info', new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }));
    const lines = () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const eth1ArpOnly = { ...eth1, ndp: false, linkLocal: undefined };
    const t = await started([eth0, eth1ArpOnly], { logger });
    const created = lines().filter((l) => String(l.event).startsWith('create')).map((l) => [l.event, l.interface, l.msg]);
    expect(created.sort()).toEqual([
      ['createARPResponder', 'eth0', 'created ARP responder for interface'],
      ['createARPResponder', 'eth1', 'created ARP responder for interface'],
      ['createNDPResponder', 'eth0', 'created NDP responder for interface'],
    ]);
    t.setIfaces([eth1ArpOnly]);
    await t.announcer.rescan();
    const deleted = lines().filter((l) => String(l.event).startsWith('delete')).map((l) => [l.event, l.interface, l.msg, l.level]);
    expect(deleted.sort()).toEqual([
      ['deleteARPResponder', 'eth0', 'deleted ARP responder for interface', 'info'],
      ['deleteNDPResponder', 'eth0', 'deleted NDP responder for interface', 'info'],
    ]);
  });
});
