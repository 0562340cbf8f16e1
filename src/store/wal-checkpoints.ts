/**
 * WAL checkpoints of many SQLite stores in one process, one at a time (docs/host.md, "Checkpoints").
 *
 * A SqliteStore's WAL is copied into its database (a checkpoint, with the two fsyncs that make the
 * commits durable against a power cut) by SQLite itself when the WAL passes 1,000 pages, inside the
 * commit that crosses the line, so on the caller's thread. One account does not notice (about 20–35 ms
 * every 90 or so messages on this project's machines). A host of 200 accounts echoing at the same
 * pace does: their WALs pass the line within the same second, and 200 checkpoints of 1,000 pages
 * stall the one event loop that serves every account for seconds (bench row "scale: echo across 200
 * accounts …, p99": 196 ms over 120 s, 624 ms at worst).
 *
 * With a scheduler, the stores turn SQLite's own checkpoints off and count their writes; every `tickMs`
 * the scheduler checkpoints the store with the most writes since its last checkpoint, once it has
 * `minWrites` (about three WAL pages a write), in PASSIVE mode (it never waits for a lock and never
 * blocks a writer). So checkpoints are small (a few hundred pages, 5–10 ms) and never two at once,
 * and a store that writes fast is checkpointed more often. What a checkpoint makes durable is the same
 * as before: WAL with `synchronous = NORMAL` (sqlite-database.ts).
 */
import { InvalidArgumentError, InvalidStateError } from '../errors.js';

/** What the scheduler needs of a store (SqliteStore with `checkpoints`). */
export interface CheckpointTarget {
  /** Writes (commits) since the last checkpoint. */
  readonly writesSinceCheckpoint: number;
  /** Runs a PASSIVE checkpoint now and resets the count (also when it fails: then it throws a StoreError). */
  checkpoint(): void;
}

/** Options of `new WalCheckpoints()`. */
export interface WalCheckpointOptions {
  /** How often one store may be checkpointed, ms (default 25: at most 40 checkpoints a second). */
  tickMs?: number;
  /** Writes a store gathers before it is checkpointed (default 100, about 300 WAL pages). */
  minWrites?: number;
  /** Called with a checkpoint's failure (the store stays registered; its next tick tries again). */
  onError?: (error: unknown) => void;
}

/** Checkpoints the WALs of many SqliteStores one at a time (see the file's header). */
export class WalCheckpoints {
  readonly #targets = new Set<CheckpointTarget>();
  readonly #tickMs: number;
  readonly #minWrites: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: WalCheckpointOptions = {}) {
    const { tickMs = 25, minWrites = 100, onError = () => {} } = options;
    if (!(Number.isFinite(tickMs) && tickMs > 0))
      throw new InvalidArgumentError('WalCheckpoints', 'WalCheckpoints: tickMs must be a positive number');
    if (!(Number.isInteger(minWrites) && minWrites > 0))
      throw new InvalidArgumentError(
        'WalCheckpoints',
        'WalCheckpoints: minWrites must be a positive integer',
      );
    this.#tickMs = tickMs;
    this.#minWrites = minWrites;
    this.#onError = onError;
  }

  /** Starts checkpointing `target`; the timer runs while any target is registered. */
  add(target: CheckpointTarget): void {
    if (this.#closed) throw new InvalidStateError('WalCheckpoints: closed');
    this.#targets.add(target);
    this.#timer ??= setInterval(() => this.tick(), this.#tickMs).unref();
  }

  /** Stops checkpointing `target` (a closed store; SQLite checkpoints it as it closes). */
  delete(target: CheckpointTarget): void {
    this.#targets.delete(target);
    if (this.#targets.size === 0) this.#stop();
  }

  /** Registered stores. */
  get size(): number {
    return this.#targets.size;
  }

  /**
   * One tick: checkpoints the store with the most writes, if it has `minWrites`. Returns it, or
   * undefined when none was due. Exposed for tests; the timer calls it.
   */
  tick(): CheckpointTarget | undefined {
    let due: CheckpointTarget | undefined;
    let most = this.#minWrites - 1;
    for (const target of this.#targets) {
      const writes = target.writesSinceCheckpoint;
      if (writes > most) {
        most = writes;
        due = target;
      }
    }
    if (!due) return undefined;
    try {
      due.checkpoint();
    } catch (error) {
      this.#onError(error);
    }
    return due;
  }

  /** Stops the timer and forgets every store (they are not checkpointed from here any more). */
  close(): void {
    this.#closed = true;
    this.#targets.clear();
    this.#stop();
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
