/**
 * The outbox's waits, each an abortable sleep of the runtime that ends in `wake()` (the outbox pumps
 * again): a pause of every send (Ret 1205; a longer pause already running wins), a hold of one lane
 * (another retryable failure; the last one wins), and the wait for the next pacing token.
 */
import type { Lane } from './lane.js';

export class SendWaits {
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #wake: (lane?: Lane<never>) => void;
  #tokens = 0;
  #pausedBy = 0;
  #pauseEnd = 0;
  #paceWakeAt = Number.POSITIVE_INFINITY;

  constructor(sleep: (ms: number) => Promise<void>, now: () => number, wake: (lane?: Lane<never>) => void) {
    this.#sleep = sleep;
    this.#now = now;
    this.#wake = wake;
  }

  /** Every send waits (a 1205 pause is running). */
  get paused(): boolean {
    return this.#pausedBy !== 0;
  }

  /** Ret 1205: no send is issued for `delayMs` (a longer pause already running wins). */
  pause(delayMs: number): void {
    const end = performance.now() + delayMs;
    if (this.#pausedBy !== 0 && end <= this.#pauseEnd) return;
    const token = ++this.#tokens;
    this.#pausedBy = token;
    this.#pauseEnd = end;
    this.#sleep(delayMs).then(
      () => {
        if (this.#pausedBy !== token) return;
        this.#pausedBy = 0;
        this.#wake();
      },
      () => {},
    );
  }

  /** Another failure: the lane issues nothing for `delayMs` (the last failure's wait wins). */
  hold(lane: Lane<never>, delayMs: number): void {
    const token = ++this.#tokens;
    lane.heldBy = token;
    this.#sleep(delayMs).then(
      () => {
        if (lane.heldBy !== token) return;
        lane.heldBy = 0;
        this.#wake(lane);
      },
      () => {},
    );
  }

  /** Pacing: wake in `ms` (an earlier wake already set wins). */
  wakeIn(ms: number): void {
    const at = this.#now() + ms;
    if (at >= this.#paceWakeAt) return;
    this.#paceWakeAt = at;
    this.#sleep(ms).then(
      () => {
        if (this.#paceWakeAt !== at) return;
        this.#paceWakeAt = Number.POSITIVE_INFINITY;
        this.#wake();
      },
      () => {},
    );
  }
}
