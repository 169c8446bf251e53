// Exercises the AF_PACKET addon itself inside a namespace, for packet-socket.test.ts. One JSON
// command per stdin line, one JSON answer per stdout line (the first is {"ready": true}):
//   {"open": "id", "kind": "arp" | "ndp"}        open a socket on eth0, record what it receives
//   {"frames": "id"}                             -> {"frames": [hex, ...]} received since the last call
//   {"send": "id", "hex": "..."}                 send a frame
//   {"join" | "drop": "id", "mac": "..."}        link-layer multicast membership
//   {"mcast": true}                              -> {"groups": [...]} this namespace's eth0 link groups
//   {"armThrow": "id"}                           the next frame's callback throws
//   {"armTick": "id"}                            the next frame queues a nextTick and a promise job; the one
//                                                after records whether they had run by then
//   {"sendTwice": "id", "hex": "..."}             send a frame twice back to back (both queue before we wake)
//   {"report": true}                             -> {"uncaught": [...], "order": [...]}
//   {"close": "id"}                              close; then {"send"...} answers the error
//   {"openBad": "ifname"}                        -> {"error": message, "code": code}
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { openFrameSocket, type PacketSocket, type SocketKind } from '../../src/layer2/packet-socket.js';

const sockets = new Map<string, PacketSocket>();
const received = new Map<string, string[]>();
const uncaught: string[] = [];
const order: string[] = [];
let throwOn: string | undefined;
let tickOn: string | undefined;
let tickStage = 0;

process.on('uncaughtException', (e) => {
  uncaught.push(e.message);
});

function answer(obj: object): void {
  process.stdout.write(`${JSON.stringify({ ok: true, ...obj })}\n`);
}

function onFrame(id: string, frame: Buffer): void {
  received.get(id)!.push(frame.toString('hex'));
  if (tickOn === id) {
    // MakeCallback runs the nextTick queue and microtasks as each callback returns, so they have
    // run before the next frame of the same drain is delivered; with a plain call they wait.
    if (tickStage === 0) {
      tickStage = 1;
      process.nextTick(() => order.push('nextTick'));
      void Promise.resolve().then(() => order.push('promise'));
    } else {
      order.push('second frame');
      tickOn = undefined;
    }
  }
  if (throwOn === id) {
    throwOn = undefined;
    throw new Error(`boom in ${id}`);
  }
}

function handle(cmd: Record<string, string>): void {
  if (cmd.open) {
    const id = cmd.open;
    received.set(id, []);
    sockets.set(id, openFrameSocket('eth0', cmd.kind as SocketKind, (f) => onFrame(id, f)));
    return answer({});
  }
  if (cmd.frames) {
    const list = received.get(cmd.frames) ?? [];
    received.set(cmd.frames, []);
    return answer({ frames: list });
  }
  if (cmd.send) {
    try {
      sockets.get(cmd.send)!.send(Buffer.from(cmd.hex, 'hex'));
      return answer({});
    } catch (e) {
      return answer({ error: (e as Error).message });
    }
  }
  if (cmd.join) {
    sockets.get(cmd.join)!.addMembership(cmd.mac);
    return answer({});
  }
  if (cmd.drop) {
    sockets.get(cmd.drop)!.dropMembership(cmd.mac);
    return answer({});
  }
  if (cmd.mcast) {
    // /proc/net/dev_mcast: index name users global address(hex)
    const groups = readFileSync('/proc/net/dev_mcast', 'utf8').split('\n')
      .map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === 'eth0').map((f) => f[4].match(/../g)!.join(':'));
    return answer({ groups });
  }
  if (cmd.armThrow) {
    throwOn = cmd.armThrow;
    return answer({});
  }
  if (cmd.armTick) {
    tickOn = cmd.armTick;
    tickStage = 0;
    return answer({});
  }
  if (cmd.sendTwice) {
    const f = Buffer.from(cmd.hex, 'hex');
    sockets.get(cmd.sendTwice)!.send(f);
    sockets.get(cmd.sendTwice)!.send(f);
    return answer({});
  }
  if (cmd.report) return answer({ uncaught, order });
  if (cmd.close) {
    sockets.get(cmd.close)!.close();
    sockets.get(cmd.close)!.close(); // twice is harmless
    return answer({ open: sockets.get(cmd.close)!.isOpen });
  }
  if (cmd.openBad) {
    try {
      openFrameSocket(cmd.openBad, 'arp', () => undefined);
      return answer({ error: 'opened' });
    } catch (e) {
      return answer({ error: (e as Error).message, code: (e as NodeJS.ErrnoException).code });
    }
  }
  process.stdout.write(`${JSON.stringify({ ok: false, error: `unknown command ${JSON.stringify(cmd)}` })}\n`);
}

// A one-shot mode for the permission test: try to open and print the outcome.
if (process.argv[2] === '--open-once') {
  try {
    openFrameSocket('eth0', 'arp', () => undefined).close();
    console.log(JSON.stringify({ opened: true }));
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message, code: (e as NodeJS.ErrnoException).code }));
  }
} else {
  answer({ ready: true });
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => handle(JSON.parse(line) as Record<string, string>));
  rl.on('close', () => {
    for (const s of sockets.values()) s.close();
  });
}
