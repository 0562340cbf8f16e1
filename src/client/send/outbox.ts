/**
 * The outbox (docs/sessions.md "The outbox"): every send of the client goes through it.
 *
 * - Order: a chat's sends (a lane) are issued in the order they were made, whatever their kind.
 *   Texts waiting together are pipelined (up to `sendPipelining`, `ordered: true`); a medium, a
 *   forward or a revoke goes alone. Chats take turns, max(MAX_PARALLEL_SENDS, sendPipelining) in flight.
 * - Identity: one ClientMsgId per send for its whole life (derived from its key for keyed sends).
 * - Log: with a MessageStore, a send is logged 'pending' before anything of it goes out (synchronously
 *   for SqliteStore, so a send made in a 'message' handler joins the delivery transaction), a medium's
 *   MediaId is logged once uploaded, and the send is marked 'sent' with its MsgID or 'failed'.
 * - Failures: decided by send-policy.ts (the one place), acted on by send-outcome.ts. Retries keep
 *   the ClientMsgId.
 * - Pacing: pacing.ts, one bucket per account.
 * - New logins: with autoRelogin, a send that meets the session's end waits for the new login; sends
 *   queued in an earlier login are re-addressed through the recipient's stable id (RecipientGoneError
 *   when the contact is gone).
 */

import type { LoggedOutError } from '../../errors.js';
import { InvalidArgumentError } from '../../errors.js';
import type { MessageStore } from '../../store/index.js';
import type { MediaInput, SendMediaOptions, SentMessage } from '../media/media-api-types.js';
import type { Runtime } from '../runtime.js';
import type { Session } from '../session/session-state.js';
import type { SeenSet } from '../sync/seen-set.js';
import { Lane } from './lane.js';
import { Pacer, type ResolvedPacing } from './pacing.js';
import { type OutboxAddresses, Readdressing } from './readdress.js';
import { runAttempt } from './send-attempt.js';
import type { Job } from './send-job.js';
import { newJob, sentResult, watchAbort } from './send-job.js';
import { CausedBy } from './send-keys.js';
import { EARLIER_LOGIN, keyedClientMsgId, outgoingEntry, type SendMeta, writeLog } from './send-log.js';
import { giveUp } from './send-outcome.js';
import type { SendRecipe } from './send-recipes.js';
import type { OutboxStats, Outbox as PublicOutbox, SendOptions } from './send-types.js';
import { SendWaits } from './send-waits.js';

