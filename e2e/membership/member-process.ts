// One membership member as its own process, for the network-namespace tests
// (`ip netns exec <ns> node dist/e2e/membership/member-process.js '<json>'`).
// Argument: {"name", "bindAddress", "port", "secretFile", "members": [{name, address, port?}]}.
// Prints one JSON line per member change: {"event": {name, state, previous, incarnation, reason}, "at": ms},
// after a first {"ready": true}. Closing stdin = a planned stop (leave, then exit); SIGKILL = a crash.
import { readSecretFile } from '../../src/layer2/membership/secret.js';
import { UdpMembership } from '../../src/layer2/membership/udp.js';
import type { MemberAddress } from '../../src/layer2/membership/types.js';
import { createLogger } from '../../src/util/log.js';

const cfg = JSON.parse(process.argv[2] ?? '{}') as { name: string; bindAddress: string; port: number; secretFile: string; members: MemberAddress[] };
const key = await readSecretFile(cfg.secretFile);
const ml = await UdpMembership.start({
  name: cfg.name, bindAddress: cfg.bindAddress, port: cfg.port, memberPort: cfg.port, key,
  logger: createLogger('info', process.stderr),
});
ml.onChange((event) => process.stdout.write(`${JSON.stringify({ event, at: Date.now() })}\n`));
ml.setMembers(cfg.members);
process.stdout.write(`${JSON.stringify({ ready: true, live: [...ml.liveMembers()] })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void ml.close({ leave: true }).then(() => process.exit(0));
});
