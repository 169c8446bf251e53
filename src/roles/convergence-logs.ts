// Writes the log lines the convergence core asks for (upstream's `event` values and keys, see
// ConvergeLog), framed as upstream frames one service update: startUpdate ... endUpdate at debug.
import type { ConvergeLog } from '../controller/converge.js';
import type { Logger } from '../util/log.js';

export function writeServiceUpdateLogs(log: Logger, context: Record<string, unknown>, logs: ConvergeLog[]): void {
  log.debug({ ...context, event: 'startUpdate' }, 'start of service update');
  for (const l of logs) log[l.level]({ ...context, ...l.fields }, l.msg);
  log.debug({ ...context, event: 'endUpdate' }, 'end of service update');
}
