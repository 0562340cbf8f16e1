/**
 * The outbox (docs/sessions.md "The outbox"): every send of the client — texts, media, app messages,
 * forwards, revokes — goes through it.
 *
 * - Order: the sends to one chat (a lane) are issued in the order they were made, whatever their
 *   kind. Texts waiting together are pipelined (up to `sendPipelining` in flight, `ordered: true` on
 *   one connection); a medium, a forward or a revoke goes alone: nothing of its chat is issued while it
 *   is in flight, and it waits for the chat's texts in flight before it. Chats take turns, at most
 *   max(MAX_PARALLEL_SENDS, sendPipelining) sends in flight in all.
 * - Identity: one ClientMsgId per send for its whole life (derived from its key for keyed sends).
 * - Log: with a MessageStore, a send is logged 'pending' before anything of it goes out (synchronously
 *   for SqliteStore, so a send made in a 'message' handler joins the delivery transaction), a medium's
 *   MediaId is logged once uploaded, and the send is marked 'sent' with its MsgID or 'failed'.
 * - Failures: decided by send-policy.ts (the one place). Retries keep the ClientMsgId.
 * - Pacing: pacing.ts, one bucket per account.
 * - New logins: with autoRelogin, a send that meets the session's end waits for the new login; sends
 *   queued in an earlier login are re-addressed through the recipient's stable id (RecipientGoneError
 *   when the contact is gone).
 */
import type { LoggedOutError } from '../../errors.js';
import { RecipientGoneError } from '../../errors.js';
import { isMessageLogReader, type MessageStore } from '../../store/index.js';
import { errorText } from '../error-text.js';
import type { MediaInput, SendMediaOptions, SentMessage } from '../media-types.js';
import type { Runtime } from '../runtime.js';
import type { SeenSet } from '../seen-set.js';
import type { Session } from '../session.js';
import { Lane } from './lane.js';
import { Pacer, type ResolvedPacing } from './pacing.js';
import { runAttempt } from './send-attempt.js';
import type { Job } from './send-job.js';
import { keyedClientMsgId, loginMarker, outgoingEntry, type SendMeta } from './send-log.js';
import { decideSendFailure } from './send-policy.js';
import type { SendRecipe } from './send-recipes.js';
import type { OutboxStats, Outbox as PublicOutbox, SendOptions } from './send-types.js';

/** Chats with a send in flight at once when lanes do not pipeline (`sendPipelining: 1`). */
export const MAX_PARALLEL_SENDS = 4;
/** How many `causedBy` counters are kept (oldest forgotten first). */
const MAX_CAUSED_BY = 10_000;

/** How the outbox reaches the current login's address book (the contact service's stable ids). */
export interface OutboxAddresses {
  /** The stable id of a UserName of the current login. */
  stableIdOf(userName: string): string | undefined;
  /** The current UserName of a stable id (undefined when gone or in collision). */
  userNameOf(stableId: string): string | undefined;
  /** Whether the current login knows this UserName (contact, room or self). */
  knows(userName: string): boolean;
  /** UserName → stable id of every contact and room of the current login (taken before a new login). */
  snapshot(): Map<string, string>;
}

export interface OutboxDeps {
  rt: Runtime;
  session: Session;
  /** Sent MsgIDs go here, so webwxsync's echo of them is not emitted as a message. */
  seen: SeenSet;
  store: MessageStore | undefined;
  addresses: OutboxAddresses;
  endSession(error: LoggedOutError): void;
}

/** What enqueue() takes besides the recipe. */
export interface EnqueueInit extends SendOptions {
  /** The method that made it (for NotAvailableError in the File Transfer mode). */
  method: string;
  /** A medium to upload: the input and its options (opened at once, uploaded when its turn comes). */
  input?: MediaInput;
  media?: SendMediaOptions;
}

