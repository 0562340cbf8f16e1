/**
 * The caller signals of one transport and the requests in flight under each: one 'abort' listener
 * per signal, not one per request, because a client sends dozens of requests at once on its one
 * signal and an EventTarget warns (MaxListenersExceededWarning) past 10 listeners. The listener is
 * removed when the signal's last request ends, so a signal is not held after use.
 */
import type { RequestAbort } from './request-abort.js';
import { abortReason } from './retry-policy.js';

/** The caller signals of one transport, each with the requests in flight under it. */
export class CallerSignals {
  readonly #followers = new Map<AbortSignal, { requests: Set<RequestAbort>; onAbort: () => void }>();

  /** Abort `request` with the signal's reason when `signal` aborts, until {@link unfollow}. */
  follow(signal: AbortSignal, request: RequestAbort): void {
    let followers = this.#followers.get(signal);
    if (followers === undefined) {
      const requests = new Set<RequestAbort>();
      const onAbort = (): void => {
        this.#followers.delete(signal);
        const reason = abortReason(signal);
        for (const r of requests) r.abort(reason);
      };
      followers = { requests, onAbort };
      this.#followers.set(signal, followers);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    followers.requests.add(request);
  }

  /** The request ended: it no longer follows `signal` (whose listener goes with its last request). */
  unfollow(signal: AbortSignal, request: RequestAbort): void {
    const followers = this.#followers.get(signal);
    if (followers === undefined || !followers.requests.delete(request) || followers.requests.size > 0) return;
    this.#followers.delete(signal);
    signal.removeEventListener('abort', followers.onAbort);
  }
}
