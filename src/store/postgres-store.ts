/**
 * PostgresStore (`pg`, an optional dependency): every store contract SqliteStore offers, in a
 * PostgreSQL database many accounts share (every row is keyed by the account given at open). The
 * saved session is encrypted at rest when a secretKey is given (session-cipher.ts); the schema is
 * versioned and migrated under an advisory lock (postgres-schema.ts); the message log's longer
 * statements are in postgres-log.ts. docs/sessions.md, PostgresStore.
 */
import { InvalidArgumentError } from '../errors.js';
import type { WireContact } from '../protocol/wire-types.js';
import {
  type Delivery,
  type DeliveryContext,
  joinDelivery,
  recordInTransaction,
} from './postgres-delivery.js';
import {
  type PgPool,
  type PgQueryable,
  type PgQueryResult,
  passwordOf,
  storeErrorOf,
} from './postgres-driver.js';
import { historyWindow, insertOutgoingSql, logAfterWindow, updateOutgoing } from './postgres-log.js';
import { checkOptions, openPool, type PostgresStoreOptions, reporterOf } from './postgres-options.js';
import {
  lastByKey,
  MESSAGE_COLUMNS,
  messageValues,
  type PgMessageRow,
  pgJson,
  pgText,
  replaceAllSql,
  rowToMessage,
} from './postgres-rows.js';
import { migrate, type PgTables, tablesIn } from './postgres-schema.js';
import { checkSavedSession } from './saved-session.js';
import { SessionCipher, sessionFromRow, sessionRow } from './session-cipher.js';
import {
  type ContactCache,
  type ContactCachePart,
  type HistoryQuery,
  type MessageDirection,
  type MessageLogReader,
  type MessageStore,
  type NewStoredMessage,
  type OutgoingStatus,
  type RecordStore,
  type SavedSession,
  type SessionStore,
  type StoredMessage,
  StoreError,
  type StoreSettings,
} from './session-store.js';
import { RecordsWrittenBehind } from './write-behind.js';

const noop = (): void => {};

/**
 * Every store contract in PostgreSQL: the session (encrypted with `secretKey`), the message log with
 * exactly-once delivery, the processed MsgIds, the contact cache, settings and the stable ids, for one
 * account of a database many accounts share. Open it with `await PostgresStore.open({ … })`.
 */
