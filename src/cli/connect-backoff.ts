/**
 * Connecting to a server that may not be up yet (`webwx worker` at start: PostgreSQL and Redis). A
 * worker started alongside its servers, or on a loaded machine where a connection takes longer than
 * the driver's timeout, must not exit: it tries again with a growing pause (0.5 s doubling up to
 * 10 s), logging each failed attempt, until it connects or its signal aborts. Errors that no retry can
 * cure (a missing driver, a database of a newer version) are thrown at once.
 */
import type { Logger } from '../logger.js';
import { redact } from '../redact.js';
import { CliError } from './cli-io.js';

/** The pauses between attempts: the first, and the ceiling it doubles up to (ms). */
export interface Backoff {
  firstMs: number;
  maxMs: number;
}

/** 0.5 s, doubling, at most 10 s. */
export const CONNECT_BACKOFF: Backoff = { firstMs: 500, maxMs: 10_000 };

/** True for failures a later attempt cannot fix (the message says what to install or upgrade). */
export function isPermanent(error: unknown): boolean {
  const e = error as { kind?: unknown; problem?: unknown; message?: unknown };
  if (e?.kind === 'incompatible') return true;
  return /optional dependency|could not be loaded|has no (Pool|Redis)/.test(String(e?.message ?? ''));
}

/** A message without URL passwords (`//user:secret@`) or the tokens redact() knows. */
function withoutSecrets(text: string): string {
  return redact(text.replace(/(\/\/[^/:@\s]*:)[^@\s]*@/g, '$1***@'));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * `connect()` until it resolves: each failure is logged (`what`, the attempt, the next pause; the
 * message without secrets) and retried after a back-off. CliError 'interrupted' when `signal` aborts
 * first; a permanent failure (see {@link isPermanent}) is rethrown.
 */
export async function connectWithBackoff<T>(
  what: string,
  connect: () => Promise<T>,
  options: { logger: Logger; signal: AbortSignal; backoff?: Backoff },
): Promise<T> {
  const { firstMs, maxMs } = options.backoff ?? CONNECT_BACKOFF;
  let wait = firstMs;
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted) throw new CliError(`interrupted while connecting to ${what}`, 130);
    try {
      return await connect();
    } catch (error) {
      if (isPermanent(error)) throw error;
      options.logger.warn(
        { attempt, retryInMs: wait, error: withoutSecrets(String((error as Error)?.message ?? error)) },
        `cannot connect to ${what}: retrying`,
      );
      await pause(wait, options.signal);
      wait = Math.min(maxMs, wait * 2);
    }
  }
}
