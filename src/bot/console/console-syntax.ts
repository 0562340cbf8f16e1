/**
 * The console's command syntax (docs/console.md): `/name args…`, the slash also full-width (`／`, what
 * a Chinese phone keyboard types). A bare first word (`ping`) is a command only when the config says
 * `"bareCommands": true` and the word names a known command. Arguments are split on whitespace; single
 * or double quotes (also the phone's curly “…” ‘…’) group words. Nothing else is special: no escapes,
 * no variables, no globbing — the words go to the program as they are, never through a shell.
 */

/** A command name: letters, digits, `_` and `-`, starting with a letter or digit, at most 32. */
export const CONSOLE_COMMAND_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** A command line taken from a message. */
export interface ConsoleLine {
  /** Lower-cased. */
  name: string;
  /** The text after the name, trimmed ('' when none). */
  argText: string;
}

/** Whether bare words count, and which. */
export interface ParseLineOptions {
  /** Take a bare first word as a command when it is one of `knownNames`. Default false. */
  bare?: boolean;
  /** Lower-cased names the bare form may match. */
  knownNames?: ReadonlySet<string>;
}

// U+2005 is how WeChat separates a mention; count it as space.
const LINE = /^[/／]([^\s\u2005]+)(?:[\s\u2005]+([\s\S]*))?$/u;
const BARE = /^([^\s\u2005]+)(?:[\s\u2005]+([\s\S]*))?$/u;

/** The command a message text holds, or undefined when it is not one (a note, a question). */
export function parseConsoleLine(text: string, options: ParseLineOptions = {}): ConsoleLine | undefined {
  const trimmed = text.trim();
  const slashed = LINE.exec(trimmed);
  if (slashed) return { name: (slashed[1] ?? '').toLowerCase(), argText: (slashed[2] ?? '').trim() };
  if (!options.bare) return undefined;
  const bare = BARE.exec(trimmed);
  const name = (bare?.[1] ?? '').toLowerCase();
  if (!bare || !options.knownNames?.has(name)) return undefined;
  return { name, argText: (bare[2] ?? '').trim() };
}

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '”': '”' };

/** Splits argument text into words; an unclosed quote runs to the end. */
export function splitArguments(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let closing: string | undefined;
  for (const ch of text) {
    if (closing !== undefined) {
      if (ch === closing) closing = undefined;
      else current += ch;
      continue;
    }
    const close = QUOTES[ch];
    if (close !== undefined) {
      closing = close;
      inWord = true;
      continue;
    }
    if (/[\s\u2005]/u.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      continue;
    }
    current += ch;
    inWord = true;
  }
  if (inWord) words.push(current);
  return words;
}
