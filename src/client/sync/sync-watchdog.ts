/**
 * The sync watchdog (docs/host.md "Watchdog"): the sync loop tells it each time the server answered
 * (`heard`); when no answer came for `quietMs` — longer than the long poll's own bound, so not an
 * idle hold — it aborts what the loop waits for (the requests it sent with `signal`), logs a
 * warning and emits 'sync-stalled', and the loop polls again at once on a new connection. Paused
 * while the loop is not polling (a re-login waiting for a scan).
 */
import { TransportError } from '../../errors.js';
import type { Runtime } from '../runtime.js';

/** The abort reason of a request the watchdog dropped. */
export class SyncStalledError extends TransportError {
  constructor(readonly quietMs: number) {
    super(`sync: no answer for ${quietMs} ms; reconnecting (watchdog)`, { url: '', timedOut: true });
  }
}

/** Watches one sync loop; see the file's header. */
export class SyncWatchdog {
  readonly #rt: Runtime;
  readonly #quietMs: number;
  readonly #clock: () => number;
  #last: number;
  #controller = new AbortController();
  #signal: AbortSignal;
  #timer: ReturnType<typeof setInterval> | undefined;
  #paused = false;

  constructor(rt: Runtime, quietMs: number, clock: () => number = () => performance.now()) {
    this.#rt = rt;
    this.#quietMs = quietMs;
    this.#clock = clock;
    this.#last = clock();
    this.#signal = AbortSignal.any([rt.signal, this.#controller.signal]);
  }

  /** The signal for the loop's requests: the client's, and the watchdog's own. */
  get signal(): AbortSignal {
    return this.#signal;
  }

  /** Starts watching (checks a few times per bound; the timer never keeps the process alive). */
  start(): void {
    this.#last = this.#clock();
    const every = Math.max(50, Math.min(5000, Math.floor(this.#quietMs / 4)));
    this.#timer = setInterval(() => this.check(), every);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The server answered (synccheck or webwxsync). */
  heard(): void {
    this.#last = this.#clock();
  }

  /** Stops counting while the loop is not polling (a re-login); `resume` counts from then. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#last = this.#clock();
  }

  /** Whether `error` is the watchdog's own abort of a request. */
  isStall(error: unknown): error is SyncStalledError {
    return error instanceof SyncStalledError;
  }

  /** Fires when the loop has been quiet too long (the timer calls it; tests may too). */
  check(): void {
    if (this.#paused || this.#rt.signal.aborted) return;
    const quiet = this.#clock() - this.#last;
    if (quiet < this.#quietMs) return;
    const quietMs = Math.round(quiet);
    this.#last = this.#clock();
    this.#rt.logger.warn(
      { quietMs, boundMs: this.#quietMs },
      'sync loop quiet past the long poll; reconnecting',
    );
    const controller = this.#controller;
    this.#controller = new AbortController();
    this.#signal = AbortSignal.any([this.#rt.signal, this.#controller.signal]);
    controller.abort(new SyncStalledError(quietMs));
    this.#rt.events.emit('sync-stalled', { quietMs });
  }
}
