/**
 * The store contracts (docs/sessions.md): where a session survives a restart (SessionStore), where
 * every message in and out is logged and the processed MsgIds are kept (MessageStore), and the
 * contact cache. Implementations: MemoryStore, FileSessionStore, SqliteStore, PostgresStore.
 */

import type { SerializedCookieJar } from 'tough-cookie';
import { WebWxError } from '../errors.js';
import type { Credentials, Hosts, WebApp } from '../protocol/session-context.js';
import type { SyncKey, WireContact, WireUser } from '../protocol/wire-types.js';

/** The format version of SavedSession; a store refuses any other with StoreError 'incompatible'. */
export const SAVED_SESSION_VERSION = 1;

/** Everything needed to resume a session without a QR code. Plain JSON. Secret: never log it. */
export interface SavedSession {
  version: typeof SAVED_SESSION_VERSION;
  /** The web app the session belongs to (docs/filehelper.md); absent in sessions saved before it was recorded: 'web'. */
  app?: WebApp;
  hosts: Hosts;
  credentials: Credentials;
  /** CookieStore.toJSON() of the session's jar. */
  cookies: SerializedCookieJar;
  /** The key webwxsync sends next: everything before it has been recorded (exactly-once). */
  syncKey: SyncKey;
  syncCheckKey: SyncKey;
  /** The logged-in user as webwxinit described it (undefined before init). */
  self: WireUser | undefined;
  deviceId: string;
  /** Unix ms. */
  savedAt: number;
}

/**
 * Where a session survives a restart: what `createClient({ store })` takes. MemoryStore,
 * FileSessionStore, SqliteStore and PostgresStore implement it; a store that is also a
 * {@link MessageStore} or a {@link ContactCache} is used for those too.
 */
export interface SessionStore {
  /** The saved session, or undefined when there is none. StoreError when it cannot be read. */
  load(): Promise<SavedSession | undefined>;
  /** Replaces the saved session (atomically where the medium allows). */
  save(session: SavedSession): Promise<void>;
  /** Forgets the session (after a logout). */
  clear(): Promise<void>;
}

/** Whether a logged message came in ('in') or was sent ('out'). */
export type MessageDirection = 'in' | 'out';
/** Outgoing messages: 'pending' until the server accepted them, then 'sent'; 'failed' when given up. */
export type OutgoingStatus = 'pending' | 'sent' | 'failed';

/** One message of the log. Plain JSON. */
export interface StoredMessage {
  /** Position in the log, given by the store (increasing); the `before` cursor of history(). */
  seq: number;
  direction: MessageDirection;
  /** The server's MsgId ('' for an outgoing message not yet accepted). */
  msgId: string;
  /** Outgoing: the LocalID/ClientMsgId, the same on every retry. '' for incoming. */
  clientMsgId: string;
  /** The conversation's UserName (the peer, or the @@room). */
  chatUserName: string;
  senderUserName: string;
  /** Message kind ('text', 'image', …; 'unknown' when not decoded). */
  kind: string;
  /** Unix seconds. */
  createTime: number;
  /** The human-readable text ('' for media). */
  text: string;
  /** The decoded fields (the Message without `raw`), as JSON. */
  fields: Record<string, unknown>;
  /** The wire entry as received (incoming) or as sent (outgoing Msg). */
  raw: Record<string, unknown>;
  /** Outgoing only; incoming messages are 'sent'. */
  status: OutgoingStatus;
}

/** What {@link MessageStore.updateOutgoing} changes: the status, and the MsgId and `raw` when given. */
export interface OutgoingUpdate {
  status: OutgoingStatus;
  msgId?: string;
  raw?: Record<string, unknown>;
}

/** A message to log, before the store gives it a seq. */
export type NewStoredMessage = Omit<StoredMessage, 'seq'>;

/** A page of {@link MessageStore.history}: the newest `limit` messages before the seq `before`. */
export interface HistoryQuery {
  /** At most this many (the newest ones), default 50. */
  limit?: number;
  /** Only messages with a seq below this (paging backwards). */
  before?: number;
}

/**
 * The message log: every message in and out, and the processed MsgIds that make delivery
 * exactly-once. MemoryStore, SqliteStore and PostgresStore implement it.
 */
export interface MessageStore {
  /** Was this incoming MsgId already processed? */
  has(msgId: string): Promise<boolean>;
  /**
   * Records a batch of incoming messages as one unit: every message whose MsgId was not processed
   * yet is logged and marked processed, and `deliver(index)` is called for it (index into
   * `messages`) inside the same unit (for SqliteStore: the same transaction, so synchronous writes
   * a handler makes to the same database commit together with it; for PostgresStore: the same
   * transaction for the store calls a handler makes synchronously). Returns the indexes delivered.
   * A duplicate within the batch counts once.
   */
  recordIncoming(messages: readonly NewStoredMessage[], deliver?: (index: number) => void): Promise<number[]>;
  /** Logs an outgoing message (status 'pending' before it is sent). Idempotent per clientMsgId. */
  recordOutgoing(message: NewStoredMessage): Promise<void>;
  /**
   * Updates an outgoing message: its status and MsgId after the server answered, and, when `raw` is
   * given, replaces its `raw` (the outbox logs a medium's MediaId there once uploaded, so a re-send
   * after a crash reuses it). An unknown clientMsgId is ignored.
   */
  updateOutgoing(clientMsgId: string, update: OutgoingUpdate): Promise<void>;
  /** Outgoing messages still 'pending' (to re-send after a restart, with their ClientMsgId), oldest first. */
  pendingOutgoing(): Promise<StoredMessage[]>;
  /** The conversation's messages in and out, oldest first: the newest `limit` before `before`. */
  history(chatUserName: string, query?: HistoryQuery): Promise<StoredMessage[]>;
}