export class Outbox implements PublicOutbox {
  readonly deps: OutboxDeps;
  readonly #depth: number;
  readonly #maxInFlight: number;
  readonly pacer: Pacer;
  readonly #lanes = new Map<string, Lane<Job>>();
  #offers: Lane<Job>[] = [];
  #inFlight = 0;
  /** The pipelining depth of every lane: 1 after a failure, +1 per success up to #depth. */
  window = 1;
  #seq = 0;
  #pausedBy = 0;
  #pauseEnd = 0;
  #tokens = 0;
  #paceWakeAt = Number.POSITIVE_INFINITY;
  #pumpScheduled = false;
  /** The session ended (and was released): pending sends reject with this. */
  #ended: LoggedOutError | undefined;
  /** autoRelogin: the session ended and a new login is under way; nothing is issued. */
  #suspended = false;
  /** The login number (1 at start, +1 per new login) and its marker in the log. */
  login = 1;
  loginMarker: string;
  /** UserName → stable id of the login before the current one (to re-address its sends). */
  previous = new Map<string, string>();
  /** Sends not settled, by ClientMsgId (keyed sends join these). */
  readonly #active = new Map<string, Job>();
  readonly #causedCount = new Map<string, number>();
  readonly #logWaits = new Map<string, Promise<void>[]>();
  #idleWaiters: (() => void)[] = [];
  readonly counters = { sent: 0, failed: 0, rateLimited: 0, resent: 0 };
  uploads = 0;

