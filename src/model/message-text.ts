/**
 * Pure helpers for the text forms the wire uses (PROTOCOL.md §9.3): emoji `<span>`s, HTML escapes,
 * `<br/>` line breaks, the group sender prefix and `@name` mentions.
 */

/** Legacy emoji codes the server still sends, mapped to what they meant. */
const LEGACY_EMOJI: Readonly<Record<string, string>> = { '1f639': '1f602', '1f64d': '1f614' };

const EMOJI_SPAN = /<span\s+class\s*=\s*(["'])emoji emoji([0-9a-fA-F]{1,12})\1\s*>\s*<\/span>/gi;

/** Split the concatenated hex of an emoji span into code points, or undefined when it makes no sense. */
function emojiCodePoints(hex: string): number[] | undefined {
  const h = hex.toLowerCase();
  const mapped = LEGACY_EMOJI[h] ?? h;
  let parts: string[];
  if (mapped.length <= 5) parts = [mapped];
  else if (mapped.length === 8) parts = [mapped.slice(0, 4), mapped.slice(4)];
  else if (mapped.length === 10) parts = [mapped.slice(0, 5), mapped.slice(5)];
  else if (mapped.length === 9) {
    parts = mapped.startsWith('1')
      ? [mapped.slice(0, 5), mapped.slice(5)]
      : [mapped.slice(0, 4), mapped.slice(4)];
  } else return undefined;
  const points = parts.map((p) => Number.parseInt(p, 16));
  const valid = points.every(
    (cp) => Number.isInteger(cp) && cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff),
  );
  return valid ? points : undefined;
}

/** `<span class="emoji emoji1f604"></span>` → 😄 (pairs such as flags too). Unparseable spans stay as they are. */
export function decodeEmojiSpans(s: string): string {
  if (!s.includes('<span')) return s;
  return s.replace(EMOJI_SPAN, (whole: string, _quote: string, hex: string) => {
    const points = emojiCodePoints(hex);
    return points ? String.fromCodePoint(...points) : whole;
  });
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  middot: '·',
  times: '×',
  divide: '÷',
  yen: '¥',
  deg: '°',
  laquo: '«',
  raquo: '»',
  bull: '•',
};

const ENTITY = /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([a-zA-Z][a-zA-Z0-9]{1,9}));/g;

function fromCodePointSafe(cp: number): string | undefined {
  if (!Number.isInteger(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return String.fromCodePoint(cp);
}

/**
 * Named and numeric HTML entities → characters, in a single pass: `&amp;lt;` becomes `&lt;`, never `<`.
 * Unknown or invalid entities are left as written.
 */
export function unescapeHtml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (whole: string, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined) return fromCodePointSafe(Number.parseInt(dec, 10)) ?? whole;
    if (hex !== undefined) return fromCodePointSafe(Number.parseInt(hex, 16)) ?? whole;
    const value = name === undefined ? undefined : NAMED_ENTITIES[name];
    return value ?? whole;
  });
}

const BR = /<br\s*\/?>/gi;

/** Wire text → plain text: `<br/>` → newline, emoji spans → characters, then entities unescaped once. */
export function wireTextToPlain(s: string): string {
  return unescapeHtml(decodeEmojiSpans(s.replace(BR, '\n')));
}

/** A name as the wire writes it (NickName, RemarkName, DisplayName) → plain text. */
export function wireNameToPlain(s: string): string {
  return unescapeHtml(decodeEmojiSpans(s));
}

const ROOM_PREFIX = /^(@{1,2}[0-9A-Za-z_-]+|[A-Za-z0-9_-]+):<br\/>/;

/**
 * Split the `<sender>:<br/>` prefix of incoming group content. The sender is an `@…` UserName or a bare
 * `[A-Za-z0-9_-]+` id; without a prefix (messages you sent from the phone), `sender` is undefined.
 */
export function splitRoomPrefix(content: string): { sender?: string; body: string } {
  const m = ROOM_PREFIX.exec(content);
  if (!m?.[1]) return { body: content };
  return { sender: m[1], body: content.slice(m[0].length) };
}

const MENTION_END = /^(?:\u2005| |$)/;
/** `@` that can start a mention: not inside an e-mail address or word. */
const MENTION_START_BLOCKER = /[A-Za-z0-9._%+-]/;
const MAX_MENTION_LENGTH = 64;

/**
 * The names mentioned as `@name` followed by U+2005 (phone), a space (desktop) or the end of the text,
 * in order of appearance, without duplicates. `names` (e.g. your own display names in the group) are
 * matched first, longest first, so names containing spaces are found; other mentions are recognised by
 * the U+2005 terminator, and (only when `names` is not given) by a space or the end.
 */
export function extractMentions(text: string, names?: readonly string[]): string[] {
  const known = [...new Set((names ?? []).filter((n) => n.length > 0))].sort((a, b) => b.length - a.length);
  const found: string[] = [];
  const add = (name: string): void => {
    if (name && !found.includes(name)) found.push(name);
  };
  let i = text.indexOf('@');
  while (i !== -1) {
    const before = i > 0 ? text[i - 1] : '';
    let next = i + 1;
    if (!before || !MENTION_START_BLOCKER.test(before)) {
      const rest = text.slice(i + 1, i + 1 + MAX_MENTION_LENGTH + 1);
      const name = known.find((n) => rest.startsWith(n) && MENTION_END.test(text.slice(i + 1 + n.length)));
      if (name) {
        add(name);
        next = i + 1 + name.length;
      } else {
        const phone = /^([^@\u2005\n]{1,64}?)\u2005/.exec(rest);
        const plain = names === undefined ? /^([^\s@\u2005]{1,64})(?: |$)/.exec(rest) : null;
        const m = phone ?? plain;
        if (m?.[1]) {
          add(m[1]);
          next = i + 1 + m[1].length;
        }
      }
    }
    i = text.indexOf('@', next);
  }
  return found;
}
