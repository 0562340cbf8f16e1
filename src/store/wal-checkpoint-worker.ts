/**
 * The checkpoint thread's own module: what runs inside the `node:worker_threads` Worker that
 * WalCheckpoints starts (wal-checkpoint-thread.ts starts it, wal-checkpoints.ts decides what it does).
 *
 * It answers one request at a time: a database file's path in, one PASSIVE checkpoint of that file on
 * a connection of its own, the result out. The connection is opened for the checkpoint and closed
 * after it (`fileMustExist`: a file that is gone is an error, never a new empty database), so the
 * thread holds no connection, no page cache and no file between checkpoints: a host's idle accounts
 * cost it nothing. Opening and closing costs about 0.22 ms more a checkpoint than a kept connection,
 * on this thread, not on the event loop (kept ones would cost ~150 KB each: wal-checkpoints.ts).
 *
 * It imports nothing of webwx (a worker loads its own copy of what it imports) and loads
 * better-sqlite3 only when the first request comes, so importing this module elsewhere does nothing.
 */
import { createRequire } from 'node:module';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';

/**
 * What the Worker's `workerData` holds, so that this module serves only when WalCheckpoints started
 * it (wal-checkpoint-thread.ts passes the same string; importing this module from there would bundle
 * it into the package's shared code).
 */
export const CHECKPOINT_WORKER_TAG = 'webwx-wal-checkpoints';

/** A request: checkpoint the database at `path` (absolute). */
export interface CheckpointRequest {
  readonly id: number;
  readonly path: string;
}

/** An answer: SQLite's own counts (`busy`, WAL frames `log`, frames `checkpointed`), or what failed. */
export type CheckpointAnswer =
  | {
      readonly id: number;
      readonly ok: true;
      readonly busy: number;
      readonly log: number;
      readonly checkpointed: number;
    }
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string };

interface Connection {
  pragma(source: string): unknown;
  close(): void;
}
type Driver = new (path: string, options: { fileMustExist: boolean }) => Connection;

/** Runs one PASSIVE checkpoint of `path` on a connection opened for it; never throws. */
export function checkpointFile(driver: () => Driver, request: CheckpointRequest): CheckpointAnswer {
  const { id, path } = request;
  try {
    const Database = driver();
    const db = new Database(path, { fileMustExist: true });
    try {
      const [row] = db.pragma('wal_checkpoint(PASSIVE)') as {
        busy: number;
        log: number;
        checkpointed: number;
      }[];
      return { id, ok: true, busy: row?.busy ?? 0, log: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
    } finally {
      db.close();
    }
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    return {
      id,
      ok: false,
      code: typeof code === 'string' ? code : '',
      message: typeof message === 'string' ? message : String(error),
    };
  }
}

/** Serves requests from `port` until it closes. */
export function serveCheckpoints(port: MessagePort): void {
  let loaded: Driver | undefined;
  const driver = (): Driver => {
    loaded ??= createRequire(import.meta.url)('better-sqlite3') as Driver;
    return loaded;
  };
  port.on('message', (request: CheckpointRequest) => {
    port.postMessage(checkpointFile(driver, request));
  });
}

if (parentPort && workerData === CHECKPOINT_WORKER_TAG) serveCheckpoints(parentPort);
