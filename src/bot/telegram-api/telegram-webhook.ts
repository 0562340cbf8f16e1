/**
 * setWebhook's delivery: every update POSTed as JSON to the webhook URL, one at a time and in order,
 * with `X-Telegram-Bot-Api-Secret-Token` when a secret was set. A 2xx answer confirms the update (so
 * with a store it is not sent again after a restart); any other answer or a failure is retried with
 * exponential backoff, and an update that failed `maxAttempts` times is given up (logged, and shown in
 * getWebhookInfo's last_error_*). A JSON answer naming a `method` is carried out, as Telegram does.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../../logger.js';
import { redact } from '../../redact.js';
import { describeUrl, postJson } from '../http-post.js';
import { backoffDelay } from '../send-queue.js';
import type { UpdateQueue } from './telegram-updates.js';

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
}

/**
 * How setWebhook's updates are delivered; the Telegram API's `webhook` option takes the backoff,
 * attempts and timeout.
 */
export interface WebhookPusherOptions {
  /**
   * The updates to deliver.
   * @internal
   */
  queue: UpdateQueue;
  logger: Logger;
  /** Called with a JSON answer that names a method (a "webhook reply"). */
  onReply?: (body: Record<string, unknown>) => Promise<void>;
  /** Default 1000 ms, doubling up to backoffMaxMs (default 60000). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Attempts per update before it is given up. Default 10. */
  maxAttempts?: number;
  /** Timeout of one POST. Default 15000 ms. */
  timeoutMs?: number;
  /** Random numbers in [0, 1) for the jitter, injected in tests. Default Math.random. */
  random?: () => number;
  /** The clock in ms, injected in tests. Default Date.now. */
  now?: () => number;
}

export class WebhookPusher {
  readonly #o: WebhookPusherOptions;
  #config: WebhookConfig | undefined;
  #abort: AbortController | undefined;
  #running: Promise<void> | undefined;
  #lastError: { date: number; message: string } | undefined;

  constructor(options: WebhookPusherOptions) {
    this.#o = options;
  }

  get config(): WebhookConfig | undefined {
    return this.#config;
  }

  get lastError(): { date: number; message: string } | undefined {
    return this.#lastError;
  }

  /** Starts delivering to `config` (stopping any earlier delivery first). */
  async set(config: WebhookConfig): Promise<void> {
    await this.clear();
    this.#config = config;
    this.#lastError = undefined;
    const abort = new AbortController();
    this.#abort = abort;
    this.#running = this.#run(config, abort.signal).catch((error: unknown) => {
      this.#o.logger.warn({ error: redact(String(error)) }, 'webhook delivery stopped');
    });
  }

  /** Stops delivering and forgets the webhook. */
  async clear(): Promise<void> {
    this.#config = undefined;
    this.#abort?.abort();
    await this.#running;
    this.#running = undefined;
    this.#abort = undefined;
  }

  async #run(config: WebhookConfig, signal: AbortSignal): Promise<void> {
    const o = this.#o;
    const maxAttempts = o.maxAttempts ?? 10;
    const headers: Record<string, string> = config.secretToken
      ? { 'x-telegram-bot-api-secret-token': config.secretToken }
      : {};
    const where = describeUrl(config.url);
    let attempt = 0;
    while (!signal.aborted) {
      const allowed = !config.allowedUpdates?.length || config.allowedUpdates.includes('message');
      const [update] = allowed ? await o.queue.pending(1) : [];
      if (!update) {
        await o.queue.wait(30_000, signal);
        continue;
      }
      try {
        const reply = await postJson(config.url, update, {
          headers,
          timeoutMs: o.timeoutMs ?? 15_000,
          signal,
        });
        attempt = 0;
        await o.queue.confirm(update.update_id);
        await this.#reply(reply.contentType, reply.text);
      } catch (error) {
        if (signal.aborted) return;
        const status = (error as { status?: unknown }).status;
        const message =
          typeof status === 'number' ? `Wrong response from the webhook: ${status}` : 'Connection failed';
        this.#lastError = { date: Math.floor((o.now ?? Date.now)() / 1000), message };
        attempt++;
        if (attempt >= maxAttempts) {
          o.logger.warn(
            { url: where, attempts: attempt, updateId: update.update_id },
            'webhook update given up',
          );
          attempt = 0;
          await o.queue.confirm(update.update_id);
          continue;
        }
        const wait = backoffDelay(
          attempt - 1,
          o.backoffBaseMs ?? 1000,
          o.backoffMaxMs ?? 60_000,
          o.random ?? Math.random,
        );
        o.logger.debug(
          { url: where, attempt, delayMs: wait, error: message },
          'webhook delivery failed; retrying',
        );
        await delay(wait, undefined, { signal }).catch(() => {});
      }
    }
  }

  async #reply(contentType: string, text: string): Promise<void> {
    if (!this.#o.onReply || !/json/i.test(contentType) || text.trim() === '') return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return;
    }
    if (
      typeof body !== 'object' ||
      body === null ||
      typeof (body as { method?: unknown }).method !== 'string'
    )
      return;
    try {
      await this.#o.onReply(body as Record<string, unknown>);
    } catch (error) {
      this.#o.logger.warn(
        { error: redact(error instanceof Error ? error.message : String(error)) },
        'webhook reply failed',
      );
    }
  }
}
