/**
 * WAL checkpoints of many SQLite stores in one process, one at a time, on a worker thread
 * (docs/host.md, "Checkpoints").
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
 * the scheduler picks the store with the most writes since its last checkpoint, once it has
 * `minWrites` (about three WAL pages a write), and checkpoints it in PASSIVE mode (it never waits for a
 * lock and never blocks a writer). So checkpoints are small (a few hundred pages) and never two at
 * once, and a store that writes fast is checkpointed more often. That took the 120 s echo to p99 50 ms.
 *
 * Each checkpoint runs on one worker thread (wal-checkpoint-thread.ts), on a connection of its own to
 * the store's file, opened for it and closed after (wal-checkpoint-worker.ts): the fsyncs wait there,
 * not on the event loop. A CPU profile of the host in that echo had found the loop blocked 112, 44 and
 * 42 ms inside the pragma while the disk was busy. Measured with bench/checkpoint-stalls.ts (50 stores,
 * ~950 small commits a second for 20 s, ~155 checkpoints, event-loop gaps seen by a 5 ms interval, two
 * runs each, a loaded 2-core machine): on the event loop p99 10.0–10.8 ms, worst 16–44 ms; on the thread
 * p99 1.8–2.4 ms, worst 8–16 ms. Guarded by the bench rows "scale: echo across 200 accounts …, p99"
 * and "… slowest echo". Opening a connection per checkpoint costs the thread ~0.22 ms more than keeping
 * one per store, and keeping one costs ~150 KB each (200 stores: 30 MB), so none is kept; the thread
 * itself (~9 MB) starts at the first checkpoint due and ends after 30 s without one.
 *
 * Stores without a file (`:memory:`), `thread: false`, and a thread that cannot start or dies (then
 * from that point on): the store's own `checkpoint()` on the event loop, as before. What a checkpoint
 * makes durable is the same either way: WAL with `synchronous = NORMAL` (sqlite-database.ts).
 */
import { isAbsolute, resolve } from 'node:path';
import { InvalidArgumentError, InvalidStateError } from '../errors.js';
import { StoreError } from './session-store.js';
import { CheckpointThread } from './wal-checkpoint-thread.js';

/** What the scheduler needs of a store (SqliteStore with `checkpoints`). */
export interface CheckpointTarget {
  /**
   * Writes (commits) since the store was opened; it only grows. The scheduler keeps its value at the
   * store's last checkpoint, wherever that ran, and counts from there.
   */
  readonly writeCount: number;
  /**
   * The database file, when there is one (`:memory:` has none): the checkpoint thread opens its own
   * connection to it. Without one, the scheduler calls `checkpoint()` on the event loop.
   */
  readonly path?: string;
  /** Runs a PASSIVE checkpoint now, on the caller's thread (when it fails, it throws a StoreError). */
  checkpoint(): void;
}

/** Options of `new WalCheckpoints()`. */
export interface WalCheckpointOptions {
  /** How often one store may be checkpointed, ms (default 25: at most 40 checkpoints a second). */
  tickMs?: number;
  /** Writes a store gathers before it is checkpointed (default 100, about 300 WAL pages). */
  minWrites?: number;
  /**
   * Checkpoints on a worker thread (default true), or on the event loop with the store's own
   * `checkpoint()` (false). Stores without a file are checkpointed on the event loop either way.
   */
  thread?: boolean;
  /** Called with a checkpoint's failure, a StoreError (the store stays registered; its next turn tries again). */
  onError?: (error: unknown) => void;
}

/** How many checkpoints a WalCheckpoints ran, and where (`stats()`). */
export interface WalCheckpointStats {
  /** Checkpoints done on the checkpoint thread. */
  readonly onThread: number;
  /** Checkpoints done on the event loop (`thread: false`, a store without a file, or no thread). */
  readonly onEventLoop: number;
  /** Checkpoints that failed (reported to `onError`, unless their store was deleted meanwhile). */
  readonly failed: number;
}

interface InFlight {
  readonly target: CheckpointTarget;
  readonly done: Promise<void>;
}

/** The file a target's checkpoint thread may open, or undefined (none, or in memory). */
function fileOf(target: CheckpointTarget): string | undefined {
  const { path } = target;
  if (typeof path !== 'string' || path === '' || path === ':memory:' || path.startsWith('file:'))
    return undefined;
  return isAbsolute(path) ? path : resolve(path);
}

/** Checkpoints the WALs of many SqliteStores one at a time (see the file's header). */
export class WalCheckpoints {
  readonly #targets = new Set<CheckpointTarget>();
  /** Each target's `writeCount` at its last checkpoint (none yet: 0). */
  readonly #countAt = new Map<CheckpointTarget, number>();
  readonly #tickMs: number;
  readonly #minWrites: number;
  readonly #onError: (error: unknown) => void;
  readonly #thread: CheckpointThread | undefined;
  #inFlight: InFlight | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #stats = { onThread: 0, onEventLoop: 0, failed: 0 };

