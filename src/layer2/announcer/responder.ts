// What the ARP and NDP responders share: the announcer's view of which IPs to answer where.
import type { Logger } from '../../util/log.js';
import type { QualifiedInterface } from '../interfaces.js';
import type { FrameSocket, SocketKind } from '../packet-socket.js';
import type { Layer2Metrics } from './metrics.js';

export type OpenSocket = (ifname: string, kind: SocketKind, onFrame: (frame: Buffer) => void) => FrameSocket;

export interface ResponderContext {
  /** True when `ip` is announced now and its advertisement allows interface `ifname`. */
  shouldAnswer(ip: string, ifname: string): boolean;
  metrics: Layer2Metrics;
  log: Logger;
}

export interface Responder {
  readonly kind: SocketKind;
  readonly iface: QualifiedInterface;
  /** Sends this interface's gratuitous packets for `ip`; returns how many went out. */
  gratuitous(ip: string): number;
  close(): void;
}
