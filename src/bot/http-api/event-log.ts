/**
 * The HTTP API's events read from the client's message log (docs/bot.md, durable delivery): every
 * incoming message the client logged is an event whose id is its log `seq` — stable across restarts,
 * so a webhook receiver can deduplicate on it and an SSE client can resume after it
 * (`Last-Event-ID`). The same log and store settings the Telegram-compatible surface reads its updates
 * and offset from.
 */
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { redact } from '../../redact.js';
import type { MessageLogReader, StoredMessage, StoreSettings } from '../../store/index.js';
import { hasStoreSettings, isMessageLogReader } from '../../store/index.js';
import type { BotClient } from '../bot-client.js';
import { type MessageJson, messageToJson } from '../message-json.js';
import { messageOfRecord } from '../telegram-api/telegram-log.js';

/** A store the HTTP API can deliver durably from: the message log by position, and settings. */
export type EventStore = MessageLogReader & StoreSettings;

/** True when `store` reads its log by position and keeps settings (MemoryStore, SqliteStore). */
export function isEventStore(store: unknown): store is EventStore {
  return isMessageLogReader(store) && hasStoreSettings(store);
}

/** A message event as it leaves the process: the message JSON with its event id. */
export type EventJson = MessageJson & {
  /** The event's id: the log seq with a store (stable across restarts), else the MsgId. */
  eventId: string;
};

/** One incoming message of the log as an event. */
export interface LoggedEvent {
  seq: number;
  json: EventJson;
}

/** The event of a log record. */
export function eventOfRecord(record: StoredMessage, client: Pick<BotClient, 'contacts'>): LoggedEvent {
  return {
    seq: record.seq,
    json: { eventId: String(record.seq), ...messageToJson(messageOfRecord(record), client) },
  };
}

/** The incoming events of the log after `afterSeq`, oldest first, at most `limit`. */
export async function eventsAfter(
  store: EventStore,
  client: Pick<BotClient, 'contacts'>,
  afterSeq: number,
  limit = 100,
): Promise<LoggedEvent[]> {
  const records = await store.logAfter(afterSeq, { limit, direction: 'in' });
  return records.map((r) => eventOfRecord(r, client));
}

/** An event id as the log's seq: a non-negative safe integer, else undefined. */
export function parseEventId(value: string | string[] | undefined | null): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' || !/^\d{1,16}$/.test(text.trim())) return undefined;
  const seq = Number(text.trim());
  return Number.isSafeInteger(seq) ? seq : undefined;
}

/**
 * Follows the end of the log: `notify()` (on each 'message' event) reads the incoming entries after
 * the last one seen and hands them to the listeners, in order, each once. Reads one at a time.
 */
export class LogTail {
  readonly #store: EventStore;
  readonly #client: Pick<BotClient, 'contacts'>;
  readonly #listeners = new Set<(event: LoggedEvent) => void>();
  readonly #logger: Logger;
  #seq: number;
  #reading = false;
  #again = false;
  #closed = false;

  /** Starts after `fromSeq` (the log's last seq when the API started). */
  constructor(
    store: EventStore,
    client: Pick<BotClient, 'contacts'>,
    fromSeq: number,
    logger: Logger = silentLogger,
  ) {
    this.#store = store;
    this.#client = client;
    this.#seq = fromSeq;
    this.#logger = logger;
  }

  /** The seq of the last entry handed to the listeners (or the start). */
  get seq(): number {
    return this.#seq;
  }

  /** Calls `listener` for every new event; returns the function that stops it. */
  listen(listener: (event: LoggedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Something was logged: read it once the store's unit of work is over (the client emits 'message'
   * inside it).
   */
  notify(): void {
    if (this.#closed) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    queueMicrotask(() => void this.#read());
  }

  close(): void {
    this.#closed = true;
    this.#listeners.clear();
  }

  async #read(): Promise<void> {
    try {
      do {
        this.#again = false;
        for (;;) {
          const events = await eventsAfter(this.#store, this.#client, this.#seq);
          if (this.#closed) return;
          for (const event of events) {
            this.#seq = event.seq;
            for (const listener of this.#listeners) listener(event);
          }
          if (events.length < 100) break;
        }
      } while (this.#again && !this.#closed);
    } catch (error) {
      // The next notify() tries again from the same place.
      this.#logger.warn(
        { error: redact(error instanceof Error ? error.message : String(error)) },
        'reading the message log failed',
      );
    } finally {
      this.#reading = false;
    }
  }
}
