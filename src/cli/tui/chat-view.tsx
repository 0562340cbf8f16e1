/** The open chat: its title, and the messages that padTo, newest at the bottom. */
import { Box, Text } from 'ink';
import { type ChatRow, layoutChat, type RowStyle, rowFill, viewport } from './chat-layout.js';
import type { ChatLine } from './chat-store.js';
import { oneLine } from './message-render.js';
import { padTo, positional } from './text-width.js';

export interface ChatViewProps {
  title: string;
  isRoom: boolean;
  memberCount?: number;
  lines: readonly ChatLine[];
  width: number;
  height: number;
  scroll: number;
  selectedLine: number | undefined;
  selfNames: readonly string[];
  senderName(line: ChatLine): string;
  /** Shown above the oldest message, e.g. 'history not available yet'. */
  historyNote?: string;
}

const STYLE: Record<
  RowStyle,
  { color?: string; dimColor?: boolean; bold?: boolean; inverse?: boolean; italic?: boolean }
> = {
  time: { dimColor: true },
  sender: { color: 'cyan' },
  self: { color: 'green' },
  text: {},
  mention: { color: 'yellow', bold: true, inverse: true },
  event: { dimColor: true, italic: true },
  note: { dimColor: true },
  error: { color: 'red' },
};

function Row({ row, width, selected }: { row: ChatRow; width: number; selected: boolean }) {
  return (
    <Text inverse={selected} wrap="truncate-end">
      {positional(row.segments).map(({ key, item: s }) => (
        <Text key={key} {...STYLE[s.style]}>
          {s.text}
        </Text>
      ))}
      {rowFill(row, width)}
    </Text>
  );
}

export function ChatView(props: ChatViewProps) {
  const { width, height, lines, selectedLine } = props;
  const rowsHeight = Math.max(1, height - 1);
  const all = layoutChat(lines, { width, selfNames: props.selfNames, senderName: props.senderName });
  const { rows, scroll } = viewport(all, rowsHeight, props.scroll, selectedLine);
  const title = `${props.isRoom ? '# ' : ''}${oneLine(props.title, 60)}${props.isRoom && props.memberCount ? ` (${props.memberCount})` : ''}`;
  const more = scroll > 0 ? `  ↓ ${scroll} more` : '';
  const note = rows.length < rowsHeight && props.historyNote ? props.historyNote : undefined;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color="cyan">
        {padTo(` ${title}${more}`, width)}
      </Text>
      {note ? <Text dimColor>{padTo(` ${note}`, width)}</Text> : null}
      <Box flexDirection="column" flexGrow={1} justifyContent="flex-end">
        {lines.length === 0 ? <Text dimColor>{padTo(' no messages yet — say hello', width)}</Text> : null}
        {positional(rows).map(({ key, item: row }) => (
          <Row
            key={key}
            row={row}
            width={width}
            selected={selectedLine !== undefined && row.line === selectedLine}
          />
        ))}
      </Box>
    </Box>
  );
}
