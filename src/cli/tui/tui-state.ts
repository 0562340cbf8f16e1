/**
 * The whole terminal client's state, and how client events change it, pure: each event becomes an
 * action that `reduce` folds into a new state. Key presses are key-presses.ts's.
 */
import type { Message } from '../../model/index.js';
import {
  type ChatSeed,
  type ChatStore,
  emptyStore,
  prependHistory,
  type ReceiveOptions,
  receiveMessage,
  removeChats,
  updateLine,
  upsertChats,
  visibleChats,
} from './chat-store.js';
import { sanitize } from './message-render.js';

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
  /** Inside a bracketed paste: between the terminal's paste start and end marks (key-presses.ts). */
  pasting: boolean;
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
    pasting: false,
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
