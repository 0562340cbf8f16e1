/**
 * Webhook delivery from the message log (docs/bot.md): the log is the queue. Incoming messages are
 * POSTed in log order, each with its event id (the log seq) in the `X-Webwx-Event-Id` header and the
 * body's `eventId`; the position of the last one the receiver accepted is kept in the store's
 * settings, so a restart or an outage of the receiver loses nothing: delivery goes on from there,
 * with back-off. A message can reach the receiver twice (a crash between its 2xx and the saved
 * position), always with the same event id.
 */
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import type { BotClient } from '../bot-client.js';
import { describeUrl } from '../http-post.js';
import { type EventStore, eventsAfter } from './event-log.js';
import { type DeliveryStats, postWithRetry, type WebhookDeliveryOptions } from './webhook-delivery.js';

/** The store setting that keeps the seq of the last event the webhook accepted. */
export const WEBHOOK_POSITION_KEY = 'http-api.webhook.delivered';

/**
 * Saves the webhook's starting point (the log's last seq) unless one is saved: call it before the
 * client starts, so the messages of the first run's login are delivered too. Returns the position.
 */
export async function prepareWebhookPosition(store: EventStore): Promise<number> {
  const text = await store.getSetting(WEBHOOK_POSITION_KEY);
  const saved = Number(text);
  if (text !== undefined && Number.isSafeInteger(saved) && saved >= 0) return saved;
  const last = await store.lastSeq();
  await store.setSetting(WEBHOOK_POSITION_KEY, String(last));
  return last;
}

/**
 * Delivers the log's incoming messages to a webhook, in order, each retried with back-off until the
 * receiver accepts it (`maxAttempts`, default unlimited: an outage only delays delivery), the
 * position kept in the store.
 */
export class DurableWebhookDelivery {
  readonly #o: WebhookDeliveryOptions;
  readonly #store: EventStore;
  readonly #client: Pick<BotClient, 'contacts'>;
  readonly #logger: Logger;
  readonly #stats: DeliveryStats = { delivered: 0, failed: 0, dropped: 0, retries: 0 };
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #again = false;
  #wake: (() => void) | undefined;

  constructor(store: EventStore, client: Pick<BotClient, 'contacts'>, options: WebhookDeliveryOptions) {
    this.#o = options;
    this.#store = store;
    this.#client = client;
    this.#logger = (options.logger ?? silentLogger).child({
      component: 'webhook',
      url: describeUrl(options.url),
    });
  }

  /** A snapshot of the counters (`dropped` stays 0: nothing is dropped). */
  get stats(): DeliveryStats {
    return { ...this.#stats };
  }

  /** Something was logged (or the API started): deliver what the receiver has not accepted yet. */
  notify(): void {
    if (this.#abort.signal.aborted) return;
    this.#again = true;
    this.#wake?.();
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#again) this.notify();
    });
  }

  /** Resolves when everything logged so far was delivered (or given up). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops: aborts the POST in flight; the position stays where the receiver left it. */
  close(): void {
    this.#abort.abort();
    this.#wake?.();
  }

  async #drain(): Promise<void> {
    const signal = this.#abort.signal;
    let position = await prepareWebhookPosition(this.#store);
    while (this.#again && !signal.aborted) {
      this.#again = false;
      for (;;) {
        const events = await eventsAfter(this.#store, this.#client, position);
        for (const event of events) {
          if (signal.aborted) return;
          const accepted = await this.#deliver(event.json);
          if (signal.aborted) return;
          position = event.seq;
          await this.#store.setSetting(WEBHOOK_POSITION_KEY, String(position));
          if (accepted) this.#stats.delivered++;
        }
        if (events.length < 100 || signal.aborted) break;
      }
    }
  }

  /** POSTs one event until it is accepted: true, or false when given up after `maxAttempts`. */
  #deliver(body: { eventId: string }): Promise<boolean> {
    return postWithRetry(this.#o, body, {
      eventId: body.eventId,
      maxAttempts: this.#o.maxAttempts ?? Number.POSITIVE_INFINITY,
      signal: this.#abort.signal,
      stats: this.#stats,
      logger: this.#logger,
      sleep: (ms) => this.#pause(ms),
    });
  }

  /** Waits `ms` (the injected sleep in tests), or less when closed. */
  async #pause(ms: number): Promise<void> {
    if (this.#o.sleep) return this.#o.sleep(ms);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        if (this.#abort.signal.aborted) done();
      };
    });
    this.#wake = undefined;
  }
}