  constructor(options: WalCheckpointOptions = {}) {
    const { tickMs = 25, minWrites = 100, thread = true, onError = () => {} } = options;
    if (!(Number.isFinite(tickMs) && tickMs > 0))
      throw new InvalidArgumentError('WalCheckpoints', 'WalCheckpoints: tickMs must be a positive number');
    if (!(Number.isInteger(minWrites) && minWrites > 0))
      throw new InvalidArgumentError(
        'WalCheckpoints',
        'WalCheckpoints: minWrites must be a positive integer',
      );
    if (typeof thread !== 'boolean')
      throw new InvalidArgumentError('WalCheckpoints', 'WalCheckpoints: thread must be true or false');
    this.#tickMs = tickMs;
    this.#minWrites = minWrites;
    this.#onError = onError;
    this.#thread = thread ? new CheckpointThread() : undefined;
  }

  /** Starts checkpointing `target`; the timer runs while any target is registered. */
  add(target: CheckpointTarget): void {
    if (this.#closed) throw new InvalidStateError('WalCheckpoints: closed');
    this.#targets.add(target);
    this.#timer ??= setInterval(() => this.tick(), this.#tickMs).unref();
  }

  /**
   * Stops checkpointing `target` (a closed store; SQLite checkpoints it as it closes). A checkpoint of
   * it already on the thread finishes (its failure is not reported); `settled(target)` waits for it.
   */
  delete(target: CheckpointTarget): void {
    this.#targets.delete(target);
    this.#countAt.delete(target);
    if (this.#targets.size === 0) this.#stop();
  }

  /**
   * Resolves when no checkpoint of `target` (a store given to `add()`; of any store, without one) is
   * running on the thread; never rejects. Wait for it after closing a store and before removing its
   * files: the thread's connection to them is closed by then, so it can neither touch a new database
   * at the same path nor delete its WAL.
   */
  settled(target?: object): Promise<void> {
    const inFlight = this.#inFlight;
    if (inFlight && (target === undefined || inFlight.target === target)) return inFlight.done;
    return Promise.resolve();
  }

  /** Registered stores. */
  get size(): number {
    return this.#targets.size;
  }

  /** The checkpoint thread's id while it runs (diagnostics and tests), else undefined. */
  get threadId(): number | undefined {
    return this.#thread?.threadId;
  }

  /** How many checkpoints ran, where, and how many failed. */
  stats(): WalCheckpointStats {
    return { ...this.#stats };
  }

  /**
   * One tick: checkpoints the store with the most writes, if it has `minWrites` and no checkpoint is
   * running on the thread. Returns it, or undefined when none was started. On the thread, the
   * checkpoint is still running when this returns (`settled()`). Exposed for tests; the timer calls it.
   */
  tick(): CheckpointTarget | undefined {
    if (this.#inFlight) return undefined;
    let due: CheckpointTarget | undefined;
    let most = this.#minWrites - 1;
    for (const target of this.#targets) {
      const writes = target.writeCount - (this.#countAt.get(target) ?? 0);
      if (writes > most) {
        most = writes;
        due = target;
      }
    }
    if (!due) return undefined;
    // The count restarts when a checkpoint starts, whether it succeeds or not.
    this.#countAt.set(due, due.writeCount);
    const file = fileOf(due);
    const thread = this.#thread;
    if (file !== undefined && thread?.usable) this.#onThread(thread, due, file);
    else this.#onEventLoop(due);
    return due;
  }

  /**
   * Stops the timer and forgets every store (they are not checkpointed from here any more), then ends
   * the checkpoint thread once a checkpoint in flight has finished. The returned promise resolves when
   * the thread has exited; the thread never keeps a process alive, so not awaiting it is fine.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#targets.clear();
    this.#countAt.clear();
    this.#stop();
    await this.settled();
    await this.#thread?.close();
  }

  #onThread(thread: CheckpointThread, target: CheckpointTarget, file: string): void {
    const done = thread.run(file).then(
      () => {
        this.#stats.onThread++;
      },
      (error: unknown) => {
        this.#stats.failed++;
        if (this.#targets.has(target)) this.#onError(error);
      },
    );
    const inFlight: InFlight = {
      target,
      done: done.finally(() => {
        if (this.#inFlight === inFlight) this.#inFlight = undefined;
      }),
    };
    this.#inFlight = inFlight;
  }

  #onEventLoop(target: CheckpointTarget): void {
    try {
      target.checkpoint();
      this.#stats.onEventLoop++;
    } catch (error) {
      this.#stats.failed++;
      this.#onError(
        error instanceof StoreError
          ? error
          : new StoreError('io', 'a WAL checkpoint failed', { cause: error, ...locationOf(target) }),
      );
    }
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

function locationOf(target: CheckpointTarget): { location?: string } {
  return typeof target.path === 'string' ? { location: target.path } : {};
}
