/**
 * The checkpoint thread as the event loop sees it: one `node:worker_threads` Worker running
 * wal-checkpoint-worker.ts, started on the first request, asked one checkpoint at a time, and
 * `unref()`ed between checkpoints: it never keeps a process alive, but a process that awaits a
 * checkpoint (`settled()`, `close()`) waits for its answer. WalCheckpoints (wal-checkpoints.ts) decides what to ask.
 *
 * Where the worker's module is: from the sources (under vitest and `node --import tsx`), the thread
 * starts wal-checkpoint-worker-source.mjs next to this file, which registers tsx in the thread and
 * loads wal-checkpoint-worker.ts (Node 20 does not apply tsx's `--import` hooks in a worker); from the
 * package, the bundle's own entry `dist/store/wal-checkpoint-worker.js` (scripts/build.ts), found from
 * the chunk or entry that holds this code. When none is found, or the worker fails to start or dies, every later request fails at
 * once with a StoreError and `usable` turns false: the scheduler then checkpoints on the event loop.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StoreError } from './session-store.js';
import type { CheckpointAnswer, CheckpointRequest } from './wal-checkpoint-worker.js';
import { findWorkerModule } from './worker-module.js';

/** The tag wal-checkpoint-worker.ts serves under (its CHECKPOINT_WORKER_TAG). */
const WORKER_TAG = 'webwx-wal-checkpoints';

/** What a checkpoint on the thread did: SQLite's `wal_checkpoint` row. */
export interface ThreadCheckpoint {
  /** 1 when the checkpoint could not finish (a reader held frames it needed). */
  readonly busy: number;
  /** Frames in the WAL. */
  readonly log: number;
  /** Frames copied into the database. */
  readonly checkpointed: number;
}

interface Pending {
  readonly id: number;
  readonly path: string;
  readonly resolve: (result: ThreadCheckpoint) => void;
  readonly reject: (error: StoreError) => void;
}

/** One worker thread that runs PASSIVE checkpoints of database files, one at a time. */
export class CheckpointThread {
  #worker: Worker | undefined;
  #pending: Pending | undefined;
  /** The last checkpoint asked for, settled either way (close() lets it finish). */
  #last: Promise<void> = Promise.resolve();
  #nextId = 1;
  /** Why the thread cannot be used any more (set once). */
  #broken: StoreError | undefined;
  #closing = false;
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #module: URL | undefined;
  readonly #idleMs: number;

  /**
   * `idleMs`: the worker ends after this long without a checkpoint (default 30 s; the next one starts
   * it again), so that a host whose accounts are idle does not keep its ~9 MB. `module`: the worker's
   * module to run instead of webwx's own (tests: one that fails).
   */
  constructor(options: { idleMs?: number; module?: URL } = {}) {
    this.#idleMs = options.idleMs ?? 30_000;
    this.#module = options.module;
  }

  /** False once the worker could not start, died, or was closed. */
  get usable(): boolean {
    return this.#broken === undefined && !this.#closing;
  }

  /** The worker's thread id while it runs (diagnostics and tests), else undefined. */
  get threadId(): number | undefined {
    return this.#worker?.threadId;
  }

  /** Checkpoints the database at `path` (absolute) on the thread; StoreError when it fails. */
  run(path: string): Promise<ThreadCheckpoint> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closing) return Promise.reject(new StoreError('io', 'the checkpoint thread is closed'));
    if (this.#pending) return Promise.reject(new StoreError('io', 'a checkpoint is already running'));
    clearTimeout(this.#idleTimer);
    const worker = this.#worker ?? this.#start();
    if (!worker) return Promise.reject(this.#broken);
    const result = new Promise<ThreadCheckpoint>((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending = { id, path, resolve, reject };
      // Held while the checkpoint runs (a few ms), so that a process awaiting it does not exit first.
      worker.ref();
      worker.postMessage({ id, path } satisfies CheckpointRequest);
    });
    this.#last = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  /** Ends the worker (a checkpoint in flight is let finish first); resolves once it has exited. */
  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    if (!worker) return;
    await this.#last;
    if (this.#worker === worker) {
      worker.ref(); // until it has exited, for a caller that awaits close()
      const exited = new Promise<void>((done) => worker.once('exit', () => done()));
      await worker.terminate();
      await exited;
    }
  }

  #start(): Worker | undefined {
    const module = this.#module ?? findWorkerModule(import.meta.url, 'store', 'wal-checkpoint-worker');
    if (!module) {
      this.#fail(
        new StoreError('io', 'the checkpoint thread’s module (wal-checkpoint-worker) was not found'),
      );
      return undefined;
    }
    let worker: Worker;
    try {
      worker = new Worker(fileURLToPath(module), {
        workerData: WORKER_TAG,
        // Not the process's flags (an --inspect, a user's --import hooks): the thread needs none.
        execArgv: [],
        // A few MB are plenty: the thread holds one request and one connection at a time.
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
      });
    } catch (cause) {
      this.#fail(new StoreError('io', 'the checkpoint thread could not start', { cause }));
      return undefined;
    }
    worker.on('message', (answer: CheckpointAnswer) => this.#answer(answer));
    worker.on('error', (cause) => {
      this.#fail(new StoreError('io', 'the checkpoint thread failed', { cause }));
    });
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return; // one let go already: retired, or failed
      this.#worker = undefined;
      const error = new StoreError('io', `the checkpoint thread exited (code ${code})`);
      if (!this.#closing) return this.#fail(error);
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(error);
    });
    // Unref'd between checkpoints (after the listeners: adding a 'message' listener refs its port).
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #answer(answer: CheckpointAnswer): void {
    const pending = this.#pending;
    if (!pending || pending.id !== answer.id) return;
    this.#pending = undefined;
    this.#worker?.unref();
    if (!this.#closing) this.#idleTimer = setTimeout(() => this.#retire(), this.#idleMs).unref();
    if (answer.ok) {
      pending.resolve({ busy: answer.busy, log: answer.log, checkpointed: answer.checkpointed });
      return;
    }
    const code = answer.code ? ` (${answer.code})` : '';
    pending.reject(
      new StoreError(
        answer.code === 'SQLITE_NOTADB' || answer.code === 'SQLITE_CORRUPT' ? 'corrupt' : 'io',
        `checkpointing the WAL (${pending.path}) on the checkpoint thread failed${code}: ${answer.message}`,
        { location: pending.path },
      ),
    );
  }

  /** Ends an idle worker; the next checkpoint starts a new one. */
  #retire(): void {
    const worker = this.#worker;
    if (!worker || this.#pending || this.#closing) return;
    this.#worker = undefined;
    void worker.terminate();
  }

  #fail(error: StoreError): void {
    this.#broken ??= error;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) void worker.terminate();
  }
}
