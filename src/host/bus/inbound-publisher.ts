/**
 * The worker's side of inbound events (docs/scale.md): the account's message log is the queue. Every
 * incoming message the client logged goes to the account's stream (`webwx:{account}:in`) as the HTTP
 * API's message JSON, in log order; the log position of the last one Redis took is kept in the
 * account's store settings, so a worker that dies loses nothing: the next holder of the lease goes on
 * from there. A message can be published twice (a death between XADD and the saved position), always
 * with the same MsgId, which consumers deduplicate on.
 */
import { type EventStore, eventsAfter } from '../../bot/http-api/event-log.js';
import type { BotClient } from '../../bot/index.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { redact } from '../../redact.js';
import { type RedisConnection, redisError, streamsOf } from './redis-connection.js';

/** The store setting that keeps the log seq of the last message published to the bus. */
export const BUS_POSITION_KEY = 'bus.inbound.published';

/** Options of an {@link InboundPublisher}. */
export interface InboundPublisherOptions {
  /** The account whose log this is. */
  account: string;
  /** The account's store: its message log and settings. */
  store: EventStore;
  /** Names chats and senders in the JSON (the account's client). */
  client: Pick<BotClient, 'contacts'>;
  /** Where events go. */
  redis: RedisConnection;
  /** Key prefix (default none). */
  prefix?: string;
  /** Entries kept per stream, roughly (XADD MAXLEN ~; default 100000). */
  maxLength?: number;
  /** The lease's fencing token, written with each entry (consumers may drop a stale holder's). */
  token?: () => number;
  /**
   * Whether this worker may publish now (the worker's lease check, by its own clock): while false,
   * nothing is added and the position stays, for the next holder or a renewed lease (default always).
   */
  fence?: () => boolean;
  /** Polls the log this often even without a notify() (ms, default 1000): nothing waits on a lost wake-up. */
  pollMs?: number;
  logger?: Logger;
}

/**
 * Saves the bus position (the log's last seq) unless one is saved: call it before the account's
 * client first starts, so the messages of its first login are published too. Returns the position.
 */
export async function prepareBusPosition(store: EventStore): Promise<number> {
  const text = await store.getSetting(BUS_POSITION_KEY);
  const saved = Number(text);
  if (text !== undefined && Number.isSafeInteger(saved) && saved >= 0) return saved;
  const last = await store.lastSeq();
  await store.setSetting(BUS_POSITION_KEY, String(last));
  return last;
}

/** Publishes an account's incoming messages to its inbound stream, from the log (see the file's header). */
export class InboundPublisher {
  readonly #o: InboundPublisherOptions;
  readonly #stream: string;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #published = 0;

  constructor(options: InboundPublisherOptions) {
    this.#o = options;
    this.#stream = streamsOf(options.account, options.prefix).inbound;
    this.#logger = (options.logger ?? silentLogger).child({ component: 'bus-in', account: options.account });
    this.#timer = setInterval(() => this.notify(), options.pollMs ?? 1_000);
    this.#timer.unref();
  }

  /** Entries this publisher added to the stream. */
  get published(): number {
    return this.#published;
  }

  /** Something was logged: publish what Redis has not taken yet. */
  notify(): void {
    if (this.#closed) return;
    this.#again = true;
    this.#running ??= this.#drain()
      .catch((error: unknown) => {
        // Redis or the store failed: the position did not move; the next notify or poll tries again.
        this.#logger.warn({ error: redact(String((error as Error)?.message ?? error)) }, 'publishing failed');
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#again && !this.#closed) this.notify();
      });
  }

  /** Resolves when everything logged so far was published (or the attempt failed). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops publishing (the position stays where Redis left it). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  async #drain(): Promise<void> {
    const { store, client, redis } = this.#o;
    let position = await prepareBusPosition(store);
    while (this.#again && !this.#closed) {
      this.#again = false;
      for (;;) {
        if (this.#o.fence?.() === false) return;
        const events = await eventsAfter(store, client, position);
        if (events.length === 0 || this.#closed || this.#o.fence?.() === false) break;
        const token = String(this.#o.token?.() ?? 0);
        const maxLength = String(this.#o.maxLength ?? 100_000);
        try {
          // Sent back to back on one connection: Redis appends them in this order.
          await Promise.all(
            events.map((e) =>
              redis.call(
                'XADD',
                this.#stream,
                'MAXLEN',
                '~',
                maxLength,
                '*',
                'msgId',
                e.json.id,
                'seq',
                String(e.seq),
                'token',
                token,
                'event',
                JSON.stringify({ account: this.#o.account, ...e.json }),
              ),
            ),
          );
        } catch (error) {
          throw redisError('XADD', error);
        }
        this.#published += events.length;
        position = (events.at(-1) as { seq: number }).seq;
        await store.setSetting(BUS_POSITION_KEY, String(position));
        if (events.length < 100) break;
      }
    }
  }
}
