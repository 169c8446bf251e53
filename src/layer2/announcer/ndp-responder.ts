// Answers Neighbor Solicitations for announced IPv6 service IPs on one interface (spec 7.3), and
// keeps the interface listening to the solicited-node groups of those IPs.
import { isMulticastMAC } from '../frames/addr.js';
import { multicastMAC, solicitedNodeAddress } from '../frames/ipv6.js';
import { decodeNdpFrame, solicitedAdvertisementFrame, unsolicitedAdvertisementFrame } from '../frames/ndp.js';
import type { QualifiedInterface } from '../interfaces.js';
import type { FrameSocket } from '../packet-socket.js';
import type { OpenSocket, Responder, ResponderContext } from './responder.js';

export class NdpResponder implements Responder {
  readonly kind = 'ndp' as const;
  private readonly socket: FrameSocket;
  /** IPs whose group this responder joined, and users per group MAC (several IPs share a group). */
  private readonly joined = new Set<string>();
  private readonly groupUsers = new Map<string, number>();

  constructor(readonly iface: QualifiedInterface, open: OpenSocket, private readonly ctx: ResponderContext) {
    // An interface without a link-local address has no working IPv6 (spec 7.3 qualifies on it).
    if (!iface.linkLocal) throw new Error(`interface ${iface.name} has no IPv6 link-local address: cannot answer NDP`);
    this.socket = open(iface.name, 'ndp', (frame) => this.onFrame(frame));
  }

  private onFrame(frame: Buffer): void {
    const f = decodeNdpFrame(frame);
    if (!f || f.message.type !== 'ns') return;
    // Solicitations come to a solicited-node group or, for reachability checks, to our own MAC.
    if (f.ethDst !== this.iface.mac && !isMulticastMAC(f.ethDst)) return;
    // Without a source link-layer address we would have to resolve the sender first (and a DAD probe
    // from :: has none): upstream answers only solicitations that carry one.
    const lla = f.message.sourceLLA;
    if (!lla) return;
    const ip = f.message.target;
    if (!this.ctx.shouldAnswer(ip, this.iface.name)) return;
    this.ctx.metrics.requestReceived(ip);
    this.ctx.log.debug({ interface: this.iface.name, ip, senderIP: f.src, senderLLAddr: lla, responseMAC: this.iface.mac, msg: 'got NDP neighbor solicitation for service IP, sending response' });
    try {
      this.socket.send(solicitedAdvertisementFrame({ src: f.src, sourceLLA: lla }, this.iface.mac, ip));
      this.ctx.metrics.responseSent(ip);
    } catch (e) {
      this.ctx.log.error({ op: 'ndpReply', interface: this.iface.name, ip, error: (e as Error).message, msg: 'failed to send neighbor advertisement' });
    }
  }

  /** Makes the joined groups exactly those of `ips` (the IPv6 IPs announced on this interface). */
  syncGroups(ips: Iterable<string>): void {
    const want = new Set(ips);
    for (const ip of [...this.joined]) if (!want.has(ip)) this.leave(ip);
    for (const ip of want) if (!this.joined.has(ip)) this.join(ip);
  }

  joinedIPs(): string[] {
    return [...this.joined];
  }

  private join(ip: string): void {
    const mac = multicastMAC(solicitedNodeAddress(ip));
    const users = this.groupUsers.get(mac) ?? 0;
    if (users === 0) {
      try {
        this.socket.addMembership(mac);
      } catch (e) {
        this.ctx.log.error({ op: 'joinGroup', interface: this.iface.name, ip, group: mac, error: (e as Error).message, msg: 'failed to join solicited-node multicast group' });
        return; // not recorded: the next sync retries
      }
    }
    this.groupUsers.set(mac, users + 1);
    this.joined.add(ip);
  }

  private leave(ip: string): void {
    const mac = multicastMAC(solicitedNodeAddress(ip));
    this.joined.delete(ip);
    const users = (this.groupUsers.get(mac) ?? 1) - 1;
    if (users > 0) {
      this.groupUsers.set(mac, users);
      return;
    }
    this.groupUsers.delete(mac);
    try {
      this.socket.dropMembership(mac);
    } catch (e) {
      this.ctx.log.warn({ op: 'leaveGroup', interface: this.iface.name, ip, group: mac, error: (e as Error).message, msg: 'failed to leave solicited-node multicast group' });
    }
  }

  gratuitous(ip: string): number {
    this.socket.send(unsolicitedAdvertisementFrame(this.iface.mac, ip));
    this.ctx.metrics.gratuitousSent(ip);
    return 1;
  }

  close(): void {
    this.socket.close();
    this.joined.clear();
    this.groupUsers.clear();
  }
}
