/**
 * The decisions of the sync loop as pure functions and small state holders, so they can be tested
 * without a network: what a synccheck answer means, which push host to poll, how long to wait.
 */
import { type LogoutReason, logoutReasonFor } from '../../errors.js';
import type { SyncCheckResult } from '../../protocol/wire-types.js';

export type SyncCheckDecision =
  /** retcode 0, selector 0: nothing new, poll again. */
  | { kind: 'idle' }
  /** retcode 0, any other selector (2, 3, 4, 5, 6, 7…): call webwxsync. */
  | { kind: 'sync'; selector: number }
  /** retcode 1100/1101/1102: the session is over. */
  | { kind: 'logged-out'; reason: LogoutReason; retcode: number }
  /** Any other retcode: a transient failure. */
  | { kind: 'transient'; retcode: number };

export function classifySyncCheck(result: SyncCheckResult): SyncCheckDecision {
  if (result.retcode !== 0) {
    const reason = logoutReasonFor(result.retcode);
    return reason
      ? { kind: 'logged-out', reason, retcode: result.retcode }
      : { kind: 'transient', retcode: result.retcode };
  }
  return result.selector === 0 ? { kind: 'idle' } : { kind: 'sync', selector: result.selector };
}

/**
 * The push host to poll: the session's own first, then the fallbacks in order, moving on after
 * `rotateAfter` consecutive failures on the current one, and back to the primary after a success.
 */
export class PushHostRotation {
  readonly hosts: readonly string[];
  readonly rotateAfter: number;
  #index = 0;
  #failures = 0;

  constructor(primary: string, fallbacks: readonly string[], rotateAfter = 2) {
    this.hosts = [primary, ...fallbacks.filter((h) => h !== primary)];
    this.rotateAfter = Math.max(1, rotateAfter);
  }

  get current(): string {
    return this.hosts[this.#index] as string;
  }

  get onPrimary(): boolean {
    return this.#index === 0;
  }

  /** Records a failure of the current host; returns true when this moved to another host. */
  failure(): boolean {
    this.#failures++;
    if (this.#failures < this.rotateAfter || this.hosts.length < 2) return false;
    this.#failures = 0;
    this.#index = (this.#index + 1) % this.hosts.length;
    return true;
  }

  success(): void {
    this.#failures = 0;
    this.#index = 0;
  }
}

/** Waits after webwxsync rounds that brought nothing and did not advance the key (selector 6/7 loops). */
export class IdleSyncBackoff {
  readonly #baseMs: number;
  readonly #maxMs: number;
  #streak = 0;

  constructor(baseMs = 1000, maxMs = 10_000) {
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
  }

  /** The delay before the next synccheck after a sync round, or 0 when the round made progress. */
  next(progress: boolean): number {
    if (progress) {
      this.#streak = 0;
      return 0;
    }
    this.#streak++;
    return Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(this.#streak - 1, 16));
  }
}

/** Whether a webwxsync reply made progress: something arrived or the SyncKey moved. */
export function syncMadeProgress(
  reply: { AddMsgList: unknown[]; ModContactList: unknown[]; DelContactList: unknown[] },
  keyAdvanced: boolean,
): boolean {
  return (
    keyAdvanced ||
    reply.AddMsgList.length > 0 ||
    reply.ModContactList.length > 0 ||
    reply.DelContactList.length > 0
  );
}
