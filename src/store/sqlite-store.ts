/**
 * SqliteStore (better-sqlite3): the session, the contact cache, the stable ids, the message log (every
 * message in and out, with its kind, decoded fields and raw entry) and the set of processed MsgIds,
 * in one database file (mode 0600, WAL). Every call does its work synchronously before it returns,
 * so what a 'message' handler writes to `database` while recordIncoming delivers commits in the same
 * transaction as the message's processed mark (docs/sessions.md, exactly-once).
 */

import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { InvalidArgumentError } from '../errors.js';
import type { WireContact } from '../protocol/wire-types.js';
import { type MessageRow, rowToMessage } from './message-row.js';
import { checkSavedSession, parseSavedSession } from './saved-session.js';
import { type SecretKey, SessionCipher, sessionFromRow } from './session-cipher.js';
import {
  type ContactCache,
  type ContactCachePart,
  DEFAULT_HISTORY_LIMIT,
  type HistoryQuery,
  type MessageDirection,
  type MessageLogReader,
  type MessageStore,
  type NewStoredMessage,
  type OutgoingUpdate,
  type RecordStore,
  type SavedSession,
  type SessionStore,
  type StoredMessage,
  StoreError,
  type StoreSettings,
} from './session-store.js';

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
`;

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function messageParams(m: NewStoredMessage): unknown[] {
  return [
    m.direction,
    m.msgId,
    m.clientMsgId || null,
    m.chatUserName,
    m.senderUserName,
    m.kind,
    Math.trunc(m.createTime) || 0,
    m.text,
    JSON.stringify(m.fields ?? {}),
    JSON.stringify(m.raw ?? {}),
    m.status,
  ];
}

function wrap<T>(what: string, path: string, fn: () => T): T {
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

/** Options of `new SqliteStore(options)` (a path alone works too). */
export interface SqliteStoreOptions {
  /** The database file (created with its directory, mode 0600), or ':memory:'. */
  path: string;
  /**
   * Seals the saved session at rest (AES-256-GCM, as PostgresStore does): 32 random bytes, or a
   * passphrase. Without it the session is stored in clear; with it a session in clear is still read.
   */
  secretKey?: SecretKey;
  /**
   * The connection's page cache in KiB (SQLite's default: 2,000). A host of many accounts opens one
   * connection per account, so it asks for less (docs/host.md).
   */
  cacheKb?: number;
}

/** The meta value of a sealed session: this prefix, then the sealed bytes in base64. */
const SEALED_PREFIX = 'aes-256-gcm:';
/** What a sealed session of a SQLite file is bound to (the file may move; it holds one account). */
const SEALED_LABEL = 'sqlite';

/** Settings live in the meta table under this prefix, apart from the session and the schema version. */
const SETTING_PREFIX = 'setting:';

/**
 * Every store contract in one SQLite file (better-sqlite3, mode 0600, WAL): the session, the contact
 * cache, the stable ids, the message log and the processed MsgIds. Its calls do their work
 * synchronously, so writes a 'message' handler makes to {@link SqliteStore.database} commit with the
 * message (exactly-once). A database of another schema version is refused with a {@link StoreError}.
 */
export class SqliteStore
  implements SessionStore, MessageStore, MessageLogReader, ContactCache, StoreSettings
{
  readonly path: string;
  readonly #db: Database.Database;
  readonly #statements: ReturnType<typeof prepare>;
  readonly #cipher: SessionCipher | undefined;

  constructor(options: SqliteStoreOptions | string) {
    const path = typeof options === 'string' ? options : options.path;
    if (!path) throw new InvalidArgumentError('SqliteStore', 'SqliteStore: path is required');
    const key = typeof options === 'string' ? undefined : options.secretKey;
    this.#cipher = key === undefined ? undefined : new SessionCipher(key);
    this.path = path;
    const cacheKb = typeof options === 'string' ? undefined : options.cacheKb;
    if (cacheKb !== undefined && !(Number.isInteger(cacheKb) && cacheKb > 0))
      throw new InvalidArgumentError('SqliteStore', 'SqliteStore: cacheKb must be a positive integer');
    this.#db = wrap('opening the database', path, () => openDatabase(path, cacheKb));
    this.#statements = wrap('preparing the database', path, () => prepare(this.#db));
  }

  /** The underlying database, for writes that must commit with a delivery (see recordIncoming). */
  get database(): Database.Database {
    return this.#db;
  }

  /** Closes the database; calling it again does nothing. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  async load(): Promise<SavedSession | undefined> {
    const row = wrap('reading the session', this.path, () => this.#statements.getMeta.get('session')) as
      | { value: string }
      | undefined;
    if (!row) return undefined;
    if (!row.value.startsWith(SEALED_PREFIX)) return parseSavedSession(row.value, this.path);
    const data = Buffer.from(row.value.slice(SEALED_PREFIX.length), 'base64');
    return sessionFromRow({ format: 'aes-256-gcm', data }, this.#cipher, SEALED_LABEL, this.path);
  }

  async save(session: SavedSession): Promise<void> {
    const plain = JSON.stringify(checkSavedSession(session));
    const text = this.#cipher
      ? SEALED_PREFIX + (await this.#cipher.seal(Buffer.from(plain, 'utf8'), SEALED_LABEL)).toString('base64')
      : plain;
    wrap('saving the session', this.path, () => this.#statements.setMeta.run('session', text));
  }

  async clear(): Promise<void> {
    wrap('clearing the session', this.path, () => this.#statements.deleteMeta.run('session'));
  }

  async has(msgId: string): Promise<boolean> {
    return wrap(
      'reading processed ids',
      this.path,
      () => this.#statements.hasProcessed.get(msgId) !== undefined,
    );
  }

  async recordIncoming(
    messages: readonly NewStoredMessage[],
    deliver?: (index: number) => void,
  ): Promise<number[]> {
    const s = this.#statements;
    const run = this.#db.transaction(() => {
      const delivered: number[] = [];
      messages.forEach((message, index) => {
        if (!message.msgId) return;
        if (s.markProcessed.run(message.msgId).changes === 0) return;
        s.insertMessage.run(...messageParams(message));
        delivered.push(index);
        deliver?.(index);
      });
      return delivered;
    });
    return wrap('recording messages', this.path, () => run.immediate());
  }

  async recordOutgoing(message: NewStoredMessage): Promise<void> {
    if (!message.clientMsgId)
      throw new InvalidArgumentError('recordOutgoing', 'recordOutgoing: clientMsgId is required');
    wrap('recording an outgoing message', this.path, () => {
      if (this.#statements.byClientId.get(message.clientMsgId)) return;
      this.#statements.insertMessage.run(...messageParams(message));
    });
  }

  async updateOutgoing(clientMsgId: string, update: OutgoingUpdate): Promise<void> {
    wrap('updating an outgoing message', this.path, () => {
      if (update.msgId === undefined) this.#statements.setStatus.run(update.status, clientMsgId);
      else this.#statements.setStatusAndId.run(update.status, update.msgId, clientMsgId);
      if (update.raw !== undefined) this.#statements.setRaw.run(JSON.stringify(update.raw), clientMsgId);
    });
  }

  async pendingOutgoing(): Promise<StoredMessage[]> {
    const rows = wrap('reading pending messages', this.path, () =>
      this.#statements.pending.all(),
    ) as MessageRow[];
    return rows.map(rowToMessage);
  }

  async history(chatUserName: string, query: HistoryQuery = {}): Promise<StoredMessage[]> {
    const limit = Math.max(0, Math.trunc(query.limit ?? DEFAULT_HISTORY_LIMIT));
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const rows = wrap('reading history', this.path, () =>
      this.#statements.history.all(chatUserName, before, limit),
    ) as MessageRow[];
    return rows.reverse().map(rowToMessage);
  }

  async logAfter(
    afterSeq: number,
    query: { limit?: number; direction?: MessageDirection } = {},
  ): Promise<StoredMessage[]> {
    const limit = Math.max(0, Math.trunc(query.limit ?? 100));
    const s = this.#statements;
    const rows = wrap('reading the log', this.path, () =>
      query.direction === undefined
        ? s.after.all(afterSeq, limit)
        : s.afterInDirection.all(afterSeq, query.direction, limit),
    ) as MessageRow[];
    return rows.map(rowToMessage);
  }

  async logEntry(seq: number): Promise<StoredMessage | undefined> {
    const row = wrap('reading the log', this.path, () => this.#statements.bySeq.get(seq)) as
      | MessageRow
      | undefined;
    return row ? rowToMessage(row) : undefined;
  }

  async seqOfOutgoing(clientMsgId: string): Promise<number | undefined> {
    const row = wrap('reading the log', this.path, () => this.#statements.byClientId.get(clientMsgId)) as
      | { seq: number }
      | undefined;
    return row?.seq;
  }

  async lastSeq(): Promise<number> {
    const row = wrap('reading the log', this.path, () => this.#statements.lastSeq.get()) as { seq: number };
    return row.seq;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = wrap('reading a setting', this.path, () =>
      this.#statements.getMeta.get(SETTING_PREFIX + key),
    ) as { value: string } | undefined;
    return row?.value;
  }

  async setSetting(key: string, value: string | undefined): Promise<void> {
    wrap('saving a setting', this.path, () =>
      value === undefined
        ? this.#statements.deleteMeta.run(SETTING_PREFIX + key)
        : this.#statements.setMeta.run(SETTING_PREFIX + key, value),
    );
  }

  async loadContacts(part?: ContactCachePart): Promise<WireContact[]> {
    const s = this.#statements;
    const statement = part === 'rooms' ? s.cachedRooms : part === 'contacts' ? s.cachedNonRooms : s.contacts;
    const rows = wrap('reading contacts', this.path, () => statement.all()) as {
      data: string;
    }[];
    return rows
      .map((r) => parseJson(r.data) as unknown as WireContact)
      .filter((c) => typeof c.UserName === 'string');
  }

  async saveContacts(contacts: readonly WireContact[]): Promise<void> {
    const s = this.#statements;
    wrap('saving contacts', this.path, () =>
      this.#db.transaction(() => {
        s.clearContacts.run();
        for (const c of contacts) s.insertContact.run(c.UserName, JSON.stringify(c));
      })(),
    );
  }

  /**
   * A record store in this database for the stable ids of the contacts layer: pass
   * `store.stableIdStore<StableIdRecord>()` as createClient's `stableIds` (createClient does it by
   * itself when `store` is a SqliteStore and `stableIds` is not given).
   */
  stableIdStore<R extends { id: string }>(): RecordStore<R> {
    return {
      load: () => this.#loadStableIds() as R[],
      save: (records) => this.#saveStableIds(records),
    };
  }

  #loadStableIds(): { id: string }[] {
    const rows = wrap('reading stable ids', this.path, () => this.#statements.stableIds.all()) as {
      data: string;
    }[];
    return rows
      .map((r) => parseJson(r.data) as unknown as { id: string })
      .filter((r) => typeof r.id === 'string');
  }

  #saveStableIds(records: readonly { id: string }[]): void {
    const s = this.#statements;
    wrap('saving stable ids', this.path, () =>
      this.#db.transaction(() => {
        s.clearStableIds.run();
        for (const r of records) s.insertStableId.run(r.id, JSON.stringify(r));
      })(),
    );
  }
}

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

function openDatabase(path: string, cacheKb: number | undefined): Database.Database {
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

function prepare(db: Database.Database) {
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    deleteMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
    hasProcessed: db.prepare('SELECT 1 FROM processed WHERE msg_id = ?'),
    markProcessed: db.prepare('INSERT OR IGNORE INTO processed (msg_id) VALUES (?)'),
    insertMessage: db.prepare(
      'INSERT INTO messages (direction, msg_id, client_msg_id, chat, sender, kind, create_time, text, fields, raw, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    byClientId: db.prepare('SELECT seq FROM messages WHERE client_msg_id = ?'),
    setStatus: db.prepare('UPDATE messages SET status = ? WHERE client_msg_id = ?'),
    setStatusAndId: db.prepare('UPDATE messages SET status = ?, msg_id = ? WHERE client_msg_id = ?'),
    setRaw: db.prepare('UPDATE messages SET raw = ? WHERE client_msg_id = ?'),
    pending: db.prepare("SELECT * FROM messages WHERE direction = 'out' AND status = 'pending' ORDER BY seq"),
    history: db.prepare('SELECT * FROM messages WHERE chat = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
    after: db.prepare('SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?'),
    afterInDirection: db.prepare(
      'SELECT * FROM messages WHERE seq > ? AND direction = ? ORDER BY seq LIMIT ?',
    ),
    bySeq: db.prepare('SELECT * FROM messages WHERE seq = ?'),
    lastSeq: db.prepare(
      "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0) AS seq",
    ),
    contacts: db.prepare('SELECT data FROM contacts'),
    // Rooms are the UserNames starting '@@': the key range ['@@', '@A') ('A' follows '@').
    cachedRooms: db.prepare("SELECT data FROM contacts WHERE user_name >= '@@' AND user_name < '@A'"),
    cachedNonRooms: db.prepare(
      "SELECT data FROM contacts WHERE NOT (user_name >= '@@' AND user_name < '@A')",
    ),
    clearContacts: db.prepare('DELETE FROM contacts'),
    insertContact: db.prepare('INSERT OR REPLACE INTO contacts (user_name, data) VALUES (?, ?)'),
    stableIds: db.prepare('SELECT data FROM stable_ids'),
    clearStableIds: db.prepare('DELETE FROM stable_ids'),
    insertStableId: db.prepare('INSERT OR REPLACE INTO stable_ids (id, data) VALUES (?, ?)'),
  };
}
