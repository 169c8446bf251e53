// The membership state machine: SWIM-style failure detection between speakers, with no I/O.
//
// Time comes from an injected clock and packets leave through an injected `send`, so tests drive
// several machines over a simulated network with a fake clock. The UDP edge (udp.ts) calls
// `receive()` for each datagram and `tick()` when `nextDeadline()` is reached.
//
// Protocol, per member:
// - Each period (probeInterval) probe one member, round-robin over a shuffled order: direct ping.
//   No ack by probeTimeout: ping it again and ask `indirectChecks` other members to ping it for us.
//   No ack, direct or relayed, by the end of the period: the member is suspect.
// - A suspect not refuted within suspicionTimeout is dead. Suspect members still count as live.
// - Every packet carries the sender's incarnation and piggy-backs recent updates. A member that hears
//   it is suspect or dead bumps its incarnation and gossips `alive`, which overrides the suspicion.
// - Precedence for member M: alive(i) beats suspect/alive(j) if i > j; suspect(i) beats alive(j) if
//   i >= j and suspect(j) if i > j; dead(i) beats alive/suspect(j) if i >= j. Only M raises its own
//   incarnation, so only M can undo its death: a member that comes back is re-admitted by its first
//   packet with a higher incarnation (its start time in seconds), or by refuting when told.
// - Dead members are pinged now and then (reconnectInterval) so a healed partition merges again.
import { GossipQueue } from './gossip-queue.js';
import { ReplayGuard } from './replay.js';
import { resolveTimings, type Timings } from './timings.js';
import type { DropReason, Endpoint, MemberAddress, MemberEvent, MembershipLog, MembershipObserver, MemberState } from './types.js';
import { open, seal, sealedSize, MAX_PACKET, type GossipEntry, type Message } from './wire.js';

export interface MembershipOptions {
  self: { name: string; address: string; port: number };
  /** shared secret (contents of --ml-secret-file) */
  key: Uint8Array;
  /** port of members given without one */
  defaultPort?: number;
  timings?: Partial<Timings>;
  /** monotonic milliseconds: protocol timers */
  now: () => number;
  /** wall-clock milliseconds: packet timestamps (replay window); defaults to `now` */
  wallNow?: () => number;
  /** uniform in [0, 1): shuffles, helper choice, nonce prefix */
  random?: () => number;
  send: (to: Endpoint, packet: Uint8Array) => void;
  log?: MembershipLog;
  observer?: MembershipObserver;
  /** starting incarnation; the edge passes its start time in seconds so a restart beats old news */
  incarnation?: number;
}

interface MemberRecord {
  name: string;
  endpoint: Endpoint;
  state: MemberState;
  incarnation: number;
  suspectDeadline: number;
}

interface Probe {
  target: string;
  seq: number;
  timeoutAt: number;
  endAt: number;
  escalated: boolean;
  escalatedAt: number;
}

interface Relay {
  requester: Endpoint;
  originalSeq: number;
  target: string;
  expiresAt: number;
}

const WARN_EVERY_MS = 10_000;
const DROP_ADVICE: Record<DropReason, string> = {
  unauthenticated: 'dropped membership packet that fails authentication: check that every speaker has the same membership key (--ml-secret-name or --ml-secret-file)',
  stale: 'dropped membership packet with a timestamp outside the replay window: check the clocks (NTP) of both nodes',
  malformed: 'dropped malformed membership packet: another program or an incompatible version sends to the membership port',
  replayed: 'dropped replayed membership packet',
};

const silentLog: MembershipLog = { debug() {}, info() {}, warn() {} };

export class Membership {
  readonly timings: Timings;
  private readonly self: { name: string; address: string; port: number };
  private readonly members = new Map<string, MemberRecord>();
  /** probe order: shuffled once, new members inserted at random places */
  private order: string[] = [];
  private cursor = 0;
  private reconnectCursor = 0;
  private incarnation: number;
  private seq = 0;
  private probe: Probe | undefined;
  private nextProbeAt: number;
  private nextReconnectAt: number;
  private readonly relays = new Map<number, Relay>();
  private readonly queue = new GossipQueue();
  private readonly replay: ReplayGuard;
  private readonly listeners: Array<(e: MemberEvent) => void> = [];
  private readonly noncePrefix: number;
  private nonceCounter = 0;
  private leaving = false;
  private readonly warnedAt = new Map<string, number>();
  private readonly random: () => number;
  private readonly wallNow: () => number;
  private readonly log: MembershipLog;
  private readonly observer: MembershipObserver;
  private key: Uint8Array;
  /** the key before the last setKey: sealed with until sealPreviousUntil, accepted until previousKeyUntil */
  private previousKey: Uint8Array | undefined;
  private previousKeyUntil = 0;
  private sealPreviousUntil = 0;
  /** members whose packets failed authentication, with when it last happened */
  private readonly mismatched = new Map<string, number>();
  private readonly mismatchListeners: Array<(members: string[]) => void> = [];

