/**
 * A worker's move toward its fair share of the accounts (worker.ts, each tick from the second on),
 * decided from the lease table alone: a pure function, so the rule is tested without workers.
 *
 * - Nothing while some held lease is past its renewal deadline by the worker's clock (a pause, a
 *   starved loop): the renewal round settles those first (renewed, or stopped as lost), so a lease
 *   another worker took meanwhile is never given back as 'released' (which publishes its last events).
 * - The fair share is ⌈accounts ÷ live workers⌉.
 * - Above it: give back a few (`step` at most a tick, the first in sorted order), and take nothing.
 * - Below it: try the free accounts, starting at a place of the worker's own in the list, so that
 *   workers ticking together try different accounts first; stop once the share is held.
 */

export type BalanceMove =
  | { kind: 'wait' }
  | { kind: 'release'; ids: string[] }
  /** Try `candidates` in order until `share` accounts are held (a try can lose to another worker). */
  | { kind: 'take'; candidates: string[]; share: number };

export interface BalanceInput {
  /** Accounts in the lease table. */
  accounts: number;
  /** Workers with a live heartbeat (this one included; taken as 1 at least). */
  liveWorkers: number;
  /** The accounts this worker holds, sorted. */
  held: readonly string[];
  /** How many of them are past their renewal deadline (not known to be held any more). */
  overdue: number;
  /** Accounts no worker holds and this one does not shun, in the table's order. */
  free: readonly string[];
  workerId: string;
  /** At most this many given back in one tick. */
  step: number;
}

export function balanceMove(o: BalanceInput): BalanceMove {
  if (o.overdue > 0) return { kind: 'wait' };
  const share = Math.ceil(o.accounts / Math.max(1, o.liveWorkers));
  if (o.held.length > share) {
    return { kind: 'release', ids: o.held.slice(0, Math.min(o.held.length - share, o.step)) };
  }
  const offset = hashOf(o.workerId) % Math.max(1, o.free.length);
  return { kind: 'take', candidates: [...o.free.slice(offset), ...o.free.slice(0, offset)], share };
}

/** A small, stable hash of a string. */
export function hashOf(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
