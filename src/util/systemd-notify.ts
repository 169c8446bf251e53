// systemd's readiness protocol (sd_notify) for a service started with Type=notify: READY=1, STATUS=...,
// STOPPING=1 sent to the datagram socket named by $NOTIFY_SOCKET. Node has no unix datagram sockets,
// so the messages go through `systemd-notify` (package systemd, present wherever systemd runs the
// service), which needs NotifyAccess=all in the unit (the sender is a child process). It waits until
// the manager has processed the message (its default since systemd 246), so the message is not lost
// when the short-lived sender is gone before systemd looks up whose it is. The native addon could
// send it directly, but it is optional (no compiler, no addon) and readiness must never depend on it.
//
// Without $NOTIFY_SOCKET (not under systemd) every call does nothing.
import { execa } from 'execa';

export interface Notifier {
  /** true when a service manager listens ($NOTIFY_SOCKET set) */
  readonly enabled: boolean;
  /** Sends "KEY=value" assignments (READY=1, STATUS=..., STOPPING=1); resolves when delivered or failed. */
  notify(fields: Record<string, string>): Promise<void>;
}

export interface NotifierOptions {
  env?: NodeJS.ProcessEnv;
  /** the sender program; default `systemd-notify` from PATH */
  command?: string;
  /** a failure to notify (logged by the caller; the service keeps running) */
  onError?: (err: Error) => void;
}

export function systemdNotifier(o: NotifierOptions = {}): Notifier {
  const env = o.env ?? process.env;
  const enabled = Boolean(env.NOTIFY_SOCKET);
  // One message at a time, in order: a STATUS= must not overtake the READY=1 before it.
  let queue = Promise.resolve();
  return {
    enabled,
    notify(fields) {
      if (!enabled) return Promise.resolve();
      // systemd-notify takes "KEY=value" arguments; a newline would start a new assignment.
      const args = Object.entries(fields).map(([k, v]) => `${k}=${v.replace(/\s*\n\s*/g, ' ')}`);
      queue = queue.then(async () => {
        const r = await execa(o.command ?? 'systemd-notify', args, { env, extendEnv: false, reject: false, timeout: 10_000 });
        if (r.exitCode !== 0) {
          const why = r.failed && r.exitCode === undefined ? r.shortMessage : `exit ${r.exitCode}: ${String(r.stderr).trim()}`;
          o.onError?.(new Error(`systemd-notify ${args.join(' ')} failed (${why})`));
        }
      });
      return queue;
    },
  };
}
