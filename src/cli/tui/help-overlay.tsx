/** The help overlay: every key and compose command, in two columns when they fit. Any key closes it. */
import { Box, Text } from 'ink';
import { COMPOSE_COMMANDS } from './compose-commands.js';
import { padTo, positional } from './text-width.js';

export const KEY_HELP: readonly { keys: string; what: string }[] = [
  { keys: '↑ ↓  j k', what: 'move / select' },
  { keys: 'Enter  →', what: 'open the chat' },
  { keys: '/', what: 'search (name, pinyin)' },
  { keys: 'Esc', what: 'back' },
  { keys: 'Enter', what: 'send (in a chat)' },
  { keys: 'Alt+Enter', what: 'new line (or Ctrl+J)' },
  { keys: '← → Home End', what: 'move in the text' },
  { keys: 'Tab  ↑', what: 'select messages' },
  { keys: 's  o', what: 'save / open media' },
  { keys: 'f  r', what: 'forward / recall' },
  { keys: 'PgUp PgDn', what: 'scroll the chat' },
  { keys: 'Ctrl+T', what: 'auto-reply on/off' },
  { keys: '?', what: 'this help' },
  { keys: 'q  Ctrl+C', what: 'quit' },
];

export function keyLines(): string[] {
  return ['Keys', ...KEY_HELP.map((k) => ` ${k.keys.padEnd(10)} ${k.what}`)];
}

export function commandLines(): string[] {
  return ['Compose commands', ...COMPOSE_COMMANDS.map((c) => ` ${c.usage.padEnd(15)} ${c.what}`)];
}

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const inner = width - 2;
  const twoColumns = inner >= 76;
  const left = keyLines();
  const right = commandLines();
  const rows: string[] = twoColumns
    ? Array.from({ length: Math.max(left.length, right.length) }, (_, i) => {
        const half = Math.floor(inner / 2);
        return padTo(` ${left[i] ?? ''}`, half) + padTo(right[i] ?? '', inner - half);
      })
    : [...left, '', ...right].map((l) => ` ${l}`);
  const shown = rows.slice(0, Math.max(1, height - 3));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single" borderColor="cyan">
      <Text bold color="cyan">
        {padTo(' webwx help — press any key to close', inner)}
      </Text>
      {positional(shown).map(({ key, item: line }) => (
        <Text key={key}>{padTo(line, inner)}</Text>
      ))}
    </Box>
  );
}
