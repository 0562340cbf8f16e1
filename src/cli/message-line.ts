/** One incoming or outgoing message as one terminal line: time, group, sender and text. */
import type { Message } from '../model/index.js';

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
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what it removes
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export function describeBody(message: Message): string {
  if (message.kind === 'text') return message.text;
  if (message.kind === 'unknown') return `[${message.reason}]`;
  return `[${(message as { kind: string }).kind}]`;
}

export function formatMessageLine(message: Message, names: ChatNames): string {
  const time = formatTime(message.createTime);
  const body = sanitizeForTerminal(describeBody(message)).replace(/\n/g, '\n      ');
  const chat = names.chatLabel(message.chat.userName);
  if (message.isSelf) {
    const where = message.chat.isRoom ? `[${chat}]` : chat;
    return `${time} me → ${where}: ${body}`;
  }
  const sender = message.sender.displayName || names.chatLabel(message.sender.userName);
  const mention = message.mentionsSelf ? ' (@you)' : '';
  if (message.chat.isRoom) return `${time} [${chat}] ${sender}${mention}: ${body}`;
  return `${time} ${sender}: ${body}`;
}
