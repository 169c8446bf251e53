// Answers ARP requests for announced IPv4 service IPs on one interface (spec 7.3).
import { BROADCAST_MAC } from '../frames/addr.js';
import { ARP_REPLY, ARP_REQUEST, arpReplyFrame, decodeArpFrame, gratuitousArpFrame } from '../frames/arp.js';
import type { QualifiedInterface } from '../interfaces.js';
import type { FrameSocket } from '../packet-socket.js';
import type { OpenSocket, Responder, ResponderContext } from './responder.js';

export class ArpResponder implements Responder {
  readonly kind = 'arp' as const;
  private readonly socket: FrameSocket;

  constructor(readonly iface: QualifiedInterface, open: OpenSocket, private readonly ctx: ResponderContext) {
    this.socket = open(iface.name, 'arp', (frame) => this.onFrame(frame));
  }

  private onFrame(frame: Buffer): void {
    const f = decodeArpFrame(frame);
    if (!f || f.arp.op !== ARP_REQUEST) return; // replies (including other nodes' gratuitous ones) are not ours to answer
    if (f.ethDst !== BROADCAST_MAC && f.ethDst !== this.iface.mac) return;
    const ip = f.arp.targetIP;
    if (!this.ctx.shouldAnswer(ip, this.iface.name)) return;
    this.ctx.metrics.requestReceived(ip);
    this.ctx.log.debug({ interface: this.iface.name, ip, senderIP: f.arp.senderIP, senderMAC: f.arp.senderMAC, responseMAC: this.iface.mac, msg: 'got ARP request for service IP, sending response' });
    try {
      this.socket.send(arpReplyFrame(f.arp, this.iface.mac, ip));
      this.ctx.metrics.responseSent(ip);
    } catch (e) {
      this.ctx.log.error({ op: 'arpReply', interface: this.iface.name, ip, error: (e as Error).message, msg: 'failed to send ARP reply' });
    }
  }

  gratuitous(ip: string): number {
    let sent = 0;
    for (const op of [ARP_REQUEST, ARP_REPLY] as const) {
      this.socket.send(gratuitousArpFrame(op, this.iface.mac, ip));
      this.ctx.metrics.gratuitousSent(ip);
      sent++;
    }
    return sent;
  }

  close(): void {
    this.socket.close();
  }
}
