/**
 * Auto-reply: a ReplySource answers a text (or says nothing), and autoReply() is the middleware that
 * asks it for text messages — in groups only when the user is @-mentioned, unless told otherwise — and
 * sends the answer to the chat. A source that fails is logged and the message passed on; the bot goes on.
 */
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { redact } from '../../redact.js';
import type { MiddlewareFn } from '../composer.js';
import type { Context } from '../context.js';
import { type MessageJson, messageToJson } from '../message-json.js';

/** What a {@link ReplySource} is asked about: the text to answer and its message as JSON. */
export interface ReplyInput {
  /** The text with the @-mention of the user taken out. */
  text: string;
  /** The whole message, as webhooks get it. */
  message: MessageJson;
}

/**
 * Something that answers a text: the rules file ({@link rulesSource}), a webhook ({@link webhookSource})
 * or a chat-completions API ({@link chatCompletionsSource}); {@link autoReply} asks it.
 */
export interface ReplySource {
  /** For logs: 'rules', 'webhook', 'chat-completions'. */
  readonly name: string;
  /** The reply, or undefined for none. */
  reply(input: ReplyInput): Promise<string | undefined>;
}

/** Which group texts auto-reply answers: only those that @-mention the user, or all of them. */
export type GroupPolicy = 'mentions' | 'all';

/** Options of {@link autoReply}. */
export interface AutoReplyOptions {
  /** In groups: answer only when @-mentioned ('mentions', the default) or every text ('all'). */
  groups?: GroupPolicy;
  /** Answer official accounts too. Default false. */
  officialAccounts?: boolean;
  /** Longest reply sent; longer ones are cut. Default 4000 characters. */
  maxReplyLength?: number;
  logger?: Logger;
  /** Called after each reply was sent. */
  onReply?(ctx: Context, reply: string): void;
  /** Called when the source failed (after logging it); the message is passed on. */
  onSourceError?(ctx: Context, error: unknown): void;
}

/** The text without the @-mentions of the user's own names (WeChat ends a mention with U+2005 or a space). */
export function stripSelfMention(text: string, selfNames: readonly string[]): string {
  let out = text;
  for (const name of selfNames) {
    if (!name) continue;
    out = out.split(`@${name}\u2005`).join('').split(`@${name} `).join('');
    if (out.endsWith(`@${name}`)) out = out.slice(0, -(name.length + 1));
  }
  return out.trim();
}

/** The names others @-mention the user by in this chat: the group display name, then the nickname. */
export function selfNamesIn(ctx: Context): string[] {
  const self = ctx.self;
  if (!self) return [];
  const member = ctx.message.chat.isRoom
    ? ctx.client.contacts.room(ctx.chatId)?.members.find((m) => m.userName === self.userName)
    : undefined;
  return [member?.displayName ?? '', self.nickName].filter((n) => n !== '');
}

/** Whether auto-reply answers this context at all (before asking the source). */
export function shouldAutoReply(
  ctx: Context,
  options: Pick<AutoReplyOptions, 'groups' | 'officialAccounts'>,
): boolean {
  const message = ctx.message;
  if (message.kind !== 'text' || message.isSelf || message.text.trim() === '') return false;
  const type = ctx.chatType;
  if (type === 'group') return (options.groups ?? 'mentions') === 'all' || message.mentionsSelf;
  if (type === 'official') return options.officialAccounts ?? false;
  return true;
}

/**
 * The auto-reply middleware: for a text (not the user's own) in a private chat, or in a group when the
 * user is @-mentioned (see {@link AutoReplyOptions.groups}), it asks `source` and sends the answer to
 * the chat. No answer, or a failing source (logged), passes the message on with `next()`.
 */
export function autoReply(source: ReplySource, options: AutoReplyOptions = {}): MiddlewareFn<Context> {
  const logger = (options.logger ?? silentLogger).child({ component: 'auto-reply', source: source.name });
  const maxLength = options.maxReplyLength ?? 4000;
  return async (ctx, next) => {
    if (!shouldAutoReply(ctx, options)) return next();
    const text = stripSelfMention(ctx.message.text, ctx.message.mentionsSelf ? selfNamesIn(ctx) : []);
    let answer: string | undefined;
    try {
      answer = await source.reply({ text, message: messageToJson(ctx.message, ctx.client) });
    } catch (error) {
      logger.warn(
        {
          chat: ctx.chatId,
          msgId: ctx.message.id,
          error: redact(error instanceof Error ? error.message : String(error)),
        },
        'the reply source failed',
      );
      options.onSourceError?.(ctx, error);
      return next();
    }
    if (answer === undefined || answer.trim() === '') return next();
    const reply = answer.length > maxLength ? answer.slice(0, maxLength) : answer;
    await ctx.reply(reply);
    options.onReply?.(ctx, reply);
  };
}
