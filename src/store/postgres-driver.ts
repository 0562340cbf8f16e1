/**
 * What PostgresStore needs of the `pg` driver, in its own small types (the public declarations never
 * name `pg`, an optional dependency), the lazy loader, and turning driver failures into StoreErrors
 * that never carry a password.
 */
import { redact } from '../redact.js';
import { StoreError, type StoreErrorKind } from './session-store.js';

/** A query's result, as `pg` returns it (the part PostgresStore reads). */
export interface PgQueryResult<R = Record<string, unknown>> {
  rows: R[];
  /** Rows affected or returned (null for commands without a count). */
  rowCount: number | null;
  /** The command tag ('INSERT', 'COMMIT', 'ROLLBACK', …). */
  command?: string;
}

/** Anything that runs a parameterised query: a pool or one of its connections. */
export interface PgQueryable {
  /** Runs `text` with the parameters `$1`, `$2`… bound to `values`. */
  // biome-ignore lint/suspicious/noExplicitAny: pg's own result rows are `any`; callers give their row type.
  query(text: string, values?: any[]): Promise<PgQueryResult<any>>;
}

/** A connection checked out of a pool. */
export interface PgPoolClient extends PgQueryable {
  /** Gives the connection back (an error or `true` destroys it instead). */
  release(error?: Error | boolean): void;
}

/** A `pg` Pool, or anything of the same shape. */
export interface PgPool extends PgQueryable {
  /** Checks a connection out of the pool (for a transaction); give it back with `release()`. */
  connect(): Promise<PgPoolClient>;
  /** Closes every connection of the pool. */
  end(): Promise<void>;
}

/** The part of the pg module PostgresStore uses. */
interface PgModule {
  Pool: new (config: {
    connectionString: string;
    max: number;
    idleTimeoutMillis?: number;
  }) => PgPool & { on(event: 'error', listener: (error: Error) => void): unknown };
}

/** How to load the driver (tests pass one that fails). */
export type PgImporter = () => Promise<unknown>;

/**
 * `pg`, imported when the first PostgresStore opens with a connection string. It is an optional
 * dependency: a missing one is a StoreError that says how to get it.
 */
export async function loadPg(importer: PgImporter = () => import('pg')): Promise<PgModule> {
  let mod: unknown;
  try {
    mod = await importer();
  } catch (cause) {
    const code = (cause as { code?: unknown })?.code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    throw new StoreError(
      'io',
      missing
        ? 'PostgresStore needs the optional dependency pg: run `npm install pg` (or pass your own `pool`)'
        : 'the pg driver could not be loaded',
      { cause },
    );
  }
  const m = mod as { Pool?: unknown; default?: { Pool?: unknown } };
  const Pool = m.Pool ?? m.default?.Pool;
  if (typeof Pool !== 'function') throw new StoreError('io', 'the pg module has no Pool (is it pg ≥ 8?)');
  return { Pool } as PgModule;
}

/**
 * Where a store is, for errors and logs: the connection string without its password or query
 * parameters (which may hold one), and the account.
 */
export function describeTarget(connectionString: string | undefined, account: string): string {
  let where = 'postgres';
  if (connectionString !== undefined) {
    try {
      const url = new URL(connectionString);
      const user = url.username ? `${url.username}@` : '';
      where = `${url.protocol}//${user}${url.host}${url.pathname}`;
    } catch {
      where = 'postgres (connection string not shown)';
    }
  }
  return `${where}#${account}`;
}

/** The password in a connection string, to be scrubbed from any driver message. */
export function passwordOf(connectionString: string | undefined): string | undefined {
  if (connectionString === undefined) return undefined;
  try {
    const url = new URL(connectionString);
    return url.password ? decodeURIComponent(url.password) : (url.searchParams.get('password') ?? undefined);
  } catch {
    return /password\s*=\s*'?([^'\s]+)/i.exec(connectionString)?.[1];
  }
}

/** SQLSTATEs that mean the tables are not what this code wrote. */
const CORRUPT_STATES = new Set(['42P01', '42703', '22P02', '22P05']);

/**
 * A driver failure as a StoreError: 'corrupt' when the tables are missing or altered, 'io' for
 * everything else (connection, authentication, server). The driver's message is kept, redacted and
 * without the password.
 */
export function storeErrorOf(what: string, location: string, error: unknown, secret?: string): StoreError {
  if (error instanceof StoreError) return error;
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  let detail = typeof e?.message === 'string' ? redact(e.message) : '';
  if (secret) detail = detail.split(secret).join('[redacted]');
  const kind: StoreErrorKind = CORRUPT_STATES.has(code) ? 'corrupt' : 'io';
  const suffix = [code, detail].filter(Boolean).join(': ');
  return new StoreError(kind, `${what} (${location}) failed${suffix ? ` (${suffix})` : ''}`, {
    location,
    cause: error,
  });
}

/** A quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
