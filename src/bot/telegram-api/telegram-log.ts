/**
 * Where the Telegram API's message ids, update ids and small state come from. With a message store
 * (the client's own, which logs every message in and out) an id is the log's `seq`: it survives
 * restarts, and the state (the confirmed offset, the webhook) is kept as store settings. Without one,
 * a bounded in-memory log counts from 1 in each process.
 */
import { storedIncoming } from '../../client/sync/message-log.js';
import { isRoomUserName, type MediaRef, type Message } from '../../model/index.js';
import type {
  MessageLogReader,
  MessageStore,
  NewStoredMessage,
  StoredMessage,
  StoreSettings,
} from '../../store/index.js';
import { hasStoreSettings, StoreError } from '../../store/index.js';
import type { LogEntry } from './telegram-message.js';

export interface TelegramLog {
  /** True when ids and state survive a restart. */
  readonly durable: boolean;
  /** Incoming entries with an id above `afterId`, oldest first, at most `limit`. */
  incomingAfter(afterId: number, limit: number): Promise<LogEntry[]>;
  entry(id: number): Promise<LogEntry | undefined>;
  /** The highest id given so far. */
  lastId(): Promise<number>;
  /** An incoming message (the client's 'message' event): the memory log gives it its id. */
  noteIncoming(message: Message): void;
  /** A message this API sent, with the LocalID of the send: its entry. */
  recordSent(message: Message, localId: string): Promise<LogEntry>;
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string | undefined): Promise<void>;
}

/**
 * A message store the Telegram API can number updates with: it logs messages, reads its log by
 * position, and may keep settings (the confirmed offset, the webhook) across restarts.
 */
export type TelegramStore = MessageStore & MessageLogReader & Partial<StoreSettings>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The Message of a log record: incoming ones are the decoded fields; outgoing ones are rebuilt. */
export function messageOfRecord(record: StoredMessage): Message {
  const { to: _to, ...fields } = record.fields as Record<string, unknown>;
  const decoded = record.direction === 'in' && typeof fields.kind === 'string' && isObject(fields.chat);
  const base = {
    kind: record.kind,
    id: record.msgId,
    createTime: record.createTime,
    chat: { userName: record.chatUserName, isRoom: isRoomUserName(record.chatUserName) },
    sender: { userName: record.senderUserName, displayName: '' },
    isSelf: record.direction === 'out',
    text: record.text,
    mentions: [],
    mentionsSelf: false,
  };
  return {
    ...base,
    ...(decoded || record.direction === 'out' ? fields : {}),
    ...outboxMedia(record, fields),
    raw: record.raw,
  } as unknown as Message;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * An image or file the client's outbox logged itself (docs/sessions.md) has no `media` among its
 * fields: it is rebuilt from the Msg it sent (MediaId, or a file's `<attachid>`; FileName; a file's `<totallen>`), so that
 * its file_id can be sent again and downloaded after a restart.
 */
function outboxMedia(record: StoredMessage, fields: Record<string, unknown>): object {
  if (record.direction !== 'out' || 'media' in fields) return {};
  if (record.kind !== 'image' && record.kind !== 'file') return {};
  const content = str(record.raw.Content);
  const mediaId = str(record.raw.MediaId) || (/<attachid>([^<]{1,500})<\/attachid>/.exec(content)?.[1] ?? '');
  const fileName = str(record.raw.FileName);
  const totalLen = /<totallen>(\d{1,15})<\/totallen>/.exec(content)?.[1];
  const media: MediaRef = {
    msgId: record.msgId,
    mediaId,
    fileName,
    fileSize: totalLen === undefined ? 0 : Number(totalLen),
    md5: '',
    attachId: record.kind === 'file' ? mediaId : '',
    encryFileName: '',
    aesKey: '',
  };
  return record.kind === 'image'
    ? { kind: 'image', media, width: 0, height: 0, cdnThumbUrl: '', cdnMidImgUrl: '' }
    : { kind: 'file', media, fileExt: '', appMsgType: 6, title: fileName };
}

/** The record of a message this API sent (media sends are not logged by the client itself). */
export function recordOfSent(message: Message, localId: string): NewStoredMessage {
  return { ...storedIncoming(message), direction: 'out', clientMsgId: localId, raw: {} };
}

export class StoreLog implements TelegramLog {
  readonly durable = true;
  readonly #store: TelegramStore;
  readonly #settings = new Map<string, string>();

  constructor(store: TelegramStore) {
    this.#store = store;
  }

  async incomingAfter(afterId: number, limit: number): Promise<LogEntry[]> {
    const records = await this.#store.logAfter(afterId, { limit, direction: 'in' });
    return records.map((r) => ({ id: r.seq, direction: 'in', message: messageOfRecord(r) }));
  }

  async entry(id: number): Promise<LogEntry | undefined> {
    const record = await this.#store.logEntry(id);
    return record
      ? { id: record.seq, direction: record.direction, message: messageOfRecord(record) }
      : undefined;
  }

  lastId(): Promise<number> {
    return this.#store.lastSeq();
  }

  noteIncoming(): void {
    // The client logged it already.
  }

  async recordSent(message: Message, localId: string): Promise<LogEntry> {
    let seq = await this.#store.seqOfOutgoing(localId);
    if (seq === undefined) {
      await this.#store.recordOutgoing(recordOfSent(message, localId));
      seq = await this.#store.seqOfOutgoing(localId);
    }
    if (seq === undefined) throw new StoreError('io', 'the store did not log the sent message');
    return { id: seq, direction: 'out', message };
  }

  async getSetting(key: string): Promise<string | undefined> {
    const store = this.#store;
    return hasStoreSettings(store) ? store.getSetting(key) : this.#settings.get(key);
  }

  async setSetting(key: string, value: string | undefined): Promise<void> {
    const store = this.#store;
    if (hasStoreSettings(store)) return store.setSetting(key, value);
    if (value === undefined) this.#settings.delete(key);
    else this.#settings.set(key, value);
  }
}

export class MemoryLog implements TelegramLog {
  readonly durable = false;
  readonly #entries = new Map<number, LogEntry>();
  readonly #settings = new Map<string, string>();
  readonly #max: number;
  #last = 0;

  /** `max`: entries kept (in and out); the oldest go first. */
  constructor(max = 5000) {
    this.#max = max;
  }

  async incomingAfter(afterId: number, limit: number): Promise<LogEntry[]> {
    const found: LogEntry[] = [];
    for (const entry of this.#entries.values()) {
      if (found.length >= limit) break;
      if (entry.id > afterId && entry.direction === 'in') found.push(entry);
    }
    return found;
  }

  async entry(id: number): Promise<LogEntry | undefined> {
    return this.#entries.get(id);
  }

  async lastId(): Promise<number> {
    return this.#last;
  }

  noteIncoming(message: Message): void {
    this.#add('in', message);
  }

  async recordSent(message: Message): Promise<LogEntry> {
    return this.#add('out', message);
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.#settings.get(key);
  }

  async setSetting(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.#settings.delete(key);
    else this.#settings.set(key, value);
  }

  #add(direction: 'in' | 'out', message: Message): LogEntry {
    const entry: LogEntry = { id: ++this.#last, direction, message };
    this.#entries.set(entry.id, entry);
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return entry;
  }
}
