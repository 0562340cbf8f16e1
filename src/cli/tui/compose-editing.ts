/**
 * Editing the compose box and the search query, pure: typed or pasted text cleaned, inserted at the
 * caret, the caret moved and text deleted by grapheme cluster (an emoji is never split).
 */
import { graphemes } from './text-width.js';
import type { TuiState } from './tui-state.js';

/** Printable text typed or pasted: control characters dropped, CR turned into a line break. */
export function typed(input: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: keeping only printable input
  return input.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
}

/** The compose box set to `text`, the caret at `cursor` (default: the end). */
export function setCompose(state: TuiState, text: string, cursor = text.length): TuiState {
  return { ...state, compose: text, composeCursor: Math.min(Math.max(0, cursor), text.length) };
}

/** Inserts at the caret. */
export function insertAt(state: TuiState, text: string): TuiState {
  const at = Math.min(state.composeCursor, state.compose.length);
  return setCompose(state, state.compose.slice(0, at) + text + state.compose.slice(at), at + text.length);
}

/** Grapheme boundaries of the compose text, so the caret never splits an emoji. */
function boundaries(text: string): number[] {
  const points = [0];
  let at = 0;
  for (const g of graphemes(text)) {
    at += g.length;
    points.push(at);
  }
  return points;
}

export function moveCaret(state: TuiState, how: 'left' | 'right' | 'home' | 'end'): TuiState {
  const text = state.compose;
  const at = Math.min(state.composeCursor, text.length);
  if (how === 'home') return { ...state, composeCursor: text.lastIndexOf('\n', at - 1) + 1 };
  if (how === 'end') {
    const next = text.indexOf('\n', at);
    return { ...state, composeCursor: next < 0 ? text.length : next };
  }
  const points = boundaries(text);
  const target = how === 'left' ? [...points].reverse().find((p) => p < at) : points.find((p) => p > at);
  return { ...state, composeCursor: target ?? at };
}

/** Deletes the grapheme before the caret. */
export function deleteBack(state: TuiState): TuiState {
  const at = Math.min(state.composeCursor, state.compose.length);
  const before = [...boundaries(state.compose)].reverse().find((p) => p < at);
  if (before === undefined) return state;
  return setCompose(state, state.compose.slice(0, before) + state.compose.slice(at), before);
}

export function dropLast(text: string): string {
  const chars = [...text];
  chars.pop();
  return chars.join('');
}
