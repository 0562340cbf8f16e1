/**
 * The whole terminal client's state and how it changes, pure: client events become actions, key
 * presses become a new state plus effects (send, open, save, quit…) that app.tsx carries out.
 */
import type { Message } from '../../model/index.js';
import {
  type ChatSeed,
  type ChatStore,
  emptyStore,
  linesOf,
  openChat,
  prependHistory,
  type ReceiveOptions,
  receiveMessage,
  removeChats,
  updateLine,
  upsertChats,
  visibleChats,
} from './chat-store.js';
import { type ComposeCommand, parseCompose } from './compose-commands.js';
import { hasMedia, sanitize } from './message-render.js';
import { graphemes } from './text-width.js';

export type LoginPhase =
  | 'starting'
  | 'waiting'
  | 'scanned'
  | 'resuming'
  | 'logging-in'
  | 'loading'
  | 'failed';

export interface LoginView {
  phase: LoginPhase;
  /** The QR drawn for a terminal, without colours (the screen colours it). */
  qr: string | undefined;
  url: string | undefined;
  /** How many times an expired QR was replaced. */
  renewals: number;
  /** Who scanned (when the client says), else ''. */
  scannedBy: string;
  account: string;
  error: string | undefined;
  /** What happened to session resume or push login, e.g. why the saved session could not be used. */
  note: string;
}

export type Focus = 'list' | 'search' | 'compose' | 'messages';

export interface StatusInfo {
  /** The client's state ('ready', 'logged-out'…). */
  connection: string;
  account: string;
  /** Unix ms of the last message or successful sync seen, 0 when none. */
  lastActivity: number;
  /** Recovered sync/transport errors since the last success. */
  errors: number;
  lastError: string;
  /** Unix ms of the last recovered error (0 when none). */
  lastErrorAt: number;
  autoReply: boolean;
  /** Where the auto-reply comes from ('bot', 'echo'…), for the status line. */
  autoReplySource: string;
}

export interface Notice {
  text: string;
  error: boolean;
}

export interface TuiState {
  screen: 'login' | 'main';
  login: LoginView;
  store: ChatStore;
  focus: Focus;
  query: string;
  /** Index in the visible chat list. */
  selected: number;
  compose: string;
  /** Where the caret is in `compose` (UTF-16 index, on a grapheme boundary). */
  composeCursor: number;
  /** Index of the selected message in the open chat (focus 'messages'). */
  selectedLine: number | undefined;
  /** Rows scrolled up from the newest in the chat view. */
  scroll: number;
  help: boolean;
  notice: Notice | undefined;
  status: StatusInfo;
  /** The user's names (nickname, group display names) for highlighting mentions. */
  selfNames: string[];
}

export function initialState(options: { autoReplySource?: string } = {}): TuiState {
  return {
    screen: 'login',
    login: {
      phase: 'starting',
      qr: undefined,
      url: undefined,
      renewals: 0,
      scannedBy: '',
      account: '',
      error: undefined,
      note: '',
    },
    store: emptyStore(),
    focus: 'list',
    query: '',
    selected: 0,
    compose: '',
    composeCursor: 0,
    selectedLine: undefined,
    scroll: 0,
    help: false,
    notice: undefined,
    status: {
      connection: 'idle',
      account: '',
      lastActivity: 0,
      errors: 0,
      lastError: '',
      lastErrorAt: 0,
      autoReply: false,
      autoReplySource: options.autoReplySource ?? '',
    },
    selfNames: [],
  };
}

export type TuiAction =
  | { type: 'client-state'; state: string }
  | { type: 'qr'; terminal: string; url: string }
  | { type: 'scanned'; name?: string }
  | { type: 'login'; account: string; selfNames: string[] }
  | { type: 'ready' }
  | { type: 'login-failed'; error: string }
  | { type: 'login-step'; step: string; outcome: string; reason?: string }
  | { type: 'chats'; seeds: ChatSeed[] }
  | { type: 'chats-removed'; ids: string[] }
  | ({ type: 'message'; message: Message; now: number } & ReceiveOptions)
  | { type: 'line-update'; chat: string; id: string; revoked?: boolean; failed?: string }
  | { type: 'history'; chat: string; messages: Message[] }
  | { type: 'notice'; text: string; error?: boolean }
  | { type: 'sync-ok'; now: number }
  | { type: 'sync-error'; message: string; now: number }
  | { type: 'auto-reply'; on: boolean }
  | { type: 'logout'; reason: string };

