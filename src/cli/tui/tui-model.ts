/** A tiny external store of the terminal client's state, so the reducer and its effects stay outside React. */
import { reduce, type TuiAction, type TuiState } from './tui-state.js';

/** The state, read and changed from outside React; the app subscribes to it (useSyncExternalStore). */
export interface TuiModel {
  get(): TuiState;
  dispatch(action: TuiAction): void;
  set(state: TuiState): void;
  subscribe(listener: () => void): () => void;
}

/** A model starting at `initial`; listeners hear of every change (none for a state set to itself). */
export function createTuiModel(initial: TuiState): TuiModel {
  let state = initial;
  const listeners = new Set<() => void>();
  const set = (next: TuiState) => {
    if (next === state) return;
    state = next;
    for (const l of listeners) l();
  };
  return {
    get: () => state,
    set,
    dispatch: (action) => set(reduce(state, action)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
