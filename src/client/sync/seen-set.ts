/**
 * A bounded set of recently seen ids (message MsgIds), oldest evicted first, so a message delivered
 * twice by the server is emitted once without the set growing for ever.
 *
 * The ids of the last `capacity` adds are kept in a ring, so evicting the oldest is one array read
 * (a Set's "first entry" is a scan over the holes its deletions left, which grows with the set).
 */
import { InvalidArgumentError } from '../../errors.js';
export const DEFAULT_SEEN_CAPACITY = 10_000;

/**
 * The ids of the last `capacity` adds, by add number: add n sits at n % capacity. When an add pushes
 * an older one out of the window, `evict(id, add)` is told its id and number; the owner drops the id
 * unless it holds it from a later add (or no longer at all).
 */
export class AddRing {
  readonly capacity: number;
  readonly #ids: string[] = [];
  #adds = 0;
  readonly #evict: (id: string, add: number) => void;

  constructor(capacity: number, evict: (id: string, add: number) => void) {
    this.capacity = capacity;
    this.#evict = evict;
  }

  /** Records `id` as the next add (evicting the add it replaces first); returns its add number. */
  push(id: string): number {
    const n = this.#adds++;
    if (n < this.capacity) {
      this.#ids.push(id);
    } else {
      const slot = n % this.capacity;
      this.#evict(this.#ids[slot] as string, n - this.capacity);
      this.#ids[slot] = id;
    }
    return n;
  }
}

export class SeenSet {
  readonly capacity: number;
  /** Each id held, with the number of the add that put it there. */
  readonly #ids = new Map<string, number>();
  readonly #ring: AddRing;

  constructor(capacity = DEFAULT_SEEN_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new InvalidArgumentError('capacity', 'capacity must be a positive integer');
    this.capacity = capacity;
    // Unless it was deleted (and maybe added again later) meanwhile.
    this.#ring = new AddRing(capacity, (oldest, add) => {
      if (this.#ids.get(oldest) === add) this.#ids.delete(oldest);
    });
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Records `id`; returns false when it was already there (a duplicate). */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.set(id, this.#ring.push(id));
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
