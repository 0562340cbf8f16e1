/**
 * Held long-polls (login poll, synccheck) and cancellable delays. Every hold is registered so that
 * close() can answer them at once and no timer outlives the emulator.
 */

interface Pending {
  finish(): void;
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
  hold<T>(options: {
    ms: number;
    check: () => T | undefined;
    subscribe: (wake: () => void) => () => void;
    onTimeout: () => T;
    signal: AbortSignal;
  }): Promise<T> {
    const now = options.check();
    if (now !== undefined) return Promise.resolve(now);
    if (this.closed || options.signal.aborted) return Promise.resolve(options.onTimeout());
    return new Promise<T>((resolve) => {
      let done = false;
      const settle = (value: T) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe();
        options.signal.removeEventListener('abort', onAbort);
        this.pending.delete(entry);
        resolve(value);
      };
      const onAbort = () => settle(options.onTimeout());
      const entry: Pending = { finish: () => settle(options.onTimeout()) };
      const timer = setTimeout(() => settle(options.onTimeout()), options.ms);
      const unsubscribe = options.subscribe(() => {
        const v = options.check();
        if (v !== undefined) settle(v);
      });
      options.signal.addEventListener('abort', onAbort);
      this.pending.add(entry);
    });
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
