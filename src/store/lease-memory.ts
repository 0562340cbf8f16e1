/**
 * MemoryLeaseStore: the lease contract (lease-store.ts) in one process, for tests and for several
 * workers sharing one process. Its clock is `Date.now` unless another is given.
 */
import {
  checkLeaseArgs,
  type Lease,
  type LeaseState,
  type LeaseStore,
  type WorkerState,
} from './lease-store.js';

interface Row {
  workerId: string | undefined;
  token: number;
  expiresAt: number;
}

/** Leases in memory (see {@link LeaseStore}). */
export class MemoryLeaseStore implements LeaseStore {
  readonly #rows = new Map<string, Row>();
  readonly #workers = new Map<string, number>();
  readonly #now: () => number;

  /** `now`: the store's clock in ms (default Date.now). */
  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async register(accountId: string): Promise<void> {
    checkLeaseArgs('accountId', accountId);
    if (!this.#rows.has(accountId))
      this.#rows.set(accountId, { workerId: undefined, token: 0, expiresAt: 0 });
  }

  async unregister(accountId: string): Promise<boolean> {
    return this.#rows.delete(accountId);
  }

  async acquire(accountId: string, workerId: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs('accountId', accountId);
    checkLeaseArgs('workerId', workerId, ttlMs);
    const row = this.#rows.get(accountId);
    if (!row) return undefined;
    const now = this.#now();
    const live = row.workerId !== undefined && row.expiresAt > now;
    if (live && row.workerId !== workerId) return undefined;
    if (!live) row.token += 1;
    row.workerId = workerId;
    row.expiresAt = now + ttlMs;
    return { accountId, workerId, token: row.token, expiresAt: new Date(row.expiresAt) };
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs('workerId', lease.workerId, ttlMs);
    const row = this.#rows.get(lease.accountId);
    if (!row || row.workerId !== lease.workerId || row.token !== lease.token) return undefined;
    row.expiresAt = this.#now() + ttlMs;
    return { ...lease, expiresAt: new Date(row.expiresAt) };
  }

  async release(lease: Lease): Promise<boolean> {
    const row = this.#rows.get(lease.accountId);
    if (!row || row.workerId !== lease.workerId || row.token !== lease.token) return false;
    const held = row.expiresAt > this.#now();
    row.workerId = undefined;
    row.expiresAt = 0;
    return held;
  }

  async isCurrent(lease: Lease): Promise<boolean> {
    const row = this.#rows.get(lease.accountId);
    return (
      row !== undefined &&
      row.workerId === lease.workerId &&
      row.token === lease.token &&
      row.expiresAt > this.#now()
    );
  }

  async list(): Promise<LeaseState[]> {
    const now = this.#now();
    return [...this.#rows]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([accountId, row]) => {
        const held = row.workerId !== undefined && row.expiresAt > now;
        return {
          accountId,
          workerId: held ? row.workerId : undefined,
          token: row.token,
          expiresAt: held ? new Date(row.expiresAt) : undefined,
        };
      });
  }

  async heartbeat(workerId: string, ttlMs: number): Promise<void> {
    checkLeaseArgs('workerId', workerId, ttlMs);
    this.#workers.set(workerId, this.#now() + ttlMs);
  }

  async leave(workerId: string): Promise<void> {
    this.#workers.delete(workerId);
  }

  async workers(): Promise<WorkerState[]> {
    const now = this.#now();
    return [...this.#workers]
      .filter(([, expiresAt]) => expiresAt > now)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([workerId, expiresAt]) => ({ workerId, expiresAt: new Date(expiresAt) }));
  }

  async close(): Promise<void> {}
}
