/**
 * A bounded set of recently seen ids (message MsgIds), oldest evicted first, so a message delivered
 * twice by the server is emitted once without the set growing for ever.
 *
 * The ids of the last `capacity` adds are kept in a ring, so evicting the oldest is one array read
 * (a Set's "first entry" is a scan over the holes its deletions left, which grows with the set).
 */
export const DEFAULT_SEEN_CAPACITY = 10_000;

export class SeenSet {
  readonly capacity: number;
  /** Each id held, with the number of the add that put it there. */
  readonly #ids = new Map<string, number>();
  /** The id of add n is at n % capacity (while it is one of the last `capacity` adds). */
  readonly #ring: string[] = [];
  #adds = 0;

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
    const ids = this.#ids;
    if (ids.has(id)) return false;
    const n = this.#adds++;
    if (n < this.capacity) {
      this.#ring.push(id);
    } else {
      const slot = n % this.capacity;
      const oldest = this.#ring[slot] as string;
      // Unless it was deleted (and maybe added again later) meanwhile.
      if (ids.get(oldest) === n - this.capacity) ids.delete(oldest);
      this.#ring[slot] = id;
    }
    ids.set(id, n);
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
