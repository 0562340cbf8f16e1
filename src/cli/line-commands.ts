/**
 * The seed's line-mode commands, parsed as pure functions:
 *   ->NAME:TEXT     send TEXT to NAME (the text may itself contain ':')
 *   m->NAME:FILE    send each line of FILE to NAME
 *   i->NAME:PATH    send an image
 *   f->NAME:PATH    send a file
 *   e->NAME:PATH    send a sticker (emoticon)
 *   ->all:TEXT      send TEXT to every friend (asks for confirmation; paced)
 *   quit            leave
 */

export type LineMediaKind = 'image' | 'file' | 'emoticon';

export type LineCommand =
  | { kind: 'send'; name: string; text: string }
  | { kind: 'send-lines'; name: string; path: string }
  | { kind: 'send-media'; media: LineMediaKind; name: string; path: string }
  | { kind: 'broadcast'; text: string }
  | { kind: 'quit' }
  | { kind: 'help' }
  | { kind: 'empty' }
  | { kind: 'invalid'; reason: string };

export const LINE_HELP = [
  'Commands:',
  '  ->NAME:TEXT   send TEXT to the contact or group NAME (remark name, nickname or group topic)',
  '  m->NAME:FILE  send each line of FILE to NAME',
  '  i->NAME:PATH  send an image',
  '  f->NAME:PATH  send a file',
  '  e->NAME:PATH  send a sticker (emoticon)',
  '  ->all:TEXT    send TEXT to every friend (asks first; one message at a time)',
  '  help          show this help',
  '  quit          log out of the line chat and exit',
].join('\n');

const PREFIXES: readonly { prefix: string; make(name: string, rest: string): LineCommand; usage: string }[] =
  [
    {
      prefix: 'm->',
      usage: 'm->NAME:FILE',
      make: (name, path) => ({ kind: 'send-lines', name, path: path.trim() }),
    },
    {
      prefix: 'i->',
      usage: 'i->NAME:PATH',
      make: (name, path) => ({ kind: 'send-media', media: 'image', name, path: path.trim() }),
    },
    {
      prefix: 'f->',
      usage: 'f->NAME:PATH',
      make: (name, path) => ({ kind: 'send-media', media: 'file', name, path: path.trim() }),
    },
    {
      prefix: 'e->',
      usage: 'e->NAME:PATH',
      make: (name, path) => ({ kind: 'send-media', media: 'emoticon', name, path: path.trim() }),
    },
    { prefix: '->', usage: '->NAME:TEXT', make: (name, text) => ({ kind: 'send', name, text }) },
  ];

export function parseLineCommand(input: string): LineCommand {
  const line = input.replace(/\r?\n$/, '');
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (trimmed === 'quit' || trimmed === 'exit') return { kind: 'quit' };
  if (trimmed === 'help' || trimmed === '?') return { kind: 'help' };
  for (const { prefix, make, usage } of PREFIXES) {
    if (!trimmed.startsWith(prefix)) continue;
    const rest = trimmed.slice(prefix.length);
    const colon = rest.indexOf(':');
    const what = usage.slice(usage.indexOf(':') + 1);
    if (colon < 0) return { kind: 'invalid', reason: `expected ${usage} (missing ":")` };
    const name = rest.slice(0, colon).trim();
    const value = rest.slice(colon + 1);
    if (name === '') return { kind: 'invalid', reason: `expected ${usage} (missing NAME)` };
    if (value.trim() === '') return { kind: 'invalid', reason: `expected ${usage} (missing ${what})` };
    if (prefix === '->' && name.toLowerCase() === 'all') return { kind: 'broadcast', text: value };
    return make(name, value);
  }
  return { kind: 'invalid', reason: `unknown command: ${truncate(trimmed, 40)} (type "help")` };
}

/** The answer to a yes/no question: only y/yes (any case) is yes. */
export function isYes(answer: string): boolean {
  return /^(y|yes)$/i.test(answer.trim());
}

/** The lines of a file to send with m->: trimmed of line ends, blank lines skipped. */
export function linesToSend(fileText: string): string[] {
  return fileText
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() !== '');
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
