/**
 * The errors of an account host (docs/host.md): an account it does not know, one it already has, a
 * bad account spec (AccountError), a send past the account's daily budget (SendBudgetError), and a
 * thread of a ThreadedAccountHost that failed a call or ended (HostThreadError).
 */
import { WebWxError } from '../errors.js';

/** What went wrong with an account: unknown id, id taken, or a spec that does not validate. */
export type AccountProblem = 'unknown' | 'exists' | 'invalid';

/** An account the host does not know, one it already has, or a bad account spec. */
export class AccountError extends WebWxError {
  readonly code = 'account' as const;
  /** Which problem it is. */
  readonly problem: AccountProblem;
  /** The account id the error is about ('' when the spec had none). */
  readonly accountId: string;
  constructor(problem: AccountProblem, accountId: string, message: string) {
    super(message);
    this.problem = problem;
    this.accountId = accountId;
  }
}

/**
 * A send refused before it reached the outbox: the account has used its daily send budget
 * (`dailySendLimit`). Nothing was sent; the budget starts again at the next UTC day.
 */
export class SendBudgetError extends WebWxError {
  readonly code = 'send-budget' as const;
  /** The account whose budget is spent. */
  readonly accountId: string;
  /** The daily limit. */
  readonly limit: number;
  /** The UTC day the budget counts ('2026-12-07'). */
  readonly day: string;
  constructor(accountId: string, limit: number, day: string) {
    super(`account "${accountId}" has used its daily send budget (${limit} sends on ${day} UTC)`);
    this.accountId = accountId;
    this.limit = limit;
    this.day = day;
  }
}

/**
 * A ThreadedAccountHost's thread (threaded-host.ts) failed a call with something other than an
 * AccountError, or ended while the call was under way (its accounts are then reopened in a new
 * thread). `shard` is the thread's number.
 */
export class HostThreadError extends WebWxError {
  readonly code = 'host-thread' as const;
  readonly shard: number;
  constructor(shard: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.shard = shard;
  }
}
