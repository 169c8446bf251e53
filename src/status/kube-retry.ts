// Retries for API writes: a 409 Conflict, a 429 or a 5xx is someone else's moment, not our error,
// so it is retried with exponential backoff; anything else (404, 422, ...) is returned at once.
// Every attempt is counted, so the benchmark can report API writes per Service.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

export interface RetryOptions {
  attempts?: number;
  initialMs?: number;
  maxMs?: number;
}

/** Counts write requests sent to the API server, by kind of write. */
export class WriteCounter {
  total = 0;
  readonly byKind = new Map<string, number>();
  count(kind: string): void {
    this.total++;
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.byKind].sort());
  }
}

/** HTTP status of a client-node error (ApiException.code), undefined for network errors. */
export function statusCode(err: unknown): number | undefined {
  const c = (err as { code?: unknown; statusCode?: unknown } | undefined)?.code ?? (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof c === 'number' ? c : undefined;
}

export function retriable(err: unknown): boolean {
  const c = statusCode(err);
  return c === undefined || c === 409 || c === 429 || c >= 500;
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 6;
  let delay = opts.initialMs ?? 50;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !retriable(err)) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, opts.maxMs ?? 2000);
    }
  }
}

/** The request option that makes client-node send a JSON merge patch (its default is JSON patch). */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** A short description of a client-node error for logs. */
export function describeError(err: unknown): string {
  const c = statusCode(err);
  const body = (err as { body?: unknown }).body;
  let msg = (err as Error)?.message ?? String(err);
  if (typeof body === 'string') {
    try {
      msg = (JSON.parse(body) as { message?: string }).message ?? msg;
    } catch {
      // keep the exception message
    }
  }
  return c === undefined ? msg : `${msg.split('\n')[0]} (HTTP ${c})`;
}

/** Runs tasks with at most `limit` in flight. */
export async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
