/**
 * The Context a handler gets: the decoded message, who and where it came from, and the actions to
 * answer it. Its send helpers (`reply`, `replyImage`, `replyFile`, `forward`) resolve once the send
 * is queued in the client's outbox (and in its log, with a store), not once it went out: the chat's
 * next message need not wait for a round trip. What the server answered is the result's `sent`.
 */
import type { SendTextResult } from '../client/index.js';
import type { Contact, Message } from '../model/index.js';
import type { BotClient, MediaInput, RevokeTarget, SendMediaOptions, SendResult } from './bot-client.js';

/** The kind of chat a message came from: a private chat, a group, or an official account. */
export type ChatType = 'private' | 'group' | 'official';

/** The sends a context can make; the Bot implements them over its client and send queue. */
export interface BotActions {
  /** Sends a text to a UserName. */
  sendText(to: string, text: string): Promise<SendTextResult>;
  /** Sends an image (NotAvailableError when the client cannot). */
  sendImage(to: string, input: MediaInput, options?: SendMediaOptions): Promise<SendResult>;
  /** Sends a file (NotAvailableError when the client cannot). */
  sendFile(to: string, input: MediaInput, options?: SendMediaOptions): Promise<SendResult>;
  /** Forwards a received message to a UserName (NotAvailableError when the client cannot). */
  forward(message: Message, to: string): Promise<SendResult>;
  /** Revokes a message sent before, within two minutes (NotAvailableError when the client cannot). */
  revoke(sent: RevokeTarget): Promise<void>;
  /**
   * Takes a send one of these methods returned into the bot's care: resolves once it is queued in the
   * client's outbox and written to its log (at once without a store); rejects when the send failed
   * before that. A failure after that is reported by the bot (its log and `bot.catch`), so it is never
   * left unhandled. The Bot's actions have it; without it a context's helpers wait for the send itself.
   */
  queued?(send: Promise<unknown>): Promise<void>;
}

/**
 * What a context's send helpers (`reply`, `replyImage`, `replyFile`, `forward`) resolve with: the send
 * is queued in the client's outbox, and in its log when the client has a store, so it goes out (once)
 * even if the process stops now. `sent` settles when the server answered.
 */
export interface QueuedSend<T> {
  /**
   * What the server answered (the MsgID and LocalID, what `revoke` needs), or the reason the send was
   * given up. Awaiting it makes the handler wait for the round trip; a failure is also reported to
   * `bot.catch` whether or not it is awaited.
   */
  readonly sent: Promise<T>;
}

/** True for a {@link QueuedSend} (what the helpers resolve with), false for what a send answered. */
function isQueuedSend(value: unknown): value is QueuedSend<unknown> {
  return typeof value === 'object' && value !== null && 'sent' in value && value.sent instanceof Promise;
}

/** The kind of chat a message belongs to: a group, an official account, or a private chat. */
export function chatTypeOf(message: Message, client: Pick<BotClient, 'contacts'>): ChatType {
  if (message.chat.isRoom) return 'group';
  return client.contacts.get(message.chat.userName)?.kind === 'official' ? 'official' : 'private';
}

/** A name for the chat: the group's topic, else the contact's remark name or nickname, else its UserName. */
export function chatNameOf(message: Message, client: Pick<BotClient, 'contacts'>): string {
  const id = message.chat.userName;
  if (message.chat.isRoom) return client.contacts.room(id)?.topic || id;
  const contact = client.contacts.get(id);
  return contact?.remarkName || contact?.nickName || id;
}

/**
 * What a handler gets for one message: the decoded message, where it came from, and the means to
 * answer it. A Bot builds one per message (its `context` option makes subclasses).
 */
export class Context<M extends Message = Message> {
  /** The decoded message. */
  readonly message: M;
  /** The client the message came from. */
  readonly client: BotClient;
  /** The sends, through the bot's send queue. */
  readonly actions: BotActions;
  /** What hears() or command() matched: the RegExp match, or the command's argument text. */
  match: RegExpMatchArray | string | undefined = undefined;
  /** Free space for middleware to pass things along (grammY keeps such data on the context too). */
  readonly state: Record<string, unknown> = {};
  /**
   * True when the message is handed over again after a restart: the bot had not finished it when the
   * process stopped (docs/bot.md "Delivery"). Replies the first run already queued are not sent again
   * (the outbox knows them by the message they answer), but other side effects may need a check.
   */
  redelivered = false;

  constructor(message: M, client: BotClient, actions: BotActions) {
    this.message = message;
    this.client = client;
    this.actions = actions;
  }

  /** The chat's UserName: the peer in a private chat, the `@@…` group in a group. */
  get chatId(): string {
    return this.message.chat.userName;
  }

  /** Whether the chat is private, a group, or an official account. */
  get chatType(): ChatType {
    return chatTypeOf(this.message, this.client);
  }

  /** The group's topic, else the contact's remark name or nickname, else the UserName. */
  get chatName(): string {
    return chatNameOf(this.message, this.client);
  }

  /** The message's plain text ('' for kinds without text). */
  get text(): string {
    return this.message.text;
  }

  /** The sender's contact, when it is one (group members who are not friends are not). */
  get senderContact(): Contact | undefined {
    return this.client.contacts.get(this.message.sender.userName);
  }

  /** The logged-in user, once known. */
  get self(): Contact | undefined {
    return this.client.self;
  }

  /**
   * Sends a text to this chat. Resolves once the text is queued in the outbox (and its log): the
   * handler, and the chat's next message, need not wait for the round trip; `(await ctx.reply(t)).sent`
   * is what the server answered.
   */
  reply(text: string): Promise<QueuedSend<SendTextResult>> {
    return this.#queue(this.actions.sendText(this.chatId, text));
  }

  /** Sends an image to this chat, resolving once queued (NotAvailableError when the client has no media sending). */
  replyImage(input: MediaInput, options?: SendMediaOptions): Promise<QueuedSend<SendResult>> {
    return this.#queue(this.actions.sendImage(this.chatId, input, options));
  }

  /** Sends a file to this chat, resolving once queued (NotAvailableError when the client has no media sending). */
  replyFile(input: MediaInput, options?: SendMediaOptions): Promise<QueuedSend<SendResult>> {
    return this.#queue(this.actions.sendFile(this.chatId, input, options));
  }

  /** Forwards this message to another chat (a UserName), resolving once queued. */
  forward(to: string): Promise<QueuedSend<SendResult>> {
    return this.#queue(this.actions.forward(this.message, to));
  }

  /**
   * Revokes a message the bot sent: what a send answered, or what reply() and friends resolved with
   * (its `sent` is awaited first). Resolves once the server took the revoke (revokes are not logged).
   */
  async revoke(sent: RevokeTarget | QueuedSend<RevokeTarget>): Promise<void> {
    return this.actions.revoke(isQueuedSend(sent) ? await sent.sent : sent);
  }

  /** Resolves with the send once the bot's actions say it is queued; rejects when it failed first. */
  async #queue<T>(send: Promise<T>): Promise<QueuedSend<T>> {
    if (!this.actions.queued) {
      await send;
      return { sent: send };
    }
    // An immediate failure (a bad recipient, a stopped client) settles before the send counts as queued.
    const early: { failed?: { error: unknown } } = {};
    send.catch((error: unknown) => {
      early.failed = { error };
    });
    await this.actions.queued(send);
    if (early.failed) throw early.failed.error;
    return { sent: send };
  }
}
