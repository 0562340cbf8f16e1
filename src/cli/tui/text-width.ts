/**
 * Terminal cell widths of text (CJK and emoji take two cells, combining marks none), and the
 * cutting, padding and wrapping built on them, so every row the UI draws fits its width exactly.
 * Works on grapheme clusters (Intl.Segmenter), so emoji sequences are never split.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Cells one grapheme cluster takes: 0, 1 or 2. */
export function graphemeWidth(g: string): number {
  const cp = g.codePointAt(0) ?? 0;
  if (cp === 0) return 0;
  // Combining marks, zero-width characters, variation selectors on their own.
  if (/^(?:[\u0300-\u036f]|[\u200b-\u200f]|\u2060|[\ufe00-\ufe0f])+$/u.test(g)) return 0;
  if (isWide(cp)) return 2;
  // Emoji shown as pictures by default, or made so by VS16 or a ZWJ sequence, take two cells.
  if (/\p{Emoji_Presentation}/u.test(g)) return 2;
  if (g.length > 1 && /\ufe0f|\u200d/.test(g) && /\p{Extended_Pictographic}/u.test(g)) return 2;
  if (/\p{Regional_Indicator}/u.test(g)) return 2;
  return 1;
}

export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

export function textWidth(text: string): number {
  let w = 0;
  for (const g of graphemes(text)) w += graphemeWidth(g);
  return w;
}

/** At most `width` cells of `text`; when cut, the last cell is an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const g of graphemes(text)) {
    const gw = graphemeWidth(g);
    if (w + gw > width - 1) break;
    out += g;
    w += gw;
  }
  return `${out}…`;
}

/** Exactly `width` cells: cut with an ellipsis, or padded with spaces on the right. */
export function padTo(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + ' '.repeat(Math.max(0, width - textWidth(cut)));
}

/**
 * Hard-wraps one line (no line breaks inside) into rows of at most `width` cells, preferring to
 * break after a space when one is near.
 */
export function wrapLine(line: string, width: number): string[] {
  if (width <= 0) return [''];
  const rows: string[] = [];
  let row = '';
  let rowWidth = 0;
  let lastSpace = -1;
  for (const g of graphemes(line)) {
    const gw = graphemeWidth(g);
    if (rowWidth + gw > width) {
      if (lastSpace > 0 && lastSpace > row.length - 20) {
        rows.push(row.slice(0, lastSpace));
        row = row.slice(lastSpace + 1);
        rowWidth = textWidth(row);
      } else {
        rows.push(row);
        row = '';
        rowWidth = 0;
      }
      lastSpace = -1;
    }
    if (g === ' ') lastSpace = row.length;
    row += g;
    rowWidth += gw;
  }
  rows.push(row);
  return rows;
}

/** Wraps text with line breaks into rows of at most `width` cells. */
export function wrapText(text: string, width: number): string[] {
  return text.split('\n').flatMap((line) => wrapLine(line, width));
}

/** Items whose only identity is their place (rows of a screen), with React keys. */
export function positional<T>(items: readonly T[]): { key: string; item: T }[] {
  return items.map((item, index) => ({ key: `p${index}`, item }));
}
