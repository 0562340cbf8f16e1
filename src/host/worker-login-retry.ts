/**
 * A worker's answer to failed logins (worker.ts, docs/scale.md): an account whose login failed is
 * tried again after a pause that doubles (2 s, 4 s, … at most 30 s by default); after `maxFailures`
 * failures in a row the worker gives its lease back, so another worker may try, and leaves the account
 * alone for `cooldownMs` (it would otherwise take it again at its next tick). A login that succeeds
 * resets the count.
 */
import { InvalidArgumentError } from '../errors.js';

/** How a worker retries failed logins. */
export interface LoginRetryOptions {
  /** The first pause before a retry (ms, default 2000); it doubles after each failure. */
  firstMs?: number;
  /** The longest pause (ms, default 30000). */
  maxMs?: number;
  /** Failures in a row after which the lease is given back (default 5). */
  maxFailures?: number;
  /** How long the worker leaves an account it gave up on before it may take it again (ms, default 60000). */
  cooldownMs?: number;
}

/** What the retries do: log in again, or give the account up. */
export interface LoginRetryActions {
  /** Logs `account` in again. */
  retry(account: string): void;
  /** Gives `account` up after `failures` failures in a row (its lease goes back). */
  giveUp(account: string, failures: number): void;
}

/** The decision after one failure: a retry after `retryInMs`, or giving up. */
export type LoginFailureOutcome =
  | { failures: number; retryInMs: number }
  | { failures: number; giveUp: true };

/** The failed-login bookkeeping of one worker (see the file's header). */
export class LoginRetries {
  readonly #first: number;
  readonly #max: number;
  readonly #maxFailures: number;
  readonly #cooldown: number;
  readonly #actions: LoginRetryActions;
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #shunned = new Map<string, number>();

  constructor(options: LoginRetryOptions, actions: LoginRetryActions) {
    this.#first = options.firstMs ?? 2_000;
    this.#max = options.maxMs ?? 30_000;
    this.#maxFailures = options.maxFailures ?? 5;
    this.#cooldown = options.cooldownMs ?? 60_000;
    if (!(this.#first >= 0 && this.#max >= this.#first && this.#maxFailures >= 1 && this.#cooldown >= 0))
      throw new InvalidArgumentError(
        'loginRetry',
        'loginRetry: firstMs ≥ 0, maxMs ≥ firstMs, maxFailures ≥ 1, cooldownMs ≥ 0',
      );
    this.#actions = actions;
  }

  /**
   * A login of `account` failed: schedules a retry, or gives it up after too many failures (undefined
   * when a retry is already pending: the same failure reported twice).
   */
  failed(account: string): LoginFailureOutcome | undefined {
    if (this.#timers.has(account)) return undefined;
    const failures = (this.#failures.get(account) ?? 0) + 1;
    this.#failures.set(account, failures);
    if (failures >= this.#maxFailures) {
      this.forget(account);
      this.#shunned.set(account, performance.now() + this.#cooldown);
      this.#actions.giveUp(account, failures);
      return { failures, giveUp: true };
    }
    const retryInMs = Math.min(this.#max, this.#first * 2 ** (failures - 1));
    const timer = setTimeout(() => {
      this.#timers.delete(account);
      this.#actions.retry(account);
    }, retryInMs);
    timer.unref?.();
    this.#timers.set(account, timer);
    return { failures, retryInMs };
  }

  /** `account` logged in: its count starts again. */
  succeeded(account: string): void {
    this.#failures.delete(account);
  }

  /** The worker no longer holds `account`: no retry is pending for it. */
  forget(account: string): void {
    clearTimeout(this.#timers.get(account));
    this.#timers.delete(account);
    this.#failures.delete(account);
  }

  /** Whether the worker gave `account` up less than the cool-down ago (it does not take it then). */
  shuns(account: string): boolean {
    const until = this.#shunned.get(account);
    if (until === undefined) return false;
    if (performance.now() < until) return true;
    this.#shunned.delete(account);
    return false;
  }

  /** Cancels every pending retry. */
  close(): void {
    for (const account of [...this.#timers.keys()]) this.forget(account);
  }
}
