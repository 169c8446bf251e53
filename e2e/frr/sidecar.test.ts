// The sidecar files in frr/ start a working FRR: entrypoint.sh (with a pathspace, inside a lab
// namespace) brings up every daemon of upstream's liveness list under watchfrr, from the small
// bootstrap config, with bgpd not listening; SIGTERM stops FRR.
import { afterAll, describe, expect, it } from '@jest/globals';
import { execa } from 'execa';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { livez } from '../../src/frr/read/reader.js';
import { Vtysh } from '../../src/frr/vtysh.js';
import { Lab, nsExec } from '../harness/netns.js';
import { waitUntil } from './topology.js';

const lab = new Lab('mtfrr');
afterAll(() => lab.cleanup());

function killFrr(ps: string): void {
  const run = `/var/run/frr/${ps}`;
  let files: string[] = [];
  try {
    files = readdirSync(run).filter((f) => f.endsWith('.pid'));
  } catch {
    return;
  }
  for (const f of files) {
    try {
      process.kill(Number(readFileSync(join(run, f), 'utf8').trim()), 'SIGKILL');
    } catch {
      // gone
    }
  }
}

describe('FRR sidecar files', () => {
  it('start FRR with every daemon, bootstrap config, no BGP listener; SIGTERM stops it', async () => {
    const ns = await lab.addNamespace('side');
    lab.onCleanup(async () => {
      killFrr(ns);
      rmSync(`/var/run/frr/${ns}`, { recursive: true, force: true });
      rmSync(`/etc/frr/${ns}`, { recursive: true, force: true });
    });
    // stdio ignored: the daemons it starts would otherwise hold the test's pipes open.
    const script = execa('ip', ['netns', 'exec', ns, join(process.cwd(), 'frr', 'entrypoint.sh'), ns], { stdio: 'ignore', reject: false });
    lab.trackPid(script.pid!);
    const vtysh = new Vtysh({ pathspace: ns });
    await waitUntil('livez', async () => (await livez(vtysh)).ok, 30000, 200);
    const running = await vtysh.show('show running-config');
    expect(running).toContain('log stdout informational');
    expect(running).toContain('ip nht resolve-via-default');
    // bgpd -p 0: nothing listens on TCP 179
    await vtysh.configure(['router bgp 64512']);
    const listening = await nsExec(ns, 'ss', ['-ltnH']);
    expect(listening).not.toMatch(/:179\b/);

    script.kill('SIGTERM');
    const alive = (): boolean => {
      try {
        process.kill(script.pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitUntil('entrypoint exited', async () => !alive(), 15000, 100);
    await script;
    await waitUntil('daemons stopped', async () => !(await livez(vtysh, ['bgpd'])).ok, 15000, 200);
  }, 60000);
});