export class PostgresStore
  implements SessionStore, MessageStore, MessageLogReader, ContactCache, StoreSettings
{
  /** The account this store reads and writes. */
  readonly account: string;
  /** Where the store is, for messages: the connection without its password, and the account. */
  readonly location: string;
  readonly #pool: PgPool;
  readonly #ownsPool: boolean;
  readonly #t: PgTables;
  readonly #cipher: SessionCipher | undefined;
  readonly #secret: string | undefined;
  readonly #stableIds: RecordsWrittenBehind;
  readonly #ctx: DeliveryContext;
  #delivery: Delivery | undefined;
  /** The recordIncoming calls in progress, one after another; other calls wait for them. */
  #barrier: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;

  private constructor(options: PostgresStoreOptions, pool: PgPool, ownsPool: boolean, location: string) {
    this.account = options.account;
    this.location = location;
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#t = tablesIn(options.schema);
    this.#cipher = options.secretKey === undefined ? undefined : new SessionCipher(options.secretKey);
    this.#secret = passwordOf(options.connectionString);
    this.#ctx = {
      pool,
      tables: this.#t,
      account: this.account,
      location,
      error: (what, error) => this.#error(what, error),
      enter: (delivery) => {
        this.#delivery = delivery;
      },
    };
    const onError = reporterOf(options);
    this.#stableIds = new RecordsWrittenBehind(
      (records) => this.#saveStableIds(records),
      (error) => onError(this.#error('saving stable ids', error)),
    );
  }

  /**
   * Connects (loading `pg` for a connection string), migrates the schema, registers the account and
   * preloads its stable ids. StoreError 'incompatible' for a database a newer webwx migrated, 'io'
   * when the server cannot be reached or `pg` is not installed.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const { location, logger } = checkOptions(options);
    const pool = options.pool ?? (await openPool(options, location, logger));
    const store = new PostgresStore(options, pool, !options.pool, location);
    try {
      await migrate(pool, options.schema, location);
      await pool.query(`INSERT INTO ${store.#t.accounts} (account) VALUES ($1) ON CONFLICT DO NOTHING`, [
        options.account,
      ]);
      const r = await pool.query(`SELECT data FROM ${store.#t.stableIds} WHERE account = $1 ORDER BY id`, [
        options.account,
      ]);
      store.#stableIds.preload(
        r.rows.map((row: { data: unknown }) =>
          typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
        ),
      );
    } catch (error) {
      if (!options.pool) await pool.end().catch(noop);
      throw store.#error('opening the store', error);
    }
    if (!store.#cipher)
      logger.warn(
        { location },
        'PostgresStore has no secretKey: the saved session (credentials, cookies) is stored unencrypted',
      );
    return store;
  }

  #error(what: string, error: unknown): StoreError {
    return storeErrorOf(what, this.location, error, this.#secret);
  }

  /**
   * Runs `fn` on the delivery transaction when called synchronously from recordIncoming's `deliver`
   * (settling when that transaction ends), else on the pool after any delivery in progress.
   */
  #op<T>(what: string, fn: (q: PgQueryable) => Promise<T>, join = true): Promise<T> {
    if (this.#closed)
      return Promise.reject(
        new StoreError('io', `${what} (${this.location}) failed: the store is closed`, {
          location: this.location,
        }),
      );
    const d = join ? this.#delivery : undefined;
    if (d)
      return joinDelivery(d, fn, (error) => {
        throw this.#error(what, error);
      });
    return (async () => {
      while (this.#barrier) await this.#barrier;
      try {
        return await fn(this.#pool);
      } catch (error) {
        throw this.#error(what, error);
      }
    })();
  }

  /**
   * Runs a statement of your own: on recordIncoming's delivery transaction when called synchronously
   * from a 'message' handler (it then commits with the message and settles after the commit), else
   * on the pool. The analogue of SqliteStore's `database`.
   */
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PgQueryResult<R>> {
    return this.#op('a query', (q) => q.query(text, values) as Promise<PgQueryResult<R>>);
  }

  async load(): Promise<SavedSession | undefined> {
    return this.#op('reading the session', async (q) => {
      const r = await q.query(`SELECT format, data FROM ${this.#t.sessions} WHERE account = $1`, [
        this.account,
      ]);
      const row = r.rows[0] as { format: string; data: Buffer } | undefined;
      return row && (await sessionFromRow(row, this.#cipher, this.account, this.location));
    });
  }

  async save(session: SavedSession): Promise<void> {
    const plain = Buffer.from(JSON.stringify(checkSavedSession(session)), 'utf8');
    return this.#op('saving the session', async (q) => {
      const { format, data } = await sessionRow(plain, this.#cipher, this.account);
      await q.query(
        `INSERT INTO ${this.#t.sessions} (account, format, data, saved_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (account) DO UPDATE SET format = excluded.format, data = excluded.data, saved_at = now()`,
        [this.account, format, data],
      );
    });
  }

  async clear(): Promise<void> {
    await this.#rows('clearing the session', `DELETE FROM ${this.#t.sessions} WHERE account = $1`);
  }

  async has(msgId: string): Promise<boolean> {
    const sql = `SELECT 1 FROM ${this.#t.processed} WHERE account = $1 AND msg_id = $2`;
    return (await this.#rows('reading processed ids', sql, [pgText(msgId)])).length > 0;
  }

  /**
   * Records a batch in one transaction: marks the new MsgIds processed, logs them with the next seqs
   * of the account (taken under the account's row lock, so seqs follow commit order), then calls
   * `deliver(index)` for each, synchronously, with the transaction still open. Store calls the
   * handlers make synchronously (this store's methods and {@link query}; a `client.sendText`, which
   * logs the send as pending) run in that transaction, and COMMIT waits for them; their promises
   * settle after it. A handler that throws, or a joined statement that fails, rolls everything
   * back and rejects: nothing is marked, and the server delivers the batch again. Unlike SqliteStore,
   * the handlers have run by then (their effects outside the database stay): a crash or a lost
   * connection between `deliver` and COMMIT means the batch is delivered again after a restart, so
   * work done outside this database must be idempotent (keyed on the message id).
   */
  async recordIncoming(
    messages: readonly NewStoredMessage[],
    deliver?: (index: number) => void,
  ): Promise<number[]> {
    if (this.#closed) return this.#op('recording messages', async () => []);
    const previous = this.#barrier;
    const run = (async () => {
      if (previous) await previous;
      return recordInTransaction(this.#ctx, messages, deliver);
    })();
    const mine: Promise<void> = run.then(noop, noop);
    this.#barrier = mine;
    void mine.then(() => {
      if (this.#barrier === mine) this.#barrier = undefined;
    });
    return run;
  }

  async recordOutgoing(message: NewStoredMessage): Promise<void> {
    if (!message.clientMsgId)
      throw new InvalidArgumentError('recordOutgoing', 'recordOutgoing: clientMsgId is required');
    await this.#rows('recording an outgoing message', insertOutgoingSql(this.#t), messageValues(message));
  }

  /** Sets the status, and the MsgId and `raw` when given. */
  async updateOutgoing(
    clientMsgId: string,
    update: { status: OutgoingStatus; msgId?: string; raw?: Record<string, unknown> },
  ): Promise<void> {
    const { sql, values } = updateOutgoing(this.#t, clientMsgId, update);
    await this.#rows('updating an outgoing message', sql, values);
  }

  async pendingOutgoing(): Promise<StoredMessage[]> {
    return this.#messages(
      'reading pending messages',
      `WHERE account = $1 AND direction = 'out' AND status = 'pending' ORDER BY seq`,
      [],
    );
  }

  async history(chatUserName: string, query: HistoryQuery = {}): Promise<StoredMessage[]> {
    const { where, values } = historyWindow(chatUserName, query);
    return (await this.#messages('reading history', where, values)).reverse();
  }

  async logAfter(
    afterSeq: number,
    query: { limit?: number; direction?: MessageDirection } = {},
  ): Promise<StoredMessage[]> {
    const { where, values } = logAfterWindow(afterSeq, query);
    return this.#messages('reading the log', where, values);
  }

  async logEntry(seq: number): Promise<StoredMessage | undefined> {
    if (!Number.isSafeInteger(seq)) return undefined;
    return (await this.#messages('reading the log', 'WHERE account = $1 AND seq = $2', [seq]))[0];
  }

  async seqOfOutgoing(clientMsgId: string): Promise<number | undefined> {
    const sql = `SELECT seq FROM ${this.#t.messages} WHERE account = $1 AND client_msg_id = $2`;
    const [row] = await this.#rows<{ seq: string }>('reading the log', sql, [pgText(clientMsgId)]);
    return row === undefined ? undefined : Number(row.seq);
  }

  async lastSeq(): Promise<number> {
    const sql = `SELECT last_seq FROM ${this.#t.accounts} WHERE account = $1`;
    const [row] = await this.#rows<{ last_seq: string }>('reading the log', sql);
    return Number(row?.last_seq ?? 0);
  }

  async #messages(what: string, where: string, values: unknown[]): Promise<StoredMessage[]> {
    const sql = `SELECT ${MESSAGE_COLUMNS} FROM ${this.#t.messages} ${where}`;
    return (await this.#rows<PgMessageRow>(what, sql, values)).map(rowToMessage);
  }

  /** Runs one statement with the account as $1 and `values` after it; its rows. */
  #rows<R>(what: string, sql: string, values: unknown[] = []): Promise<R[]> {
    return this.#op(what, async (q) => (await q.query(sql, [this.account, ...values])).rows as R[]);
  }

  async getSetting(key: string): Promise<string | undefined> {
    const sql = `SELECT value FROM ${this.#t.settings} WHERE account = $1 AND key = $2`;
    return (await this.#rows<{ value: string }>('reading a setting', sql, [pgText(key)]))[0]?.value;
  }

  async setSetting(key: string, value: string | undefined): Promise<void> {
    const t = this.#t.settings;
    await (value === undefined
      ? this.#rows('saving a setting', `DELETE FROM ${t} WHERE account = $1 AND key = $2`, [pgText(key)])
      : this.#rows(
          'saving a setting',
          `INSERT INTO ${t} (account, key, value) VALUES ($1, $2, $3)
           ON CONFLICT (account, key) DO UPDATE SET value = excluded.value`,
          [pgText(key), pgText(value)],
        ));
  }

  async loadContacts(part?: ContactCachePart): Promise<WireContact[]> {
    // Rooms are the UserNames starting '@@' (left() compares characters, whatever the collation).
    const only =
      part === 'rooms'
        ? " AND left(user_name, 2) = '@@'"
        : part === 'contacts'
          ? " AND left(user_name, 2) <> '@@'"
          : '';
    const sql = `SELECT data FROM ${this.#t.contacts} WHERE account = $1${only} ORDER BY position`;
    const rows = await this.#rows<{ data: WireContact }>('reading contacts', sql);
    return rows.map((row) => row.data).filter((c) => typeof c?.UserName === 'string');
  }

  async loadContactsNamed(userNames: readonly string[]): Promise<WireContact[]> {
    const names = [...new Set(userNames)].filter((n) => typeof n === 'string').map(pgText);
    if (names.length === 0) return [];
    const sql = `SELECT data FROM ${this.#t.contacts} WHERE account = $1 AND user_name = ANY($2::text[])`;
    const rows = await this.#rows<{ data: WireContact }>('reading contacts', sql, [names]);
    return rows.map((row) => row.data).filter((c) => typeof c?.UserName === 'string');
  }

  async saveContacts(contacts: readonly WireContact[]): Promise<void> {
    const kept = lastByKey(contacts, (c) => pgText(c.UserName));
    await this.#rows('saving contacts', replaceAllSql(this.#t.contacts, 'user_name', true), [
      kept.map((c) => pgText(c.UserName)),
      kept.map(pgJson),
    ]);
  }

  /**
   * The stable ids of the contacts layer as a synchronous RecordStore: load() returns the records
   * preloaded at open (and saved since); save() keeps them and writes them behind, in order, the
   * newest set winning. A failed write goes to `onError`; {@link flush} and close() wait for the
   * writes. createClient uses it by itself when `stableIds` is not given.
   */
  stableIdStore<R extends { id: string }>(): RecordStore<R> {
    return this.#stableIds.store<R>();
  }

  #saveStableIds(records: readonly { id: string }[]): Promise<void> {
    const sql = replaceAllSql(this.#t.stableIds, 'id', false);
    const values = [this.account, records.map((r) => pgText(r.id)), records.map(pgJson)];
    return this.#op('saving stable ids', async (q) => void (await q.query(sql, values)), false);
  }

  /** Waits for the stable ids written behind; rejects with the last write's StoreError when it failed. */
  async flush(): Promise<void> {
    await this.#stableIds.flush();
  }

  /**
   * Waits for the writes behind and any delivery in progress, then ends the pool the store made (a
   * pool passed as `pool` stays open). Rejects when the last stable-id write failed (after closing).
   * Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      let failure: { error: unknown } | undefined;
      try {
        await this.flush();
      } catch (error) {
        failure = { error };
      }
      while (this.#barrier) await this.#barrier;
      this.#closed = true;
      if (this.#ownsPool) await this.#pool.end().catch(noop);
      if (failure) throw failure.error;
    })();
    return this.#closing;
  }
}
