// What a must-gather takes from one FRR: its files and the output of the vtysh commands support asks
// for (the MetalLB operator's must-gather list, plus the JSON forms and the troubleshooting views).
import type { Bundle } from './bundle.js';

/** Files of the FRR configuration folder; frr.log exists only when FRR logs to a file. */
export const FRR_FILES = ['frr.conf', 'frr.log', 'daemons', 'vtysh.conf'] as const;

export const VTYSH_COMMANDS = [
  'show running-config',
  'show bgp ipv4',
  'show bgp ipv4 json',
  'show bgp ipv6',
  'show bgp ipv6 json',
  'show bgp neighbors',
  'show bgp neighbors json',
  'show bfd peers',
  'show bfd peers json',
  'show bfd peers counters json',
  'show bfd peers brief',
  'show bgp summary',
  'show bgp vrf all summary json',
  'show daemons',
  'show version',
] as const;

/** How to reach one FRR: locally (files + vtysh -N) or inside a pod's frr container (exec). */
export interface FrrAccess {
  /** File content, or undefined when the file does not exist. */
  readFile(name: (typeof FRR_FILES)[number]): Promise<string | undefined>;
  /** Output of one vtysh command; throws with vtysh's message when it fails. */
  vtysh(command: string): Promise<string>;
  /** Where files come from, for the index (e.g. "/etc/frr/mtmg-a"). */
  readonly location: string;
}

/** "show bgp ipv4 json" -> "show-bgp-ipv4.json"; others end in .txt. */
export function commandFileName(command: string): string {
  const json = / json$/.test(command);
  const base = command.replace(/ json$/, '').trim().replace(/[^A-Za-z0-9]+/g, '-');
  return `${base}.${json ? 'json' : 'txt'}`;
}

export async function collectFrr(bundle: Bundle, access: FrrAccess, prefix: string): Promise<void> {
  for (const name of FRR_FILES) {
    const path = `${prefix}/etc-frr/${name}`;
    const source = `${access.location}/${name}`;
    await bundle.step(path, source, async () => {
      const text = await access.readFile(name);
      if (text === undefined) bundle.absent(path, source);
      else await bundle.addText(path, source, text);
    });
  }
  for (const command of VTYSH_COMMANDS) {
    const path = `${prefix}/vtysh/${commandFileName(command)}`;
    await bundle.step(path, `vtysh -c '${command}'`, async () => {
      await bundle.addText(path, `vtysh -c '${command}'`, await access.vtysh(command));
    });
  }
}
