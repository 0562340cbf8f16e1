/** The compose box: several lines, the last ones shown when it grows; a caret at the end. */
import { Box, Text } from 'ink';
import { sanitize } from './message-render.js';
import { padTo, positional, wrapText } from './text-width.js';

export interface ComposeProps {
  value: string;
  focused: boolean;
  width: number;
  /** Most rows of text shown. */
  maxRows: number;
  placeholder: string;
}

/** The rows the compose box shows for `value`: wrapped, the last `maxRows`, with a caret. */
export function composeRows(value: string, width: number, maxRows: number, focused: boolean): string[] {
  const inner = Math.max(4, width - 2);
  const rows = wrapText(`${sanitize(value)}${focused ? '▏' : ''}`, inner);
  return rows.slice(Math.max(0, rows.length - maxRows));
}

export function composeHeight(value: string, width: number, maxRows: number): number {
  return 1 + composeRows(value, width, maxRows, true).length;
}

export function Compose({ value, focused, width, maxRows, placeholder }: ComposeProps) {
  const rows = composeRows(value, width, maxRows, focused);
  const empty = value === '';
  return (
    <Box flexDirection="column" width={width}>
      <Text dimColor>{'─'.repeat(Math.max(0, width))}</Text>
      {positional(rows).map(({ key, item: row }, i) => (
        <Text key={key} color={focused ? undefined : 'gray'}>
          {padTo(
            `${i === 0 ? '> ' : '  '}${empty && i === 0 ? `${focused ? '▏' : ''}${placeholder}` : row}`,
            width,
          )}
        </Text>
      ))}
    </Box>
  );
}
