/**
 * Retry policy: whether an error is worth retrying is decided by its class, the delay by exponential
 * backoff with full jitter. Sleeps are abortable and leave no timer behind.
 */
import { ProtocolError, TransportError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redact } from '../redact.js';

/**
 * How often and how long transient failures are retried: the client's `retry` option, whose fields
 * default to 4 attempts, a 500 ms base delay and a 15 s cap.
 */
export interface RetryPolicy {
  /** Total attempts, the first one included (1 = never retry). */
  maxAttempts: number;
  /** The cap of the first retry's delay; doubles with every further attempt. */
  baseDelayMs: number;
  /** No delay exceeds this. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
});

/** BaseResponse.Ret values that mean "try again": -1 (system busy) and 1205 (too frequent). */
export const RETRYABLE_RETS: readonly number[] = [-1, 1205];

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based): a uniformly random
 * value in [0, min(maxDelayMs, baseDelayMs · 2^(attempt-1))) ("full jitter").
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  const base = Math.max(0, policy.baseDelayMs);
  const cap = Math.max(0, Math.min(policy.maxDelayMs, base * 2 ** Math.min(n - 1, 60)));
  let r = random();
  if (!Number.isFinite(r) || r < 0) r = 0;
  if (r >= 1) r = 1 - Number.EPSILON;
  return Math.floor(r * cap);
}

/**
 * Whether `error` is transient. Decided by class: a retryable TransportError (network trouble) or a
 * ProtocolError with a Ret of RETRYABLE_RETS yes; anything else (a parse error, a logout, a refused
 * login, a server that said no) no.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof TransportError) return error.retryable;
  if (error instanceof ProtocolError) return RETRYABLE_RETS.includes(error.ret);
  return false;
}

/** The reason an aborted signal carries, or an AbortError DOMException as Node makes it. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Wait `ms`; rejects with the signal's reason as soon as it aborts, and clears its timer either way. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** How long withRetry waits before the next attempt. */
  delayMs: number;
  error: unknown;
}

export interface WithRetryOptions {
  policy: RetryPolicy;
  signal?: AbortSignal;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  logger?: Logger;
  /** Called before each wait; may not throw (its errors are ignored). */
  onRetry?: (info: RetryInfo) => void;
  /** Override the error-class decision (defaults to isRetryable). */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
}

/**
 * Run `fn(attempt)` (1-based) until it succeeds, the error is not retryable, or `policy.maxAttempts`
 * attempts were made; then rethrow the last error. An abort stops at once with the signal's reason.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: WithRetryOptions): Promise<T> {
  const maxAttempts = Math.max(1, Math.floor(o.policy.maxAttempts) || 1);
  const wait = o.sleep ?? sleep;
  const shouldRetry = o.shouldRetry ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    if (o.signal?.aborted) throw abortReason(o.signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (o.signal?.aborted) throw abortReason(o.signal);
      if (attempt >= maxAttempts || !shouldRetry(error, attempt)) throw error;
      const delayMs = backoffDelay(attempt, o.policy, o.random);
      o.logger?.debug(
        {
          attempt,
          maxAttempts,
          delayMs,
          error: redact(error instanceof Error ? error.message : String(error)),
        },
        'retrying after a transient error',
      );
      try {
        o.onRetry?.({ attempt, delayMs, error });
      } catch {
        // a faulty observer must not change the outcome
      }
      await wait(delayMs, o.signal);
    }
  }
}
