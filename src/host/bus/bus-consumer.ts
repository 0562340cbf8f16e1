/**
 * A bot process's side of inbound events (docs/scale.md): a consumer in a consumer group reading the
 * accounts' inbound streams with XREADGROUP, handing each event to the handler and acknowledging it
 * (XACK) once the handler resolved. Entries another consumer of the group took and never acknowledged
 * (it died) are claimed with XAUTOCLAIM after `claimIdleMs`. Delivery is at least once; a MsgId the
 * group handled already is skipped (a mark with a time to live, written after the handler), so an
 * event published twice is handled once unless two consumers hold its two copies at the same moment:
 * handlers key their replies on the MsgId (an outbound command's `id`), which makes that harmless too.
 */
import type { EventJson } from '../../bot/http-api/event-log.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { redact } from '../../redact.js';
import {
  accountsKey,
  claimStale,
  ensureGroup,
  entriesByStream,
  fieldOf,
  type RedisConnection,
  redisError,
  type StreamEntry,
  streamsOf,
} from './redis-connection.js';

/** An inbound event as a consumer gets it. */
export interface BusEvent {
  /** The account it came to. */
  account: string;
  /** The stream entry's id. */
  entryId: string;
  /** The lease's fencing token of the worker that published it. */
  token: number;
  /** The message JSON (the HTTP API's), with its log seq as `eventId`. */
  message: EventJson;
  /** True when it was claimed from a consumer that did not acknowledge it. */
  reclaimed: boolean;
}

/** Options of a {@link BusConsumer}. */
export interface BusConsumerOptions {
  /** For reads: XREADGROUP blocks this connection; give it a connection of its own. */
  redis: RedisConnection;
  /** The group: consumers of one group share the events, each event goes to one of them. */
  group: string;
  /** This consumer's name in the group (unique per process). */
  consumer: string;
  /** The accounts to follow; default: every account workers publish for (the `webwx:accounts` set). */
  accounts?: () => readonly string[] | Promise<readonly string[]>;
  prefix?: string;
  /** How long an entry stays with a silent consumer before another claims it (ms, default 30000). */
  claimIdleMs?: number;
  /** How long an XREADGROUP waits for entries (ms, default 1000). */
  blockMs?: number;
  /** How long a handled MsgId is remembered (s, default 7 days). */
  dedupeSeconds?: number;
  logger?: Logger;
}

/** Consumes inbound events for a handler (see the file's header). */
export class BusConsumer {
  readonly #o: BusConsumerOptions;
  readonly #logger: Logger;
  readonly #groups = new Set<string>();
  #closed = false;
  #lastClaim = 0;
  #handled = 0;
  #duplicates = 0;

  constructor(options: BusConsumerOptions) {
    this.#o = options;
    this.#logger = (options.logger ?? silentLogger).child({
      component: 'bus-consumer',
      group: options.group,
    });
  }

  /** Events handled and acknowledged, and copies skipped as already handled. */
  get stats(): { handled: number; duplicates: number } {
    return { handled: this.#handled, duplicates: this.#duplicates };
  }

  /**
   * Reads and handles events until close(). A handler that rejects leaves its event unacknowledged:
   * it comes back after `claimIdleMs` (to this consumer or another). Redis failures are logged and
   * retried after a pause.
   */
  async run(handler: (event: BusEvent) => Promise<void>): Promise<void> {
    while (!this.#closed) {
      try {
        await this.#round(handler);
      } catch (error) {
        if (this.#closed) break;
        this.#logger.warn({ error: redact(String((error as Error)?.message ?? error)) }, 'bus read failed');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Stops after the round in progress (disconnect the connection to cut a blocked read short). */
  close(): void {
    this.#closed = true;
  }

  async #accounts(): Promise<string[]> {
    if (this.#o.accounts) return [...(await this.#o.accounts())];
    const members = (await this.#o.redis.call('SMEMBERS', accountsKey(this.#o.prefix))) as string[];
    return [...members].sort();
  }

  async #round(handler: (event: BusEvent) => Promise<void>): Promise<void> {
    const { redis, group, consumer, prefix } = this.#o;
    const accounts = await this.#accounts();
    if (accounts.length === 0) {
      await new Promise((r) => setTimeout(r, this.#o.blockMs ?? 1_000));
      return;
    }
    const byStream = new Map(accounts.map((a) => [streamsOf(a, prefix).inbound, a]));
    for (const stream of byStream.keys()) {
      if (this.#groups.has(stream)) continue;
      await ensureGroup(redis, stream, group);
      this.#groups.add(stream);
    }
    const claimIdleMs = this.#o.claimIdleMs ?? 30_000;
    if (Date.now() - this.#lastClaim >= Math.min(claimIdleMs, 5_000)) {
      this.#lastClaim = Date.now();
      for (const [stream, account] of byStream) {
        const stale = await claimStale(redis, stream, group, consumer, claimIdleMs);
        for (const entry of stale) await this.#handle(handler, account, stream, entry, true);
      }
    }
    let reply: unknown;
    try {
      reply = await redis.call(
        'XREADGROUP',
        'GROUP',
        group,
        consumer,
        'COUNT',
        100,
        'BLOCK',
        this.#o.blockMs ?? 1_000,
        'STREAMS',
        ...byStream.keys(),
        ...[...byStream.keys()].map(() => '>'),
      );
    } catch (error) {
      if (String((error as Error)?.message).startsWith('NOGROUP')) this.#groups.clear();
      throw redisError('XREADGROUP', error);
    }
    for (const [stream, entries] of entriesByStream(reply)) {
      const account = byStream.get(stream);
      if (account === undefined) continue;
      for (const entry of entries) await this.#handle(handler, account, stream, entry, false);
    }
  }

  async #handle(
    handler: (event: BusEvent) => Promise<void>,
    account: string,
    stream: string,
    [entryId, fields]: StreamEntry,
    reclaimed: boolean,
  ): Promise<void> {
    const { redis, group } = this.#o;
    const ack = () => redis.call('XACK', stream, group, entryId);
    let message: EventJson;
    try {
      message = JSON.parse(fieldOf(fields, 'event') ?? '') as EventJson;
    } catch {
      this.#logger.warn({ account, entryId }, 'an inbound entry without a readable event; acknowledged');
      await ack();
      return;
    }
    const msgId = fieldOf(fields, 'msgId') ?? message.id;
    const mark = `${stream}:done:${group}:${msgId}`;
    if ((await redis.call('EXISTS', mark)) === 1) {
      this.#duplicates++;
      await ack();
      return;
    }
    try {
      await handler({ account, entryId, token: Number(fieldOf(fields, 'token') ?? 0), message, reclaimed });
    } catch (error) {
      this.#logger.warn(
        { account, entryId, error: redact(String((error as Error)?.message ?? error)) },
        'the handler failed; the event stays pending',
      );
      return;
    }
    await redis.call('SET', mark, '1', 'EX', this.#o.dedupeSeconds ?? 7 * 86_400);
    await ack();
    this.#handled++;
  }
}
