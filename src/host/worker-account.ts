/**
 * One account a worker holds (worker.ts, docs/scale.md): its lease, its PostgresStore on the worker's
 * shared pool, its place in the worker's AccountHost (which runs its client: resume → push → QR), and
 * the publisher of its inbound events. What a worker needs to know about the account lives in the
 * account's store settings (`worker.spec`), written by `webwx worker add`.
 */
import type { PgPool, SecretKey, SessionStore } from '../store/index.js';
import { hasStoreSettings, type Lease, PostgresStore } from '../store/index.js';
import type { AccountSpec } from './hosted-account.js';

/** The store setting holding a worker account's spec (what `webwx worker add` wrote). */
export const WORKER_SPEC_KEY = 'worker.spec';

/** What a worker runs an account with: the host's account spec, and its server when not the worker's. */
export interface WorkerAccountSpec extends Omit<AccountSpec, 'id'> {
  /** One base URL for every host of this account (an emulator), instead of the worker's `--server`. */
  server?: string;
}

/** Where a worker keeps its accounts' data: the database's shared pool, schema and session key. */
export interface WorkerDatabase {
  pool: PgPool;
  schema?: string;
  secretKey?: SecretKey;
}

/** Opens an account's PostgresStore on the worker's pool (close() leaves the pool open). */
export function openAccountStore(db: WorkerDatabase, account: string): Promise<PostgresStore> {
  return PostgresStore.open({
    pool: db.pool,
    account,
    ...(db.schema !== undefined ? { schema: db.schema } : {}),
    ...(db.secretKey !== undefined ? { secretKey: db.secretKey } : {}),
  });
}

/** The account's spec from its store settings ({} when none was written or it does not parse). */
export async function readWorkerSpec(store: SessionStore): Promise<WorkerAccountSpec> {
  if (!hasStoreSettings(store)) return {};
  const text = await store.getSetting(WORKER_SPEC_KEY);
  if (text === undefined) return {};
  try {
    const spec = JSON.parse(text) as unknown;
    return typeof spec === 'object' && spec !== null && !Array.isArray(spec)
      ? (spec as WorkerAccountSpec)
      : {};
  } catch {
    return {};
  }
}

/** Writes an account's spec into its store settings. */
export async function writeWorkerSpec(store: PostgresStore, spec: WorkerAccountSpec): Promise<void> {
  await store.setSetting(WORKER_SPEC_KEY, JSON.stringify(spec));
}

/** The lease a worker holds and when, by its own monotonic clock, it must give up without a renewal. */
export interface HeldLease {
  lease: Lease;
  /** performance.now() after which the worker stops the account unless it renewed. */
  deadline: number;
}
