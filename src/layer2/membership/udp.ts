// UDP edge of the membership protocol: one node:dgram socket, the timers, metrics and logs around the
// pure state machine (state.ts). Everything protocol-related lives in the machine.
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import type { Logger } from '../../util/log.js';
import { createMembershipMetrics } from './metrics.js';
import { Membership } from './state.js';
import type { Timings } from './timings.js';
import type { MemberAddress, MemberEvent, MembershipLog, MemberState } from './types.js';

export const DEFAULT_ML_PORT = 7946;

export interface UdpMembershipOptions {
  /** this member's name: the Node name */
  name: string;
  /** address to bind and to be reached at (the node's InternalIP; 127.0.0.1 in tests) */
  bindAddress: string;
  /** 0 picks a free port (tests); default 7946 */
  port?: number;
  /** port of members given without one; default 7946 */
  memberPort?: number;
  /** the shared secret's bytes (readSecretFile(--ml-secret-file)) */
  key: Uint8Array;
  timings?: Partial<Timings>;
  registry?: Registry;
  logger?: Logger;
}

export class UdpMembership {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private closed = false;
  private pendingSends = 0;
  private sendsDrained: (() => void) | undefined;

  private constructor(readonly machine: Membership, private readonly socket: Socket, readonly port: number,
    private readonly log: MembershipLog) {}

  /** Binds the socket and starts probing (members come later through setMembers). */
  static async start(opts: UdpMembershipOptions): Promise<UdpMembership> {
    const family = isIP(opts.bindAddress);
    if (!family) throw new Error(`membership bind address "${opts.bindAddress}" is not an IP address: set --ml-bind-addr to the node's InternalIP`);
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port ?? DEFAULT_ML_PORT, opts.bindAddress, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((e: Error) => {
      socket.close();
      throw new Error(`membership cannot bind ${opts.bindAddress}:${opts.port ?? DEFAULT_ML_PORT}: ${e.message}; change --ml-port or --ml-bind-addr`);
    });
    const port = socket.address().port;
    const log: MembershipLog = opts.logger?.child({ component: 'Memberlist' }) ?? { debug() {}, info() {}, warn() {} };
    const metrics = opts.registry ? createMembershipMetrics(opts.registry) : undefined;
    const ref: { edge?: UdpMembership } = {}; // the machine's send needs the edge built after it
    const machine = new Membership({
      self: { name: opts.name, address: opts.bindAddress, port },
      key: opts.key,
      defaultPort: opts.memberPort ?? DEFAULT_ML_PORT,
      timings: opts.timings,
      now: () => performance.now(),
      wallNow: () => Date.now(),
      // a restart starts above any incarnation the previous life reached, unless it refuted more than once a second
      incarnation: Math.floor(Date.now() / 1000) >>> 0,
      send: (to, packet) => ref.edge?.send(to.address, to.port, packet),
      log,
      observer: metrics?.observer,
    });
    const edge = new UdpMembership(machine, socket, port, log);
    ref.edge = edge;
    metrics?.setSource(() => ['alive' as MemberState, ...machine.memberStates().map((m) => m.state)], () => machine.keyMismatches().length);
    socket.on('message', (msg, rinfo) => edge.onPacket(msg, rinfo.address, rinfo.port));
    socket.on('error', (e) => log.warn({ error: e.message }, 'membership socket error'));
    log.info({ address: opts.bindAddress, port, member: opts.name }, 'membership started');
    edge.schedule();
    return edge;
  }

  setMembers(members: MemberAddress[]): void {
    this.machine.setMembers(members);
    this.schedule();
  }

  liveMembers(): Set<string> {
    return this.machine.liveMembers();
  }

  /** A new shared key (the membership Secret changed), taken over without a restart. */
  setKey(key: Uint8Array): void {
    this.machine.setKey(key);
  }

  /** Known members whose packets fail authentication: they hold another key. */
  keyMismatches(): string[] {
    return this.machine.keyMismatches();
  }

  onKeyMismatchChange(listener: (members: string[]) => void): () => void {
    return this.machine.onKeyMismatchChange(listener);
  }

  onChange(listener: (e: MemberEvent) => void): () => void {
    return this.machine.onChange(listener);
  }

  /** Fires when liveMembers() changes (not on mere suspicions). */
  onLiveChange(listener: (live: Set<string>, e: MemberEvent) => void): () => void {
    return this.machine.onLiveChange(listener);
  }

  /**
   * Stops. With `leave` (a planned shutdown) tells the others first so they drop us at once; without
   * it the others find out by probing, as after a crash.
   */
  async close(opts: { leave?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    if (opts.leave ?? true) {
      this.machine.leave();
      await this.drainSends(500);
    }
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    this.log.info({}, 'membership stopped');
  }

  private onPacket(msg: Buffer, address: string, port: number): void {
    if (this.closed) return;
    this.machine.receive(msg, { address, port });
    this.schedule();
  }

  private send(address: string, port: number, packet: Uint8Array): void {
    if (this.closed) return;
    this.pendingSends++;
    this.socket.send(packet, port, address, (err) => {
      this.pendingSends--;
      if (err) this.log.debug({ error: err.message, address: `${address}:${port}` }, 'membership send failed');
      if (this.pendingSends === 0) this.sendsDrained?.();
    });
  }

  private async drainSends(maxMs: number): Promise<void> {
    if (this.pendingSends === 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, maxMs);
      this.sendsDrained = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Arms one timer for the machine's next deadline (re-armed only when the deadline moves earlier). */
  private schedule(): void {
    if (this.closed) return;
    const at = this.machine.nextDeadline();
    if (at >= this.timerAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    if (!Number.isFinite(at)) return;
    this.timer = setTimeout(() => {
      // Tick from the check phase: packets that arrived while this timer was due (an event-loop stall)
      // are read in the poll phase first, so a late ack counts before its deadline is judged.
      setImmediate(() => this.run());
    }, Math.max(0, at - performance.now()));
    this.timer.unref();
  }

  private run(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.closed) return;
    this.machine.tick();
    this.schedule();
  }
}
