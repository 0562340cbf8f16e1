/**
 * Bot: a Composer over a client. Each incoming message becomes a Context and runs through the
 * middleware: in order within a chat, concurrently across chats (at most `concurrency` chats at a
 * time). The user's own messages are ignored unless `ignoreSelf: false`. A handler error is caught,
 * logged with its context (chat, message id, kind; never the text) and handed to `bot.catch()`; the
 * bot goes on. Sends go to the client's outbox, each tagged with the message it answers.
 *
 * With a store (`store`, the client's MessageStore with its log and settings), a message counts as
 * handled only once its middleware finished and the replies it made are in the outbox's log; the
 * messages logged but not handled when the process stopped are handed over again on start()
 * (`ctx.redelivered`), and the replies they already made are not sent twice (docs/bot.md "Delivery").
 */
import type { SendTextResult } from '../client/index.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { Message } from '../model/index.js';
import { redact } from '../redact.js';
import type { StoredMessage } from '../store/index.js';
import type { BotClient, MediaInput, RevokeTarget, SendMediaOptions, SendResult } from './bot-client.js';
import { NotAvailableError } from './bot-errors.js';
import { ChatScheduler } from './chat-scheduler.js';
import { Composer, HandlerError } from './composer.js';
import { type BotActions, Context } from './context.js';
import { HandledLog, type HandledStore, isHandledStore } from './handled-log.js';
import { SendQueue, type SendQueueOptions } from './send-queue.js';
import { messageOfRecord } from './telegram-api/telegram-log.js';

/** Options of `new Bot(client, options)`. */
export interface BotOptions<C extends Context = Context> {
  /** Chats handled at the same time. Default 8. */
  concurrency?: number;
  /** Most messages waiting across chats; beyond it new ones are dropped with a warning. Default 10000. */
  maxPending?: number;
  /** Skip the user's own messages (sent from this or another device). Default true. */
  ignoreSelf?: boolean;
  /**
   * Deprecated: pace sends in the client (`createClient({ pacing, rateLimit })`, docs/bot.md
   * "Pacing"). A SendQueue to share, or options for one: sends then wait in it before they reach
   * the client. Without it (the default) sends go to the client at once and are only counted.
   */
  sendQueue?: SendQueue | SendQueueOptions;
  /**
   * The client's store (MemoryStore, SqliteStore: the message log and settings). With it a message
   * is acknowledged only after its middleware finished and its replies are logged, and what was not
   * acknowledged is handed over again on start() (docs/bot.md "Delivery"). Default: the client's
   * `store` when it exposes one.
   */
  store?: HandledStore;
  /** Messages older than this are not handed over again after a restart. Default 86400 (a day). */
  redeliverMaxAgeSeconds?: number;
  logger?: Logger;
  /** Builds the context of each message (for a Context subclass). Default: `new Context(…)`. */
  context?: (message: Message, client: BotClient, actions: BotActions) => C;
}

interface StartableClient {
  readonly state?: string;
  start?(): Promise<void>;
}

/** The client's 'ready' event (a WebWxClient has it). */
interface ReadyEvents {
  on(event: 'ready', listener: () => void): () => void;
}