/** Chats with a send in flight at once when lanes do not pipeline (`sendPipelining: 1`). */
export const MAX_PARALLEL_SENDS = 4;
export type { OutboxAddresses } from './readdress.js';

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
  #pumpScheduled = false;
  /** The session ended (and was released): pending sends reject with this. */
  #ended: LoggedOutError | undefined;
  /** Logins: suspension while a new one is under way, re-addressing after it. */
  readonly readdressing: Readdressing;
  /** Sends not settled, by ClientMsgId (keyed sends join these). */
  readonly #active = new Map<string, Job>();
  readonly #causedBy = new CausedBy();
  readonly waits: SendWaits;
  #idleWaiters: (() => void)[] = [];
  readonly counters = { sent: 0, failed: 0, rateLimited: 0, resent: 0 };
  uploads = 0;

  constructor(deps: OutboxDeps, pacing: ResolvedPacing | false) {
    this.deps = deps;
    this.#depth = Math.max(1, Math.floor(deps.rt.options.sendPipelining));
    this.#maxInFlight = Math.max(MAX_PARALLEL_SENDS, this.#depth);
    this.pacer = new Pacer(pacing, deps.rt.options.now);
    this.readdressing = new Readdressing(deps.addresses, deps.session, deps.rt.logger);
    this.waits = new SendWaits(
      (ms) => deps.rt.sleep(ms),
      deps.rt.options.now,
      (lane) => {
        if (lane) this.offer(lane as Lane<Job>);
        this.pump();
      },
    );
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
    if (!to)
      return Promise.reject(
        new InvalidArgumentError(init.method, `${init.method}: \`to\` must be a UserName`),
      );
    if (rt.signal.aborted) return Promise.reject(this.stopReason);
    const key = init.key ?? (init.causedBy === undefined ? undefined : this.#causedBy.nextKey(init.causedBy));
    const clientMsgId = key === undefined ? rt.nextClientMsgId() : keyedClientMsgId(key);
    const joined = this.#active.get(clientMsgId);
    if (joined) return joined.promise;
    const meta: SendMeta = { stableId: this.readdressing.stableIdOf(to) };
    if (init.causedBy !== undefined) meta.causedBy = init.causedBy;
    if (key !== undefined) meta.key = key;
    // A UserName of the previous login (a reply to a message that came before it) is re-addressed.
    const job = this.#newJob(to, recipe, clientMsgId, meta, init, this.readdressing.loginFor(to));
    if (store && recipe.build !== 'revoke') {
      const marker = job.login === 0 ? EARLIER_LOGIN : this.readdressing.marker;
      const { written, earlier } = writeLog(
        store,
        outgoingEntry(this.deps.session, rt.options.now(), job, marker),
      );
      job.logged = true;
      this.#gate(
        job,
        earlier.then((entry) => {
          if (entry?.status === 'sent') job.alreadySent = entry.msgId;
        }),
      );
      if (init.causedBy !== undefined) this.#causedBy.writing(init.causedBy, written);
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
    if (rt.signal.aborted) return Promise.reject(this.stopReason);
    const joined = this.#active.get(clientMsgId);
    if (joined) return joined.promise;
    const job = this.#newJob(
      to,
      recipe,
      clientMsgId,
      meta,
      { method: 'resend' },
      this.readdressing.loginOfLogged(login),
    );
    job.logged = true;
    this.counters.resent++;
    this.#push(job);
    return job.promise;
  }

  logged(causedBy: string): Promise<void> {
    return this.#causedBy.logged(causedBy);
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
    if (!this.readdressing.suspend()) return;
    this.deps.rt.logger.info({ queued: this.stats().queued }, 'outbox suspended until the new login');
  }

  /** The new login is live: sends queued before it are re-addressed as they go out. */
  resume(): void {
    if (!this.readdressing.resume()) return;
    for (const lane of this.#lanes.values()) this.offer(lane);
    this.schedulePump();
  }

  #newJob(
    to: string,
    recipe: SendRecipe,
    clientMsgId: string,
    meta: SendMeta,
    init: EnqueueInit,
    login: number,
  ): Job {
    const job = newJob(
      { seq: ++this.#seq, to, recipe, clientMsgId, meta, login, method: init.method },
      { input: init.input, media: init.media, signal: init.signal ?? init.media?.signal },
      (settled, done) => this.#settle(settled, done),
    );
    this.#active.set(clientMsgId, job);
    watchAbort(job, (reason) => this.#aborted(job, reason));
    return job;
  }

  #settle(job: Job, done: () => void): void {
    if (job.settled) return;
    job.settled = true;
    job.offAbort?.();
    job.offAbort = undefined;
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
    void giveUp(this, job, reason);
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
    if (this.waits.paused || this.readdressing.suspended || this.deps.rt.signal.aborted) return;
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
        void giveUp(this, job, job.gateError.error);
      } else if (job.alreadySent !== undefined) {
        job.resolve(sentResult(job, job.alreadySent, job.clientMsgId));
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
    if (wake < Number.POSITIVE_INFINITY) this.waits.wakeIn(wake);
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

  /** Why sends not yet out reject: the session's end when it ended, else the stop. */
  get stopReason(): unknown {
    return this.#ended ?? this.deps.rt.signal.reason;
  }

  /** A send met the session's end: the client hears of it once, and the sends it rejects get it. */
  sessionEnded(loggedOut: LoggedOutError): void {
    if (this.#ended !== undefined) return;
    this.#ended = loggedOut;
    this.deps.endSession(loggedOut);
    if (!this.deps.rt.signal.aborted) this.#ended = undefined;
  }

  continue(lane: Lane<Job>): void {
    this.offer(lane);
    this.forgetIfIdle(lane);
    this.schedulePump();
  }

  forgetIfIdle(lane: Lane<Job>): void {
    if (lane.waiting === 0 && lane.inFlight === 0 && lane.heldBy === 0 && this.#lanes.get(lane.key) === lane)
      this.#lanes.delete(lane.key);
  }

  /** The client stopped or the session ended: every send not in flight rejects. */
  #rejectWaiting(): void {
    const reason = this.stopReason;
    for (const lane of this.#lanes.values()) {
      for (const job of lane.drain()) job.reject(reason);
    }
    this.#lanes.clear();
    this.#offers = [];
  }
}
