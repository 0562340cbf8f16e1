/**
 * PostgresLeaseStore: the lease contract (lease-store.ts) in the PostgreSQL database PostgresStore
 * uses (the webwx_leases and webwx_workers tables of migration 2). Every decision is one statement
 * judged by the database's clock (`now()`), so workers on machines whose clocks disagree still agree
 * on who holds what; row locks make two workers acquiring at once see each other.
 */
import { InvalidArgumentError } from '../errors.js';
import {
  checkLeaseArgs,
  type Lease,
  type LeaseState,
  type LeaseStore,
  type WorkerState,
} from './lease-store.js';
import {
  describeTarget,
  loadPg,
  type PgPool,
  type PgQueryResult,
  passwordOf,
  storeErrorOf,
} from './postgres-driver.js';
import { migrate, type PgTables, tablesIn } from './postgres-schema.js';

/** Options of {@link PostgresLeaseStore.open}: `connectionString` or `pool`. */
export interface PostgresLeaseStoreOptions {
  /** `postgres://user:password@host:port/db`: the store makes its own pool and ends it on close(). */
  connectionString?: string;
  /** A pg Pool of your own (or anything of its shape): close() leaves it open. */
  pool?: PgPool;
  /** The schema holding the tables (as PostgresStore's `schema`); default: the search_path. */
  schema?: string;
  /** Connections of the pool made from `connectionString` (default 2). */
  maxConnections?: number;
}

interface LeaseRow {
  account: string;
  worker: string | null;
  token: string | number;
  expires_at: Date;
  live?: boolean;
}

function leaseOf(row: LeaseRow): Lease {
  return {
    accountId: row.account,
    workerId: row.worker as string,
    token: Number(row.token),
    expiresAt: row.expires_at,
  };
}

/** `$n` milliseconds from now, by the database's clock. */
const FROM_NOW = (n: number) => `now() + $${n} * interval '1 millisecond'`;

/** Leases in PostgreSQL (see {@link LeaseStore}); open with `await PostgresLeaseStore.open({ … })`. */
export class PostgresLeaseStore implements LeaseStore {
  /** Where the store is, for messages (the connection without its password). */
  readonly location: string;
  readonly #pool: PgPool;
  readonly #ownsPool: boolean;
  readonly #t: PgTables;
  readonly #secret: string | undefined;

  private constructor(options: PostgresLeaseStoreOptions, pool: PgPool, location: string) {
    this.location = location;
    this.#pool = pool;
    this.#ownsPool = options.pool === undefined;
    this.#t = tablesIn(options.schema);
    this.#secret = passwordOf(options.connectionString);
  }

  /**
   * Connects (loading `pg` for a connection string) and migrates the schema. StoreError 'io' when the
   * server cannot be reached or `pg` is missing, 'incompatible' for a database a newer webwx migrated.
   */
  static async open(options: PostgresLeaseStoreOptions): Promise<PostgresLeaseStore> {
    if ((options.connectionString === undefined) === (options.pool === undefined))
      throw new InvalidArgumentError(
        'PostgresLeaseStore',
        'PostgresLeaseStore: give either connectionString or pool',
      );
    const location = describeTarget(options.connectionString, 'leases');
    let pool = options.pool;
    if (!pool) {
      const pg = await loadPg();
      const made = new pg.Pool({
        connectionString: options.connectionString as string,
        max: options.maxConnections ?? 2,
        idleTimeoutMillis: 30_000,
      });
      made.on('error', () => {}); // an idle connection the server dropped: the next query reconnects
      pool = made;
    }
    const store = new PostgresLeaseStore(options, pool, location);
    try {
      await migrate(pool, options.schema, location);
    } catch (error) {
      if (!options.pool) await pool.end().catch(() => {});
      throw storeErrorOf('opening the lease store', location, error, store.#secret);
    }
    return store;
  }

  async #query<R>(what: string, text: string, values: unknown[]): Promise<PgQueryResult<R>> {
    try {
      return await this.#pool.query(text, values);
    } catch (error) {
      throw storeErrorOf(what, this.location, error, this.#secret);
    }
  }

  async register(accountId: string): Promise<void> {
    checkLeaseArgs('accountId', accountId);
    const t = this.#t;
    await this.#query(
      'registering an account',
      `WITH a AS (INSERT INTO ${t.accounts} (account) VALUES ($1) ON CONFLICT DO NOTHING)
       INSERT INTO ${t.leases} (account) VALUES ($1) ON CONFLICT DO NOTHING`,
      [accountId],
    );
  }

