// PodExec over the real Kubernetes exec subresource (a WebSocket), as `kubectl exec` does.
import { Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import type { ExecResult, PodExec } from './pod-frr.js';

class Collect extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Exit code from the exec status: Success = 0, NonZeroExitCode carries it in details.causes. */
function exitCode(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  return cause?.message ? Number(cause.message) : 1;
}

export function kubePodExec(kc: KubeConfig, timeoutMs = 60_000): PodExec {
  const exec = new Exec(kc);
  return (namespace, pod, container, argv) =>
    new Promise<ExecResult>((resolve, reject) => {
      const stdout = new Collect();
      const stderr = new Collect();
      let settled = false;
      const finish = (fn: () => void) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          fn();
        }
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`exec ${argv.join(' ')} in ${namespace}/${pod}/${container} timed out`))), timeoutMs);
      exec
        .exec(namespace, pod, container, argv, stdout, stderr, null, false, (status) => {
          finish(() => resolve({ stdout: stdout.text(), stderr: stderr.text(), code: exitCode(status) }));
        })
        .then((ws) => {
          ws.on('close', () => finish(() => resolve({ stdout: stdout.text(), stderr: stderr.text(), code: 0 })));
          ws.on('error', (err: Error) => finish(() => reject(err)));
        })
        .catch((err: unknown) => finish(() => reject(err instanceof Error ? err : new Error(String(err)))));
    });
}
