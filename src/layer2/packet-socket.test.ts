import { afterEach, describe, expect, test } from '@jest/globals';
import { loadAddon, openFrameSocket } from './packet-socket.js';

// Loading only: opening sockets needs a namespace and is covered by e2e/layer2/packet-socket.test.ts.
describe('packet socket addon loading', () => {
  const saved = process.env.METALLB_TS_AF_PACKET;
  afterEach(() => {
    if (saved === undefined) delete process.env.METALLB_TS_AF_PACKET;
    else process.env.METALLB_TS_AF_PACKET = saved;
  });

  test('a missing build says how to make it', () => {
    process.env.METALLB_TS_AF_PACKET = '/nonexistent/af_packet.node';
    expect(() => loadAddon()).toThrow('the AF_PACKET addon (/nonexistent/af_packet.node) is not built: install build-essential and python3 (Debian)');
    expect(() => openFrameSocket('eth0', 'arp', () => undefined)).toThrow(/`npm rebuild -g metallb-ts` \(installed package\) or `npm run build:native` \(a clone\)/);
  });
});
