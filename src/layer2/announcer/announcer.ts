// The layer 2 announcer of one node: keeps an ARP and/or NDP responder open on every qualifying
// interface (rescanned periodically), answers for the IPs it is told to announce, and sends
// gratuitous bursts so that neighbours move to this node quickly after a failover.
import type { Registry } from 'prom-client';
import { isIPv6 } from '../frames/addr.js';
import { canonicalIP } from '../../api/ip.js';
import { createLogger, type Logger } from '../../util/log.js';
import { compileExclude, DEFAULT_EXCLUDE_PATTERNS, scanInterfaces, type QualifiedInterface } from '../interfaces.js';
import { openFrameSocket, type SocketKind } from '../packet-socket.js';
import { ArpResponder } from './arp-responder.js';
import { GratuitousBursts } from './gratuitous.js';
import { Layer2Metrics } from './metrics.js';
import { NdpResponder } from './ndp-responder.js';
import type { OpenSocket, Responder, ResponderContext } from './responder.js';

export interface Announcement {
  ip: string;
  /** interface names the advertisement allows, or 'all' */
  interfaces: string[] | 'all';
}

export interface AnnouncerOptions {
  registry?: Registry;
  logger?: Logger;
  /** interface rescan period; upstream: 10 s */
  rescanIntervalMs?: number;
  /** interface name patterns never used (upstream's excludel2 list by default) */
  excludePatterns?: string[];
  /** re-send a gratuitous burst for every announced IP this often; 0 or unset = off (upstream has none) */
  refreshIntervalMs?: number;
  burst?: { intervalMs: number; durationMs: number };
  /** for tests: the interface scan and the socket factory */
  scan?: () => Promise<QualifiedInterface[]>;
  openSocket?: OpenSocket;
}

interface State {
  interfaces: 'all' | Set<string>;
  v6: boolean;
}

const key = (kind: SocketKind, ifname: string) => `${kind}/${ifname}`;

export class Announcer {
  private readonly log: Logger;
  private readonly metrics: Layer2Metrics;
  private readonly scan: () => Promise<QualifiedInterface[]>;
  private readonly open: OpenSocket;
  private readonly responders = new Map<string, Responder>();
  private readonly announced = new Map<string, State>();
  private readonly bursts: GratuitousBursts;
  private readonly ctx: ResponderContext;
  private scanTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private interfaceNames: string[] = [];
  private stopped = false;
  private started = false;

  constructor(private readonly opts: AnnouncerOptions = {}) {
    this.log = opts.logger ?? createLogger('none');
    this.metrics = new Layer2Metrics(opts.registry);
    const exclude = compileExclude(opts.excludePatterns ?? DEFAULT_EXCLUDE_PATTERNS);
    this.scan = opts.scan ?? (() => scanInterfaces(exclude));
    this.open = opts.openSocket ?? openFrameSocket;
    this.ctx = {
      shouldAnswer: (ip, ifname) => this.allows(ip, ifname),
      metrics: this.metrics,
      log: this.log,
    };
    this.bursts = new GratuitousBursts({
      intervalMs: opts.burst?.intervalMs ?? 1100,
      durationMs: opts.burst?.durationMs ?? 5000,
      send: (ip) => this.sendGratuitous(ip),
      stillAnnounced: (ip) => this.announced.has(ip),
    });
  }

  /** First interface scan, then the periodic rescan (and refresh, when configured). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.rescan();
    if (this.stopped) return;
    this.scanTimer = setInterval(() => void this.rescan(), this.opts.rescanIntervalMs ?? 10_000);
    this.scanTimer.unref();
    if (this.opts.refreshIntervalMs) {
      this.refreshTimer = setInterval(() => {
        for (const ip of this.announced.keys()) this.refresh(ip);
      }, this.opts.refreshIntervalMs);
      this.refreshTimer.unref();
    }
  }

  /**
   * The complete set of IPs this node announces now. New IPs get a gratuitous burst; withdrawn IPs
   * stop being answered at once (nothing is sent on withdrawal, as upstream).
   */
  setAnnouncements(list: Announcement[]): void {
    const next = new Map<string, State>();
    for (const a of list) {
      const ip = canonicalIP(a.ip);
      if (!ip) throw new Error(`layer 2 announcement: "${a.ip}" is not an IP address`);
      const prev = next.get(ip);
      const ifs = a.interfaces === 'all' ? 'all' : new Set(a.interfaces);
      // The same IP twice (services sharing it): the union of their interfaces.
      next.set(ip, { v6: isIPv6(ip), interfaces: mergeInterfaces(prev?.interfaces, ifs) });
    }
    const added = [...next.keys()].filter((ip) => !this.announced.has(ip));
    const removed = [...this.announced.keys()].filter((ip) => !next.has(ip));
    this.announced.clear();
    for (const [ip, s] of next) this.announced.set(ip, s);
    for (const ip of removed) this.bursts.cancel(ip);
    this.syncGroups();
    for (const ip of added) this.bursts.trigger(ip);
    if (added.length || removed.length) this.log.info({ op: 'setAnnouncements', added, removed, msg: 'layer 2 announcements changed' });
  }

