/**
 * Leases (docs/scale.md): which worker runs which account. Each account is held by at most one worker
 * at a time, for a time to live the holder renews; a lease nobody renews expires (by the lease store's
 * clock, never the worker's) and another worker may take it. Every change of hands increases the
 * account's fencing token, so a holder that was too slow to notice it lost the lease is refused by
 * {@link LeaseStore.isCurrent} (and by anything that compares tokens).
 */
import { InvalidArgumentError } from '../errors.js';

/** A lease a worker holds on an account. */
export interface Lease {
  /** The account leased. */
  readonly accountId: string;
  /** The worker holding it. */
  readonly workerId: string;
  /**
   * The fencing token: increases every time the account is acquired by a worker that did not hold it
   * (or held it no more). A renewal keeps it.
   */
  readonly token: number;
  /** When the lease ends unless renewed, by the lease store's clock. */
  readonly expiresAt: Date;
}

/** An account known to the lease store, with its lease when one is held (`list()`). */
export interface LeaseState {
  /** The account. */
  readonly accountId: string;
  /** The worker holding it; undefined when nobody does (never leased, released, or expired). */
  readonly workerId: string | undefined;
  /** The last fencing token given out (0: never leased). */
  readonly token: number;
  /** When the current lease ends; undefined when nobody holds it. */
  readonly expiresAt: Date | undefined;
}

/** A worker that announced itself with {@link LeaseStore.heartbeat} and has not gone quiet. */
export interface WorkerState {
  /** The worker's id. */
  readonly workerId: string;
  /** When its last heartbeat stops counting, by the lease store's clock. */
  readonly expiresAt: Date;
}

/**
 * Where leases live: {@link MemoryLeaseStore} (one process, tests) or {@link PostgresLeaseStore}
 * (workers on several machines). Every method is atomic against the others, whoever calls it.
 */
export interface LeaseStore {
  /** Makes an account leasable (idempotent: an account registered already keeps its lease and token). */
  register(accountId: string): Promise<void>;
  /** Forgets an account and its lease; false when it was not registered. */
  unregister(accountId: string): Promise<boolean>;
  /**
   * Takes the lease on `accountId` for `workerId` for `ttlMs`: granted when nobody holds it, its
   * lease expired, or `workerId` holds it already (then it is a renewal and the token stays). The
   * lease, or undefined when another worker holds it or the account is not registered.
   */
  acquire(accountId: string, workerId: string, ttlMs: number): Promise<Lease | undefined>;
  /**
   * Extends a lease by `ttlMs` from now: granted while its worker and token are still the account's
   * (even past its expiry, when nobody took it in between). The renewed lease, or undefined when it
   * was lost: the worker must stop the account.
   */
  renew(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  /** Gives a lease up at once (the token stays, the next holder gets a higher one); false when it was lost already. */
  release(lease: Lease): Promise<boolean>;
  /**
   * True while `lease` is the account's current, unexpired lease: the fencing check before an
   * action only the holder may take.
   */
  isCurrent(lease: Lease): Promise<boolean>;
  /** Every registered account and its lease, by account id. */
  list(): Promise<LeaseState[]>;
  /** Announces `workerId` as alive for `ttlMs` (workers share accounts out by the live ones). */
  heartbeat(workerId: string, ttlMs: number): Promise<void>;
  /** Removes a worker's heartbeat (it is leaving). */
  leave(workerId: string): Promise<void>;
  /** The workers whose heartbeat has not expired, by id. */
  workers(): Promise<WorkerState[]>;
  /** Frees what the store holds (a pool it made). */
  close(): Promise<void>;
}

/** Longest account or worker id a lease store takes. */
export const MAX_LEASE_ID_LENGTH = 200;

/** Checks an id and a time to live (InvalidArgumentError when wrong). */
export function checkLeaseArgs(what: string, id: string, ttlMs?: number): void {
  if (typeof id !== 'string' || id === '' || id.length > MAX_LEASE_ID_LENGTH)
    throw new InvalidArgumentError(
      what,
      `${what} must be a string of 1 to ${MAX_LEASE_ID_LENGTH} characters`,
    );
  if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0 && ttlMs <= 86_400_000))
    throw new InvalidArgumentError(
      'ttlMs',
      'ttlMs must be a whole number of milliseconds between 1 and 86400000',
    );
}