  async unregister(accountId: string): Promise<boolean> {
    const r = await this.#query(
      'unregistering an account',
      `DELETE FROM ${this.#t.leases} WHERE account = $1`,
      [accountId],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async acquire(accountId: string, workerId: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs('accountId', accountId);
    checkLeaseArgs('workerId', workerId, ttlMs);
    const mine = 'worker = $2 AND expires_at > now()';
    const r = await this.#query<LeaseRow>(
      'acquiring a lease',
      `UPDATE ${this.#t.leases}
         SET token = CASE WHEN ${mine} THEN token ELSE token + 1 END,
             acquired_at = CASE WHEN ${mine} THEN acquired_at ELSE now() END,
             worker = $2,
             expires_at = ${FROM_NOW(3)}
       WHERE account = $1 AND (worker IS NULL OR expires_at <= now() OR worker = $2)
       RETURNING account, worker, token, expires_at`,
      [accountId, workerId, ttlMs],
    );
    const row = r.rows[0];
    return row ? leaseOf(row) : undefined;
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs('workerId', lease.workerId, ttlMs);
    const r = await this.#query<LeaseRow>(
      'renewing a lease',
      `UPDATE ${this.#t.leases} SET expires_at = ${FROM_NOW(4)}
       WHERE account = $1 AND worker = $2 AND token = $3
       RETURNING account, worker, token, expires_at`,
      [lease.accountId, lease.workerId, lease.token, ttlMs],
    );
    const row = r.rows[0];
    return row ? leaseOf(row) : undefined;
  }

  async release(lease: Lease): Promise<boolean> {
    const r = await this.#query<{ live: boolean }>(
      'releasing a lease',
      `UPDATE ${this.#t.leases} AS l SET worker = NULL, expires_at = '-infinity'
       FROM (SELECT expires_at > now() AS live FROM ${this.#t.leases} WHERE account = $1) AS before
       WHERE l.account = $1 AND l.worker = $2 AND l.token = $3
       RETURNING before.live`,
      [lease.accountId, lease.workerId, lease.token],
    );
    return r.rows[0]?.live === true;
  }

  async isCurrent(lease: Lease): Promise<boolean> {
    const r = await this.#query(
      'checking a lease',
      `SELECT 1 FROM ${this.#t.leases}
       WHERE account = $1 AND worker = $2 AND token = $3 AND expires_at > now()`,
      [lease.accountId, lease.workerId, lease.token],
    );
    return r.rows.length === 1;
  }

  async list(): Promise<LeaseState[]> {
    const r = await this.#query<LeaseRow>(
      'listing leases',
      `SELECT account, worker, token, expires_at, (worker IS NOT NULL AND expires_at > now()) AS live
       FROM ${this.#t.leases} ORDER BY account COLLATE "C"`,
      [],
    );
    return r.rows.map((row) => ({
      accountId: row.account,
      workerId: row.live ? (row.worker ?? undefined) : undefined,
      token: Number(row.token),
      expiresAt: row.live ? row.expires_at : undefined,
    }));
  }

  async heartbeat(workerId: string, ttlMs: number): Promise<void> {
    checkLeaseArgs('workerId', workerId, ttlMs);
    await this.#query(
      'a worker heartbeat',
      `INSERT INTO ${this.#t.workers} (worker, expires_at) VALUES ($1, ${FROM_NOW(2)})
       ON CONFLICT (worker) DO UPDATE SET expires_at = excluded.expires_at`,
      [workerId, ttlMs],
    );
  }

  async leave(workerId: string): Promise<void> {
    await this.#query('a worker leaving', `DELETE FROM ${this.#t.workers} WHERE worker = $1`, [workerId]);
  }

  async workers(): Promise<WorkerState[]> {
    const r = await this.#query<{ worker: string; expires_at: Date }>(
      'listing workers',
      `SELECT worker, expires_at FROM ${this.#t.workers} WHERE expires_at > now() ORDER BY worker COLLATE "C"`,
      [],
    );
    return r.rows.map((row) => ({ workerId: row.worker, expiresAt: row.expires_at }));
  }

  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end().catch(() => {});
  }
}
