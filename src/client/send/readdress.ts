/**
 * Re-addressing after a new login (docs/sessions.md "New logins"): every login hands out new
 * UserNames. The outbox numbers the logins; a send carries the login it was addressed for, and one of
 * an earlier login (or of another process, by the log's login marker) goes to the current UserName
 * of its recipient's stable id, or fails with RecipientGoneError.
 */
import { RecipientGoneError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Session } from '../session/session-state.js';
import type { Job } from './send-job.js';
import { loginMarker } from './send-log.js';

/** How the outbox reaches the current login's address book (the contact service's stable ids). */
export interface OutboxAddresses {
  /** The stable id of a UserName of the current login. */
  stableIdOf(userName: string): string | undefined;
  /** The current UserName of a stable id (undefined when gone; may throw for an id in collision). */
  userNameOf(stableId: string): string | undefined;
  /** Whether the current login knows this UserName (contact, room or self). */
  knows(userName: string): boolean;
  /** UserName → stable id of every contact and room of the current login (taken before a new login). */
  snapshot(): Map<string, string>;
}

export class Readdressing {
  readonly #addresses: OutboxAddresses;
  readonly #session: Session;
  readonly #logger: Logger;
  /** The login number: 1 at start, +1 per new login. */
  login = 1;
  /** The current login's marker in the log (send-log.ts loginMarker). */
  marker: string;
  /** A new login is under way: nothing is issued. */
  suspended = false;
  /** UserName → stable id of the login before the current one. */
  #previous = new Map<string, string>();

  constructor(addresses: OutboxAddresses, session: Session, logger: Logger) {
    this.#addresses = addresses;
    this.#session = session;
    this.#logger = logger;
    this.marker = loginMarker(session);
  }

  /** The stable id to keep with a send to `to` ('' when it has none). */
  stableIdOf(to: string): string {
    return this.#addresses.stableIdOf(to) ?? this.#previous.get(to) ?? '';
  }

  /** The login a send to `to` made now is addressed for: 0 when `to` is a UserName of the previous login. */
  loginFor(to: string): number {
    return this.#previous.has(to) && !this.#addresses.knows(to) ? 0 : this.login;
  }

  /** The login a send read back from the log is addressed for (an entry without a marker: this one). */
  loginOfLogged(marker: string): number {
    return marker === '' || marker === this.marker ? this.login : 0;
  }

  /** The session ended and a new login is under way: remember the old addresses. True when newly suspended. */
  suspend(): boolean {
    if (this.suspended) return false;
    this.suspended = true;
    this.#previous = this.#addresses.snapshot();
    return true;
  }

  /** The new login is live. True when it was suspended. */
  resume(): boolean {
    if (!this.suspended) return false;
    this.suspended = false;
    this.login++;
    this.marker = loginMarker(this.#session);
    return true;
  }

  /**
   * Where a job goes now: its own address when queued in this login; otherwise the current UserName
   * of its recipient's stable id (RecipientGoneError when there is none).
   */
  addressOf(job: Job): string {
    if (job.login === this.login) return job.to;
    const addresses = this.#addresses;
    if (addresses.knows(job.to) || !job.to.startsWith('@')) {
      job.login = this.login;
      return job.to;
    }
    const id = job.meta.stableId || this.#previous.get(job.to) || '';
    let now: string | undefined;
    try {
      now = id ? addresses.userNameOf(id) : undefined;
    } catch {
      now = undefined;
    }
    if (!now) throw new RecipientGoneError(job.to, id);
    this.#logger.info({ stableId: id }, 'a queued send re-addressed to the new login');
    job.to = now;
    job.login = this.login;
    return now;
  }
}
