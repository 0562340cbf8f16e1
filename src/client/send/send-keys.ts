/**
 * The bookkeeping of `causedBy` (send-types.ts SendOptions): the default idempotency key of the n-th
 * send made with a `causedBy` (`m#n`), and the log writes `outbox.logged(causedBy)` waits for.
 */

/** How many `causedBy` counters are kept (oldest forgotten first). */
export const MAX_CAUSED_BY = 10_000;

export class CausedBy {
  readonly #counts = new Map<string, number>();
  readonly #writes = new Map<string, Promise<void>[]>();

  /** The key of the next send made with `causedBy`: `causedBy#n`, n from 0. */
  nextKey(causedBy: string): string {
    const n = this.#counts.get(causedBy) ?? 0;
    // Re-inserted, so the map's order is that of last use.
    this.#counts.delete(causedBy);
    this.#counts.set(causedBy, n + 1);
    if (this.#counts.size > MAX_CAUSED_BY) {
      const oldest = this.#counts.keys().next().value as string;
      this.#counts.delete(oldest);
    }
    return `${causedBy}#${n}`;
  }

  /** A send made with `causedBy` is being written to the log. */
  writing(causedBy: string, written: Promise<void>): void {
    // The caller of logged() sees a failure; the send itself reports it too.
    written.catch(() => {});
    const writes = this.#writes.get(causedBy);
    if (writes) writes.push(written);
    else this.#writes.set(causedBy, [written]);
  }

  /** Resolves when every write noted for `causedBy` so far is done (rejects when one failed). */
  logged(causedBy: string): Promise<void> {
    const writes = this.#writes.get(causedBy);
    if (!writes) return Promise.resolve();
    this.#writes.delete(causedBy);
    return Promise.all(writes).then(() => {});
  }
}
