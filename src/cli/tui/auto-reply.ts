/**
 * The auto-reply the UI toggles (Ctrl+T). With a reply source from the bot framework (`--rules`,
 * `--webhook`, `--openai-base-url`, as for `webwx bot`), that source answers; without one, a clearly
 * labelled built-in away message does. Either way: texts only, never the user's own messages, in
 * groups only when the user is @-mentioned, and at most one reply per chat per interval so two
 * auto-replies cannot talk to each other forever.
 */

import { stripSelfMention } from '../../bot/auto-reply/index.js';
import type { ReplySource } from '../../bot/index.js';
import { messageToJson } from '../../bot/index.js';
import type { WebWxClient } from '../../client/index.js';
import type { Message } from '../../model/index.js';

export interface AutoReplySource {
  /** Shown in the status line, e.g. 'built-in away message' or 'rules'. */
  label: string;
  /** The reply to a message, or undefined for none. */
  replyTo(message: Message, nowMs: number): Promise<string | undefined>;
}

export const AWAY_TEXT = '[auto-reply] I am away from the terminal and will answer later.';

/** Which messages an auto-reply answers at all. */
export function answersMessage(message: Message): boolean {
  if (message.isSelf || message.kind !== 'text' || message.text.trim() === '') return false;
  return !message.chat.isRoom || message.mentionsSelf;
}

/** One reply per chat per interval. */
function perChatLimiter(intervalMs: number): (chat: string, nowMs: number) => boolean {
  const last = new Map<string, number>();
  return (chat, nowMs) => {
    const previous = last.get(chat);
    if (previous !== undefined && nowMs - previous < intervalMs) return false;
    last.set(chat, nowMs);
    return true;
  };
}

/** The built-in fallback: an away message, at most once a minute per chat. */
export function awayMessageSource(
  options: { text?: string; perChatIntervalMs?: number } = {},
): AutoReplySource {
  const text = options.text ?? AWAY_TEXT;
  const allowed = perChatLimiter(options.perChatIntervalMs ?? 60_000);
  return {
    label: 'built-in away message',
    async replyTo(message, nowMs) {
      if (!answersMessage(message) || !allowed(message.chat.userName, nowMs)) return undefined;
      return text;
    },
  };
}

/** A reply source of the bot framework (rules, webhook, chat completions) as the UI's auto-reply. */
export function botReplySource(
  source: ReplySource,
  client: WebWxClient,
  options: { perChatIntervalMs?: number; selfNames?: () => string[] } = {},
): AutoReplySource {
  const allowed = perChatLimiter(options.perChatIntervalMs ?? 5_000);
  return {
    label: source.name,
    async replyTo(message, nowMs) {
      if (!answersMessage(message) || !allowed(message.chat.userName, nowMs)) return undefined;
      const selfNames = options.selfNames?.() ?? [client.self?.nickName ?? ''];
      const text = stripSelfMention(message.text, selfNames);
      return source.reply({ text, message: messageToJson(message, client) });
    },
  };
}
