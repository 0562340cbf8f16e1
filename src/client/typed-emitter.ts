/**
 * A small typed event emitter. `on()` returns its own unsubscribe function. A listener never breaks
 * the emitter, the other listeners or the process: one that throws, or an async one whose promise
 * rejects, is reported to the logger and, when an `errorEvent` is configured, emitted on it (as
 * `asError` makes it). A failing listener of the error event itself is only logged. Unlike Node's
 * EventEmitter, an 'error' event without listeners is not thrown.
 */
import type { Logger } from '../logger.js';
import { redact } from '../redact.js';

export type Listener<T> = (payload: T) => void;

/** Where listener failures go besides the logger. */
export interface ListenerFailures<Events extends object, E extends keyof Events> {
  /** The event listener failures are emitted on ('error' for the client). */
  errorEvent: E;
  /** The payload of that event for a failure of a listener of `event`. */
  asError: (event: string, error: unknown) => Events[E];
}

export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
  readonly #logger: Logger | undefined;
  readonly #failures: ListenerFailures<Events, keyof Events> | undefined;

  constructor(logger?: Logger, failures?: ListenerFailures<Events, keyof Events>) {
    this.#logger = logger;
    this.#failures = failures;
  }

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    // Wrap so the same function can be registered twice and removed independently.
    const entry: Listener<Events[K]> = (payload) => listener(payload);
    set.add(entry as Listener<never>);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = this.#listeners.get(event);
      current?.delete(entry as Listener<never>);
      if (current?.size === 0) this.#listeners.delete(event);
    };
  }

  /** Resolves with the next payload of `event`. */
  once<K extends keyof Events>(event: K): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        off();
        resolve(payload);
      });
    });
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      let returned: unknown;
      try {
        returned = (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        this.#failed(event, error);
        continue;
      }
      // An async listener: its rejection is reported like a throw, never left unhandled.
      if (
        returned !== null &&
        typeof returned === 'object' &&
        typeof (returned as PromiseLike<unknown>).then === 'function'
      ) {
        (returned as PromiseLike<unknown>).then(undefined, (error: unknown) => this.#failed(event, error));
      }
    }
  }

  #failed(event: keyof Events, error: unknown): void {
    this.#logger?.error(
      { event: String(event), error: redact(error instanceof Error ? error.message : String(error)) },
      'an event listener failed',
    );
    const failures = this.#failures;
    if (!failures || event === failures.errorEvent) return;
    let payload: Events[keyof Events];
    try {
      payload = failures.asError(String(event), error);
    } catch {
      return;
    }
    this.emit(failures.errorEvent, payload);
  }

  listenerCount(event?: keyof Events): number {
    if (event !== undefined) return this.#listeners.get(event)?.size ?? 0;
    let total = 0;
    for (const set of this.#listeners.values()) total += set.size;
    return total;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