function errorText(error: unknown): string {
  return redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

/** What `createBotActions()` ties the sends to: the message they answer, and who follows them. */
export interface BotActionsScope {
  /** The incoming MsgId the sends answer (the outbox's `causedBy`). */
  causedBy?: string;
  /**
   * Gets, for each send, a promise that settles once the send reached the client (left the queue),
   * and, for each `queued()` call, one that settles once the sends so far are in the outbox's log.
   */
  track?: (handed: Promise<void>) => void;
  /** A send taken into the bot's care (`BotActions.queued`) failed after it was queued. */
  failed?: (error: unknown) => void;
}

/**
 * The sends of a bot: over the client's methods, through the queue; missing ones are
 * NotAvailableError. With a scope, every send carries `causedBy` and is tracked.
 */
export function createBotActions(
  client: BotClient,
  queue: SendQueue,
  scope: BotActionsScope = {},
): BotActions {
  /** The client's optional method, bound; NotAvailableError when the client has none. */
  const need = <F extends (...args: never[]) => unknown>(name: string, fn: F | undefined): F => {
    if (!fn) throw new NotAvailableError(name);
    return fn.bind(client) as F;
  };
  const tag = scope.causedBy === undefined ? undefined : { causedBy: scope.causedBy };
  // Sends reach the client in the order they were made: the last one handed means all were.
  let lastHanded: Promise<void> = Promise.resolve();
  const enqueue = <T>(run: () => Promise<T>, label: string): Promise<T> => {
    let handed: () => void = () => {};
    lastHanded = new Promise<void>((resolve) => (handed = resolve));
    scope.track?.(lastHanded);
    const result = queue.enqueue(() => {
      handed();
      return run();
    }, label);
    result.then(handed, handed);
    return result;
  };
  const queued = (send: Promise<unknown>): Promise<void> => {
    const { causedBy } = scope;
    const logged = lastHanded.then(() =>
      causedBy === undefined ? undefined : client.outbox?.logged(causedBy),
    );
    scope.track?.(logged);
    let inCare = false;
    send.catch((error: unknown) => {
      if (inCare) scope.failed?.(error);
    });
    return logged.then(() => {
      inCare = true;
    });
  };
  return {
    sendText: (to, text): Promise<SendTextResult> =>
      enqueue(() => (tag ? client.sendText(to, text, tag) : client.sendText(to, text)), 'sendText'),
    sendImage: async (to: string, input: MediaInput, options?: SendMediaOptions): Promise<SendResult> => {
      const fn = need('sendImage', client.sendImage);
      return enqueue(() => fn(to, input, tag ? { ...tag, ...options } : options), 'sendImage');
    },
    sendFile: async (to: string, input: MediaInput, options?: SendMediaOptions): Promise<SendResult> => {
      const fn = need('sendFile', client.sendFile);
      return enqueue(() => fn(to, input, tag ? { ...tag, ...options } : options), 'sendFile');
    },
    forward: async (message: Message, to: string): Promise<SendResult> => {
      const fn = need('forward', client.forward);
      return enqueue(() => (tag ? fn(message, to, tag) : fn(message, to)), 'forward');
    },
    revoke: async (sent: RevokeTarget): Promise<void> => {
      const fn = need('revoke', client.revoke);
      await enqueue(() => (tag ? fn(sent, tag) : fn(sent)), 'revoke');
    },
    queued,
  };
}

/**
 * A {@link Composer} over a client: each incoming message becomes a {@link Context} and runs through
 * the middleware, in order within a chat and concurrently across chats. Handler errors are logged and
 * given to {@link Bot.catch}; the bot goes on. With a store, messages are acknowledged after their
 * middleware (docs/bot.md "Delivery").
 */
export class Bot<C extends Context = Context> extends Composer<C> {
  readonly client: BotClient;
  /**
   * Deprecated (docs/bot.md "Pacing"): the queue the sends pass through. By default a pass-through
   * that only counts them (`stats`); pacing and the 1205 back-off are the client outbox's.
   */
  readonly sendQueue: SendQueue;
  /** The sends, not tied to a message (the HTTP API shares them). */
  readonly actions: BotActions;
  readonly #scheduler: ChatScheduler;
  readonly #logger: Logger;
  readonly #ignoreSelf: boolean;
  readonly #makeContext: (message: Message, actions: BotActions) => C;
  readonly #store: HandledStore | undefined;
  readonly #maxAgeSeconds: number;
  #handled: HandledLog | undefined;
  #onError: ((error: HandlerError<C>) => unknown) | undefined;
  /** Errors already given to bot.catch (a reply's failure that its handler threw again). */
  readonly #reported = new WeakSet<object>();
  #off: (() => void) | undefined;

  constructor(client: BotClient, options: BotOptions<C> = {}) {
    super();
    this.client = client;
    this.#logger = (options.logger ?? silentLogger).child({ component: 'bot' });
    if (options.sendQueue !== undefined) {
      this.#logger.warn(
        'BotOptions.sendQueue is deprecated: pace sends with createClient({ pacing, rateLimit }) (docs/bot.md)',
      );
    }
    this.sendQueue =
      options.sendQueue instanceof SendQueue
        ? options.sendQueue
        : new SendQueue({ logger: this.#logger, ...(options.sendQueue ?? { passThrough: true }) });
    this.actions = createBotActions(client, this.sendQueue);
    this.#scheduler = new ChatScheduler({
      concurrency: options.concurrency ?? 8,
      maxPending: options.maxPending ?? 10_000,
    });
    this.#ignoreSelf = options.ignoreSelf ?? true;
    const clientStore = (client as { store?: unknown }).store;
    this.#store = options.store ?? (isHandledStore(clientStore) ? clientStore : undefined);
    this.#maxAgeSeconds = options.redeliverMaxAgeSeconds ?? 86_400;
    const factory = options.context;
    this.#makeContext = factory
      ? (message, actions) => factory(message, client, actions)
      : (message, actions) => new Context(message, client, actions) as C;
  }

  /** Where handler errors go after being logged (instead of only the log). */
  catch(handler: (error: HandlerError<C>) => unknown): this {
    this.#onError = handler;
    return this;
  }

  /**
   * Listens to the client's messages; starts the client when it is still idle (resolving once it is
   * ready). With a store, first hands over again the logged messages not acknowledged yet (in log
   * order, `ctx.redelivered`). Calling it again does not listen twice.
   */
  async start(): Promise<void> {
    const startable = this.client as BotClient & StartableClient;
    const startClient = async () => {
      if (typeof startable.start === 'function' && startable.state === 'idle') await startable.start();
    };
    if (this.#off) return startClient();
    const store = this.#store;
    if (!store || this.#handled) {
      this.#off = this.client.on('message', (message) => this.#receive(message, false));
      return startClient();
    }
    // Live messages wait until the unacknowledged ones are handed over, to keep each chat's order.
    const early: Message[] = [];
    let opening = true;
    this.#off = this.client.on('message', (message) => {
      if (opening) early.push(message);
      else this.#receive(message, false);
    });
    try {
      // Before the client starts: the first start's position is the log's end before the login.
      const { log, unhandled } = await HandledLog.open(store, { skip: (r) => this.#skips(r) });
      this.#handled = log;
      await startClient();
      await this.#whenReady();
      const live = new Set(early.map((m) => m.id));
      const again = unhandled.filter((r) => !live.has(r.msgId));
      if (again.length > 0)
        this.#logger.info({ count: again.length }, 'handing over unacknowledged messages');
      for (const record of again) this.#receive(messageOfRecord(record), true);
    } finally {
      opening = false;
      for (const message of early.splice(0)) this.#receive(message, false);
    }
  }

  /** Resolves once a client with a state is 'ready' (its sends need a session). */
  async #whenReady(): Promise<void> {
    const client = this.client as BotClient & StartableClient & ReadyEvents;
    const settled = ['ready', 'idle', 'logged-out', 'stopped'];
    if (client.state === undefined || settled.includes(client.state) || typeof client.on !== 'function')
      return;
    await new Promise<void>((resolve) => {
      const off = client.on('ready', () => {
        off();
        resolve();
      });
      if (client.state === 'ready') {
        off();
        resolve();
      }
    });
  }

  /** Stops listening, lets the messages in hand finish, then lets the queued sends finish. */
  async stop(): Promise<void> {
    this.#off?.();
    this.#off = undefined;
    await this.#scheduler.idle();
    await this.sendQueue.idle();
    await this.#handled?.flush();
  }

  /** Resolves when no message is being handled or waiting. */
  idle(): Promise<void> {
    return this.#scheduler.idle();
  }

  /**
   * Feeds one message through the middleware, in its chat's order. Resolves when it was handled
   * (handler errors are caught and logged, never rejected); rejects only when too many are waiting.
   */
  handleMessage(message: Message): Promise<void> {
    return this.#schedule(message, false);
  }

  #receive(message: Message, redelivered: boolean): void {
    this.#schedule(message, redelivered).catch((error: unknown) => {
      this.#logger.warn({ chat: message.chat.userName, error: errorText(error) }, 'message dropped');
    });
  }

  #schedule(message: Message, redelivered: boolean): Promise<void> {
    if (this.#ignoreSelf && message.isSelf) return Promise.resolve();
    return this.#scheduler.schedule(message.chat.userName, () => this.#handle(message, redelivered));
  }

  /** Log entries the bot never hands to its middleware: its own messages, and old ones. */
  #skips(record: StoredMessage): boolean {
    if (this.#ignoreSelf && record.fields.isSelf === true) return true;
    return record.createTime > 0 && record.createTime < Date.now() / 1000 - this.#maxAgeSeconds;
  }

  async #handle(message: Message, redelivered: boolean): Promise<void> {
    const handed: Promise<void>[] = [];
    const actions = createBotActions(this.client, this.sendQueue, {
      causedBy: message.id,
      ...(this.#handled ? { track: (p: Promise<void>) => handed.push(p) } : {}),
      failed: (error) => void this.#reportError(error, ctx, message, 'a reply failed'),
    });
    const ctx = this.#makeContext(message, actions);
    ctx.redelivered = redelivered;
    try {
      await this.middleware()(ctx, async () => {});
    } catch (error) {
      await this.#reportError(error, ctx, message);
    }
    if (this.#handled) await this.#acknowledge(message, handed);
  }

  /** The replies reached the client and are in its log: the message is done. */
  async #acknowledge(message: Message, handed: Promise<void>[]): Promise<void> {
    try {
      while (handed.length > 0) await Promise.all(handed.splice(0));
      await this.client.outbox?.logged(message.id);
      await this.#handled?.mark(message.id);
    } catch (error) {
      this.#logger.warn(
        { msgId: message.id, error: errorText(error) },
        'message not acknowledged: it is handed over again after a restart',
      );
    }
  }

  /**
   * Logs a handler's error (or a reply's failure) and gives it to bot.catch, once: a reply's failure
   * the handler also awaited and threw is reported when it is first seen.
   */
  async #reportError(error: unknown, ctx: C, message: Message, what = 'a handler failed'): Promise<void> {
    const failure = error instanceof HandlerError ? (error as HandlerError<C>) : new HandlerError(error, ctx);
    if (typeof failure.error === 'object' && failure.error !== null) {
      if (this.#reported.has(failure.error)) return;
      this.#reported.add(failure.error);
    }
    this.#logger.error(
      {
        chat: message.chat.userName,
        chatType: ctx.chatType,
        msgId: message.id,
        kind: message.kind,
        error: errorText(failure.error),
      },
      what,
    );
    if (!this.#onError) return;
    try {
      await this.#onError(failure);
    } catch (again) {
      this.#logger.error({ msgId: message.id, error: errorText(again) }, 'the error handler failed too');
    }
  }
}
