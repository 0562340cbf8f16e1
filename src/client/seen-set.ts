/**
 * A bounded set of recently seen ids (message MsgIds), oldest evicted first, so a message delivered
 * twice by the server is emitted once without the set growing for ever.
 */
export const DEFAULT_SEEN_CAPACITY = 10_000;

export class SeenSet {
  readonly capacity: number;
  // A Set keeps insertion order: its first entry is the oldest.
  readonly #ids = new Set<string>();

  constructor(capacity = DEFAULT_SEEN_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Records `id`; returns false when it was already there (a duplicate). */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next();
      if (!oldest.done) this.#ids.delete(oldest.value);
    }
    return true;
  }

  /** Forgets `id` (a batch that could not be recorded must be let through again). */
  delete(id: string): void {
    this.#ids.delete(id);
  }

  get size(): number {
    return this.#ids.size;
  }
}
