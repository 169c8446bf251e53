// A discrete-event simulation of several membership machines on one fake network and one fake
// clock: deterministic tests of loss, failure, refutation and convergence without sockets or sleeps.
import { Membership } from './state.js';
import type { Timings } from './timings.js';
import type { Endpoint, MemberEvent } from './types.js';
import { peek, type Message } from './wire.js';

/** Seeded PRNG (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimPacket {
  from: string;
  to: string;
  bytes: Uint8Array;
  message: Message | undefined;
  at: number;
}

interface InFlight extends SimPacket {
  deliverAt: number;
  fromEndpoint: Endpoint;
  id: number;
}

export interface SimOptions {
  names: string[];
  key?: Uint8Array;
  timings?: Partial<Timings>;
  seed?: number;
  /** one-way delay in ms */
  latency?: number;
  start?: number;
}

export class SimNetwork {
  now: number;
  readonly machines = new Map<string, Membership>();
  readonly events: Array<MemberEvent & { observer: string; at: number }> = [];
  readonly sent: SimPacket[] = [];
  readonly drops = new Map<string, string[]>();
  /** return true to lose the packet */
  dropIf: ((p: SimPacket) => boolean) | undefined;
  private readonly stopped = new Set<string>();
  private readonly held = new Map<string, InFlight[]>();
  private readonly byPort = new Map<number, string>();
  private inFlight: InFlight[] = [];
  private nextId = 0;
  private readonly latency: number;

  constructor(private readonly opts: SimOptions) {
    this.now = opts.start ?? 1_000_000;
    this.latency = opts.latency ?? 0.2;
    const random = seededRandom(opts.seed ?? 1);
    const key = opts.key ?? new TextEncoder().encode('sim-network-shared-secret');
    const addresses = opts.names.map((name, i) => ({ name, address: '192.0.2.1', port: 7000 + i }));
    addresses.forEach((a) => this.byPort.set(a.port, a.name));
    for (const a of addresses) this.machines.set(a.name, this.makeMachine(a, key, random));
    for (const m of this.machines.values()) m.setMembers(addresses);
  }

  private makeMachine(self: { name: string; address: string; port: number }, key: Uint8Array, random: () => number): Membership {
    const m = new Membership({
      self,
      key,
      timings: this.opts.timings,
      now: () => this.now,
      random,
      send: (to, bytes) => this.send(self, to, bytes),
      observer: { drop: (reason) => this.drops.set(self.name, [...(this.drops.get(self.name) ?? []), reason]) },
    });
    m.onChange((e) => this.events.push({ ...e, observer: self.name, at: this.now }));
    return m;
  }

  machine(name: string): Membership {
    const m = this.machines.get(name);
    if (!m) throw new Error(`no machine ${name}`);
    return m;
  }

  /** The member stops: no timers, no packets in or out (a crashed node). */
  stop(name: string): void {
    this.stopped.add(name);
  }

  /** The member runs again with its old state (a node back on the network, a process thawed). */
  resume(name: string): void {
    this.stopped.delete(name);
    const held = this.held.get(name) ?? [];
    this.held.delete(name);
    // like the UDP edge after an event-loop stall: datagrams queued in the socket are read before timers run
    for (const p of held) this.machine(name).receive(p.bytes, p.fromEndpoint);
  }

  /** An event-loop stall: no timers and no sending, but packets queue up and are read on resume(). */
  stall(name: string): void {
    this.stopped.add(name);
    this.held.set(name, []);
  }

  /** Replaces a member by a fresh machine (a restarted speaker), with the given incarnation. */
  restart(name: string, incarnation: number): Membership {
    const port = [...this.byPort].find(([, n]) => n === name)![0];
    const addresses = [...this.byPort].map(([p, n]) => ({ name: n, address: '192.0.2.1', port: p }));
    const m = new Membership({
      self: { name, address: '192.0.2.1', port },
      key: this.opts.key ?? new TextEncoder().encode('sim-network-shared-secret'),
      timings: this.opts.timings,
      now: () => this.now,
      random: seededRandom((this.opts.seed ?? 1) + 17),
      send: (to, bytes) => this.send({ name, address: '192.0.2.1', port }, to, bytes),
      incarnation,
    });
    m.onChange((e) => this.events.push({ ...e, observer: name, at: this.now }));
    m.setMembers(addresses);
    this.machines.set(name, m);
    this.stopped.delete(name);
    return m;
  }

  /** Injects raw bytes to a member, as if from `fromPort`. */
  inject(to: string, bytes: Uint8Array, fromPort = 9999): void {
    this.machine(to).receive(bytes, { address: '192.0.2.1', port: fromPort });
  }

  private send(from: { name: string; port: number; address: string }, to: Endpoint, bytes: Uint8Array): void {
    const toName = this.byPort.get(to.port);
    if (!toName || this.stopped.has(from.name)) return;
    const p: InFlight = {
      from: from.name, to: toName, bytes, message: peek(bytes), at: this.now, deliverAt: this.now + this.latency,
      fromEndpoint: { address: from.address, port: from.port }, id: this.nextId++,
    };
    this.sent.push(p);
    if (this.dropIf?.(p)) return;
    this.inFlight.push(p);
  }

  /** Runs the simulation for `ms` milliseconds of fake time. */
  run(ms: number): void {
    const until = this.now + ms;
    for (let steps = 0; ; steps++) {
      if (steps > 1_000_000) throw new Error('simulation does not progress');
      let packet: InFlight | undefined;
      for (const p of this.inFlight) if (!packet || p.deliverAt < packet.deliverAt) packet = p;
      let timer: { m: Membership; at: number } | undefined;
      for (const [name, m] of this.machines) {
        if (this.stopped.has(name)) continue;
        const at = m.nextDeadline();
        if (!timer || at < timer.at) timer = { m, at };
      }
      const packetAt = packet?.deliverAt ?? Infinity;
      const timerAt = timer?.at ?? Infinity;
      if (Math.min(packetAt, timerAt) > until) break;
      if (packet && packetAt <= timerAt) {
        this.now = Math.max(this.now, packetAt);
        this.inFlight = this.inFlight.filter((p) => p !== packet);
        const held = this.held.get(packet.to);
        if (held) held.push(packet);
        else if (!this.stopped.has(packet.to)) this.machine(packet.to).receive(packet.bytes, packet.fromEndpoint);
      } else {
        this.now = Math.max(this.now, timerAt);
        timer!.m.tick();
      }
    }
    this.now = until;
  }

  /** Runs until `pred` holds or `maxMs` passed; returns the fake time it took, or undefined. */
  runUntil(pred: () => boolean, maxMs: number, step = 1): number | undefined {
    const start = this.now;
    while (this.now - start < maxMs) {
      if (pred()) return this.now - start;
      this.run(step);
    }
    return pred() ? this.now - start : undefined;
  }
}
