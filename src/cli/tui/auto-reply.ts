/**
 * The auto-reply the UI toggles (Ctrl+T). Until the bot framework's reply sources are wired in, this
 * is a clearly labelled minimal local fallback: an away message for direct texts, and for group
 * messages that mention the user, at most once a minute per chat.
 */
import type { Message } from '../../model/index.js';

export interface AutoReplySource {
  /** Shown in the status line, e.g. 'built-in away message'. */
  label: string;
  /** The reply to a message, or undefined for none. */
  replyTo(message: Message, nowMs: number): string | undefined;
}

export const AWAY_TEXT = '[auto-reply] I am away from the terminal and will answer later.';

/** The built-in fallback: an away message, rate-limited per chat. */
export function awayMessageSource(
  options: { text?: string; perChatIntervalMs?: number } = {},
): AutoReplySource {
  const text = options.text ?? AWAY_TEXT;
  const interval = options.perChatIntervalMs ?? 60_000;
  const last = new Map<string, number>();
  return {
    label: 'built-in away message',
    replyTo(message, nowMs) {
      if (
        message.isSelf ||
        message.kind === 'system' ||
        message.kind === 'revoke' ||
        message.kind === 'status-notify'
      )
        return undefined;
      if (message.chat.isRoom && !message.mentionsSelf) return undefined;
      const chat = message.chat.userName;
      const previous = last.get(chat);
      if (previous !== undefined && nowMs - previous < interval) return undefined;
      last.set(chat, nowMs);
      return text;
    },
  };
}
