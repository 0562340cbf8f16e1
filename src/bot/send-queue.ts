/**
 * Deprecated as a pacer (docs/bot.md "Pacing"): the client's outbox orders, paces and retries every
 * send now (`createClient({ pacing, rateLimit })`). A Bot's default queue is a pass-through that only
 * counts (`passThrough: true`); a queue made with the options below still works as before.
 *
 * The send queue: every send of a bot goes through it, one at a time, in order, at most one per
 * `minIntervalMs`. When the server answers Ret 1205 (sending too often) the send was refused, so it
 * is safe to repeat: the queue pauses with exponential backoff and full jitter, then tries again, up
 * to `maxRetries` times. Any other failure is the caller's (sends are never repeated otherwise, since
 * a repeat could deliver twice).
 */
import { InvalidArgumentError, InvalidStateError, ProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { QueueFullError } from './bot-errors.js';

/** The server's "sending too frequently" answer. */
export const RET_RATE_LIMITED = 1205;

/** Options of `new SendQueue(options)`; a value that is negative or not a number is an InvalidArgumentError. */
export interface SendQueueOptions {
  /** Least time between the starts of two sends. Default 300 ms. */
  minIntervalMs?: number;
  /** Retries of a send refused with 1205. Default 5. */
  maxRetries?: number;
  /** First backoff after a 1205. Default 2000 ms; doubles with each retry. */
  backoffBaseMs?: number;
  /** Longest backoff. Default 60000 ms. */
  backoffMaxMs?: number;
  /** Most sends waiting; beyond it enqueue() rejects. Default 10000. */
  maxPending?: number;
  /**
   * Hand every send to the client at once (the client's outbox orders, paces and retries them) and
   * only count them: what a Bot uses unless given a queue. Default false.
   */
  passThrough?: boolean;
  logger?: Logger;
  /** The clock in ms, injected in tests. Default Date.now. */
  now?: () => number;
  /** Random numbers in [0, 1) for the jitter, injected in tests. Default Math.random. */
  random?: () => number;
  /** Waits `ms`, injected in tests. Default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** The counters of a {@link SendQueue} (`queue.stats`): sends so far and sends waiting now. */
export interface SendQueueStats {
  sent: number;
  failed: number;
  /** 1205 answers seen (each one paused the queue). */
  rateLimited: number;
  pending: number;
}

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  label: string;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether an error is the server's 1205 rate-limit answer. */
export function isRateLimited(error: unknown): boolean {
  return error instanceof ProtocolError && error.ret === RET_RATE_LIMITED;
}

/** Full-jitter exponential backoff for the attempt-th retry (0-based). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  // At least half the ceiling, so a 1205 always pauses noticeably.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Runs sends one at a time, in order, at least `minIntervalMs` apart. A send the server refused with
 * Ret 1205 (too frequent) is repeated after an exponential backoff; no other failure is repeated.
 */
export class SendQueue {
  readonly #jobs: Job[] = [];
  readonly #minIntervalMs: number;
  readonly #maxRetries: number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #maxPending: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #passThrough: boolean;
  /** Pass-through sends not settled yet. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #running = false;
  #lastStart = Number.NEGATIVE_INFINITY;
  #closed = false;
  #idle: Promise<void> = Promise.resolve();
  #markIdle: () => void = () => {};
  readonly #stats: SendQueueStats = { sent: 0, failed: 0, rateLimited: 0, pending: 0 };

  constructor(options: SendQueueOptions = {}) {
    this.#minIntervalMs = nonNegative(options.minIntervalMs, 300, 'minIntervalMs');
    this.#maxRetries = nonNegative(options.maxRetries, 5, 'maxRetries');
    this.#baseMs = nonNegative(options.backoffBaseMs, 2000, 'backoffBaseMs');
    this.#maxMs = nonNegative(options.backoffMaxMs, 60_000, 'backoffMaxMs');
    this.#maxPending = nonNegative(options.maxPending, 10_000, 'maxPending');
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#passThrough = options.passThrough ?? false;
  }

  /** True when sends go to the client at once, only counted (the default of a Bot). */
  get passThrough(): boolean {
    return this.#passThrough;
  }

  /** A snapshot of the counters. */
  get stats(): SendQueueStats {
    return { ...this.#stats, pending: this.#jobs.length + this.#inFlight.size };
  }

  /** Queues a send; resolves with its result once it ran (after any 1205 retries). */
  enqueue<T>(run: () => Promise<T>, label = 'send'): Promise<T> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#jobs.length >= this.#maxPending) {
      return Promise.reject(
        new QueueFullError(`the send queue is full (${this.#maxPending} sends waiting)`, this.#maxPending),
      );
    }
    if (this.#passThrough) return this.#runNow(run);
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ run, resolve: resolve as (v: unknown) => void, reject, label });
      if (!this.#running) this.#drain();
    });
  }

  /** Resolves when every queued send has run. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    if (this.#running) await this.#idle;
  }

  /** Pass-through: the send starts now (synchronously), and is only counted. */
  #runNow<T>(run: () => Promise<T>): Promise<T> {
    let sent: Promise<T>;
    try {
      sent = Promise.resolve(run());
    } catch (error) {
      sent = Promise.reject(error);
    }
    this.#inFlight.add(sent);
    sent.then(
      () => {
        this.#stats.sent++;
      },
      (error: unknown) => {
        this.#stats.failed++;
        if (isRateLimited(error)) this.#stats.rateLimited++;
      },
    );
    void sent.finally(() => this.#inFlight.delete(sent)).catch(() => {});
    return sent;
  }

  /** Rejects the sends still waiting; the one running finishes. */
  close(): void {
    this.#closed = true;
    for (const job of this.#jobs.splice(0)) job.reject(closedError());
  }

  #drain(): void {
    this.#running = true;
    this.#idle = new Promise((resolve) => {
      this.#markIdle = resolve;
    });
    void (async () => {
      for (let job = this.#jobs.shift(); job; job = this.#jobs.shift()) {
        try {
          job.resolve(await this.#runJob(job));
          this.#stats.sent++;
        } catch (error) {
          this.#stats.failed++;
          job.reject(error);
        }
      }
      this.#running = false;
      this.#markIdle();
    })();
  }

  async #runJob(job: Job): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const wait = this.#lastStart + this.#minIntervalMs - this.#now();
      if (wait > 0) await this.#sleep(wait);
      this.#lastStart = this.#now();
      try {
        return await job.run();
      } catch (error) {
        if (!isRateLimited(error) || attempt >= this.#maxRetries || this.#closed) throw error;
        this.#stats.rateLimited++;
        const delay = backoffDelay(attempt, this.#baseMs, this.#maxMs, this.#random);
        this.#logger.warn(
          { label: job.label, attempt: attempt + 1, delayMs: delay },
          'rate limited (Ret 1205): backing off',
        );
        await this.#sleep(delay);
      }
    }
  }
}

/** What a send meets once the queue is closed (the bot stopped): the send was not made. */
const closedError = () => new InvalidStateError('the send queue is closed');

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError(name, `${name} must be a non-negative number`);
  return value;
}
