// Runs an Announcer inside the current network namespace for the layer 2 end-to-end tests and the
// ARP benchmark (`ip netns exec <ns> node dist/e2e/layer2/announcer-runner.js`). Control is one JSON
// command per stdin line; one JSON answer per stdout line:
//   {"set": [{"ip": "...", "interfaces": "all" | ["eth0"]}]}  -> {"ok": true}
//   {"refresh": "ip"}                                         -> {"ok": true}
//   {"metrics": true}                                         -> {"ok": true, "metrics": "<exposition text>"}
//   {"responders": true}                                      -> {"ok": true, "responders": ["arp/eth0", ...]}
// The first line printed is {"ready": true, "responders": [...]} once the interfaces are scanned.
import { createInterface } from 'node:readline';
import { Registry } from 'prom-client';
import { Announcer, type Announcement } from '../../src/layer2/announcer/announcer.js';
import { createLogger } from '../../src/util/log.js';

const registry = new Registry();
const announcer = new Announcer({
  registry,
  rescanIntervalMs: Number(process.env.RESCAN_MS ?? 10_000),
  logger: createLogger(process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info', process.stderr),
});

function answer(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

async function handle(line: string): Promise<void> {
  const cmd = JSON.parse(line) as { set?: Announcement[]; refresh?: string; metrics?: boolean; responders?: boolean };
  if (cmd.set) announcer.setAnnouncements(cmd.set);
  if (cmd.refresh) announcer.refresh(cmd.refresh);
  if (cmd.metrics) return answer({ ok: true, metrics: await registry.metrics() });
  if (cmd.responders) return answer({ ok: true, responders: announcer.responderKeys() });
  answer({ ok: true });
}

await announcer.start();
answer({ ready: true, responders: announcer.responderKeys() });
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  handle(line).catch((e: Error) => answer({ ok: false, error: e.message }));
});
// The test closing our stdin is the signal to stop: close the sockets so the process can exit.
rl.on('close', () => {
  announcer.stop();
});
