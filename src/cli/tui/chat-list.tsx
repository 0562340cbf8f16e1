/** The chat list: pinned first, unread counts, last message, time, groups marked, incremental search. */
import { Box, Text } from 'ink';
import type { ChatSummary } from './chat-store.js';
import { formatListTime, oneLine } from './message-render.js';
import { padTo, textWidth, truncate } from './text-width.js';

export interface ChatListProps {
  chats: readonly ChatSummary[];
  selected: number;
  query: string;
  searching: boolean;
  focused: boolean;
  /** The chat open on the right. */
  openId: string | undefined;
  width: number;
  height: number;
  now: number;
}

/** The chat's first row: marks, title, unread badge and time, exactly `width` cells. */
export function chatTitleRow(chat: ChatSummary, width: number, now: number): string {
  const marks = `${chat.pinned ? '▲' : ' '}${chat.isRoom ? '#' : ' '}`;
  const time = formatListTime(chat.lastTime, now);
  const badge =
    chat.unread > 0 ? ` (${chat.unread > 99 ? '99+' : chat.unread}${chat.mentioned ? '@' : ''})` : '';
  const right = `${badge}${time ? ` ${time}` : ''}`;
  const titleWidth = Math.max(1, width - textWidth(marks) - textWidth(right));
  return padTo(`${marks}${padTo(oneLine(chat.title, 80), titleWidth)}${right}`, width);
}

/** Which slice of the list to show so the selected chat is visible (two rows per chat). */
export function listWindow(count: number, selected: number, visible: number): { start: number; end: number } {
  const per = Math.max(1, visible);
  const start = Math.min(Math.max(0, selected - per + 1), Math.max(0, count - per));
  const first = Math.max(0, Math.min(start, selected));
  return { start: first, end: Math.min(count, first + per) };
}

export function ChatList({
  chats,
  selected,
  query,
  searching,
  focused,
  openId,
  width,
  height,
  now,
}: ChatListProps) {
  const header = searching || query ? `/${query}${searching ? '▏' : ''}` : 'Chats  (/ search)';
  const perChat = 2;
  const visible = Math.max(1, Math.floor((height - 1) / perChat));
  const { start, end } = listWindow(chats.length, selected, visible);
  const shown = chats.slice(start, end);
  const used = 1 + shown.length * perChat;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold={focused} color={searching ? 'yellow' : 'cyan'}>
        {padTo(` ${header}`, width)}
      </Text>
      {chats.length === 0 ? (
        <Text dimColor>{padTo(query ? ' no chat matches' : ' no chats yet', width)}</Text>
      ) : null}
      {shown.map((chat, i) => {
        const isSelected = start + i === selected;
        const preview = chat.preview ? `   ${oneLine(chat.preview, 200)}` : '   ';
        return (
          <Box key={chat.id} flexDirection="column">
            <Text
              inverse={isSelected && focused}
              underline={isSelected && !focused}
              bold={chat.unread > 0 || chat.id === openId}
              color={chat.mentioned ? 'yellow' : chat.muted ? 'gray' : undefined}
            >
              {chatTitleRow(chat, width, now)}
            </Text>
            <Text dimColor>{padTo(truncate(preview, width), width)}</Text>
          </Box>
        );
      })}
      {used < height && chats.length > 0 ? <Box height={height - used} /> : null}
    </Box>
  );
}