  constructor(private readonly opts: MembershipOptions) {
    if (opts.key.length === 0) throw new Error('membership key is empty: put a secret in --ml-secret-file');
    this.key = opts.key;
    this.timings = resolveTimings(opts.timings);
    this.self = opts.self;
    this.random = opts.random ?? Math.random;
    this.wallNow = opts.wallNow ?? opts.now;
    this.log = opts.log ?? silentLog;
    this.observer = opts.observer ?? {};
    this.incarnation = opts.incarnation ?? 0;
    this.replay = new ReplayGuard(this.timings.replayWindow);
    this.noncePrefix = Math.floor(this.random() * 0x100000000) >>> 0;
    const now = opts.now();
    // a random phase, so that members started together do not probe in lock step
    this.nextProbeAt = now + Math.floor(this.random() * this.timings.probeInterval);
    this.nextReconnectAt = now + this.timings.reconnectInterval;
  }

  // ---- outside view -------------------------------------------------------------------------

  get name(): string {
    return this.self.name;
  }

  get currentIncarnation(): number {
    return this.incarnation;
  }

  /** Members not known dead, always including self: the set the layer 2 election uses. */
  liveMembers(): Set<string> {
    const live = new Set<string>([this.self.name]);
    for (const m of this.members.values()) if (m.state !== 'dead') live.add(m.name);
    return live;
  }

  /** Every known member (self excluded) with its state and incarnation. */
  memberStates(): Array<{ name: string; state: MemberState; incarnation: number }> {
    return [...this.members.values()].map((m) => ({ name: m.name, state: m.state, incarnation: m.incarnation }));
  }

  /**
   * A new shared key (the membership Secret changed), taken over gradually (timings.keyChangeGrace) so
   * that a rotation seen by the members at slightly different times does not split the membership.
   */
  setKey(key: Uint8Array): void {
    if (key.length === 0) throw new Error('membership key is empty');
    if (Buffer.from(key).equals(Buffer.from(this.key))) return;
    const now = this.opts.now();
    this.previousKey = this.key;
    this.previousKeyUntil = now + this.timings.keyChangeGrace;
    this.sealPreviousUntil = now + this.timings.keyChangeGrace / 2;
    this.key = key;
    this.log.info({}, 'membership key changed');
  }

  /**
   * Known members whose packets fail authentication (within timings.keyMismatchWindow): they hold another
   * key. Sorted. Empty when every member that talks to us shares our key.
   */
  keyMismatches(): string[] {
    const now = this.opts.now();
    return [...this.mismatched].filter(([, at]) => now - at < this.timings.keyMismatchWindow).map(([n]) => n).sort();
  }

  /** Subscribes to changes of keyMismatches(); returns the unsubscribe function. */
  onKeyMismatchChange(listener: (members: string[]) => void): () => void {
    this.mismatchListeners.push(listener);
    return () => {
      const i = this.mismatchListeners.indexOf(listener);
      if (i >= 0) this.mismatchListeners.splice(i, 1);
    };
  }

  stateOf(name: string): MemberState | undefined {
    if (name === this.self.name) return 'alive';
    return this.members.get(name)?.state;
  }

