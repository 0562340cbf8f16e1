/**
 * The seed's line-mode commands, parsed as pure functions:
 *   ->NAME:TEXT   send TEXT to NAME (the text may itself contain ':')
 *   quit          leave
 * Later issues add m->, i->, f->, e-> and ->all.
 */

export type LineCommand =
  | { kind: 'send'; name: string; text: string }
  | { kind: 'quit' }
  | { kind: 'help' }
  | { kind: 'empty' }
  | { kind: 'invalid'; reason: string };

export const LINE_HELP = [
  'Commands:',
  '  ->NAME:TEXT   send TEXT to the contact or group NAME (remark name, nickname or group topic)',
  '  help          show this help',
  '  quit          log out of the line chat and exit',
].join('\n');

export function parseLineCommand(input: string): LineCommand {
  const line = input.replace(/\r?\n$/, '');
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (trimmed === 'quit' || trimmed === 'exit') return { kind: 'quit' };
  if (trimmed === 'help' || trimmed === '?') return { kind: 'help' };
  if (trimmed.startsWith('->')) {
    const rest = trimmed.slice(2);
    const colon = rest.indexOf(':');
    if (colon < 0) return { kind: 'invalid', reason: 'expected ->NAME:TEXT (missing ":")' };
    const name = rest.slice(0, colon).trim();
    const text = rest.slice(colon + 1);
    if (name === '') return { kind: 'invalid', reason: 'expected ->NAME:TEXT (missing NAME)' };
    if (text.trim() === '') return { kind: 'invalid', reason: 'expected ->NAME:TEXT (missing TEXT)' };
    return { kind: 'send', name, text };
  }
  return { kind: 'invalid', reason: `unknown command: ${truncate(trimmed, 40)} (type "help")` };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
