/**
 * The options of PostgresStore.open, checked once, and the pool it makes from a connection string.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { describeTarget, loadPg, type PgPool, passwordOf, storeErrorOf } from './postgres-driver.js';
import type { SecretKey } from './session-cipher.js';
import { checkSecretKey } from './session-cipher.js';
import type { StoreError } from './session-store.js';

/** Options of {@link PostgresStore.open}: `connectionString` or `pool`, and `account`. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/db`: the store makes its own pool and ends it on close(). */
  connectionString?: string;
  /** A pg Pool of your own (or anything of its shape): close() leaves it open. */
  pool?: PgPool;
  /** Whose data this store reads and writes; every row is keyed by it. Non-empty, at most 200 characters. */
  account: string;
  /** The schema holding the tables (created when missing); default: the connection's search_path. */
  schema?: string;
  /**
   * The key the saved session (credentials, cookies) is encrypted with (AES-256-GCM): 32 random bytes,
   * or a passphrase of at least 8 characters (scrypt). Without one the session is stored in clear.
   */
  secretKey?: SecretKey;
  /** Connections of the pool made from `connectionString` (default 4). */
  maxConnections?: number;
  /** Failures nobody awaits (stable ids written behind, idle connections); default: logged as errors. */
  onError?: (error: StoreError) => void;
  /** Where the store logs (a warning when there is no secretKey, and the default onError). */
  logger?: Logger;
}

const MAX_ACCOUNT_LENGTH = 200;

/** Checks the options (InvalidArgumentError when one is wrong); returns where the store is and its logger. */
export function checkOptions(options: PostgresStoreOptions): { location: string; logger: Logger } {
  const { account, connectionString, schema } = options;
  if (typeof account !== 'string' || account === '' || account.length > MAX_ACCOUNT_LENGTH)
    throw new InvalidArgumentError(
      'PostgresStore',
      `PostgresStore: account must be a string of 1 to ${MAX_ACCOUNT_LENGTH} characters`,
    );
  if ((connectionString === undefined) === (options.pool === undefined))
    throw new InvalidArgumentError('PostgresStore', 'PostgresStore: give either connectionString or pool');
  if (schema !== undefined && (typeof schema !== 'string' || schema === ''))
    throw new InvalidArgumentError('PostgresStore', 'PostgresStore: schema must be a non-empty string');
  if (options.secretKey !== undefined) checkSecretKey(options.secretKey);
  return { location: describeTarget(connectionString, account), logger: options.logger ?? silentLogger };
}

/** Where failures nobody awaits go: `onError`, else the logger. */
export function reporterOf(options: PostgresStoreOptions): (error: StoreError) => void {
  const logger = options.logger ?? silentLogger;
  return options.onError ?? ((error) => logger.error({ err: error.message }, 'PostgresStore failed'));
}

/** A pool for `connectionString` (loading pg); a failing idle connection is reported, never thrown. */
export async function openPool(
  options: PostgresStoreOptions,
  location: string,
  logger: Logger,
): Promise<PgPool> {
  const pg = await loadPg();
  const pool = new pg.Pool({
    connectionString: options.connectionString as string,
    max: options.maxConnections ?? 4,
    idleTimeoutMillis: 30_000,
  });
  const report = reporterOf({ ...options, logger });
  pool.on('error', (error) => {
    report(storeErrorOf('an idle connection', location, error, passwordOf(options.connectionString)));
  });
  return pool;
}
