/**
 * Delivery of incoming messages to a configured webhook: POSTed as JSON one at a time, in order, each
 * retried with exponential backoff until `maxAttempts`; then given up with a warning. The queue is
 * bounded (the oldest waiting message is dropped first when it is full).
 */
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { redact } from '../../redact.js';
import { describeUrl, postJson } from '../http-post.js';
import { backoffDelay } from '../send-queue.js';

/** Options of `new WebhookDelivery(options)`, and the `webhook` option of {@link startApiServer}. */
export interface WebhookDeliveryOptions {
  /** The URL every message is POSTed to. */
  url: string;
  /** Extra headers, e.g. an Authorization the webhook expects. */
  headers?: Record<string, string>;
  /** Attempts per message before it is given up (with a warning). Default 5. */
  maxAttempts?: number;
  /** The first pause after a failed attempt. Default 1000 ms, doubling per attempt up to `backoffMaxMs`. */
  backoffBaseMs?: number;
  /** The longest pause between attempts. Default 30000 ms. */
  backoffMaxMs?: number;
  /** Timeout of one POST. Default 10000 ms. */
  timeoutMs?: number;
  /** Most messages waiting; when full, the oldest is dropped. Default 1000. */
  maxQueued?: number;
  logger?: Logger;
  /** Random numbers in [0, 1) for the jitter, injected in tests. Default Math.random. */
  random?: () => number;
  /** Waits `ms`, injected in tests. Default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** The counters of a {@link WebhookDelivery} (`delivery.stats`). */
export interface DeliveryStats {
  /** Messages the webhook accepted. */
  delivered: number;
  /** Messages given up after `maxAttempts`. */
  failed: number;
  /** Messages dropped because the queue was full. */
  dropped: number;
  /** Attempts repeated after a failure. */
  retries: number;
}

/**
 * Delivers messages to a webhook: POSTed as JSON one at a time, in order, each retried with
 * exponential backoff up to `maxAttempts`, then given up with a warning. The queue is bounded: when it
 * is full the oldest waiting message is dropped.
 */
export class WebhookDelivery {
  readonly #options: WebhookDeliveryOptions;
  readonly #queue: unknown[] = [];
  readonly #logger: Logger;
  readonly #stats: DeliveryStats = { delivered: 0, failed: 0, dropped: 0, retries: 0 };
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;

  constructor(options: WebhookDeliveryOptions) {
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({
      component: 'webhook',
      url: describeUrl(options.url),
    });
  }

  /** A snapshot of the counters. */
  get stats(): DeliveryStats {
    return { ...this.#stats };
  }

  /** Queues a payload (any JSON value) for delivery; ignored after close(). */
  push(payload: unknown): void {
    if (this.#abort.signal.aborted) return;
    if (this.#queue.length >= (this.#options.maxQueued ?? 1000)) {
      this.#queue.shift();
      this.#stats.dropped++;
      this.#logger.warn('webhook queue full: dropped the oldest message');
    }
    this.#queue.push(payload);
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves when the queue is empty. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops: aborts the POST in flight and drops what is waiting. */
  close(): void {
    this.#abort.abort();
    this.#queue.length = 0;
  }

  async #drain(): Promise<void> {
    const o = this.#options;
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    for (let payload = this.#queue.shift(); payload !== undefined; payload = this.#queue.shift()) {
      if (this.#abort.signal.aborted) return;
      const eventId = (payload as { eventId?: unknown }).eventId;
      const ok = await postWithRetry(o, payload, {
        eventId: typeof eventId === 'string' ? eventId : undefined,
        maxAttempts: o.maxAttempts ?? 5,
        signal: this.#abort.signal,
        stats: this.#stats,
        logger: this.#logger,
        sleep,
      });
      if (ok) this.#stats.delivered++;
    }
  }
}

/** The header that carries an event's id. */
export const EVENT_ID_HEADER = 'x-webwx-event-id';

/**
 * POSTs one payload until the receiver accepts it (true), or `maxAttempts` failed (false, counted
 * and logged), or the signal aborts (false), pausing with exponential backoff and jitter in between.
 */
export async function postWithRetry(
  o: WebhookDeliveryOptions,
  payload: unknown,
  how: {
    eventId: string | undefined;
    maxAttempts: number;
    signal: AbortSignal;
    stats: DeliveryStats;
    logger: Logger;
    sleep: (ms: number) => Promise<void>;
  },
): Promise<boolean> {
  const headers = how.eventId === undefined ? o.headers : { ...o.headers, [EVENT_ID_HEADER]: how.eventId };
  for (let attempt = 0; ; attempt++) {
    if (how.signal.aborted) return false;
    try {
      await postJson(o.url, payload, { headers, timeoutMs: o.timeoutMs ?? 10_000, signal: how.signal });
      return true;
    } catch (error) {
      if (how.signal.aborted) return false;
      const text = redact(error instanceof Error ? error.message : String(error));
      if (attempt + 1 >= how.maxAttempts) {
        how.stats.failed++;
        how.logger.warn(
          { attempts: attempt + 1, eventId: how.eventId, error: text },
          'webhook delivery failed; message given up',
        );
        return false;
      }
      how.stats.retries++;
      const delay = backoffDelay(
        attempt,
        o.backoffBaseMs ?? 1000,
        o.backoffMaxMs ?? 30_000,
        o.random ?? Math.random,
      );
      how.logger.debug(
        { attempt: attempt + 1, delayMs: delay, eventId: how.eventId, error: text },
        'webhook delivery failed; retrying',
      );
      await how.sleep(delay);
    }
  }
}
