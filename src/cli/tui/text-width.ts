/**
 * Terminal cell widths of text, and the cutting, padding and wrapping built on them, so every row the
 * UI draws fits its width exactly. The width of a grapheme cluster is string-width's, the measure ink
 * lays out and draws with (the same version ink depends on), so the rows this module pads and ink's
 * layout never disagree. Works on grapheme clusters (Intl.Segmenter): emoji sequences are never split.
 */
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cells one grapheme cluster takes: 0, 1 or 2 (string-width, as ink measures it). */
export function graphemeWidth(g: string): number {
  return stringWidth(g);
}

/** The grapheme clusters of `text`, in order. */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Cells `text` takes (without line breaks). */
export function textWidth(text: string): number {
  return stringWidth(text);
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
