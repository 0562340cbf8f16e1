export { FileSessionStore, writeFileAtomic } from './file-session-store.js';
export { MemoryLeaseStore } from './lease-memory.js';
export { PostgresLeaseStore, type PostgresLeaseStoreOptions } from './lease-postgres.js';
export type { Lease, LeaseState, LeaseStore, WorkerState } from './lease-store.js';
export { MemoryStore } from './memory-store.js';
export type { PgPool, PgPoolClient, PgQueryable, PgQueryResult } from './postgres-driver.js';
export type { PostgresStoreOptions } from './postgres-options.js';
export { POSTGRES_SCHEMA_VERSION } from './postgres-schema.js';
export { PostgresStore } from './postgres-store.js';
export { checkSavedSession, parseSavedSession } from './saved-session.js';
export type { SecretKey } from './session-cipher.js';
export type {
  ContactCache,
  ContactCachePart,
  HistoryQuery,
  MessageDirection,
  MessageLogReader,
  MessageStore,
  NewStoredMessage,
  OutgoingStatus,
  OutgoingUpdate,
  RecordStore,
  SavedSession,
  SessionStore,
  StoredMessage,
  StoreErrorKind,
  StoreSettings,
} from './session-store.js';
export {
  DEFAULT_HISTORY_LIMIT,
  hasStoreSettings,
  isContactCache,
  isMessageLogReader,
  isMessageStore,
  SAVED_SESSION_VERSION,
  StoreError,
} from './session-store.js';
export { SQLITE_SCHEMA_VERSION, SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export {
  type CheckpointTarget,
  type WalCheckpointOptions,
  type WalCheckpointStats,
  WalCheckpoints,
} from './wal-checkpoints.js';
