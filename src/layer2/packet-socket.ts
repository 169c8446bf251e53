// Typed wrapper over the AF_PACKET addon (native/src/af_packet.cc): one raw socket per interface and
// protocol, frames delivered to a callback on the main event loop.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { macBytes } from './frames/addr.js';
import { ARP_FILTER, NDP_FILTER, packBpf, type BpfInstruction } from './frames/bpf.js';

export const ETH_P_ARP = 0x0806;
export const ETH_P_IPV6 = 0x86dd;

const ADDON = join('native', 'build', 'Release', 'af_packet.node');

interface NativeSocket {
  readonly ifindex: number;
  readonly open: boolean;
  send(frame: Buffer): number;
  addMembership(mac: Buffer): void;
  dropMembership(mac: Buffer): void;
  close(): void;
  ref(): void;
  unref(): void;
}

interface NativeAddon {
  PacketSocket: new (ifname: string, protocol: number, filter: Buffer | null, onFrame: (frame: Buffer) => void) => NativeSocket;
}

let addon: NativeAddon | undefined;

/** Walks up from this file to the repository root (works from src/ under jest and from dist/). */
function findAddon(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, ADDON);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The addon, loaded once. METALLB_TS_AF_PACKET may name the .node file (e.g. an installed copy). */
export function loadAddon(): NativeAddon {
  if (addon) return addon;
  const path = process.env.METALLB_TS_AF_PACKET ?? findAddon();
  if (!path || !existsSync(path)) {
    throw new Error(`the AF_PACKET addon (${path ?? ADDON}) is not built: install build-essential and python3 (Debian), then run `
      + '`npm rebuild -g metallb-ts` (installed package) or `npm run build:native` (a clone)');
  }
  addon = createRequire(import.meta.url)(path) as NativeAddon;
  return addon;
}

/** What the announcer needs from a socket; the unit tests provide an in-memory one. */
export interface FrameSocket {
  send(frame: Buffer): void;
  addMembership(mac: string): void;
  dropMembership(mac: string): void;
  close(): void;
}

export type SocketKind = 'arp' | 'ndp';

export interface OpenOptions {
  ifname: string;
  protocol: number;
  /** classic BPF program; only matching frames reach onFrame */
  filter?: readonly BpfInstruction[];
  onFrame: (frame: Buffer) => void;
}

export class PacketSocket implements FrameSocket {
  private readonly sock: NativeSocket;

  constructor(readonly opts: OpenOptions) {
    const { PacketSocket: Native } = loadAddon();
    this.sock = new Native(opts.ifname, opts.protocol, opts.filter ? packBpf(opts.filter) : null, opts.onFrame);
  }

  get ifindex(): number {
    return this.sock.ifindex;
  }

  get isOpen(): boolean {
    return this.sock.open;
  }

  send(frame: Buffer): void {
    this.sock.send(frame);
  }

  /** Joins a link-layer multicast group (e.g. a solicited-node MAC, 33:33:ff:xx:xx:xx). */
  addMembership(mac: string): void {
    this.sock.addMembership(macBytes(mac));
  }

  dropMembership(mac: string): void {
    this.sock.dropMembership(macBytes(mac));
  }

  /** Lets the process exit while the socket is open. */
  unref(): void {
    this.sock.unref();
  }

  close(): void {
    this.sock.close();
  }
}

/** A socket that receives ARP (kind 'arp') or ICMPv6 NS/NA (kind 'ndp') on one interface. */
export function openFrameSocket(ifname: string, kind: SocketKind, onFrame: (frame: Buffer) => void): PacketSocket {
  return kind === 'arp'
    ? new PacketSocket({ ifname, protocol: ETH_P_ARP, filter: ARP_FILTER, onFrame })
    : new PacketSocket({ ifname, protocol: ETH_P_IPV6, filter: NDP_FILTER, onFrame });
}