  /** Starts (or extends) a gratuitous burst for an announced IP, as upstream does on every reconcile. */
  refresh(ip: string): void {
    const c = canonicalIP(ip);
    if (c && this.announced.has(c)) this.bursts.trigger(c);
  }

  /** Names of the interfaces seen by the last scan that got at least one responder. */
  knownInterfaces(): string[] {
    return [...this.interfaceNames];
  }

  /** Open responders, for status and tests: "arp/eth0", "ndp/eth0", ... */
  responderKeys(): string[] {
    return [...this.responders.keys()].sort();
  }

  /** IPs whose solicited-node group is joined on the NDP responder of `ifname`. */
  joinedGroups(ifname: string): string[] {
    const r = this.responders.get(key('ndp', ifname));
    return r instanceof NdpResponder ? r.joinedIPs().sort() : [];
  }

  /** Re-reads the interfaces; opens and closes responders to match. Concurrent calls share one scan. */
  rescan(): Promise<void> {
    this.scanning ??= this.doRescan().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.scanTimer);
    clearInterval(this.refreshTimer);
    this.bursts.stop();
    for (const r of this.responders.values()) r.close();
    this.responders.clear();
  }

  private async doRescan(): Promise<void> {
    let ifaces: QualifiedInterface[];
    try {
      ifaces = await this.scan();
    } catch (e) {
      this.log.error({ op: 'rescan', error: (e as Error).message, msg: 'failed to list network interfaces' });
      return;
    }
    if (this.stopped) return;
    this.interfaceNames = ifaces.map((i) => i.name);
    const wanted = new Map<string, QualifiedInterface>();
    for (const i of ifaces) {
      if (i.arp) wanted.set(key('arp', i.name), i);
      if (i.ndp) wanted.set(key('ndp', i.name), i);
    }
    for (const [k, r] of this.responders) {
      const w = wanted.get(k);
      // Gone, no longer qualifying, or a new MAC / link-local address: replies must carry the current ones.
      if (!w || w.mac !== r.iface.mac || w.linkLocal !== r.iface.linkLocal) {
        r.close();
        this.responders.delete(k);
        // upstream's deleteARPResponder / deleteNDPResponder (internal/layer2/announcer.go)
        this.log.info({ event: r.kind === 'arp' ? 'deleteARPResponder' : 'deleteNDPResponder', interface: r.iface.name, protocol: r.kind, msg: `deleted ${r.kind === 'arp' ? 'ARP' : 'NDP'} responder for interface` });
      }
    }
    for (const [k, i] of wanted) {
      if (this.responders.has(k)) continue;
      try {
        const r = k.startsWith('arp/') ? new ArpResponder(i, this.open, this.ctx) : new NdpResponder(i, this.open, this.ctx);
        this.responders.set(k, r);
        this.log.info({ event: r.kind === 'arp' ? 'createARPResponder' : 'createNDPResponder', interface: i.name, protocol: r.kind, msg: `created ${r.kind === 'arp' ? 'ARP' : 'NDP'} responder for interface` });
      } catch (e) {
        const kind = k.startsWith('arp/') ? 'ARP' : 'NDP';
        this.log.error({ op: `create${kind}Responder`, interface: i.name, error: (e as Error).message, msg: `failed to create ${kind} responder; retrying at the next scan` });
      }
    }
    // A responder created now joins the groups of IPs announced before it existed (upstream does not).
    this.syncGroups();
  }

  private allows(ip: string, ifname: string): boolean {
    const s = this.announced.get(ip);
    return s !== undefined && (s.interfaces === 'all' || s.interfaces.has(ifname));
  }

  private syncGroups(): void {
    for (const r of this.responders.values()) {
      if (!(r instanceof NdpResponder)) continue;
      const ips = [...this.announced].filter(([ip, s]) => s.v6 && this.allows(ip, r.iface.name)).map(([ip]) => ip);
      r.syncGroups(ips);
    }
  }

  private sendGratuitous(ip: string): void {
    const s = this.announced.get(ip);
    if (!s) return;
    const kind: SocketKind = s.v6 ? 'ndp' : 'arp';
    for (const r of this.responders.values()) {
      if (r.kind !== kind || !this.allows(ip, r.iface.name)) continue;
      try {
        r.gratuitous(ip);
      } catch (e) {
        this.log.error({ op: 'gratuitous', interface: r.iface.name, ip, error: (e as Error).message, msg: 'failed to send gratuitous announcement' });
      }
    }
  }
}

function mergeInterfaces(a: 'all' | Set<string> | undefined, b: 'all' | Set<string>): 'all' | Set<string> {
  if (a === undefined) return b;
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...a, ...b]);
}
