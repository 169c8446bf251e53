import { describe, expect, test } from '@jest/globals';
import { ARP_FILTER, NDP_FILTER, packBpf, type BpfInstruction } from './bpf.js';
import { fixture } from '../../../test/fixtures/frames/load.js';
import { gratuitousArpFrame } from './arp.js';

// A tiny classic-BPF interpreter for the instructions the filters use, so the programs are tested
// against real frames without a socket.
function run(program: readonly BpfInstruction[], frame: Buffer): number {
  let a = 0;
  for (let pc = 0; pc < program.length; ) {
    const ins = program[pc];
    switch (ins.code) {
      case 0x28: // ldh [k]
        if (ins.k + 2 > frame.length) return 0;
        a = frame.readUInt16BE(ins.k);
        pc++;
        break;
      case 0x30: // ldb [k]
        if (ins.k + 1 > frame.length) return 0;
        a = frame[ins.k];
        pc++;
        break;
      case 0x15: // jeq #k
        pc += 1 + (a === ins.k ? ins.jt : ins.jf);
        break;
      case 0x06: // ret #k
        return ins.k;
      default:
        throw new Error(`unexpected opcode ${ins.code}`);
    }
  }
  throw new Error('fell off the end of the program');
}

describe('BPF filters on captured frames', () => {
  test.each([
    ['arp-request-arping', true, false],
    ['arp-reply-kernel', true, false],
    ['arp-gratuitous-request-arping', true, false],
    ['ndp-ns-ndisc6', false, true],
    ['ndp-na-kernel', false, true],
    ['icmpv6-router-solicitation', false, false],
  ])('%s: arp=%s ndp=%s', (name, arp, ndp) => {
    expect(run(ARP_FILTER, fixture(name)) > 0).toBe(arp);
    expect(run(NDP_FILTER, fixture(name)) > 0).toBe(ndp);
  });

  test('ARP with another opcode (RARP request, 3) is dropped', () => {
    const f = gratuitousArpFrame(1, '02:00:00:00:0a:01', '192.0.2.10');
    f.writeUInt16BE(3, 20);
    expect(run(ARP_FILTER, f)).toBe(0);
  });

  test('every jump lands inside the program', () => {
    for (const p of [ARP_FILTER, NDP_FILTER]) {
      p.forEach((ins, i) => {
        if (ins.code === 0x15) {
          expect(i + 1 + ins.jt).toBeLessThan(p.length);
          expect(i + 1 + ins.jf).toBeLessThan(p.length);
        }
      });
    }
  });

  test('packing is 8 bytes per instruction in host order', () => {
    const packed = packBpf([{ code: 0x15, jt: 1, jf: 2, k: 0x86dd }]);
    expect(packed.length).toBe(8);
    expect(packed[2]).toBe(1);
    expect(packed[3]).toBe(2);
    const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    expect(le ? packed.readUInt32LE(4) : packed.readUInt32BE(4)).toBe(0x86dd);
    expect(le ? packed.readUInt16LE(0) : packed.readUInt16BE(0)).toBe(0x15);
  });
});
