/**
 * Held long-polls (login poll, synccheck) and cancellable delays. Every hold is registered so that
 * close() can answer them at once and no timer outlives the emulator.
 */

interface Pending {
  finish(): void;
}

/** What a hold listens to for the client going away: the request (served-request.ts#EmuRequest). */
export interface AbortSource {
  readonly aborted: boolean;
  onAbort(listener: () => void): () => void;
}

export interface HoldOptions<T> {
  ms: number;
  check: () => T | undefined;
  subscribe: (wake: () => void) => () => void;
  onTimeout: () => T;
  signal: AbortSource;
}

/** One held request (a class: no closures made per hold beyond the bound callbacks). */
class Held<T> implements Pending {
  #done = false;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #unsubscribe: () => void;
  readonly #offAbort: () => void;

  constructor(
    private readonly pending: Set<Pending>,
    private readonly options: HoldOptions<T>,
    private readonly resolve: (value: T) => void,
  ) {
    const finish = this.finish.bind(this);
    this.#timer = setTimeout(finish, options.ms);
    this.#unsubscribe = options.subscribe(this.wake.bind(this));
    this.#offAbort = options.signal.onAbort(finish);
    pending.add(this);
  }

  wake(): void {
    const v = this.options.check();
    if (v !== undefined) this.settle(v);
  }

  /** Timeout, abort, close: onTimeout()'s answer. */
  finish(): void {
    if (!this.#done) this.settle(this.options.onTimeout());
  }

  settle(value: T): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.#unsubscribe();
    this.#offAbort();
    this.pending.delete(this);
    this.resolve(value);
  }
}

export class HoldRegistry {
  private readonly pending = new Set<Pending>();
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Resolve with check()'s value as soon as it has one (checked now and on every wake), or with
   * onTimeout() after ms, on abort, or on close.
   */
  hold<T>(options: HoldOptions<T>): Promise<T> {
    const now = options.check();
    if (now !== undefined) return Promise.resolve(now);
    if (this.closed || options.signal.aborted) return Promise.resolve(options.onTimeout());
    return new Promise<T>((resolve) => new Held(this.pending, options, resolve));
  }

  /** A delay that ends early (resolving) when the registry closes. */
  delay(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry: Pending = {
        finish: () => {
          clearTimeout(timer);
          this.pending.delete(entry);
          resolve();
        },
      };
      const timer = setTimeout(entry.finish, ms);
      this.pending.add(entry);
    });
  }

  get size(): number {
    return this.pending.size;
  }

  closeAll(): void {
    this.closed = true;
    for (const p of [...this.pending]) p.finish();
  }
}
