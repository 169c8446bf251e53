// FRR on this host: files from /etc/frr (or /etc/frr/<pathspace>), commands through `vtysh -N`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { FrrAccess } from './frr-collect.js';

export interface LocalFrrOptions {
  /** vtysh -N pathspace; FRR's folders are then /etc/frr/<ps> and /var/run/frr/<ps> */
  pathspace?: string;
  /** configuration folder, when not the default for the pathspace */
  frrDir?: string;
  /** seconds one vtysh command may take */
  timeoutSeconds?: number;
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function localFrr(opts: LocalFrrOptions = {}): FrrAccess {
  const dir = opts.frrDir ?? (opts.pathspace ? `/etc/frr/${opts.pathspace}` : '/etc/frr');
  const logDir = opts.pathspace ? `/var/log/frr/${opts.pathspace}` : '/var/log/frr';
  const ps = opts.pathspace ? ['-N', opts.pathspace] : [];
  return {
    location: dir,
    async readFile(name) {
      const text = await readIfPresent(join(dir, name));
      // FRR packages log to /var/log/frr when `log file` has no folder of its own.
      if (text === undefined && name === 'frr.log') return readIfPresent(join(logDir, name));
      return text;
    },
    async vtysh(command) {
      const r = await execa('vtysh', [...ps, '-c', command], { reject: false, timeout: (opts.timeoutSeconds ?? 30) * 1000, env: { VTYSH_HISTFILE: '/dev/null' } });
      if (r.exitCode !== 0 || r.timedOut) {
        throw new Error(`vtysh ${ps.join(' ')} -c '${command}' failed${r.timedOut ? ' (timed out)' : ` (exit ${r.exitCode})`}: ${String(r.stderr || r.stdout).trim()}`);
      }
      return String(r.stdout);
    },
  };
}
