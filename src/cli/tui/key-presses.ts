/**
 * Key presses, pure: each press (or burst of typed keys, or pasted text) becomes a new state plus the
 * effects (send, open, save, quit…) that the effect runner (effect-runner.ts) carries out.
 */
import { linesOf, openChat, visibleChats } from './chat-store.js';
import { type ComposeCommand, parseCompose } from './compose-commands.js';
import { deleteBack, dropLast, insertAt, moveCaret, setCompose, typed } from './compose-editing.js';
import { hasMedia } from './message-render.js';
import type { TuiState } from './tui-state.js';

/** A key press, as ink reports it (only the fields used here). */
export interface KeyPress {
  input: string;
  return?: boolean;
  escape?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export type Effect =
  | { kind: 'send-text'; chat: string; text: string }
  | { kind: 'command'; chat: string; command: ComposeCommand; line: number | undefined }
  | { kind: 'open-chat'; chat: string }
  /** Scrolled up: load the page of history before what is shown, if there is one. */
  | { kind: 'older'; chat: string }
  | { kind: 'toggle-auto-reply' }
  | { kind: 'quit'; interrupt?: boolean };

export interface KeyResult {
  state: TuiState;
  effects: Effect[];
}

/** Rows PageUp/PageDown scroll the chat view by. */
export const PAGE_ROWS = 10;

const clamp = (n: number, lo: number, hi: number): number => Math.min(Math.max(n, lo), Math.max(lo, hi));

/**
 * What a terminal sends around pasted text once bracketed paste is on (app.tsx turns it on), as ink
 * reports it: the sequences ESC[200~ and ESC[201~ without their ESC.
 */
export const PASTE_START = '[200~';
/** The end of a bracketed paste (see {@link PASTE_START}). */
export const PASTE_END = '[201~';

/** A lone CR: the Enter key. A CRLF is a line break of pasted text. */
const ENTER_IN_BURST = /\r(?!\n)/;

/**
 * One key press, or one chunk of input: a burst of typed keys (fast typing, a pty, a terminal without
 * bracketed paste) is its keys in order, each CR in it an Enter, so "a\rb\r" sends two messages and
 * never one with a line break. Text between the paste marks is pasted: its line breaks are kept and
 * nothing in it is taken as a key.
 */
export function handleKey(state: TuiState, pressed: KeyPress, options: { home?: string } = {}): KeyResult {
  if (pressed.input === PASTE_START) return { state: { ...state, pasting: true }, effects: [] };
  if (pressed.input === PASTE_END) return { state: { ...state, pasting: false }, effects: [] };
  if (state.pasting && !(pressed.ctrl && pressed.input === 'c'))
    return { state: paste(state, pressed), effects: [] };
  if (pressed.input.length > 1 && ENTER_IN_BURST.test(pressed.input) && !pressed.ctrl && !pressed.meta) {
    let result: KeyResult = { state, effects: [] };
    const step = (key: KeyPress): void => {
      const next = handleOneKey(result.state, key, options);
      result = { state: next.state, effects: [...result.effects, ...next.effects] };
    };
    pressed.input.split(ENTER_IN_BURST).forEach((text, i) => {
      if (i > 0) step({ input: '', return: true });
      if (text) step({ input: text });
    });
    return result;
  }
  return handleOneKey(
    state,
    pressed.input === '\r' ? { ...pressed, input: '', return: true } : pressed,
    options,
  );
}

/** Pasted text goes into the compose box or the search, line breaks and all; elsewhere it is dropped. */
function paste(state: TuiState, key: KeyPress): TuiState {
  const text = key.return ? '\n' : typed(key.input);
  if (!text || state.screen !== 'main' || state.help) return state;
  if (state.focus === 'compose' && state.store.open) return insertAt({ ...state, notice: undefined }, text);
  if (state.focus === 'search')
    return { ...state, notice: undefined, query: state.query + text.replace(/\n/g, ''), selected: 0 };
  return state;
}

/** One key (or a run of typed text without an Enter in it). */
function handleOneKey(state: TuiState, key: KeyPress, options: { home?: string }): KeyResult {
  const none = (next: TuiState): KeyResult => ({ state: next, effects: [] });
  const cleared = { ...state, notice: undefined };
  if (key.ctrl && key.input === 'c') return { state, effects: [{ kind: 'quit', interrupt: true }] };
  if (state.help) return none({ ...state, help: false });
  if (key.ctrl && key.input === 't') return { state: cleared, effects: [{ kind: 'toggle-auto-reply' }] };
  if (state.screen === 'login') {
    if (key.input === 'q' || key.escape) return { state, effects: [{ kind: 'quit' }] };
    return none(state);
  }

  const chats = visibleChats(state.store, state.query);
  const open = state.store.open;
  const openChatEffect = (index: number): KeyResult => {
    const chat = chats[index];
    if (!chat) return none(cleared);
    // Opening a chat ends the search; the list keeps the chat selected.
    const store = openChat(state.store, chat.id);
    return {
      state: {
        ...cleared,
        store,
        query: '',
        selected: Math.max(
          0,
          visibleChats(store).findIndex((c) => c.id === chat.id),
        ),
        focus: 'compose',
        scroll: 0,
        selectedLine: undefined,
      },
      effects: [{ kind: 'open-chat', chat: chat.id }],
    };
  };
  const move = (delta: number): KeyResult =>
    none({ ...cleared, selected: clamp(state.selected + delta, 0, chats.length - 1) });

  switch (state.focus) {
    case 'list':
    case 'search': {
      const searching = state.focus === 'search';
      if (key.upArrow || (!searching && key.input === 'k')) return move(-1);
      if (key.downArrow || (!searching && key.input === 'j')) return move(1);
      if (key.pageUp) return move(-PAGE_ROWS);
      if (key.pageDown) return move(PAGE_ROWS);
      if (key.return || (!searching && key.rightArrow)) return openChatEffect(state.selected);
      if (key.escape) return none({ ...cleared, focus: 'list', query: '', selected: 0 });
      if (searching) {
        if (key.backspace || key.delete)
          return none({ ...cleared, query: dropLast(state.query), selected: 0 });
        const text = typed(key.input).replace(/\n/g, '');
        if (text && !key.ctrl && !key.meta)
          return none({ ...cleared, query: state.query + text, selected: 0 });
        return none(state);
      }
      if (key.input.startsWith('/')) {
        return none({
          ...cleared,
          focus: 'search',
          query: typed(key.input.slice(1)).replace(/\n/g, ''),
          selected: 0,
        });
      }
      if (key.input === '?') return none({ ...cleared, help: true });
      if (key.input === 'q') return { state, effects: [{ kind: 'quit' }] };
      if (key.tab && open) return none({ ...cleared, focus: 'compose' });
      return none(state);
    }
    case 'compose': {
      if (!open) return none({ ...cleared, focus: 'list' });
      if (key.escape) return none({ ...cleared, focus: 'list', selectedLine: undefined });
      if (key.pageUp) {
        return {
          state: { ...state, scroll: state.scroll + PAGE_ROWS },
          effects: [{ kind: 'older', chat: open }],
        };
      }
      if (key.pageDown) return none({ ...state, scroll: Math.max(0, state.scroll - PAGE_ROWS) });
      const lines = linesOf(state.store, open);
      if (key.tab || (key.upArrow && state.compose === '')) {
        if (lines.length === 0) return none(state);
        return none({ ...cleared, focus: 'messages', selectedLine: lines.length - 1 });
      }
      if (key.return && key.meta) return none(insertAt(cleared, '\n'));
      if (key.leftArrow) return none(moveCaret(cleared, 'left'));
      if (key.rightArrow) return none(moveCaret(cleared, 'right'));
      if (key.home || (key.ctrl && key.input === 'a')) return none(moveCaret(cleared, 'home'));
      if (key.end || (key.ctrl && key.input === 'e')) return none(moveCaret(cleared, 'end'));
      if (key.return) {
        const command = parseCompose(state.compose, options);
        if (command.kind === 'empty') return none(state);
        if (command.kind === 'invalid')
          return none({ ...state, notice: { text: command.reason, error: true } });
        if (command.kind === 'help') return none({ ...setCompose(cleared, ''), help: true });
        if (command.kind === 'quit') return { state: setCompose(cleared, ''), effects: [{ kind: 'quit' }] };
        const next = { ...setCompose(cleared, ''), scroll: 0, selectedLine: undefined };
        if (command.kind === 'text')
          return { state: next, effects: [{ kind: 'send-text', chat: open, text: command.text }] };
        return { state: next, effects: [{ kind: 'command', chat: open, command, line: state.selectedLine }] };
      }
      // Terminals send DEL (0x7f) for Backspace, which ink reports as `delete`.
      if (key.backspace || key.delete) return none(deleteBack(cleared));
      if (key.input === '?' && state.compose === '') return none({ ...cleared, help: true });
      if (key.ctrl || (key.meta && key.input.length === 1)) return none(state);
      const text = typed(key.input);
      if (text) return none(insertAt(cleared, text));
      return none(state);
    }
    case 'messages': {
      if (!open) return none({ ...cleared, focus: 'list' });
      const lines = linesOf(state.store, open);
      const current = clamp(state.selectedLine ?? lines.length - 1, 0, lines.length - 1);
      const line = lines[current];
      const command = (c: ComposeCommand): KeyResult => ({
        state: cleared,
        effects: [{ kind: 'command', chat: open, command: c, line: current }],
      });
      if (key.escape || key.tab || key.return)
        return none({ ...cleared, focus: 'compose', selectedLine: undefined });
      if (key.upArrow || key.input === 'k')
        return none({ ...cleared, selectedLine: clamp(current - 1, 0, lines.length - 1) });
      if (key.downArrow || key.input === 'j') {
        if (current >= lines.length - 1)
          return none({ ...cleared, focus: 'compose', selectedLine: undefined });
        return none({ ...cleared, selectedLine: current + 1 });
      }
      if (key.pageUp)
        return none({ ...cleared, selectedLine: clamp(current - PAGE_ROWS, 0, lines.length - 1) });
      if (key.pageDown)
        return none({ ...cleared, selectedLine: clamp(current + PAGE_ROWS, 0, lines.length - 1) });
      if (key.input === '?') return none({ ...cleared, help: true });
      if (!line) return none(state);
      if (key.input === 's' || key.input === 'o') {
        if (!hasMedia(line.message))
          return none({ ...state, notice: { text: 'this message has no media to save', error: true } });
        return command(key.input === 's' ? { kind: 'save', dir: undefined } : { kind: 'open' });
      }
      if (key.input === 'f')
        return none({ ...setCompose(cleared, '/forward '), focus: 'compose', selectedLine: current });
      if (key.input === 'r') {
        if (!line.message.isSelf || line.sent === undefined) {
          return none({
            ...state,
            notice: { text: 'only messages you sent from here can be recalled', error: true },
          });
        }
        return command({ kind: 'revoke' });
      }
      return none(state);
    }
  }
}
