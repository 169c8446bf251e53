// Runs notify-receiver.py (a stand-in for systemd's $NOTIFY_SOCKET) and collects what it received.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface NotifyMessage {
  pid: number;
  uid: number;
  /** the sender's parent, grandparent, ... (read while the sender waited for the barrier) */
  ancestors: number[];
  fields: Record<string, string>;
}

export class NotifyReceiver {
  readonly messages: NotifyMessage[] = [];
  readonly refused: string[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly path: string, private readonly proc: ChildProcess) {}

  /** Starts the receiver on a socket at `path` (its folder must exist); resolves once it listens. */
  static async start(path: string): Promise<NotifyReceiver> {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'notify-receiver.py');
    const proc = spawn('python3', [script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const r = new NotifyReceiver(path, proc);
    await new Promise<void>((resolve, reject) => {
      proc.once('error', reject);
      proc.once('exit', (code) => reject(new Error(`notify-receiver.py exited (${code}) before listening`)));
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        const m = JSON.parse(line) as Partial<NotifyMessage> & { listening?: string; refused?: string };
        if (m.listening) resolve();
        else if (m.refused !== undefined) r.refused.push(m.refused);
        else r.messages.push(m as NotifyMessage);
        for (const w of r.waiters.splice(0)) w();
      });
    });
    return r;
  }

  /** The first message (from index `from` on) with this field, waiting up to timeoutMs. */
  async waitFor(field: string, timeoutMs: number, from = 0): Promise<NotifyMessage> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.messages.slice(from).find((m) => field in m.fields);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`no ${field}= notification within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.fields))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  stop(): void {
    if (this.proc.pid && this.proc.exitCode === null) this.proc.kill('SIGTERM');
  }
}
