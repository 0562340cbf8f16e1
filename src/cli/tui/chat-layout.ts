/**
 * The chat view's rows, pure: each message as `HH:MM sender: body`, wrapped to the width with the
 * body indented under itself, events dimmed, recalled and failed messages marked, mentions of the
 * user highlighted; then the window of rows that fits the height, anchored at the bottom.
 */
import type { ChatLine } from './chat-store.js';
import {
  describeMessage,
  formatClock,
  highlightMentions,
  isEvent,
  limitBody,
  oneLine,
} from './message-render.js';
import { textWidth, truncate, wrapText } from './text-width.js';

export type RowStyle = 'time' | 'sender' | 'self' | 'text' | 'mention' | 'event' | 'note' | 'error';

export interface RowSegment {
  text: string;
  style: RowStyle;
}

export interface ChatRow {
  segments: RowSegment[];
  /** Index of the ChatLine this row belongs to. */
  line: number;
}

export interface LayoutOptions {
  width: number;
  /** The user's names, for highlighting `@name`. */
  selfNames: readonly string[];
  /** The name shown for a message's sender. */
  senderName(line: ChatLine): string;
}

const TIME_WIDTH = 6; // 'HH:MM '

export function layoutChat(lines: readonly ChatLine[], options: LayoutOptions): ChatRow[] {
  const rows: ChatRow[] = [];
  const width = Math.max(10, options.width);
  lines.forEach((line, index) => {
    const { message } = line;
    const time: RowSegment = { text: `${formatClock(message.createTime)} `, style: 'time' };
    if (isEvent(message)) {
      const text = oneLine(describeMessage(message), 400);
      wrapText(`— ${text} —`, width - TIME_WIDTH).forEach((row, i) => {
        rows.push({
          line: index,
          segments: [
            i === 0 ? time : { text: ' '.repeat(TIME_WIDTH), style: 'time' },
            { text: row, style: 'event' },
          ],
        });
      });
      return;
    }
    const sender = truncate(oneLine(options.senderName(line), 40), Math.max(4, Math.floor(width / 3)));
    const head = `${sender}: `;
    const headWidth = textWidth(head);
    const bodyWidth = Math.max(8, width - TIME_WIDTH - headWidth);
    let body = limitBody(describeMessage(message));
    if (line.revoked) body = `(recalled) ${body}`;
    const bodyRows = wrapText(body, bodyWidth);
    const failedFrom = bodyRows.length;
    if (line.failed) bodyRows.push(...wrapText(`✗ not sent: ${oneLine(line.failed, 200)}`, bodyWidth));
    const names = message.isSelf ? [] : options.selfNames;
    bodyRows.forEach((row, i) => {
      const lead: RowSegment[] =
        i === 0
          ? [time, { text: head, style: message.isSelf ? 'self' : 'sender' }]
          : [{ text: ' '.repeat(TIME_WIDTH + headWidth), style: 'time' }];
      const style: RowStyle = i >= failedFrom ? 'error' : line.revoked ? 'note' : 'text';
      const segments =
        style === 'text'
          ? highlightMentions(row, names).map(
              (s): RowSegment => ({ text: s.text, style: s.mention ? 'mention' : 'text' }),
            )
          : [{ text: row, style }];
      rows.push({ line: index, segments: [...lead, ...segments] });
    });
  });
  return rows;
}

/**
 * The rows that fit `height`: the newest at the bottom, `scroll` rows up from there, moved so the
 * selected line (if any) is in view. Returns the rows and the scroll actually used.
 */
export function viewport(
  rows: readonly ChatRow[],
  height: number,
  scroll: number,
  selectedLine?: number,
): { rows: ChatRow[]; scroll: number } {
  const maxScroll = Math.max(0, rows.length - height);
  let s = Math.min(Math.max(0, scroll), maxScroll);
  if (selectedLine !== undefined) {
    const first = rows.findIndex((r) => r.line === selectedLine);
    let last = -1;
    for (let i = rows.length - 1; i >= 0; i--) {
      if (rows[i]!.line === selectedLine) {
        last = i;
        break;
      }
    }
    if (first >= 0) {
      const end = rows.length - s; // exclusive
      const start = Math.max(0, end - height);
      if (last >= end) s = Math.max(0, rows.length - last - 1);
      else if (first < start) s = Math.min(maxScroll, rows.length - first - height);
    }
  }
  const end = rows.length - s;
  return { rows: rows.slice(Math.max(0, end - height), end), scroll: s };
}

/** The spaces that fill a row out to `width` cells (none when it already fills them). */
export function rowFill(row: ChatRow, width: number): string {
  const used = row.segments.reduce((w, s) => w + textWidth(s.text), 0);
  return ' '.repeat(Math.max(0, width - used));
}
