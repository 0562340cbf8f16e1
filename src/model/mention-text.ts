/**
 * The @-mention form of a text, as the phone writes it: `@Name` followed by U+2005 (FOUR-PER-EM
 * SPACE); `client.sendText(room, text, { mentions })` builds it (docs/messages.md). Wechaty's `room.say(text, ...contacts)` already puts `@Name` in front, joined by U+2005 and
 * ended by an ordinary space; here every mentioned name gets its U+2005, and a name the text does not
 * mention yet is put in front.
 */

/** U+2005, the separator after a mention. */
export const MENTION_SEPARATOR = '\u2005';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `text` with each of `names` mentioned in the U+2005 form. */
export function mentionText(text: string, names: readonly string[]): string {
  let out = text;
  const missing: string[] = [];
  for (const name of new Set(names)) {
    if (name === '') continue;
    const pattern = new RegExp(`@${escapeRegExp(name)}(?=[ \\u2005]|$)`);
    const match = pattern.exec(out);
    if (!match) {
      missing.push(name);
      continue;
    }
    const end = match.index + 1 + name.length;
    const rest = out.slice(end);
    out = `${out.slice(0, end)}${MENTION_SEPARATOR}${rest.startsWith(' ') || rest.startsWith(MENTION_SEPARATOR) ? rest.slice(1) : rest}`;
  }
  const prefix = missing.map((name) => `@${name}${MENTION_SEPARATOR}`).join('');
  return prefix + out;
}
