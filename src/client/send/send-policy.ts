/**
 * The one Ret-code policy of sends (docs/sessions.md "What a failed send does"): which failures are
 * final, which are tried again with the same ClientMsgId, after how long, and which end the session.
 * The outbox asks here about every failed send; nothing else in the codebase decides about retrying
 * a send. Pure: no I/O, the clock and the random source come in as arguments.
 */
import { LoggedOutError, ParseError, ProtocolError, sessionEndOf, TransportError } from '../../errors.js';
import { backoffDelay, type RetryPolicy } from '../../transport/index.js';

/** Ret 1205: "sending too often"; the server refused the send, so it is safe to repeat. */
export const RET_RATE_LIMITED = 1205;
/** Ret -1: "system busy"; refused, safe to repeat. */
export const RET_SYSTEM_BUSY = -1;
/** Ret 1204: the recipient is not valid for this session (not a friend, or an old login's UserName). */
export const RET_BAD_RECIPIENT = 1204;

/** What the outbox does with a failed send. */
export type SendAction =
  /** Ret 1205: every send of the account waits `delayMs`, then this one goes again first (same ClientMsgId). */
  | 'pause-all'
  /** A transient failure: this chat waits `delayMs`, then this send goes again first (same ClientMsgId). */
  | 'retry-chat'
  /** 1100/1101/1102: the session is over; with autoRelogin the send waits for the new login. */
  | 'session-ended'
  /** Final: the send rejects with the error and is logged 'failed'. */
  | 'fail';

/** One row of the policy: what a failure is, and what is done with it. */
export interface SendPolicyRow {
  failure: string;
  action: SendAction;
  why: string;
}

/** The policy as a table (docs/sessions.md prints it); the client's `decideSendFailure()` implements it. */
export const SEND_POLICY: readonly SendPolicyRow[] = Object.freeze([
  {
    failure: 'Ret 1205',
    action: 'pause-all',
    why: 'rate limited: the whole account slows down (equal jitter, rateLimit.baseDelayMs doubling to maxDelayMs)',
  },
  { failure: 'Ret -1', action: 'retry-chat', why: 'system busy: refused, safe to repeat' },
  {
    failure: 'Ret 1100, 1101, 1102',
    action: 'session-ended',
    why: 'the session is over; stays pending in the store; with autoRelogin it goes after the new login',
  },
  {
    failure: 'TransportError, retryable (timeout, reset, 5xx, 429)',
    action: 'retry-chat',
    why: 'the server may or may not have it; the same ClientMsgId makes the repeat harmless',
  },
  {
    failure: 'ParseError (unreadable reply)',
    action: 'retry-chat',
    why: 'as a transport failure: the same ClientMsgId makes the repeat harmless',
  },
  {
    failure: 'Ret 1204 and every other Ret',
    action: 'fail',
    why: 'the server refused this send for good (1204: not a valid recipient)',
  },
  {
    failure: 'TransportError, not retryable (other 4xx)',
    action: 'fail',
    why: 'the request itself is wrong',
  },
  {
    failure: 'anything else (MediaError, InvalidArgumentError, a store error…)',
    action: 'fail',
    why: 'not transient',
  },
]);

/** The decision about one failed attempt. */
export interface SendDecision {
  action: SendAction;
  /** For 'pause-all' and 'retry-chat': how long to wait before the next attempt. */
  delayMs: number;
  /** For 'session-ended': the session's end. */
  loggedOut?: LoggedOutError;
}

/** The back-off settings the policy uses: the client's `rateLimit` and `retry` options. */
export interface SendPolicyOptions {
  rateLimit: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  retry: RetryPolicy;
}

export function isRateLimited(error: unknown): boolean {
  return error instanceof ProtocolError && error.ret === RET_RATE_LIMITED;
}

/** Which action a failure calls for, attempts aside. */
export function actionFor(error: unknown): SendAction {
  if (sessionEndOf(error)) return 'session-ended';
  if (error instanceof ProtocolError) {
    if (error.ret === RET_RATE_LIMITED) return 'pause-all';
    if (error.ret === RET_SYSTEM_BUSY) return 'retry-chat';
    return 'fail';
  }
  if (error instanceof TransportError) return error.retryable ? 'retry-chat' : 'fail';
  if (error instanceof ParseError) return 'retry-chat';
  return 'fail';
}

/**
 * The delay before attempt `attempt + 1`: for 1205 equal jitter (half to all of
 * baseDelayMs · 2^(attempt−1), capped), so a rate limit always slows the sender down; otherwise the
 * retry policy's full jitter.
 */
export function sendRetryDelay(
  attempt: number,
  error: unknown,
  options: SendPolicyOptions,
  random: () => number,
): number {
  if (isRateLimited(error)) {
    const { baseDelayMs, maxDelayMs } = options.rateLimit;
    const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
    return cap / 2 + random() * (cap / 2);
  }
  return backoffDelay(attempt, options.retry, random);
}

/**
 * What to do after failed attempt number `attempt` (1-based) of a send: the table above, and 'fail'
 * once `rateLimit.maxAttempts` attempts were made.
 */
export function decideSendFailure(
  error: unknown,
  attempt: number,
  options: SendPolicyOptions,
  random: () => number,
): SendDecision {
  const action = actionFor(error);
  if (action === 'session-ended') {
    // actionFor said 'session-ended' because sessionEndOf(error) is defined.
    const loggedOut = sessionEndOf(error) ?? new LoggedOutError('unknown');
    return { action, delayMs: 0, loggedOut };
  }
  if (action === 'fail' || attempt >= options.rateLimit.maxAttempts) return { action: 'fail', delayMs: 0 };
  return { action, delayMs: sendRetryDelay(attempt, error, options, random) };
}
