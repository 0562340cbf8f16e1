/**
 * The update queue: the incoming messages of the log after the confirmed offset, as Telegram Updates.
 * `confirm(id)` forgets every update up to `id` (getUpdates with `offset = id + 1`); the offset is kept
 * in the log's settings, so with a store a confirmed update never comes again, even after a restart.
 * Updates older than 24 hours are not delivered (Telegram keeps them no longer either). Waiters (long
 * polls, the webhook pusher) are woken on every new message.
 */
import type { Message } from '../../model/index.js';
import type { ChatIds, IdClient } from './telegram-ids.js';
import type { TelegramLog } from './telegram-log.js';
import { isUpdateMessage, type LogEntry, toTelegramMessage } from './telegram-message.js';
import type { TgUpdate } from './telegram-types.js';

const OFFSET_KEY = 'telegram.offset';
const PAGE = 100;
/** Most msgIds of own sends remembered (to keep them out of the updates). */
const MAX_OWN_SENDS = 10_000;

export interface UpdateQueueOptions {
  log: TelegramLog;
  client: IdClient;
  ids: ChatIds;
  /** The account's own messages in the File Transfer chat are updates. */
  ownInFileTransfer: boolean;
  /** Updates older than this are not delivered. Default 86400 (24 h). */
  maxAgeSeconds?: number;
  now?: () => number;
}

export class UpdateQueue {
  readonly #o: UpdateQueueOptions;
  readonly #waiters = new Set<() => void>();
  readonly #ownSends = new Set<string>();
  #confirmed: number | undefined;
  /** Entries up to here are confirmed or no updates at all: scanning starts after it. */
  #floor = 0;

  constructor(options: UpdateQueueOptions) {
    this.#o = options;
  }

  /** A new message arrived: wake whoever waits. */
  notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /** A message this process sent: never an update, should the server echo it. */
  noteOwnSend(msgId: string): void {
    if (!msgId) return;
    this.#ownSends.add(msgId);
    if (this.#ownSends.size > MAX_OWN_SENDS) {
      const oldest = this.#ownSends.values().next().value;
      if (oldest !== undefined) this.#ownSends.delete(oldest);
    }
  }

  /** The highest confirmed update_id (0 when none). */
  async confirmed(): Promise<number> {
    if (this.#confirmed === undefined) {
      const saved = Number(await this.#o.log.getSetting(OFFSET_KEY));
      this.#confirmed = Number.isSafeInteger(saved) && saved > 0 ? saved : 0;
    }
    return this.#confirmed;
  }

  /** Forgets every update with an id up to `id`. */
  async confirm(id: number): Promise<void> {
    if (id <= (await this.confirmed())) return;
    this.#confirmed = id;
    await this.#o.log.setSetting(OFFSET_KEY, String(id));
  }

  /** Forgets every update there is now (drop_pending_updates). */
  async dropPending(): Promise<void> {
    await this.confirm(await this.#o.log.lastId());
  }

  /**
   * Applies getUpdates' `offset`: positive confirms what is below it; negative keeps only the last
   * `-offset` updates.
   */
  async applyOffset(offset: number): Promise<void> {
    if (offset > 0) {
      await this.confirm(offset - 1);
    } else if (offset < 0) {
      const all = await this.#pendingEntries(Number.MAX_SAFE_INTEGER);
      const cut = all.length + offset - 1;
      if (cut >= 0) await this.confirm((all[cut] as LogEntry).id);
    }
  }

  /** The oldest pending updates, at most `limit`. */
  async pending(limit: number): Promise<TgUpdate[]> {
    const entries = await this.#pendingEntries(limit);
    const { client, ids } = this.#o;
    return entries.map((e) => ({ update_id: e.id, message: toTelegramMessage(e, client, ids) }));
  }

  /** How many updates wait (counted up to `max`). */
  async count(max = 10_000): Promise<number> {
    return (await this.#pendingEntries(max)).length;
  }

  /** Resolves on the next notify(), after `timeoutMs`, or when `signal` aborts. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
      if (signal?.aborted) done();
    });
  }

  #isUpdate(message: Message): boolean {
    const { ownInFileTransfer, maxAgeSeconds = 86_400, now = Date.now } = this.#o;
    if (this.#ownSends.has(message.id)) return false;
    if (message.createTime > 0 && message.createTime < now() / 1000 - maxAgeSeconds) return false;
    return isUpdateMessage(message, ownInFileTransfer);
  }

  async #pendingEntries(limit: number): Promise<LogEntry[]> {
    let cursor = Math.max(await this.confirmed(), this.#floor);
    const found: LogEntry[] = [];
    while (found.length < limit) {
      const page = await this.#o.log.incomingAfter(cursor, PAGE);
      if (page.length === 0) break;
      for (const entry of page) {
        cursor = entry.id;
        if (this.#isUpdate(entry.message)) {
          found.push(entry);
          if (found.length >= limit) break;
        } else if (found.length === 0) {
          this.#floor = entry.id;
        }
      }
    }
    return found;
  }
}