/** Strips colour codes from the QR the client draws. */
export function plainQr(terminal: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing SGR sequences
  return sanitize(terminal.replace(/\u001b\[[0-9;]*m/g, '')).replace(/\n+$/, '');
}

export function reduce(state: TuiState, action: TuiAction): TuiState {
  switch (action.type) {
    case 'client-state': {
      const phase: LoginPhase | undefined =
        action.state === 'logging-in'
          ? 'logging-in'
          : action.state === 'loading'
            ? 'loading'
            : action.state === 'resuming'
              ? 'resuming'
              : undefined;
      return {
        ...state,
        login: phase && state.screen === 'login' ? { ...state.login, phase } : state.login,
        status: { ...state.status, connection: action.state },
      };
    }
    case 'qr':
      return {
        ...state,
        login: {
          ...state.login,
          phase: 'waiting',
          qr: plainQr(action.terminal),
          url: sanitize(action.url),
          renewals: state.login.qr === undefined ? state.login.renewals : state.login.renewals + 1,
          scannedBy: '',
        },
      };
    case 'scanned':
      return {
        ...state,
        login: { ...state.login, phase: 'scanned', scannedBy: sanitize(action.name ?? '') },
      };
    case 'login':
      return {
        ...state,
        login: { ...state.login, phase: 'loading', account: sanitize(action.account) },
        status: { ...state.status, account: sanitize(action.account) },
        selfNames: action.selfNames,
      };
    case 'ready':
      return { ...state, screen: 'main', focus: state.screen === 'main' ? state.focus : 'list' };
    case 'login-step': {
      if (action.outcome === 'trying' && (action.step === 'resume' || action.step === 'push')) {
        const note =
          action.step === 'push' ? 'A login request was sent to your phone: confirm it there.' : '';
        return { ...state, login: { ...state.login, phase: 'resuming', note } };
      }
      if (action.outcome === 'failed' && (action.step === 'resume' || action.step === 'push')) {
        const why = action.reason ? ` (${sanitize(action.reason)})` : '';
        const note = `The saved session could not be resumed${why}; log in with the QR code.`;
        return { ...state, login: { ...state.login, note } };
      }
      return state;
    }
    case 'login-failed':
      return { ...state, login: { ...state.login, phase: 'failed', error: sanitize(action.error) } };
    case 'chats':
      return { ...state, store: upsertChats(state.store, action.seeds) };
    case 'chats-removed':
      return { ...state, store: removeChats(state.store, action.ids) };
    case 'message': {
      const { type: _t, message, now, ...options } = action;
      const store = receiveMessage(state.store, message, options);
      // Keep the same chat selected in the list when the order changes.
      const before = visibleChats(state.store, state.query)[state.selected]?.id;
      const after = visibleChats(store, state.query);
      const index = before === undefined ? state.selected : after.findIndex((c) => c.id === before);
      return {
        ...state,
        store,
        selected: Math.max(0, index),
        // A message came through: the sync works again.
        status: { ...state.status, lastActivity: now, errors: 0, lastError: '' },
      };
    }
    case 'line-update':
      return {
        ...state,
        store: updateLine(state.store, action.chat, action.id, {
          ...(action.revoked !== undefined ? { revoked: action.revoked } : {}),
          ...(action.failed !== undefined ? { failed: action.failed } : {}),
        }),
      };
    case 'history':
      return { ...state, store: prependHistory(state.store, action.chat, action.messages) };
    case 'notice':
      return { ...state, notice: { text: sanitize(action.text), error: action.error ?? false } };
    case 'sync-ok':
      return { ...state, status: { ...state.status, lastActivity: action.now, errors: 0, lastError: '' } };
    case 'sync-error':
      return {
        ...state,
        status: {
          ...state.status,
          errors: state.status.errors + 1,
          lastError: sanitize(action.message),
          lastErrorAt: action.now,
        },
      };
    case 'auto-reply':
      return {
        ...state,
        status: { ...state.status, autoReply: action.on },
        notice: { text: `auto-reply ${action.on ? 'on' : 'off'}`, error: false },
      };
    case 'logout':
      return {
        ...state,
        status: { ...state.status, connection: 'logged-out' },
        notice: { text: `session ended: ${sanitize(action.reason)} — press q to quit`, error: true },
      };
  }
}

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

/** Printable text typed or pasted: control characters dropped, CR turned into a line break. */
function typed(input: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: keeping only printable input
  return input.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
}

/** The compose box set to `text`, the caret at `cursor` (default: the end). */
function setCompose(state: TuiState, text: string, cursor = text.length): TuiState {
  return { ...state, compose: text, composeCursor: Math.min(Math.max(0, cursor), text.length) };
}

/** Inserts at the caret. */
function insertAt(state: TuiState, text: string): TuiState {
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

function moveCaret(state: TuiState, how: 'left' | 'right' | 'home' | 'end'): TuiState {
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
function deleteBack(state: TuiState): TuiState {
  const at = Math.min(state.composeCursor, state.compose.length);
  const before = [...boundaries(state.compose)].reverse().find((p) => p < at);
  if (before === undefined) return state;
  return setCompose(state, state.compose.slice(0, before) + state.compose.slice(at), before);
}

function dropLast(text: string): string {
  const chars = [...text];
  chars.pop();
  return chars.join('');
}

export function handleKey(state: TuiState, pressed: KeyPress, options: { home?: string } = {}): KeyResult {
  const key = pressed.input === '\r' ? { ...pressed, input: '', return: true } : pressed;
  // Several keys in one chunk (fast typing, a pty, a paste ending in Enter): the text, then Enter.
  if (key.input.length > 1 && key.input.endsWith('\r') && !key.ctrl && !key.meta) {
    const first = handleKey(state, { input: key.input.slice(0, -1) }, options);
    const second = handleKey(first.state, { input: '', return: true }, options);
    return { state: second.state, effects: [...first.effects, ...second.effects] };
  }
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
