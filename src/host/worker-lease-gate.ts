/**
 * Fencing of an account's HTTP traffic (worker.ts, docs/scale.md "what is lost when"): every request
 * a worker's client makes for an account goes through a dispatcher that lets it out only while the
 * worker knows, by its own monotonic clock, that it still holds the account's lease (the last renewal
 * plus 80 % of the time to live). A worker that was paused (SIGSTOP, a VM frozen, a long stall) wakes
 * up past that deadline: its sync loop's next webwxsync, its synccheck, its sends are refused here
 * before a byte leaves, and so is a reply that arrives after the deadline (the request went out in
 * time, its answer is not used), until a renewal says the lease is still ours or the worker stops
 * the account because another worker holds it. So two workers never both sync one account, which
 * would steal each other's webwxsync replies.
 *
 * The check is an undici interceptor, the client's `interceptors` option: the client keeps its own
 * connections, its pipelined texts and its proxy, and the gate sits in front of all of them.
 */
import type { Dispatcher } from 'undici';
import { InvalidStateError } from '../errors.js';

/** How the gate knows whether the lease is still known to be ours. */
export interface LeaseGateOptions {
  /** The account. */
  account: string;
  /** True while the lease is known valid (the worker's deadline not passed, the lease not lost). */
  holds: () => boolean;
  /** Called (once per refusal) when a request or a reply is refused: the worker checks its lease now. */
  refused: (account: string) => void;
}

/** A client's traffic fenced by its account's lease (see the file's header). */
export class LeaseGate {
  /** What the client's requests go through (`ClientOptions.interceptors`). */
  readonly interceptor: Dispatcher.DispatcherComposeInterceptor;
  readonly #o: LeaseGateOptions;
  /** Requests and replies refused so far. */
  #refusals = 0;

  constructor(options: LeaseGateOptions) {
    this.#o = options;
    this.interceptor = (dispatch) => (opts, handler) => {
      const refusal = this.#check();
      if (refusal) {
        // Refused before a byte leaves: the request fails as a network error would.
        queueMicrotask(() => handler.onResponseError?.(undefined as never, refusal));
        return true;
      }
      return dispatch(opts, {
        onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
        onRequestUpgrade: (controller, status, headers, socket) =>
          handler.onRequestUpgrade?.(controller, status, headers, socket),
        onResponseStart: (controller, status, headers, message) =>
          handler.onResponseStart?.(controller, status, headers, message),
        onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
        onResponseEnd: (controller, trailers) => {
          // A reply that arrives after the deadline (the worker was paused meanwhile) is not used.
          const late = this.#check();
          if (late) handler.onResponseError?.(controller, late);
          else handler.onResponseEnd?.(controller, trailers);
        },
        onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
      });
    };
  }

  /** Requests and replies refused so far. */
  get refusals(): number {
    return this.#refusals;
  }

  #check(): InvalidStateError | undefined {
    if (this.#o.holds()) return undefined;
    this.#refusals++;
    this.#o.refused(this.#o.account);
    return new InvalidStateError(
      `worker: account ${this.#o.account} is fenced: its lease is not known to be held (a renewal is overdue, or it was lost)`,
      'fenced',
    );
  }
}
