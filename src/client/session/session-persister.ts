/**
 * Saving the live session (docs/sessions.md, "Hot reload"): after login, after a relogin, and after
 * sync rounds that moved the keys, one write at a time (the last state wins).
 *
 * A round that moved only the sync keys is written at most once per `keysOnlyIntervalMs`: the rest
 * wait for one trailing write. Nothing is lost by the wait: a message counts as processed by the
 * message store's record, not by the saved key, so a crash before the trailing write costs a
 * re-delivery of those seconds, which the store drops as already processed (an old SyncKey still
 * names every message after it). Anything else that changed (credentials such as a new skey, hosts,
 * cookies, the self contact, the device id) is written at once, since a resume needs it. stop()
 * writes the waiting state (`flush`, before it releases the client); a session end drops it.
 *
 * The gain: with 200 accounts at 1 msg/s each, the session was written on every round, one SQLite
 * commit and a snapshot per reply: about 8 % of the host's CPU in the bench row "scale: echo across
 * 200 accounts …" (a CPU profile of its 200 msg/s: 1.36 of 16.8 s busy).
 */
import { sessionEndOf, WebWxError } from '../../errors.js';
import type { SavedSession, SessionStore } from '../../store/index.js';
import type { CookieStore } from '../../transport/index.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import { savedSessionOf } from './session-resume.js';
import type { Session } from './session-state.js';

/** How long a keys-only change may wait for its write. */
export const KEYS_ONLY_SAVE_INTERVAL_MS = 5000;

export class SessionPersister {
  readonly #rt: Runtime;
  readonly #store: SessionStore;
  readonly #session: Session;
  readonly #cookies: CookieStore;
  readonly #intervalMs: number;
  #chain: Promise<void> = Promise.resolve();
  /** The last snapshot handed to the store, and when (rt.options.now()). */
  #last: SavedSession | undefined;
  #lastAt = Number.NEGATIVE_INFINITY;
  #trailing: ReturnType<typeof setTimeout> | undefined;

  constructor(
    rt: Runtime,
    store: SessionStore,
    session: Session,
    cookies: CookieStore,
    keysOnlyIntervalMs = KEYS_ONLY_SAVE_INTERVAL_MS,
  ) {
    this.#rt = rt;
    this.#store = store;
    this.#session = session;
    this.#cookies = cookies;
    this.#intervalMs = keysOnlyIntervalMs;
    // Once the client is released nothing waits any more: stop() flushed first (client.ts), and a
    // session end drops the waiting state (the session is dead).
    rt.signal.addEventListener('abort', () => this.#cancelTrailing(), { once: true });
  }

  /**
   * Saves the current state: at once, or, when only the sync keys changed since the last write and
   * that write is recent, with one trailing write within `keysOnlyIntervalMs`. Resolves when the
   * write is done, or at once when it waits; never rejects (a failing store is logged and an 'error'
   * event, and the session goes on).
   */
  save(): Promise<void> {
    const now = this.#rt.options.now();
    // After a stop, a round that was past its request still writes its keys (stop() awaits it).
    if (this.#rt.signal.aborted) return this.#ended() ? this.#chain : this.#write(now);
    const waited = now - this.#lastAt;
    if (waited < this.#intervalMs && this.#onlyKeysMoved()) {
      this.#trailing ??= setTimeout(() => {
        this.#trailing = undefined;
        void this.save();
      }, this.#intervalMs - waited);
      this.#trailing.unref?.();
      return Promise.resolve();
    }
    return this.#write(now);
  }

  /** Writes a waiting keys-only change now, and resolves once every write is done. */
  flush(): Promise<void> {
    if (!this.#trailing) return this.#chain;
    return this.#write(this.#rt.options.now());
  }

  #write(now: number): Promise<void> {
    this.#cancelTrailing();
    const snapshot = savedSessionOf(this.#session, this.#cookies, now);
    this.#last = snapshot;
    this.#lastAt = now;
    const run = this.#chain.then(async () => {
      try {
        await this.#store.save(snapshot);
      } catch (error) {
        this.#rt.logger.warn({ error: errorText(error) }, 'saving the session failed');
        if (error instanceof WebWxError) this.#rt.events.emit('error', error);
      }
    });
    this.#chain = run;
    return run;
  }

  /**
   * Whether the live session differs from the last write in its sync keys only (read without
   * building a snapshot: this runs on every round).
   */
  #onlyKeysMoved(): boolean {
    const last = this.#last;
    const session = this.#session;
    return (
      last !== undefined &&
      last.app === session.app &&
      last.deviceId === session.deviceId &&
      last.self === session.selfUser &&
      // The cookie store hands back the same frozen object until the jar changes (cookie-store.ts).
      last.cookies === this.#cookies.toJSON() &&
      sameFields(last.hosts, session.hosts) &&
      sameFields(last.credentials, session.credentials)
    );
  }

  /** Whether the client was released because its session ended (not by a stop). */
  #ended(): boolean {
    return this.#rt.signal.aborted && sessionEndOf(this.#rt.signal.reason) !== undefined;
  }

  #cancelTrailing(): void {
    if (this.#trailing) clearTimeout(this.#trailing);
    this.#trailing = undefined;
  }
}

function sameFields(a: object, b: object): boolean {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((k) => left[k] === right[k]);
}
