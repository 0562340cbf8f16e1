/**
 * PostgresStore's tables and their numbered migrations. Every table is keyed by the account, so many
 * accounts share one database. `migrate()` applies what is missing in one transaction under an
 * advisory lock (two processes opening at once never race), and refuses a database that a newer
 * webwx has migrated further.
 */
import { type PgPool, quoteIdent } from './postgres-driver.js';
import { StoreError } from './session-store.js';

/** The tables, qualified with the schema when one is given. */
export interface PgTables {
  migrations: string;
  accounts: string;
  sessions: string;
  settings: string;
  messages: string;
  processed: string;
  contacts: string;
  stableIds: string;
  leases: string;
  workers: string;
}

/** The table names in `schema` (undefined: the connection's search_path). */
export function tablesIn(schema: string | undefined): PgTables {
  const q = (name: string) => (schema === undefined ? name : `${quoteIdent(schema)}.${name}`);
  return {
    migrations: q('webwx_migrations'),
    accounts: q('webwx_accounts'),
    sessions: q('webwx_sessions'),
    settings: q('webwx_settings'),
    messages: q('webwx_messages'),
    processed: q('webwx_processed'),
    contacts: q('webwx_contacts'),
    stableIds: q('webwx_stable_ids'),
    leases: q('webwx_leases'),
    workers: q('webwx_workers'),
  };
}

/** One step of the schema: applied once, in order, recorded in webwx_migrations. */
export interface PgMigration {
  version: number;
  name: string;
  sql(t: PgTables): string;
}

const ACCOUNT = 'account text NOT NULL REFERENCES';

/** The migrations, oldest first; append new ones, never edit an applied one. */
export const POSTGRES_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'accounts, sessions, settings, message log, processed ids, contacts, stable ids',
    sql: (t) => `
CREATE TABLE ${t.accounts} (
  account text PRIMARY KEY,
  last_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ${t.sessions} (
  account text PRIMARY KEY REFERENCES ${t.accounts} ON DELETE CASCADE,
  format text NOT NULL,
  data bytea NOT NULL,
  saved_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ${t.settings} (
  ${ACCOUNT} ${t.accounts} ON DELETE CASCADE,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (account, key)
);
CREATE TABLE ${t.messages} (
  ${ACCOUNT} ${t.accounts} ON DELETE CASCADE,
  seq bigint NOT NULL,
  direction text NOT NULL,
  msg_id text NOT NULL,
  client_msg_id text,
  chat text NOT NULL,
  sender text NOT NULL,
  kind text NOT NULL,
  create_time bigint NOT NULL,
  text text NOT NULL,
  fields json NOT NULL,
  raw json NOT NULL,
  status text NOT NULL,
  PRIMARY KEY (account, seq)
);
CREATE INDEX webwx_messages_by_chat ON ${t.messages} (account, chat, seq);
CREATE UNIQUE INDEX webwx_messages_by_client_id ON ${t.messages} (account, client_msg_id)
  WHERE client_msg_id IS NOT NULL;
CREATE INDEX webwx_messages_pending ON ${t.messages} (account, seq)
  WHERE direction = 'out' AND status = 'pending';
CREATE TABLE ${t.processed} (
  ${ACCOUNT} ${t.accounts} ON DELETE CASCADE,
  msg_id text NOT NULL,
  PRIMARY KEY (account, msg_id)
);
CREATE TABLE ${t.contacts} (
  ${ACCOUNT} ${t.accounts} ON DELETE CASCADE,
  user_name text NOT NULL,
  position integer NOT NULL,
  data json NOT NULL,
  PRIMARY KEY (account, user_name)
);
CREATE TABLE ${t.stableIds} (
  ${ACCOUNT} ${t.accounts} ON DELETE CASCADE,
  id text NOT NULL,
  data json NOT NULL,
  PRIMARY KEY (account, id)
);
`,
  },
  {
    version: 2,
    name: 'leases (which worker runs which account, with fencing tokens) and worker heartbeats',
    sql: (t) => `
CREATE TABLE ${t.leases} (
  account text PRIMARY KEY REFERENCES ${t.accounts} ON DELETE CASCADE,
  worker text,
  token bigint NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL DEFAULT '-infinity',
  acquired_at timestamptz
);
CREATE TABLE ${t.workers} (
  worker text PRIMARY KEY,
  expires_at timestamptz NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
];

/** The schema version this code writes: the last migration's. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.length;

/** Advisory lock class for migrations (the second key is the schema's hash). */
const LOCK_CLASS = 0x77_65_77_78;

/** The highest applied migration, or 0 when the migrations table does not exist yet. */
async function appliedVersion(pool: PgPool, t: PgTables): Promise<number> {
  try {
    const r = await pool.query(`SELECT coalesce(max(version), 0) AS v FROM ${t.migrations}`);
    return Number(r.rows[0]?.v ?? 0);
  } catch (error) {
    if ((error as { code?: unknown })?.code === '42P01') return 0;
    throw error;
  }
}

function tooNew(version: number, location: string): StoreError {
  return new StoreError(
    'incompatible',
    `database schema version ${version} is newer than this webwx's (${POSTGRES_SCHEMA_VERSION}): upgrade webwx, or use another database or schema`,
    { location },
  );
}

/**
 * Brings the schema to {@link POSTGRES_SCHEMA_VERSION}: nothing to do when it is there already;
 * otherwise, in one transaction holding an advisory lock on the schema, creates the schema and the
 * migrations table when missing and applies each missing migration in order. A database migrated
 * further than this code knows is refused with StoreError 'incompatible'.
 */
export async function migrate(
  pool: PgPool,
  schema: string | undefined,
  location: string,
  migrations: readonly PgMigration[] = POSTGRES_MIGRATIONS,
): Promise<void> {
  const t = tablesIn(schema);
  const latest = migrations.at(-1)?.version ?? 0;
  const seen = await appliedVersion(pool, t);
  if (seen > latest) throw tooNew(seen, location);
  if (seen === latest) return;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema ?? '']);
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${t.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const r = await client.query(`SELECT coalesce(max(version), 0) AS v FROM ${t.migrations}`);
      const current = Number(r.rows[0]?.v ?? 0);
      if (current > latest) throw tooNew(current, location);
      for (const m of migrations) {
        if (m.version <= current) continue;
        await client.query(m.sql(t));
        await client.query(`INSERT INTO ${t.migrations} (version, name) VALUES ($1, $2)`, [
          m.version,
          m.name,
        ]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw error;
    }
  } finally {
    client.release(broken ?? false);
  }
}
