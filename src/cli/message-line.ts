/** One incoming or outgoing message as one terminal line: time, group, sender and text. */
import type { Message } from '../model/index.js';
import { describeMessage, limitBody, sanitize } from './tui/message-render.js';

export interface ChatNames {
  /** The label of a chat (contact remark/nickname or group topic) by UserName. */
  chatLabel(userName: string): string;
}

export function formatTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${hh}:${mm}`;
}

/** Control characters are shown escaped so a hostile message cannot move the cursor or change colours. */
export function sanitizeForTerminal(text: string): string {
  return sanitize(text);
}

/** The body of any kind of message as readable text (see tui/message-render.ts), one line per line. */
export function describeBody(message: Message): string {
  return limitBody(describeMessage(message));
}

export function formatMessageLine(message: Message, names: ChatNames): string {
  const time = formatTime(message.createTime);
  const body = describeBody(message).replace(/\n/g, '\n      ');
  const chat = sanitize(names.chatLabel(message.chat.userName)).replace(/\n/g, ' ');
  if (message.isSelf) {
    const where = message.chat.isRoom ? `[${chat}]` : chat;
    return `${time} me → ${where}: ${body}`;
  }
  const sender = sanitize(message.sender.displayName || names.chatLabel(message.sender.userName)).replace(
    /\n/g,
    ' ',
  );
  const mention = message.mentionsSelf ? ' (@you)' : '';
  if (message.chat.isRoom) return `${time} [${chat}] ${sender}${mention}: ${body}`;
  return `${time} ${sender}: ${body}`;
}
