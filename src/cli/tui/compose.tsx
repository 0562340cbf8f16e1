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
  /** The caret's index in `value` (default: the end). */
  cursor?: number;
}

const CARET = '▏';

/**
 * The rows the compose box shows for `value`: wrapped, with a caret at `cursor` when focused, the
 * window of `maxRows` that holds the caret.
 */
export function composeRows(
  value: string,
  width: number,
  maxRows: number,
  focused: boolean,
  cursor = value.length,
): string[] {
  const inner = Math.max(4, width - 2);
  const at = Math.min(Math.max(0, cursor), value.length);
  const text = focused
    ? `${sanitize(value.slice(0, at))}${CARET}${sanitize(value.slice(at))}`
    : sanitize(value);
  const rows = wrapText(text, inner);
  const caretRow = focused ? rows.findIndex((r) => r.includes(CARET)) : rows.length - 1;
  const end = Math.max(Math.min(rows.length, maxRows), caretRow + 1);
  return rows.slice(Math.max(0, end - maxRows), end);
}

export function composeHeight(value: string, width: number, maxRows: number): number {
  return 1 + composeRows(value, width, maxRows, true).length;
}

export function Compose({ value, focused, width, maxRows, placeholder, cursor }: ComposeProps) {
  const rows = composeRows(value, width, maxRows, focused, cursor);
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
