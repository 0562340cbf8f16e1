/**
 * A worker's options and events (worker.ts, docs/scale.md): what it is given, what it reports, and
 * its lease timing resolved once (the TTL and the tick).
 */
import type { ClientOptions, WebWxClient } from '../client/index.js';
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LeaseStore } from '../store/index.js';
import type { AccountHostOptions } from './account-host.js';
import type { RedisConnection } from './bus/redis-connection.js';
import type { AccountState } from './hosted-account.js';
import type { WorkerDatabase } from './worker-account.js';
import type { LoginRetryOptions } from './worker-login-retry.js';

/** What a worker reports (`webwx worker` prints each as a JSON line). */
export type WorkerEvent =
  | { type: 'acquired'; account: string; token: number }
  | { type: 'state'; account: string; state: AccountState }
  | { type: 'qr'; account: string; uuid: string; url: string }
  | { type: 'released' | 'lost'; account: string; reason: string }
  /** A login failed: retried after `retryInMs`, or (no `retryInMs`) given up, its lease released. */
  | { type: 'login-failed'; account: string; failures: number; retryInMs?: number; error?: string };

/** Options of a {@link Worker}. */
export interface WorkerOptions {
  /** This worker's id (unique among the workers: host name and pid, say). */
  workerId: string;
  /** The database of the accounts' stores. */
  db: WorkerDatabase;
  /** Where the leases are (a PostgresLeaseStore on the same database). */
  leases: LeaseStore;
  /** For publishing, acknowledging and results. */
  redis: RedisConnection;
  /** For the blocking reads of outbound commands: a connection of its own. */
  redisBlocking: RedisConnection;
  /** Key prefix on Redis (default none). */
  prefix?: string;
  /** Options of every account's client (server, timeouts, pacing…). */
  client?: AccountHostOptions['client'];
  /** A lease's time to live (ms, default {@link DEFAULT_LEASE_TTL_MS}): how long a dead worker's accounts wait. */
  leaseTtlMs?: number;
  /** How often the worker renews and looks for accounts (ms, default leaseTtlMs / 4). */
  tickMs?: number;
  /** How failed logins are retried before the lease is given back (see LoginRetryOptions). */
  loginRetry?: LoginRetryOptions;
  /** Most accounts given back in one tick when over the fair share (default 3). */
  rebalanceStep?: number;
  logger?: Logger;
  /** Hears every event (acquired, state, qr, login-failed, released, lost). */
  onEvent?: (event: WorkerEvent) => void;
  /** Makes a client (tests). */
  createClient?: (options: ClientOptions) => WebWxClient;
}

/**
 * The default lease time to live: 5 s. A killed worker's accounts come back after at most the TTL (its
 * last renewal) plus a tick of the taker (TTL/4) plus the resume, about 6.3 s + the resume, within the
 * 10 s of docs/scale.md; a worker still gets three renewals before it gives up at 80 % of the TTL.
 */
export const DEFAULT_LEASE_TTL_MS = 5_000;

/** A worker's lease TTL and tick (ms), its options resolved: the tick defaults to a quarter of the TTL (≥ 50 ms). */
export function workerTiming(options: Pick<WorkerOptions, 'leaseTtlMs' | 'tickMs'>): {
  leaseTtlMs: number;
  tickMs: number;
} {
  const leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!Number.isFinite(leaseTtlMs) || leaseTtlMs < 200)
    throw new InvalidArgumentError('leaseTtlMs', 'leaseTtlMs: at least 200 ms');
  return { leaseTtlMs, tickMs: options.tickMs ?? Math.max(50, Math.floor(leaseTtlMs / 4)) };
}
