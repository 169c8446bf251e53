// Classic BPF programs attached to the packet sockets so that only the frames the responders handle
// cross into user space: the IPv6 socket would otherwise see every IPv6 packet on the link.
// Offsets assume an untagged Ethernet header (the kernel strips VLAN tags before the filter runs).

export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const LD_H_ABS = 0x28;
const LD_B_ABS = 0x30;
const JMP_JEQ_K = 0x15;
const RET_K = 0x06;
const ACCEPT = 0x40000; // snap length: the whole frame
const DROP = 0;

const ld = (code: number, k: number): BpfInstruction => ({ code, jt: 0, jf: 0, k });
const jeq = (k: number, jt: number, jf: number): BpfInstruction => ({ code: JMP_JEQ_K, jt, jf, k });
const ret = (k: number): BpfInstruction => ({ code: RET_K, jt: 0, jf: 0, k });

/** ARP requests and replies (ARP opcode at offset 20). */
export const ARP_FILTER: readonly BpfInstruction[] = [
  ld(LD_H_ABS, 12), // 0: EtherType
  jeq(0x0806, 0, 4), // 1: ARP? else drop (6)
  ld(LD_H_ABS, 20), // 2: ARP operation
  jeq(1, 1, 0), // 3: request -> accept (5)
  jeq(2, 0, 1), // 4: reply -> accept (5), else drop (6)
  ret(ACCEPT), // 5
  ret(DROP), // 6
];

/** ICMPv6 Neighbor Solicitations and Advertisements that follow the IPv6 header directly. */
export const NDP_FILTER: readonly BpfInstruction[] = [
  ld(LD_H_ABS, 12), // 0: EtherType
  jeq(0x86dd, 0, 6), // 1: IPv6? else drop (8)
  ld(LD_B_ABS, 20), // 2: next header
  jeq(58, 0, 4), // 3: ICMPv6? else drop (8)
  ld(LD_B_ABS, 54), // 4: ICMPv6 type
  jeq(135, 1, 0), // 5: NS -> accept (7)
  jeq(136, 0, 1), // 6: NA -> accept (7), else drop (8)
  ret(ACCEPT), // 7
  ret(DROP), // 8
];

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** struct sock_filter[] as the kernel reads it: u16 code, u8 jt, u8 jf, u32 k, in host byte order. */
export function packBpf(program: readonly BpfInstruction[]): Buffer {
  const out = Buffer.alloc(program.length * 8);
  program.forEach((ins, i) => {
    const o = i * 8;
    if (hostIsLittleEndian) {
      out.writeUInt16LE(ins.code, o);
      out.writeUInt32LE(ins.k >>> 0, o + 4);
    } else {
      out.writeUInt16BE(ins.code, o);
      out.writeUInt32BE(ins.k >>> 0, o + 4);
    }
    out[o + 2] = ins.jt;
    out[o + 3] = ins.jf;
  });
  return out;
}
