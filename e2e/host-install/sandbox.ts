// Runs a command the way the shipped systemd unit runs ExecStart, on machines where systemd is not
// PID 1: as the unit's user with its groups (made by systemd-sysusers from the shipped sysusers.d file
// into a copy of /etc, bind-mounted in a private mount namespace, so the host's /etc is untouched),
// with only CAP_NET_RAW (ambient and bounding set, as AmbientCapabilities=/CapabilityBoundingSet=),
// NoNewPrivileges, systemd's clean environment, and the file system sandbox: every mount read-only
// except the given writable paths (ProtectSystem=strict + ReadWritePaths=/StateDirectory=), /home,
// /root and /run/user hidden (ProtectHome=yes), private /tmp and /var/tmp (PrivateTmp=yes).
import { execa } from 'execa';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceUser {
  /** a copy of /etc with the unit's user added */
  etc: string;
  name: string;
  uid: number;
  gid: number;
  /** supplementary group names */
  groups: string[];
}

/** Applies a sysusers.d file to a copy of this host's user database under `root`. */
export async function sysusersInCopy(root: string, sysusersFile: string, name: string): Promise<ServiceUser> {
  const etc = join(root, 'etc');
  mkdirSync(etc, { recursive: true });
  for (const f of ['passwd', 'group', 'shadow', 'gshadow']) copyFileSync(join('/etc', f), join(etc, f));
  await execa('systemd-sysusers', [`--root=${root}`, sysusersFile]);
  const pw = readFileSync(join(etc, 'passwd'), 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!pw) throw new Error(`systemd-sysusers did not create user ${name} from ${sysusersFile}`);
  const [, , uid, gid] = pw.split(':');
  const groups = readFileSync(join(etc, 'group'), 'utf8').split('\n')
    .filter((l) => l.split(':')[3]?.split(',').includes(name)).map((l) => l.split(':')[0]);
  return { etc, name, uid: Number(uid), gid: Number(gid), groups };
}

const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * argv for `ip netns exec NS <argv>`: a private mount namespace set up like the unit's sandbox, then
 * setpriv to the user, then `env -i` with systemd's environment for a service with User=.
 */
export function sandboxedArgv(o: { user: ServiceUser; writable: string[]; env: Record<string, string>; argv: string[] }): string[] {
  const u = o.user;
  for (const w of o.writable) if (!/^[\w/.-]+$/.test(w)) throw new Error(`writable path ${w}: use letters, digits, / . _ - only`);
  // case patterns: unquoted, so that /proc/* is a glob
  const skip = ['/proc', '/proc/*', '/sys', '/sys/*', '/dev', '/dev/*', ...o.writable].join('|');
  const script = [
    'set -e',
    `for f in passwd group shadow gshadow; do mount --bind ${q(u.etc)}/$f /etc/$f; done`,
    ...o.writable.map((w) => `mount --bind ${q(w)} ${q(w)}`),
    // ProtectSystem=strict: every other mount read-only; the API file systems stay as they are
    `awk '{print $5}' /proc/self/mountinfo | sort -u | while read -r m; do case "$m" in ${skip}) ;; *) mount -o remount,bind,ro "$m" 2>/dev/null || true ;; esac; done`,
    // ProtectHome=yes (empty, read-only) and PrivateTmp=yes (empty, writable)
    'for d in /home /root /run/user; do if [ -d "$d" ]; then mount -t tmpfs -o ro,mode=0755 tmpfs "$d"; fi; done',
    'for d in /tmp /var/tmp; do mount -t tmpfs -o mode=1777 tmpfs "$d"; done',
    `exec setpriv --reuid=${u.name} --regid=${u.name} --init-groups --inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw `
      + `--bounding-set=-all,+net_raw --no-new-privs -- env -i ${Object.entries(o.env).map(([k, v]) => q(`${k}=${v}`)).join(' ')} "$@"`,
  ].join('\n');
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sandbox', ...o.argv];
}

/** systemd's environment for a service with User= (PATH default, HOME and the user's names). */
export function serviceEnv(user: ServiceUser, home: string, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: home, USER: user.name, LOGNAME: user.name, SHELL: '/usr/sbin/nologin',
    ...extra,
  };
}

/** The ExecStart= command line of a unit file, split as systemd splits it (no quotes in ours). */
export function execStart(unitText: string): string[] {
  const line = unitText.split('\n').find((l) => l.startsWith('ExecStart='));
  if (!line) throw new Error('the unit has no ExecStart=');
  return line.slice('ExecStart='.length).trim().split(/\s+/);
}

/** Uid, groups, capabilities and no_new_privs of a running process, from /proc. */
export function credentials(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):\s*(.*)$/.exec(l);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}