  /** Subscribes to member changes; returns the unsubscribe function. */
  onChange(listener: (e: MemberEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * Subscribes to changes of liveMembers() only (a member added, removed, dead, or back from dead),
   * not to suspicions: what the layer 2 election has to resync on.
   */
  onLiveChange(listener: (live: Set<string>, e: MemberEvent) => void): () => void {
    return this.onChange((e) => {
      const changed = e.state === 'dead' || e.state === 'removed' || e.previous === undefined || e.previous === 'dead';
      if (changed && !(e.state === 'removed' && e.previous === 'dead')) listener(this.liveMembers(), e);
    });
  }

  /**
   * The member universe, from outside (Nodes with their InternalIP, speaker Pods). New members start
   * alive: every speaker starting with the same view keeps their elections identical, and a member
   * that never answers is found dead within one detection bound. Members left out are forgotten.
   */
  setMembers(list: MemberAddress[]): void {
    const wanted = new Map<string, Endpoint>();
    for (const m of list) {
      if (m.name === this.self.name) continue;
      const port = m.port ?? this.opts.defaultPort;
      if (port === undefined) throw new Error(`membership member ${m.name} has no port and no default port is set`);
      wanted.set(m.name, { address: m.address, port });
    }
    for (const [name, rec] of [...this.members]) {
      if (wanted.has(name)) continue;
      this.members.delete(name);
      this.order = this.order.filter((n) => n !== name);
      this.queue.delete(name);
      this.emit({ name, state: 'removed', previous: rec.state, incarnation: rec.incarnation, reason: 'removed' });
    }
    if (this.cursor > this.order.length) this.cursor = 0;
    for (const [name, endpoint] of wanted) {
      const rec = this.members.get(name);
      if (rec) {
        rec.endpoint = endpoint;
        continue;
      }
      this.members.set(name, { name, endpoint, state: 'alive', incarnation: 0, suspectDeadline: 0 });
      this.order.splice(Math.floor(this.random() * (this.order.length + 1)), 0, name);
      this.emit({ name, state: 'alive', incarnation: 0, reason: 'added' });
    }
  }

  /**
   * Graceful leave: tell every live member that we are gone (dead at our incarnation), so they drop
   * us at once instead of after a detection bound. After this the machine refutes nothing.
   */
  leave(): void {
    this.leaving = true;
    const entry: GossipEntry = { state: 'dead', name: this.self.name, incarnation: this.incarnation };
    for (const m of this.members.values()) {
      if (m.state !== 'dead') this.sendTo(m.endpoint, { type: 'gossip', gossip: [entry] }, m.name, false);
    }
    this.probe = undefined;
  }

  // ---- time ---------------------------------------------------------------------------------

  /** When tick() next has something to do (monotonic ms). */
  nextDeadline(): number {
    if (this.leaving) return Number.POSITIVE_INFINITY;
    let next = this.nextProbeAt;
    const p = this.probe;
    if (p) {
      next = Math.min(next, p.escalated ? Math.max(p.endAt, p.escalatedAt + this.timings.probeInterval - this.timings.probeTimeout) : p.timeoutAt);
    }
    for (const m of this.members.values()) if (m.state === 'suspect') next = Math.min(next, m.suspectDeadline);
    if (this.hasDead()) next = Math.min(next, this.nextReconnectAt);
    return next;
  }

  /** Runs every timer that is due. */
  tick(): void {
    if (this.leaving) return;
    const now = this.opts.now();
    for (const m of this.members.values()) {
      if (m.state === 'suspect' && now >= m.suspectDeadline) {
        this.log.info({ member: m.name, incarnation: m.incarnation }, `Marking ${m.name} as failed, suspect timeout reached`);
        this.setState(m, 'dead', m.incarnation, 'suspicionTimeout');
        this.queue.push({ state: 'dead', name: m.name, incarnation: m.incarnation });
        this.pushUrgent(m.name);
      }
    }
    const p = this.probe;
    if (p && !p.escalated && now >= p.timeoutAt) this.escalate(p, now);
    // the indirect probes always get their share of the period, even when this tick runs late
    if (p && p.escalated && now >= p.endAt && now - p.escalatedAt >= this.timings.probeInterval - this.timings.probeTimeout) {
      this.probe = undefined;
      const m = this.members.get(p.target);
      if (m && m.state === 'alive') {
        this.log.info({ member: m.name, incarnation: m.incarnation }, `Suspect ${m.name} has failed, no acks received`);
        this.suspect(m, m.incarnation, now, 'probe');
        this.queue.push({ state: 'suspect', name: m.name, incarnation: m.incarnation });
        this.pushUrgent(m.name, m.endpoint);
      }
    }
    if (now >= this.nextProbeAt) {
      // stay on the grid; after a long stall start afresh instead of firing a burst of probes
      this.nextProbeAt += this.timings.probeInterval;
      if (this.nextProbeAt <= now) this.nextProbeAt = now + this.timings.probeInterval;
      if (!this.probe) this.startProbe(now, this.nextProbeAt);
    }
    if (now >= this.nextReconnectAt) {
      this.reconnectOne();
      this.nextReconnectAt = now + this.timings.reconnectInterval;
    }
    for (const [seq, r] of this.relays) if (now >= r.expiresAt) this.relays.delete(seq);
    let expired = false;
    for (const [name, at] of this.mismatched) {
      if (now - at >= this.timings.keyMismatchWindow) expired = this.mismatched.delete(name) || expired;
    }
    if (expired) this.mismatchChanged();
  }

  // ---- packets ------------------------------------------------------------------------------

  /** One datagram from `from`. Unauthenticated, stale, replayed or malformed packets are dropped. */
  receive(packet: Uint8Array, from: Endpoint): void {
    if (this.leaving) return;
    let opened = open(packet, this.key);
    if ('drop' in opened && opened.drop === 'unauthenticated' && this.previousKey && this.opts.now() < this.previousKeyUntil) {
      opened = open(packet, this.previousKey);
    }
    if ('drop' in opened) {
      if (opened.drop === 'unauthenticated') this.noteMismatch(from);
      return this.drop(opened.drop, from);
    }
    const m = opened.message;
    if (this.mismatched.delete(m.from)) this.mismatchChanged();
    const fresh = this.replay.check(m.from, opened.timestamp, opened.nonce, this.wallNow());
    if (fresh !== 'ok') return this.drop(fresh, from, { member: m.from, skewMs: Math.round(opened.timestamp - this.wallNow()) });
    if (m.from === this.self.name) return; // our own packet looped back
    const now = this.opts.now();
    // the sender's own claim first, then its news, then the reply: the reply then carries any refutation
    this.applySenderClaim(m.from, m.incarnation);
    for (const e of m.gossip) this.apply(e, now, m.from);
    switch (m.type) {
      case 'ping':
        if (m.target === this.self.name) this.sendTo(from, { type: 'ack', seq: m.seq }, m.from);
        break;
      case 'pingReq':
        this.relayProbe(m, from, now);
        break;
      case 'ack':
        this.onAck(m);
        break;
      case 'gossip':
        break;
    }
  }

  // ---- probing ------------------------------------------------------------------------------

  private startProbe(now: number, endAt: number): void {
    const target = this.nextTarget();
    if (!target) return;
    const seq = this.nextSeq();
    this.probe = { target: target.name, seq, timeoutAt: now + this.timings.probeTimeout, endAt, escalated: false, escalatedAt: 0 };
    this.observer.probe?.();
    this.sendTo(target.endpoint, { type: 'ping', seq, target: target.name }, target.name);
  }

  private nextTarget(): MemberRecord | undefined {
    for (let i = 0; i < this.order.length; i++) {
      if (this.cursor >= this.order.length) this.cursor = 0;
      const m = this.members.get(this.order[this.cursor++]);
      if (m && m.state !== 'dead') return m;
    }
    return undefined;
  }

  /** Direct ack is late: a second direct ping, and k helpers probe on our behalf. */
  private escalate(p: Probe, now: number): void {
    p.escalated = true;
    p.escalatedAt = now;
    const target = this.members.get(p.target);
    if (!target) return;
    this.sendTo(target.endpoint, { type: 'ping', seq: p.seq, target: p.target }, p.target);
    const helpers = this.pick(this.timings.indirectChecks, (m) => m.state === 'alive' && m.name !== p.target);
    for (const h of helpers) this.sendTo(h.endpoint, { type: 'pingReq', seq: p.seq, target: p.target }, h.name);
    this.log.debug({ member: p.target, helpers: helpers.map((h) => h.name) }, 'probe timed out, probing indirectly');
  }

  private relayProbe(m: Message, requester: Endpoint, now: number): void {
    const target = m.target === undefined ? undefined : this.members.get(m.target);
    if (!target || m.seq === undefined) return;
    const seq = this.nextSeq();
    this.relays.set(seq, { requester, originalSeq: m.seq, target: target.name, expiresAt: now + this.timings.probeInterval });
    this.sendTo(target.endpoint, { type: 'ping', seq, target: target.name }, target.name);
  }

  private onAck(m: Message): void {
    const relay = m.seq === undefined ? undefined : this.relays.get(m.seq);
    if (relay && m.from === relay.target) {
      this.relays.delete(m.seq!);
      this.sendTo(relay.requester, { type: 'ack', seq: relay.originalSeq, target: relay.target }, undefined);
      return;
    }
    const p = this.probe;
    if (p && m.seq === p.seq && (m.from === p.target || m.target === p.target)) this.probe = undefined;
  }

  private reconnectOne(): void {
    const dead = this.order.filter((n) => this.members.get(n)?.state === 'dead');
    if (!dead.length) return;
    const m = this.members.get(dead[this.reconnectCursor++ % dead.length])!;
    // the ping carries "dead(m)", so a live m refutes in its ack
    this.sendTo(m.endpoint, { type: 'ping', seq: this.nextSeq(), target: m.name }, m.name);
  }

  // ---- state changes ------------------------------------------------------------------------

  /** Every packet is its sender's claim to be alive at its incarnation. */
  private applySenderClaim(name: string, incarnation: number): void {
    const m = this.members.get(name);
    if (!m || incarnation <= m.incarnation) return;
    const was = m.state;
    this.setState(m, 'alive', incarnation, was === 'alive' ? 'gossip' : 'refuted');
    if (was !== 'alive') {
      this.log.info({ member: name, incarnation }, `${name} is alive again (incarnation ${incarnation})`);
      this.queue.push({ state: 'alive', name, incarnation });
    }
  }

  private apply(e: GossipEntry, now: number, sender: string): void {
    if (e.name === this.self.name) return this.aboutSelf(e, sender);
    const m = this.members.get(e.name);
    if (!m) return;
    switch (e.state) {
      case 'alive':
        if (e.incarnation <= m.incarnation) return;
        this.setState(m, 'alive', e.incarnation, m.state === 'alive' ? 'gossip' : 'refuted');
        break;
      case 'suspect':
        if (m.state === 'dead' || e.incarnation < m.incarnation) return;
        if (m.state === 'suspect' && e.incarnation === m.incarnation) return;
        if (m.state === 'alive') this.log.info({ member: m.name, from: sender, incarnation: e.incarnation }, `${m.name} is suspected by ${sender}`);
        this.suspect(m, e.incarnation, now, 'gossip');
        break;
      case 'dead':
        if (e.incarnation < m.incarnation || (m.state === 'dead' && e.incarnation === m.incarnation)) return;
        if (m.state === 'dead') {
          m.incarnation = e.incarnation;
          break;
        }
        this.log.info({ member: m.name, from: sender, incarnation: e.incarnation },
          e.name === sender ? `${m.name} left` : `${m.name} declared failed by ${sender}`);
        this.setState(m, 'dead', e.incarnation, e.name === sender ? 'left' : 'gossip');
        break;
    }
    this.queue.push(e);
  }

  /** Someone says we are suspect or dead: refute with a higher incarnation, loudly. */
  private aboutSelf(e: GossipEntry, sender: string): void {
    if (e.state === 'alive' || this.leaving || e.incarnation < this.incarnation) return;
    this.incarnation = e.incarnation + 1;
    this.log.warn({ from: sender, incarnation: this.incarnation }, `Refuting a ${e.state} message (from: ${sender})`);
    this.queue.push({ state: 'alive', name: this.self.name, incarnation: this.incarnation });
    this.pushUrgent(undefined, this.members.get(sender)?.endpoint);
  }

  private suspect(m: MemberRecord, incarnation: number, now: number, reason: string): void {
    m.suspectDeadline = now + this.timings.suspicionTimeout;
    this.setState(m, 'suspect', incarnation, reason);
  }

  private setState(m: MemberRecord, state: MemberState, incarnation: number, reason: string): void {
    const previous = m.state;
    m.incarnation = incarnation;
    if (previous === state) return;
    m.state = state;
    if (state === 'dead') this.observer.failure?.(m.name);
    if (this.probe?.target === m.name && state === 'dead') this.probe = undefined;
    this.emit({ name: m.name, state, previous, incarnation, reason });
  }

  private emit(e: MemberEvent): void {
    for (const l of [...this.listeners]) l(e);
  }

  // ---- sending ------------------------------------------------------------------------------

  /**
   * Pushes the freshest news at once to `gossipFanout` random live members (and `also`), instead of
   * waiting for the next pings: a suspicion, a death or a refutation must not wait a period per hop.
   */
  private pushUrgent(about: string | undefined, also?: Endpoint): void {
    const targets = this.pick(this.timings.gossipFanout, (m) => m.state !== 'dead' && m.name !== about);
    const endpoints = targets.map((t) => ({ endpoint: t.endpoint, name: t.name as string | undefined }));
    if (also && !targets.some((t) => t.endpoint.address === also.address && t.endpoint.port === also.port)) {
      endpoints.push({ endpoint: also, name: undefined });
    }
    const gossip = this.queue.peek(this.timings.maxPiggyback);
    for (const t of endpoints) this.sendTo(t.endpoint, { type: 'gossip', gossip }, t.name, false);
  }

  /** Seals and sends; piggy-backs queued updates, plus our view of the recipient when it is not alive. */
  private sendTo(to: Endpoint, partial: Omit<Message, 'from' | 'incarnation' | 'gossip'> & { gossip?: GossipEntry[] }, recipient: string | undefined,
    piggyback = true): void {
    const gossip: GossipEntry[] = [...(partial.gossip ?? [])];
    // a recipient we think suspect or dead hears it from us directly, so it can refute in its answer
    const r = recipient === undefined ? undefined : this.members.get(recipient);
    if (r && r.state !== 'alive' && !gossip.some((g) => g.name === r.name)) {
      gossip.unshift({ state: r.state, name: r.name, incarnation: r.incarnation });
    }
    const msg: Message = { ...partial, from: this.self.name, incarnation: this.incarnation, gossip };
    if (piggyback) {
      const limit = this.timings.retransmitMult * Math.max(1, Math.ceil(Math.log2(this.members.size + 2)));
      const extra = this.queue.take(this.timings.maxPiggyback - gossip.length, limit, (e) => gossip.some((g) => g.name === e.name));
      msg.gossip = [...gossip, ...extra];
    }
    while (msg.gossip.length && sealedSize(msg) > MAX_PACKET) msg.gossip.pop();
    const key = this.previousKey && this.opts.now() < this.sealPreviousUntil ? this.previousKey : this.key;
    this.opts.send(to, seal(msg, key, this.wallNow(), this.nonce()));
  }

  private nonce(): Uint8Array {
    const b = new Uint8Array(8);
    const v = new DataView(b.buffer);
    v.setUint32(0, this.noncePrefix);
    v.setUint32(4, this.nonceCounter);
    this.nonceCounter = (this.nonceCounter + 1) >>> 0;
    return b;
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    return this.seq;
  }

  private pick(k: number, ok: (m: MemberRecord) => boolean): MemberRecord[] {
    const pool = [...this.members.values()].filter(ok);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }

  private hasDead(): boolean {
    for (const m of this.members.values()) if (m.state === 'dead') return true;
    return false;
  }

  /**
   * A packet from `from` failed authentication. From the endpoint of a known member, that member
   * holds another key (a split in the making): say so at once, not only as a dropped packet.
   */
  private noteMismatch(from: Endpoint): void {
    let member: MemberRecord | undefined;
    for (const m of this.members.values()) {
      if (m.endpoint.address === from.address && m.endpoint.port === from.port) member = m;
    }
    if (!member) return;
    const known = this.mismatched.has(member.name);
    this.mismatched.set(member.name, this.opts.now());
    if (known) return;
    this.log.warn({ member: member.name, address: `${from.address}:${from.port}` },
      `membership packets from ${member.name} fail authentication: it holds another membership key; give every speaker the same Secret`);
    this.observer.keyMismatch?.(member.name);
    this.mismatchChanged();
  }

  private mismatchChanged(): void {
    const names = this.keyMismatches();
    for (const l of this.mismatchListeners) l(names);
  }

  private drop(reason: DropReason, from: Endpoint, detail: object = {}): void {
    this.observer.drop?.(reason);
    const address = `${from.address}:${from.port}`;
    // a wrong key or a skewed clock on some node is an operator error worth a warning, once in a while
    const key = `${reason} ${address}`;
    const now = this.opts.now();
    if (reason === 'replayed' || now - (this.warnedAt.get(key) ?? -Infinity) < WARN_EVERY_MS) {
      this.log.debug({ reason, address, ...detail }, 'dropped membership packet');
      return;
    }
    if (this.warnedAt.size > 1000) this.warnedAt.clear();
    this.warnedAt.set(key, now);
    this.log.warn({ reason, address, ...detail }, DROP_ADVICE[reason]);
  }
}
