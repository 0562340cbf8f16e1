/**
 * Opening a SqliteStore's database (better-sqlite3, loaded on first use): the file (mode 0600), the
 * pragmas, the schema and its version check, and the statements, each prepared on first use; and
 * `sqliteCall`, which turns a failure of SQLite into a StoreError for every call of the store.
 *
 * Durability (docs/sessions.md): WAL with `synchronous = NORMAL`. A commit is appended to the WAL and
 * not synced; the WAL is synced when it is checkpointed into the database (SQLite's default: when it
 * passes 1,000 pages; a host's stores leave that to one scheduler, wal-checkpoints.ts). A process that dies (SIGKILL, a crash) loses nothing committed: the WAL is in
 * the operating system's cache and the next open replays it, so exactly-once holds across process
 * crashes, which the crash tests check. A power cut or an OS crash may undo the commits since the last
 * checkpoint, and only a suffix of them (the WAL's frames are checksummed in a chain): a message whose
 * mark is undone is fetched and delivered again (the sync key is saved after the messages it covers),
 * and a reply its handler sent may be sent again unless it was keyed (SendOptions.key). `FULL` would
 * sync every commit, four or so per echoed message; `OFF` may corrupt the file after a power cut.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { StoreError } from './session-store.js';

/** The database layout version; a database of another version is refused. */
export const SQLITE_SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  direction TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  client_msg_id TEXT,
  chat TEXT NOT NULL,
  sender TEXT NOT NULL,
  kind TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  text TEXT NOT NULL,
  fields TEXT NOT NULL,
  raw TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_chat ON messages (chat, seq);
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_id ON messages (client_msg_id) WHERE client_msg_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS processed (msg_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS contacts (user_name TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stable_ids (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS stable_ids_by_last_user_name ON stable_ids (json_extract(data, '$.lastUserName'));
`;

let driver: typeof Database | undefined;

/**
 * better-sqlite3 (CommonJS), loaded when the first SqliteStore is made: a process that never opens
 * one (the memory store, the emulator) does not pay for it. It is an optional dependency: installed
 * by default, but a library user who never persists can go without it (or without its native build).
 */
function loadDriver(): typeof Database {
  if (driver) return driver;
  try {
    driver = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    throw new StoreError(
      'io',
      missing
        ? 'SqliteStore needs the optional dependency better-sqlite3: run `npm install better-sqlite3` (or use MemoryStore / FileSessionStore)'
        : 'better-sqlite3 could not be loaded (its native build may be missing for this Node version: run `npm rebuild better-sqlite3`)',
      { cause },
    );
  }
  return driver;
}

/** `fn()`, with a failure of SQLite as a StoreError ('corrupt' for a file that is not a database). */
export function sqliteCall<T>(what: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    const code = (error as { code?: string })?.code ?? '';
    const kind = code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' ? 'corrupt' : 'io';
    throw new StoreError(kind, `${what} (${path}) failed${code ? ` (${code})` : ''}`, {
      location: path,
      cause: error,
    });
  }
}

/** How openDatabase() sets up the connection. */
export interface ConnectionOptions {
  /** The page cache in KiB (SQLite's default when undefined). */
  cacheKb?: number | undefined;
  /** false: SQLite never checkpoints the WAL by itself (a WalCheckpoints scheduler does). */
  autoCheckpoint?: boolean;
}

/** Opens (creating) the database at `path` and brings its schema up; StoreError for another version. */
export function openDatabase(path: string, options: ConnectionOptions = {}): Database.Database {
  const { cacheKb, autoCheckpoint = true } = options;
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  }
  const Driver = loadDriver();
  const db = new Driver(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    if (cacheKb !== undefined) db.pragma(`cache_size = -${cacheKb}`);
    if (!autoCheckpoint) db.pragma('wal_autocheckpoint = 0');
    const version = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get()
      ? (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
          | { value: string }
          | undefined)
      : undefined;
    if (version && Number(version.value) !== SQLITE_SCHEMA_VERSION) {
      throw new StoreError(
        'incompatible',
        `database has schema version ${version.value}; this webwx reads version ${SQLITE_SCHEMA_VERSION}`,
        { location: path },
      );
    }
    db.exec(SCHEMA);
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(
      String(SQLITE_SCHEMA_VERSION),
    );
    if (path !== ':memory:') {
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        try {
          chmodSync(file, 0o600);
        } catch {
          // -wal/-shm may not exist yet.
        }
      }
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Every statement of the store. Each is prepared on its first use and kept for the connection's life:
 * a compiled statement holds about 5 KB of native memory, and most connections (an account of a host
 * that only echoes, say) use fewer than half of them.
 */
const SQL = {
  getMeta: 'SELECT value FROM meta WHERE key = ?',
  setMeta:
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  deleteMeta: 'DELETE FROM meta WHERE key = ?',
  hasProcessed: 'SELECT 1 FROM processed WHERE msg_id = ?',
  markProcessed: 'INSERT OR IGNORE INTO processed (msg_id) VALUES (?)',
  insertMessage:
    'INSERT INTO messages (direction, msg_id, client_msg_id, chat, sender, kind, create_time, text, fields, raw, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  byClientId: 'SELECT seq FROM messages WHERE client_msg_id = ?',
  setStatus: 'UPDATE messages SET status = ? WHERE client_msg_id = ?',
  setStatusAndId: 'UPDATE messages SET status = ?, msg_id = ? WHERE client_msg_id = ?',
  setRaw: 'UPDATE messages SET raw = ? WHERE client_msg_id = ?',
  pending: "SELECT * FROM messages WHERE direction = 'out' AND status = 'pending' ORDER BY seq",
  history: 'SELECT * FROM messages WHERE chat = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
  after: 'SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?',
  afterInDirection: 'SELECT * FROM messages WHERE seq > ? AND direction = ? ORDER BY seq LIMIT ?',
  bySeq: 'SELECT * FROM messages WHERE seq = ?',
  lastSeq: "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0) AS seq",
  contacts: 'SELECT data FROM contacts',
  // Rooms are the UserNames starting '@@': the key range ['@@', '@A') ('A' follows '@').
  cachedRooms: "SELECT data FROM contacts WHERE user_name >= '@@' AND user_name < '@A'",
  cachedNonRooms: "SELECT data FROM contacts WHERE NOT (user_name >= '@@' AND user_name < '@A')",
  namedContacts: 'SELECT data FROM contacts WHERE user_name = ?',
  clearContacts: 'DELETE FROM contacts',
  insertContact: 'INSERT OR REPLACE INTO contacts (user_name, data) VALUES (?, ?)',
  stableIds: 'SELECT data FROM stable_ids',
  // The expression of the index stable_ids_by_last_user_name, so that the lookup uses it.
  namedStableIds: "SELECT data FROM stable_ids WHERE json_extract(data, '$.lastUserName') = ?",
  clearStableIds: 'DELETE FROM stable_ids',
  insertStableId: 'INSERT OR REPLACE INTO stable_ids (id, data) VALUES (?, ?)',
} as const;

export type StatementName = keyof typeof SQL;

/** A connection's statements, each prepared when first asked for (see SQL). */
export class Statements {
  readonly #db: Database.Database;
  readonly #prepared = new Map<StatementName, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** The statement, prepared on its first use. */
  of(name: StatementName): Database.Statement {
    let statement = this.#prepared.get(name);
    if (statement === undefined) {
      statement = this.#db.prepare(SQL[name]);
      this.#prepared.set(name, statement);
    }
    return statement;
  }
}
