/** A terminal client state logged in with three chats, and key presses run through the reducer. */
import type { ChatSeed } from '../../../src/cli/tui/chat-store.js';
import { type Effect, handleKey, type KeyPress } from '../../../src/cli/tui/key-presses.js';
import { initialState, reduce, type TuiState } from '../../../src/cli/tui/tui-state.js';

export const seeds: ChatSeed[] = [
  {
    id: '@zhang',
    title: '老张',
    isRoom: false,
    pinned: false,
    muted: false,
    searchNames: ['lao zhang', 'zhang wei'],
  },
  { id: '@alice', title: 'Alice', isRoom: false, pinned: false, muted: false, searchNames: [] },
  { id: '@@fam', title: 'Family', isRoom: true, pinned: true, muted: false, searchNames: [] },
];

/** The main screen after login, with {@link seeds} in the list. */
export function ready(): TuiState {
  let s = initialState();
  s = reduce(s, { type: 'login', account: '小明', selfNames: ['小明'] });
  s = reduce(s, { type: 'chats', seeds });
  return reduce(s, { type: 'ready' });
}

/** Presses keys in order; returns the final state and every effect. */
export function press(
  state: TuiState,
  ...keys: (string | Partial<KeyPress>)[]
): { state: TuiState; effects: Effect[] } {
  let s = state;
  const effects: Effect[] = [];
  for (const k of keys) {
    const r = handleKey(s, typeof k === 'string' ? { input: k } : { input: '', ...k }, { home: '/home/me' });
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, effects };
}

export const ENTER = { return: true };
export const ESC = { escape: true };
