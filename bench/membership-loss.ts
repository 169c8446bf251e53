// False alarms under random packet loss, in the fake-clock simulator (no sockets): 5 members with the
// default timings, each packet lost independently with probability p, 10 simulated minutes per rate.
// Counts suspicions (harmless: refuted) and false deaths (a live member dropped from someone's live set).
//
//   npx tsc -p tsconfig.build.json && node dist/bench/membership-loss.js [--minutes 10]
import { seededRandom, SimNetwork } from '../src/layer2/membership/sim-network.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

const minutes = Number(arg('minutes', '10'));
const results = [];
for (const loss of [0.01, 0.05, 0.1, 0.2]) {
  const net = new SimNetwork({ names: ['n1', 'n2', 'n3', 'n4', 'n5'], seed: 42 });
  const lose = seededRandom(4242);
  net.dropIf = () => lose() < loss;
  const started = performance.now();
  net.run(minutes * 60_000);
  const observed = net.events.filter((e) => e.reason !== 'added');
  results.push({
    loss,
    simulatedMinutes: minutes,
    packets: net.sent.length,
    suspicions: observed.filter((e) => e.state === 'suspect').length,
    falseDeaths: observed.filter((e) => e.state === 'dead').length,
    wallMs: Math.round(performance.now() - started),
  });
  net.sent.length = 0;
}
console.log(JSON.stringify({ benchmark: 'membership-loss', members: 5, timings: 'defaults', results }, null, 2));