  constructor(deps: OutboxDeps, pacing: ResolvedPacing | false) {
    this.deps = deps;
    this.#depth = Math.max(1, Math.floor(deps.rt.options.sendPipelining));
    this.#maxInFlight = Math.max(MAX_PARALLEL_SENDS, this.#depth);
    this.pacer = new Pacer(pacing, deps.rt.options.now);
    this.loginMarker = loginMarker(deps.session);
    const { signal } = deps.rt;
    if (!signal.aborted) signal.addEventListener('abort', () => this.#rejectWaiting(), { once: true });
  }

  get depth(): number {
    return this.#depth;
  }

  /**
   * Queues a send. The log write (with a store) starts synchronously, before this returns. Resolves
   * with what the server answered once the send went out; rejects with the reason it was given up.
   */
  enqueue(to: string, recipe: SendRecipe, init: EnqueueInit): Promise<SentMessage> {
    const { rt, store } = this.deps;
    if (!to) return Promise.reject(new TypeError(`${init.method}: \`to\` must be a UserName`));
    if (rt.signal.aborted) return Promise.reject(this.#ended ?? rt.signal.reason);
    const key = init.key ?? (init.causedBy === undefined ? undefined : this.#nextCausedKey(init.causedBy));
    const clientMsgId = key === undefined ? rt.nextClientMsgId() : keyedClientMsgId(key);
    const joined = this.#active.get(clientMsgId);
    if (joined) return joined.promise;
    const meta: SendMeta = { stableId: this.deps.addresses.stableIdOf(to) ?? this.previous.get(to) ?? '' };
    if (init.causedBy !== undefined) meta.causedBy = init.causedBy;
    if (key !== undefined) meta.key = key;
    // A UserName of the previous login (a reply to a message that came before it): re-addressed.
    const stale = this.previous.has(to) && !this.deps.addresses.knows(to);
    const job = this.#newJob(to, recipe, clientMsgId, meta, init, stale ? 0 : this.login);
    if (store && recipe.build !== 'revoke') {
      const reader = key !== undefined && isMessageLogReader(store) ? store : undefined;
      // Looked up before the write is made (SqliteStore answers synchronously, in call order).
      const earlier = reader
        ?.seqOfOutgoing(clientMsgId)
        .then((seq) => (seq === undefined ? undefined : reader.logEntry(seq)));
      const recorded = store.recordOutgoing(outgoingEntry(this.deps.session, rt.options.now(), job));
      job.logged = true;
      const gate = Promise.all([earlier, recorded]).then(([entry]) => {
        if (entry?.status === 'sent') job.alreadySent = entry.msgId;
      });
      this.#gate(job, gate);
      if (init.causedBy !== undefined) this.#waitLogged(init.causedBy, recorded);
    }
    this.#push(job);
    return job.promise;
  }

  /**
   * Queues a send read back from the log after a restart (same ClientMsgId, nothing written). One
   * logged under another login (its marker differs) is re-addressed when it goes out; one without a
   * marker (an older version's entry) goes where it was addressed.
   */
  requeue(
    to: string,
    recipe: SendRecipe,
    clientMsgId: string,
    meta: SendMeta,
    login: string,
  ): Promise<SentMessage> {
    const { rt } = this.deps;
    if (rt.signal.aborted) return Promise.reject(this.#ended ?? rt.signal.reason);
    const joined = this.#active.get(clientMsgId);
    if (joined) return joined.promise;
    const job = this.#newJob(
      to,
      recipe,
      clientMsgId,
      meta,
      { method: 'resend' },
      login === '' || login === this.loginMarker ? this.login : 0,
    );
    job.logged = true;
    this.counters.resent++;
    this.#push(job);
    return job.promise;
  }

  logged(causedBy: string): Promise<void> {
    const waits = this.#logWaits.get(causedBy);
    if (!waits) return Promise.resolve();
    this.#logWaits.delete(causedBy);
    return Promise.all(waits).then(() => {});
  }

  idle(): Promise<void> {
    if (this.#active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  stats(): OutboxStats {
    let queued = 0;
    for (const lane of this.#lanes.values()) queued += lane.waiting;
    return { queued, inFlight: this.#inFlight, ...this.counters };
  }

  /** The session ended and autoRelogin logs in again: issue nothing, remember the old addresses. */
  suspend(): void {
    if (this.#suspended) return;
    this.#suspended = true;
    this.previous = this.deps.addresses.snapshot();
    this.deps.rt.logger.info({ queued: this.stats().queued }, 'outbox suspended until the new login');
  }

  /** The new login is live: sends queued before it are re-addressed as they go out. */
  resume(): void {
    if (!this.#suspended) return;
    this.#suspended = false;
    this.login++;
    this.loginMarker = loginMarker(this.deps.session);
    for (const lane of this.#lanes.values()) this.offer(lane);
    this.schedulePump();
  }

  /**
   * The address a job goes to now: its own when queued in this login; otherwise the current
   * UserName of its recipient's stable id (RecipientGoneError when there is none).
   */
  addressOf(job: Job): string {
    if (job.login === this.login) return job.to;
    const { addresses } = this.deps;
    if (addresses.knows(job.to) || !job.to.startsWith('@')) {
      job.login = this.login;
      return job.to;
    }
    const id = job.meta.stableId || this.previous.get(job.to) || '';
    let now: string | undefined;
    try {
      now = id ? addresses.userNameOf(id) : undefined;
    } catch {
      now = undefined;
    }
    if (!now) throw new RecipientGoneError(job.to, id);
    this.deps.rt.logger.info({ stableId: id }, 'a queued send re-addressed to the new login');
    job.to = now;
    job.login = this.login;
    return now;
  }

  #newJob(
    to: string,
    recipe: SendRecipe,
    clientMsgId: string,
    meta: SendMeta,
    init: EnqueueInit,
    login: number,
  ): Job {
    let resolve!: (value: SentMessage) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<SentMessage>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const job: Job = {
      seq: ++this.#seq,
      to,
      lane: to,
      recipe,
      clientMsgId,
      meta,
      method: init.method,
      login,
      attempts: 0,
      gates: 0,
      gateError: undefined,
      alreadySent: undefined,
      logged: false,
      source: undefined,
      input: init.input,
      media: init.media,
      signal: init.signal ?? init.media?.signal,
      settled: false,
      promise,
      resolve: (value) => this.#settle(job, () => resolve(value)),
      reject: (error) => this.#settle(job, () => reject(error)),
    };
    this.#active.set(clientMsgId, job);
    if (job.signal) {
      const signal = job.signal;
      const onAbort = (): void => this.#aborted(job, signal.reason);
      if (signal.aborted) queueMicrotask(onAbort);
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    return job;
  }

  #settle(job: Job, done: () => void): void {
    if (job.settled) return;
    job.settled = true;
    if (this.#active.get(job.clientMsgId) === job) this.#active.delete(job.clientMsgId);
    const source = job.source;
    job.source = undefined;
    if (source) void source.then((s) => s.close()).catch(() => {});
    done();
    if (this.#active.size === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  #nextCausedKey(causedBy: string): string {
    const n = this.#causedCount.get(causedBy) ?? 0;
    this.#causedCount.delete(causedBy);
    this.#causedCount.set(causedBy, n + 1);
    if (this.#causedCount.size > MAX_CAUSED_BY) {
      const oldest = this.#causedCount.keys().next().value as string;
      this.#causedCount.delete(oldest);
    }
    return `${causedBy}#${n}`;
  }

  #waitLogged(causedBy: string, recorded: Promise<void>): void {
    const waits = this.#logWaits.get(causedBy) ?? [];
    // The caller's logged() sees the failure; the send itself reports it too.
    recorded.catch(() => {});
    waits.push(recorded);
    this.#logWaits.set(causedBy, waits);
  }

  #gate(job: Job, gate: Promise<unknown>): void {
    job.gates++;
    gate.then(
      () => this.#opened(job, undefined),
      (error: unknown) => this.#opened(job, { error }),
    );
  }

  #opened(job: Job, failed: { error: unknown } | undefined): void {
    job.gates--;
    if (failed && !job.gateError) job.gateError = failed;
    const lane = this.#lanes.get(job.lane);
    if (lane && lane.peek() === job) {
      this.offer(lane);
      this.schedulePump();
    }
  }

  #push(job: Job): void {
    let lane = this.#lanes.get(job.lane);
    if (!lane) {
      lane = new Lane<Job>(job.lane);
      this.#lanes.set(job.lane, lane);
    }
    lane.push(job);
    this.offer(lane);
    this.schedulePump();
  }

  #aborted(job: Job, reason: unknown): void {
    if (job.settled) return;
    const lane = this.#lanes.get(job.lane);
    if (!lane?.remove(job)) return; // in flight: it settles with its request
    this.forgetIfIdle(lane);
    void this.fail(job, reason);
  }

  #canIssue(lane: Lane<Job>): boolean {
    const next = lane.peek();
    if (next === undefined || next.gates > 0 || lane.heldBy !== 0) return false;
    if (lane.inFlight === 0) return true;
    if (lane.exclusive || next.recipe.build !== 'text') return false;
    return lane.ordered && lane.inFlight < this.window;
  }

  offer(lane: Lane<Job>): void {
    if (lane.offered || !this.#canIssue(lane)) return;
    lane.offered = true;
    this.#offers.push(lane);
  }

  /** Issues on the next microtask, so that a burst queued in one go is seen whole (and pipelined). */
  schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.pump();
    });
  }

  pump(): void {
    if (this.#pausedBy !== 0 || this.#suspended || this.deps.rt.signal.aborted) return;
    let turn = 0;
    const later: Lane<Job>[] = [];
    let wake = Number.POSITIVE_INFINITY;
    while (this.#inFlight < this.#maxInFlight && turn < this.#offers.length) {
      const lane = this.#offers[turn++] as Lane<Job>;
      lane.offered = false;
      if (!this.#canIssue(lane)) continue;
      const next = lane.peek() as Job;
      const settlesAtOnce = next.gateError !== undefined || next.alreadySent !== undefined;
      const wait = settlesAtOnce ? 0 : this.pacer.delayFor(next.to);
      if (wait > 0) {
        wake = Math.min(wake, wait);
        lane.offered = true;
        later.push(lane);
        if (this.pacer.accountDelay() > 0) break;
        continue;
      }
      const job = lane.take() as Job;
      if (!settlesAtOnce) this.pacer.take(job.to);
      if (job.gateError) {
        void this.fail(job, job.gateError.error);
      } else if (job.alreadySent !== undefined) {
        job.resolve(this.result(job, job.alreadySent, job.clientMsgId));
      } else {
        if (lane.inFlight === 0) {
          lane.ordered =
            job.recipe.build === 'text' &&
            this.#depth > 1 &&
            this.window > 1 &&
            lane.peek()?.recipe.build === 'text';
          lane.exclusive = job.recipe.build !== 'text';
        }
        runAttempt(this, lane, job).catch((error: unknown) => job.reject(error));
      }
      this.offer(lane);
      if (!lane.offered) this.forgetIfIdle(lane);
    }
    this.#offers = [...later, ...this.#offers.slice(turn)];
    if (wake < Number.POSITIVE_INFINITY) this.#wakeIn(wake);
  }

  /** Counts a request going out / coming back. */
  started(lane: Lane<Job>): void {
    lane.inFlight++;
    this.#inFlight++;
  }

  finished(lane: Lane<Job>): void {
    lane.inFlight--;
    this.#inFlight--;
    if (lane.inFlight === 0) lane.exclusive = false;
  }

  /** What a send resolves to. */
  result(job: Job, msgId: string, localId: string): SentMessage {
    const sent: SentMessage = {
      msgId,
      localId: localId || job.clientMsgId,
      toUserName: job.to,
      kind: job.recipe.kind === 'revoke' ? 'text' : job.recipe.kind,
    };
    if (job.recipe.mediaId) sent.mediaId = job.recipe.mediaId;
    return sent;
  }

  /** A send went out: log 'sent', resolve. */
  async succeeded(lane: Lane<Job>, job: Job, msgId: string, localId: string): Promise<void> {
    if (this.window < this.#depth && this.#pausedBy === 0) this.window++;
    if (msgId) this.deps.seen.add(msgId);
    this.counters.sent++;
    this.offer(lane);
    this.forgetIfIdle(lane);
    this.pump();
    if (job.logged && this.deps.store) {
      try {
        await this.deps.store.updateOutgoing(job.clientMsgId, { status: 'sent', msgId });
      } catch (error) {
        job.reject(error);
        return;
      }
    }
    job.resolve(this.result(job, msgId, localId));
  }

  /** A request of `job` failed: the policy decides (send-policy.ts). */
  failed(lane: Lane<Job>, job: Job, error: unknown): void {
    const { rt } = this.deps;
    if (rt.signal.aborted) {
      // Stays pending in the store: the next start re-sends it.
      job.reject(this.#ended ?? rt.signal.reason);
      this.forgetIfIdle(lane);
      return;
    }
    const decision = decideSendFailure(error, job.attempts, rt.options, rt.options.random);
    switch (decision.action) {
      case 'session-ended': {
        const loggedOut = decision.loggedOut as LoggedOutError;
        if (rt.options.autoRelogin) {
          // Waits for the new login, then goes again (re-addressed), with the same ClientMsgId.
          lane.putBack(job);
          this.suspend();
        }
        if (this.#ended === undefined) {
          this.#ended = loggedOut;
          this.deps.endSession(loggedOut);
          if (!rt.signal.aborted) this.#ended = undefined;
        }
        if (!rt.options.autoRelogin) job.reject(loggedOut);
        this.continue(lane);
        return;
      }
      case 'fail':
        void this.fail(job, error);
        this.continue(lane);
        return;
      default:
        break;
    }
    rt.logger.warn(
      { attempt: job.attempts, delayMs: decision.delayMs, error: errorText(error) },
      'send failed; retrying with the same ClientMsgId',
    );
    this.window = 1;
    lane.putBack(job);
    if (decision.action === 'pause-all') {
      this.counters.rateLimited++;
      this.#pause(decision.delayMs);
      this.offer(lane);
    } else {
      this.#hold(lane, decision.delayMs);
    }
    rt.events.emit('send-retry', {
      clientMsgId: job.clientMsgId,
      attempt: job.attempts,
      delayMs: decision.delayMs,
      ...(error !== null && typeof error === 'object' && 'ret' in error ? { ret: Number(error.ret) } : {}),
    });
  }

  /** Gives a send up: logged 'failed', rejected. */
  async fail(job: Job, error: unknown): Promise<void> {
    this.counters.failed++;
    if (job.logged)
      await this.deps.store?.updateOutgoing(job.clientMsgId, { status: 'failed' }).catch(() => {});
    job.reject(error);
  }

  continue(lane: Lane<Job>): void {
    this.offer(lane);
    this.forgetIfIdle(lane);
    this.schedulePump();
  }

  /** Ret 1205: no send is issued for `delayMs` (a longer pause already running wins). */
  #pause(delayMs: number): void {
    const end = performance.now() + delayMs;
    if (this.#pausedBy !== 0 && end <= this.#pauseEnd) return;
    const token = ++this.#tokens;
    this.#pausedBy = token;
    this.#pauseEnd = end;
    this.deps.rt.sleep(delayMs).then(
      () => {
        if (this.#pausedBy !== token) return;
        this.#pausedBy = 0;
        this.pump();
      },
      () => {},
    );
  }

  /** Another failure: the lane issues nothing for `delayMs`. */
  #hold(lane: Lane<Job>, delayMs: number): void {
    const token = ++this.#tokens;
    lane.heldBy = token;
    this.deps.rt.sleep(delayMs).then(
      () => {
        if (lane.heldBy !== token) return;
        lane.heldBy = 0;
        this.offer(lane);
        this.pump();
      },
      () => {},
    );
  }

  /** Pacing: pump again when the next token is there. */
  #wakeIn(ms: number): void {
    const at = this.deps.rt.options.now() + ms;
    if (at >= this.#paceWakeAt) return;
    this.#paceWakeAt = at;
    this.deps.rt.sleep(ms).then(
      () => {
        if (this.#paceWakeAt !== at) return;
        this.#paceWakeAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      () => {},
    );
  }

  forgetIfIdle(lane: Lane<Job>): void {
    if (lane.waiting === 0 && lane.inFlight === 0 && lane.heldBy === 0 && this.#lanes.get(lane.key) === lane)
      this.#lanes.delete(lane.key);
  }

  /** The client stopped or the session ended: every send not in flight rejects. */
  #rejectWaiting(): void {
    const reason = this.#ended ?? this.deps.rt.signal.reason;
    for (const lane of this.#lanes.values()) {
      for (const job of lane.drain()) job.reject(reason);
    }
    this.#lanes.clear();
    this.#offers = [];
  }
}
