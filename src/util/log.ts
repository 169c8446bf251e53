// JSON-lines logging with upstream MetalLB's keys: ts (RFC3339), caller, level (debug|info|warn|error),
// msg, plus context keys (op, event, error, protocol, ips, pool, peer, reason, ...).
import { pino, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'all' | 'debug' | 'info' | 'warn' | 'error' | 'none';
export const LOG_LEVELS: LogLevel[] = ['all', 'debug', 'info', 'warn', 'error', 'none'];

export type Logger = PinoLogger;

const pinoLevel: Record<LogLevel, string> = {
  all: 'debug', debug: 'debug', info: 'info', warn: 'warn', error: 'error', none: 'silent',
};

/** Keys whose values must never reach a log line. */
const REDACT = ['password', '*.password', 'peer.password', 'config.password'];

export function createLogger(level: LogLevel = 'info', destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level: pinoLevel[level],
      base: undefined,
      messageKey: 'msg',
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '<retracted>' },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** A child logger carrying the caller key (file name of the component). */
export function componentLogger(parent: Logger, caller: string): Logger {
  return parent.child({ caller });
}

/** Mapping of --log-level to FRR's `log stdout <level>` (upstream spec 4.2). */
export function frrLogLevel(level: LogLevel): 'debugging' | 'informational' | 'warnings' | 'error' | 'emergencies' {
  switch (level) {
    case 'all':
    case 'debug':
      return 'debugging';
    case 'info':
      return 'informational';
    case 'warn':
      return 'warnings';
    case 'error':
      return 'error';
    case 'none':
      return 'emergencies';
  }
}

export function parseLogLevel(text: string): LogLevel {
  if ((LOG_LEVELS as string[]).includes(text)) return text as LogLevel;
  throw new Error(`invalid --log-level "${text}": use one of ${LOG_LEVELS.join(', ')}`);
}
