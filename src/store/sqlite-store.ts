/**
 * SqliteStore (better-sqlite3): the session, the contact cache, the stable ids, the message log (every
 * message in and out, with its kind, decoded fields and raw entry) and the set of processed MsgIds,
 * in one database file (mode 0600, WAL). Every call does its work synchronously before it returns,
 * so what a 'message' handler writes to `database` while recordIncoming delivers commits in the same
 * transaction as the message's processed mark (docs/sessions.md, exactly-once).
 */

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
import { openDatabase, Statements, sqliteCall } from './sqlite-database.js';
import { JsonRows } from './sqlite-json-rows.js';
import type { CheckpointTarget, WalCheckpoints } from './wal-checkpoints.js';

export { SQLITE_SCHEMA_VERSION } from './sqlite-database.js';

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
  /**
   * Checkpoints this store's WAL from a scheduler shared by many stores, one at a time, instead of
   * inside the commit that fills it (what a host of many accounts does: wal-checkpoints.ts).
   */
  checkpoints?: WalCheckpoints;
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
  implements SessionStore, MessageStore, MessageLogReader, ContactCache, StoreSettings, CheckpointTarget
{
  readonly path: string;
  readonly #checkpoints: WalCheckpoints | undefined;
  #writes = 0;
  readonly #db: Database.Database;
  readonly #statements: Statements;
  /** The contact cache and the stable ids. */
  readonly #rows: JsonRows;
  readonly #cipher: SessionCipher | undefined;
  #recordTx:
    | Database.Transaction<
        (batch: readonly NewStoredMessage[], onDeliver?: (index: number) => void) => number[]
      >
    | undefined;
  #updateTx: Database.Transaction<(id: string, u: OutgoingUpdate) => void> | undefined;

  constructor(options: SqliteStoreOptions | string) {
    const path = typeof options === 'string' ? options : options.path;
    if (!path) throw new InvalidArgumentError('SqliteStore', 'SqliteStore: path is required');
    const key = typeof options === 'string' ? undefined : options.secretKey;
    this.#cipher = key === undefined ? undefined : new SessionCipher(key);
    this.path = path;
    const cacheKb = typeof options === 'string' ? undefined : options.cacheKb;
    if (cacheKb !== undefined && !(Number.isInteger(cacheKb) && cacheKb > 0))
      throw new InvalidArgumentError('SqliteStore', 'SqliteStore: cacheKb must be a positive integer');
    const checkpoints = typeof options === 'string' ? undefined : options.checkpoints;
    this.#db = sqliteCall('opening the database', path, () =>
      openDatabase(path, { cacheKb, autoCheckpoint: checkpoints === undefined }),
    );
    this.#statements = new Statements(this.#db);
    this.#rows = new JsonRows(this.#db, this.#statements, path);
    this.#checkpoints = checkpoints;
    checkpoints?.add(this);
  }

  /**
   * Commits since the store was opened (bulk writes count a commit per few rows); it only grows. A
   * `checkpoints` scheduler compares it with its value at the store's last checkpoint.
   */
  get writeCount(): number {
    return this.#writes;
  }

  /** Copies the WAL into the database now (PASSIVE: it waits for no lock); see `checkpoints`. */
  checkpoint(): void {
    if (!this.#db.open) return;
    sqliteCall('checkpointing the WAL', this.path, () => this.#db.pragma('wal_checkpoint(PASSIVE)'));
  }

  /** The underlying database, for writes that must commit with a delivery (see recordIncoming). */
  get database(): Database.Database {
    return this.#db;
  }

  /** Closes the database; calling it again does nothing. */
  close(): void {
    this.#checkpoints?.delete(this);
    if (this.#db.open) this.#db.close();
  }

  async load(): Promise<SavedSession | undefined> {
    const row = sqliteCall('reading the session', this.path, () =>
      this.#statements.of('getMeta').get('session'),
    ) as { value: string } | undefined;
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
    sqliteCall('saving the session', this.path, () => this.#statements.of('setMeta').run('session', text));
    this.#writes++;
  }

  async clear(): Promise<void> {
    sqliteCall('clearing the session', this.path, () => this.#statements.of('deleteMeta').run('session'));
    this.#writes++;
  }

  async has(msgId: string): Promise<boolean> {
    return sqliteCall(
      'reading processed ids',
      this.path,
      () => this.#statements.of('hasProcessed').get(msgId) !== undefined,
    );
  }

  async recordIncoming(
    messages: readonly NewStoredMessage[],
    deliver?: (index: number) => void,
  ): Promise<number[]> {
    this.#writes++;
    return sqliteCall('recording messages', this.path, () =>
      this.#recordTransaction().immediate(messages, deliver),
    );
  }

  /**
   * recordIncoming's transaction function, made once per store on first use: making one is not free
   * (better-sqlite3 wraps it four times), and it ran for every sync round.
   */
  #recordTransaction(): Database.Transaction<
    (batch: readonly NewStoredMessage[], onDeliver?: (index: number) => void) => number[]
  > {
    this.#recordTx ??= this.#db.transaction(
      (batch: readonly NewStoredMessage[], onDeliver?: (index: number) => void) => {
        const s = this.#statements;
        const delivered: number[] = [];
        batch.forEach((message, index) => {
          if (!message.msgId) return;
          if (s.of('markProcessed').run(message.msgId).changes === 0) return;
          s.of('insertMessage').run(...messageParams(message));
          delivered.push(index);
          onDeliver?.(index);
        });
        return delivered;
      },
    );
    return this.#recordTx;
  }

  async recordOutgoing(message: NewStoredMessage): Promise<void> {
    if (!message.clientMsgId)
      throw new InvalidArgumentError('recordOutgoing', 'recordOutgoing: clientMsgId is required');
    this.#writes++;
    sqliteCall('recording an outgoing message', this.path, () => {
      if (this.#statements.of('byClientId').get(message.clientMsgId)) return;
      this.#statements.of('insertMessage').run(...messageParams(message));
    });
  }

  async updateOutgoing(clientMsgId: string, update: OutgoingUpdate): Promise<void> {
    // One transaction, one commit: the status and the server's answer land together.
    this.#writes++;
    sqliteCall('updating an outgoing message', this.path, () => {
      this.#updateTx ??= this.#db.transaction((id: string, u: OutgoingUpdate) => {
        const s = this.#statements;
        if (u.msgId === undefined) s.of('setStatus').run(u.status, id);
        else s.of('setStatusAndId').run(u.status, u.msgId, id);
        if (u.raw !== undefined) s.of('setRaw').run(JSON.stringify(u.raw), id);
      });
      this.#updateTx(clientMsgId, update);
    });
  }

  async pendingOutgoing(): Promise<StoredMessage[]> {
    const rows = sqliteCall('reading pending messages', this.path, () =>
      this.#statements.of('pending').all(),
    ) as MessageRow[];
    return rows.map(rowToMessage);
  }

  async history(chatUserName: string, query: HistoryQuery = {}): Promise<StoredMessage[]> {
    const limit = Math.max(0, Math.trunc(query.limit ?? DEFAULT_HISTORY_LIMIT));
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const rows = sqliteCall('reading history', this.path, () =>
      this.#statements.of('history').all(chatUserName, before, limit),
    ) as MessageRow[];
    return rows.reverse().map(rowToMessage);
  }

  async logAfter(
    afterSeq: number,
    query: { limit?: number; direction?: MessageDirection } = {},
  ): Promise<StoredMessage[]> {
    const limit = Math.max(0, Math.trunc(query.limit ?? 100));
    const s = this.#statements;
    const rows = sqliteCall('reading the log', this.path, () =>
      query.direction === undefined
        ? s.of('after').all(afterSeq, limit)
        : s.of('afterInDirection').all(afterSeq, query.direction, limit),
    ) as MessageRow[];
    return rows.map(rowToMessage);
  }

  async logEntry(seq: number): Promise<StoredMessage | undefined> {
    const row = sqliteCall('reading the log', this.path, () => this.#statements.of('bySeq').get(seq)) as
      | MessageRow
      | undefined;
    return row ? rowToMessage(row) : undefined;
  }

  async seqOfOutgoing(clientMsgId: string): Promise<number | undefined> {
    const row = sqliteCall('reading the log', this.path, () =>
      this.#statements.of('byClientId').get(clientMsgId),
    ) as { seq: number } | undefined;
    return row?.seq;
  }

  async lastSeq(): Promise<number> {
    const row = sqliteCall('reading the log', this.path, () => this.#statements.of('lastSeq').get()) as {
      seq: number;
    };
    return row.seq;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = sqliteCall('reading a setting', this.path, () =>
      this.#statements.of('getMeta').get(SETTING_PREFIX + key),
    ) as { value: string } | undefined;
    return row?.value;
  }

  async setSetting(key: string, value: string | undefined): Promise<void> {
    this.#writes++;
    sqliteCall('saving a setting', this.path, () =>
      value === undefined
        ? this.#statements.of('deleteMeta').run(SETTING_PREFIX + key)
        : this.#statements.of('setMeta').run(SETTING_PREFIX + key, value),
    );
  }

  async loadContacts(part?: ContactCachePart): Promise<WireContact[]> {
    const name = part === 'rooms' ? 'cachedRooms' : part === 'contacts' ? 'cachedNonRooms' : 'contacts';
    return contactsOf(this.#rows.all('reading contacts', name));
  }

  async loadContactsNamed(userNames: readonly string[]): Promise<WireContact[]> {
    return contactsOf(this.#rows.named('reading contacts', 'namedContacts', userNames));
  }

  async saveContacts(contacts: readonly WireContact[]): Promise<void> {
    this.#writes += this.#rows.replace(
      'saving contacts',
      'clearContacts',
      'insertContact',
      contacts,
      (c) => c.UserName,
    );
  }

  /**
   * A record store in this database for the stable ids of the contacts layer: pass
   * `store.stableIdStore<StableIdRecord>()` as createClient's `stableIds` (createClient does it by
   * itself when `store` is a SqliteStore and `stableIds` is not given).
   */
  stableIdStore<R extends { id: string }>(): RecordStore<R> {
    const records = (rows: Record<string, unknown>[]) =>
      rows.filter((r) => typeof r.id === 'string') as unknown as R[];
    return {
      load: () => records(this.#rows.all('reading stable ids', 'stableIds')),
      loadNamed: (userNames) => records(this.#rows.named('reading stable ids', 'namedStableIds', userNames)),
      save: (list) => {
        this.#writes += this.#rows.replace(
          'saving stable ids',
          'clearStableIds',
          'insertStableId',
          list,
          (r) => r.id,
        );
      },
    };
  }
}

/** Cached contacts as read back: rows without a UserName (damaged, or written by hand) left out. */
function contactsOf(rows: Record<string, unknown>[]): WireContact[] {
  return (rows as unknown as WireContact[]).filter((c) => typeof c.UserName === 'string');
}
