/**
 * Bot: a Composer over a client. Each incoming message becomes a Context and runs through the
 * middleware: in order within a chat, concurrently across chats (at most `concurrency` chats at a
 * time). The user's own messages are ignored unless `ignoreSelf: false`. A handler error is caught,
 * logged with its context (chat, message id, kind; never the text) and handed to `bot.catch()`; the
 * bot goes on. Every send goes through one SendQueue (rate limit, backoff on Ret 1205).
 */
import type { SendTextResult } from '../client/index.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { Message } from '../model/index.js';
import { redact } from '../redact.js';
import {
  type BotClient,
  type MediaInput,
  optionalMethod,
  type RevokeTarget,
  type SendMediaOptions,
  type SendResult,
} from './bot-client.js';
import { ChatScheduler } from './chat-scheduler.js';
import { Composer, HandlerError } from './composer.js';
import { type BotActions, Context } from './context.js';
import { NotAvailableError } from './errors.js';
import { SendQueue, type SendQueueOptions } from './send-queue.js';

/** Options of `new Bot(client, options)`. */
export interface BotOptions<C extends Context = Context> {
  /** Chats handled at the same time. Default 8. */
  concurrency?: number;
  /** Most messages waiting across chats; beyond it new ones are dropped with a warning. Default 10000. */
  maxPending?: number;
  /** Skip the user's own messages (sent from this or another device). Default true. */
  ignoreSelf?: boolean;
  /** A SendQueue to share, or options for the bot's own one. */
  sendQueue?: SendQueue | SendQueueOptions;
  logger?: Logger;
  /** Builds the context of each message (for a Context subclass). Default: `new Context(…)`. */
  context?: (message: Message, client: BotClient, actions: BotActions) => C;
}

interface StartableClient {
  readonly state?: string;
  start?(): Promise<void>;
}

function errorText(error: unknown): string {
  return redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

/** The sends of a bot: over the client's methods, through the queue; missing ones are NotAvailableError. */
export function createBotActions(client: BotClient, queue: SendQueue): BotActions {
  const need = <K extends 'sendImage' | 'sendFile' | 'forward' | 'revoke'>(name: K) => {
    const fn = optionalMethod(client, name);
    if (!fn) throw new NotAvailableError(name);
    return fn;
  };
  return {
    sendText: (to, text): Promise<SendTextResult> =>
      queue.enqueue(() => client.sendText(to, text), 'sendText'),
    sendImage: async (to: string, input: MediaInput, options?: SendMediaOptions): Promise<SendResult> => {
      const fn = need('sendImage');
      return queue.enqueue(() => fn(to, input, options), 'sendImage');
    },
    sendFile: async (to: string, input: MediaInput, options?: SendMediaOptions): Promise<SendResult> => {
      const fn = need('sendFile');
      return queue.enqueue(() => fn(to, input, options), 'sendFile');
    },
    forward: async (message: Message, to: string): Promise<SendResult> => {
      const fn = need('forward');
      return queue.enqueue(() => fn(message, to), 'forward');
    },
    revoke: async (sent: RevokeTarget): Promise<void> => {
      const fn = need('revoke');
      await queue.enqueue(() => fn(sent), 'revoke');
    },
  };
}

/**
 * A {@link Composer} over a client: each incoming message becomes a {@link Context} and runs through
 * the middleware, in order within a chat and concurrently across chats. Handler errors are logged and
 * given to {@link Bot.catch}; the bot goes on. Every send goes through one {@link SendQueue}.
 */
export class Bot<C extends Context = Context> extends Composer<C> {
  readonly client: BotClient;
  readonly sendQueue: SendQueue;
  readonly actions: BotActions;
  readonly #scheduler: ChatScheduler;
  readonly #logger: Logger;
  readonly #ignoreSelf: boolean;
  readonly #makeContext: (message: Message) => C;
  #onError: ((error: HandlerError<C>) => unknown) | undefined;
  #off: (() => void) | undefined;

  constructor(client: BotClient, options: BotOptions<C> = {}) {
    super();
    this.client = client;
    this.#logger = (options.logger ?? silentLogger).child({ component: 'bot' });
    this.sendQueue =
      options.sendQueue instanceof SendQueue
        ? options.sendQueue
        : new SendQueue({ logger: this.#logger, ...options.sendQueue });
    this.actions = createBotActions(client, this.sendQueue);
    this.#scheduler = new ChatScheduler({
      concurrency: options.concurrency ?? 8,
      maxPending: options.maxPending ?? 10_000,
    });
    this.#ignoreSelf = options.ignoreSelf ?? true;
    const factory = options.context;
    this.#makeContext = factory
      ? (message) => factory(message, client, this.actions)
      : (message) => new Context(message, client, this.actions) as C;
  }

  /** Where handler errors go after being logged (instead of only the log). */
  catch(handler: (error: HandlerError<C>) => unknown): this {
    this.#onError = handler;
    return this;
  }

  /**
   * Listens to the client's messages; starts the client when it is still idle (resolving once it is
   * ready). Calling it again does not listen twice.
   */
  async start(): Promise<void> {
    this.#off ??= this.client.on('message', (message) => {
      this.handleMessage(message).catch((error: unknown) => {
        this.#logger.warn({ chat: message.chat.userName, error: errorText(error) }, 'message dropped');
      });
    });
    const startable = this.client as BotClient & StartableClient;
    if (typeof startable.start === 'function' && startable.state === 'idle') await startable.start();
  }

  /** Stops listening, lets the messages in hand finish, then lets the queued sends finish. */
  async stop(): Promise<void> {
    this.#off?.();
    this.#off = undefined;
    await this.#scheduler.idle();
    await this.sendQueue.idle();
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
    if (this.#ignoreSelf && message.isSelf) return Promise.resolve();
    return this.#scheduler.schedule(message.chat.userName, () => this.#handle(message));
  }

  async #handle(message: Message): Promise<void> {
    const ctx = this.#makeContext(message);
    try {
      await this.middleware()(ctx, async () => {});
    } catch (error) {
      const failure =
        error instanceof HandlerError ? (error as HandlerError<C>) : new HandlerError(error, ctx);
      this.#logger.error(
        {
          chat: message.chat.userName,
          chatType: ctx.chatType,
          msgId: message.id,
          kind: message.kind,
          error: errorText(failure.error),
        },
        'a handler failed',
      );
      if (!this.#onError) return;
      try {
        await this.#onError(failure);
      } catch (again) {
        this.#logger.error({ msgId: message.id, error: errorText(again) }, 'the error handler failed too');
      }
    }
  }
}