/**
 * Reading the message log by position: what the Telegram-compatible API (src/bot/telegram-api) takes
 * its updates and message ids from. MemoryStore, SqliteStore and PostgresStore have it.
 */
export interface MessageLogReader {
  /** Messages with a seq above `afterSeq`, oldest first, at most `limit` (default 100); one direction when given. */
  logAfter(
    afterSeq: number,
    query?: { limit?: number; direction?: MessageDirection },
  ): Promise<StoredMessage[]>;
  /** The message at this seq. */
  logEntry(seq: number): Promise<StoredMessage | undefined>;
  /** The seq of an outgoing message by its ClientMsgId. */
  seqOfOutgoing(clientMsgId: string): Promise<number | undefined>;
  /** The highest seq given so far (0 for an empty log). */
  lastSeq(): Promise<number>;
}

/** A few small named values kept with the store (the Telegram API's confirmed offset and its webhook). */
export interface StoreSettings {
  /** The value kept under `key`, or undefined. */
  getSetting(key: string): Promise<string | undefined>;
  /** `undefined` deletes the value. */
  setSetting(key: string, value: string | undefined): Promise<void>;
}

/**
 * Which part of the contact cache to read: the rooms (UserNames starting `@@`, with their members:
 * most of a big account's cache) or everything else. A resume reads the contacts before its first
 * message and the rooms only when a message needs them (docs/sessions.md, "Hot reload").
 */
export type ContactCachePart = 'contacts' | 'rooms';

/** The contact cache: the last contact list, to show something before the contacts load. */
export interface ContactCache {
  /**
   * The cached contact list ([] when there is none); with `part`, only that part. (A store written
   * before `part` existed returns everything: the client filters again.)
   */
  loadContacts(part?: ContactCachePart): Promise<WireContact[]>;
  /** Replaces the whole cache. */
  saveContacts(contacts: readonly WireContact[]): Promise<void>;
  /**
   * The cached entries with these UserNames (those the cache lacks are left out, in any order).
   * Optional: with it, a resume reads only the entries its first messages name before it answers
   * them, and the rest of the cache after (docs/sessions.md, "Contacts on a resume"); without it, the whole
   * contacts part comes first.
   */
  loadContactsNamed?(userNames: readonly string[]): Promise<WireContact[]>;
}

/** Whole-set records keyed by `id` (the stable ids of src/client/contacts/stable-ids.ts). */
export interface RecordStore<R extends { id: string }> {
  /** Every record kept ([] when there are none). */
  load(): R[];
  /**
   * Optional: the records whose `lastUserName` field is one of `userNames` (SqliteStore's stable ids:
   * a resume reads only the records its first replies name, StableIdStore.loadNamed).
   */
  loadNamed?(userNames: readonly string[]): R[];
  /** Replaces every record. */
  save(records: R[]): void;
}

/**
 * What a {@link StoreError} is about: a corrupt file or database, one of another version (log in
 * again or use another file), or a failing file system.
 */
export type StoreErrorKind = 'corrupt' | 'incompatible' | 'io';

/** A store cannot be read (corrupt, another version) or written. */
export class StoreError extends WebWxError {
  readonly code = 'store' as const;
  readonly kind: StoreErrorKind;
  /** Where (a file path), when there is one. */
  readonly location: string | undefined;

  constructor(kind: StoreErrorKind, message: string, options: { location?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.location = options.location;
  }
}

/** True when `store` also keeps messages (so createClient uses it for exactly-once delivery). */
export function isMessageStore(store: unknown): store is MessageStore {
  const s = store as Partial<MessageStore> | undefined;
  return (
    typeof s?.recordIncoming === 'function' &&
    typeof s.recordOutgoing === 'function' &&
    typeof s.updateOutgoing === 'function' &&
    typeof s.pendingOutgoing === 'function' &&
    typeof s.has === 'function' &&
    typeof s.history === 'function'
  );
}

/** True when `store` can read its message log by position (MemoryStore, SqliteStore, PostgresStore). */
export function isMessageLogReader(store: unknown): store is MessageLogReader {
  const s = store as Partial<MessageLogReader> | undefined;
  return (
    typeof s?.logAfter === 'function' &&
    typeof s.logEntry === 'function' &&
    typeof s.seqOfOutgoing === 'function' &&
    typeof s.lastSeq === 'function'
  );
}

/** True when `store` keeps small named values (MemoryStore, SqliteStore, PostgresStore). */
export function hasStoreSettings(store: unknown): store is StoreSettings {
  const s = store as Partial<StoreSettings> | undefined;
  return typeof s?.getSetting === 'function' && typeof s.setSetting === 'function';
}

/** True when `store` also keeps the contact cache (MemoryStore, SqliteStore, PostgresStore). */
export function isContactCache(store: unknown): store is ContactCache {
  const s = store as Partial<ContactCache> | undefined;
  return typeof s?.loadContacts === 'function' && typeof s.saveContacts === 'function';
}

/** The default history page size. */
export const DEFAULT_HISTORY_LIMIT = 50;
