// FRR inside a speaker pod's frr container, reached by exec: `cat` for files, `vtysh -c` for commands.
import type { FrrAccess } from './frr-collect.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** exit code of the command in the container */
  code: number;
}

/** Runs argv in a container (the Kubernetes exec subresource, or a stand-in in tests). */
export type PodExec = (namespace: string, pod: string, container: string, argv: string[]) => Promise<ExecResult>;

export function podFrr(exec: PodExec, namespace: string, pod: string, container = 'frr'): FrrAccess {
  const run = async (argv: string[]) => exec(namespace, pod, container, argv);
  return {
    location: `${namespace}/${pod}/${container}:/etc/frr`,
    async readFile(name) {
      // test -f first: a missing frr.log is expected, any other cat failure is an error.
      const r = await run(['sh', '-c', `if [ -f /etc/frr/${name} ]; then cat /etc/frr/${name}; else exit 3; fi`]);
      if (r.code === 3) return undefined;
      if (r.code !== 0) throw new Error(`cat /etc/frr/${name} in ${pod}/${container} failed (exit ${r.code}): ${r.stderr.trim()}`);
      return r.stdout;
    },
    async vtysh(command) {
      const r = await run(['vtysh', '-c', command]);
      if (r.code !== 0) throw new Error(`vtysh -c '${command}' in ${pod}/${container} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
      return r.stdout;
    },
  };
}
