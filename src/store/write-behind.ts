import { lastByKey } from './postgres-rows.js';
import type { RecordStore } from './session-store.js';

/**
 * A value written behind: `set()` returns at once, one writer writes in the background, in order, and
 * only the newest value waiting is written (each write replaces the whole value, so the ones in
 * between need not be). What makes a synchronous RecordStore on an asynchronous database.
 */
export class WriteBehind<T> {
  readonly #write: (value: T) => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #waiting: { value: T } | undefined;
  #running: Promise<void> | undefined;
  /** The failure of the last write, until a later one succeeds. */
  #failed: { error: unknown } | undefined;

  constructor(write: (value: T) => Promise<void>, onError: (error: unknown) => void) {
    this.#write = write;
    this.#onError = onError;
  }

  /** Schedules `value` to be written after the writes already started. */
  set(value: T): void {
    this.#waiting = { value };
    this.#running ??= this.#drain();
  }

  async #drain(): Promise<void> {
    await Promise.resolve();
    while (this.#waiting) {
      const { value } = this.#waiting;
      this.#waiting = undefined;
      try {
        await this.#write(value);
        this.#failed = undefined;
      } catch (error) {
        this.#failed = { error };
        this.#onError(error);
      }
    }
    this.#running = undefined;
  }

  /**
   * Resolves when everything set so far is written; rejects with the error of the last write when
   * it failed (the newest value is then not stored).
   */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    if (this.#failed) throw this.#failed.error;
  }
}

/**
 * Whole-set records held in memory and written behind: a synchronous {@link RecordStore} over an
 * asynchronous database (PostgresStore's stable ids). `preload()` before use; load() returns copies
 * of what was preloaded or saved last; save() keeps a copy and schedules its write.
 */
export class RecordsWrittenBehind {
  #records: { id: string }[] = [];
  readonly #writer: WriteBehind<{ id: string }[]>;

  constructor(write: (records: { id: string }[]) => Promise<void>, onError: (error: unknown) => void) {
    this.#writer = new WriteBehind(write, onError);
  }

  /** Sets what load() returns, without writing it (records read at open). */
  preload(records: readonly unknown[]): void {
    this.#records = records.filter(
      (r): r is { id: string } => typeof (r as { id?: unknown } | null)?.id === 'string',
    );
  }

  store<R extends { id: string }>(): RecordStore<R> {
    return {
      load: () => structuredClone(this.#records) as R[],
      save: (records) => {
        this.#records = structuredClone(lastByKey(records, (r) => r.id));
        this.#writer.set(this.#records);
      },
    };
  }

  /** See {@link WriteBehind.flush}. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }
}
