/**
 * The send queue (docs/sessions.md). Text sends to one chat (a lane) are issued in the order they were
 * queued; sends to different chats go out side by side. A lane with several texts waiting pipelines
 * them: up to `sendPipelining` webwxsendmsg in flight, issued in queue order with `ordered: true`, so
 * the transport keeps them in that order on one connection. The depth starts at one, opens by one per
 * success and closes back to one on any failure. At most max(MAX_PARALLEL_SENDS, sendPipelining) sends
 * are in flight in all; lanes waiting for room take turns.
 *
 * Each send has one ClientMsgId (= LocalID) for its whole life, so a retry is idempotent (the server
 * records a repeated ClientMsgId once). Ret 1205 (rate limited) pauses the whole queue for a growing,
 * jittered delay; transport failures and unreadable replies hold the send's lane back the same way.
 * A failed send goes back into its lane in its original place: it is issued again before anything
 * queued after it. With a MessageStore, a send is logged 'pending' before its first request
 * (synchronously, for SqliteStore), marked 'sent' with its MsgID, and sends still pending after a
 * crash are re-sent with their ClientMsgId by resendPending().
 */
import { LoggedOutError, logoutReasonFor, ParseError, ProtocolError } from '../errors.js';
import type { HttpRequestSpec } from '../protocol/http-request.js';
import { buildSendTextRequest, parseSendMsgReply } from '../protocol/index.js';
import type { MessageStore, NewStoredMessage, StoredMessage } from '../store/index.js';
import { backoffDelay, isRetryable } from '../transport/index.js';
import { errorText } from './error-text.js';
import type { Runtime } from './runtime.js';
import type { SeenSet } from './seen-set.js';
import type { Session } from './session.js';
import type { SendTextResult } from './types.js';

/** Ret 1205: the server asks the client to slow down. */
export const RET_RATE_LIMITED = 1205;

/** Chats with a send in flight at once when lanes do not pipeline (`sendPipelining: 1`). */
export const MAX_PARALLEL_SENDS = 4;

export interface SendQueueDeps {
  rt: Runtime;
  session: Session;
  /** Sent MsgIDs go here, so webwxsync's echo of them is not emitted as a message. */
  seen: SeenSet;
  store: MessageStore | undefined;
  endSession(error: LoggedOutError): void;
}

/** The delay before attempt `attempt + 1` of a send (pure). 1205 uses the rate-limit policy. */
export function sendRetryDelay(
  attempt: number,
  error: unknown,
  policies: {
    rateLimit: { baseDelayMs: number; maxDelayMs: number };
    retry: Parameters<typeof backoffDelay>[1];
  },
  random: () => number,
): number {
  if (isRateLimited(error)) {
    const { baseDelayMs, maxDelayMs } = policies.rateLimit;
    const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 30));
    // Equal jitter: never less than half the step, so a rate limit always slows the sender down.
    return cap / 2 + random() * (cap / 2);
  }
  return backoffDelay(attempt, policies.retry, random);
}

export function isRateLimited(error: unknown): boolean {
  return error instanceof ProtocolError && error.ret === RET_RATE_LIMITED;
}

/** Worth sending again with the same ClientMsgId: rate limits, transient network failures, unreadable replies. */
export function isSendRetryable(error: unknown): boolean {
  return isRateLimited(error) || isRetryable(error) || error instanceof ParseError;
}

/** One text on its way. */
interface Job {
  /** Queue order (all lanes). */
  readonly seq: number;
  readonly to: string;
  readonly text: string;
  /** Fixed for the job's whole life, retries included. */
  readonly clientMsgId: string;
  /** The store's 'pending' write while it has not settled: the job is not issued before. */
  recording: boolean;
  /** The store's 'pending' write failed: the send fails with this. */
  recordFailed: { error: unknown } | undefined;
  /** Requests made so far. */
  attempts: number;
  resolve(result: SendTextResult): void;
  reject(error: unknown): void;
}

/** The sends of one chat. */
class Lane {
  readonly to: string;
  /** Jobs not in flight, in queue order, from `#head` on. */
  #jobs: Job[] = [];
  #head = 0;
  inFlight = 0;
  /** This lane's in-flight sends went out with `ordered: true` (decided when it had none in flight). */
  ordered = false;
  /** A failed send of this lane is waiting out its back-off (the token of that wait). */
  heldBy = 0;
  /** In the queue's list of lanes that can issue. */
  offered = false;

  constructor(to: string) {
    this.to = to;
  }

  get waiting(): number {
    return this.#jobs.length - this.#head;
  }

  peek(): Job | undefined {
    return this.#jobs[this.#head];
  }

  take(): Job | undefined {
    const job = this.#jobs[this.#head];
    if (job === undefined) return undefined;
    this.#jobs[this.#head++] = undefined as unknown as Job;
    if (this.#head === this.#jobs.length) {
      this.#jobs = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#jobs.length) {
      this.#jobs = this.#jobs.slice(this.#head);
      this.#head = 0;
    }
    return job;
  }

  push(job: Job): void {
    this.#jobs.push(job);
  }

  /** A failed job goes back in its original place (before every job queued after it). */
  putBack(job: Job): void {
    let at = this.#head;
    while (at < this.#jobs.length && (this.#jobs[at] as Job).seq < job.seq) at++;
    if (at === this.#head && this.#head > 0) this.#jobs[--this.#head] = job;
    else this.#jobs.splice(at, 0, job);
  }

  /** Empties the lane, returning what was waiting. */
  drain(): Job[] {
    const jobs = this.#jobs.slice(this.#head);
    this.#jobs = [];
    this.#head = 0;
    return jobs;
  }
}

export class SendQueue {
  readonly #deps: SendQueueDeps;
  /** How many sends one lane may have in flight at most (the `sendPipelining` option). */
  readonly #depth: number;
  /** How many sends may be in flight in all. */
  readonly #maxInFlight: number;
  readonly #lanes = new Map<string, Lane>();
  /** Lanes that can issue their next job, in the order they became able to (turns). */
  #offers: Lane[] = [];
  #inFlight = 0;
  /** The current pipelining depth of every lane: 1 after a failure, +1 per success up to #depth. */
  #window = 1;
  #seq = 0;
  /** A 1205 paused every send: the token of the wait (0: not paused) and when it ends. */
  #pausedBy = 0;
  #pauseEnd = 0;
  #tokens = 0;
  #pumpScheduled = false;
  /** The session ended (LoggedOutError) and was released: pending sends reject with this. */
  #ended: LoggedOutError | undefined;
  readonly #plainSend: { ordered?: boolean } = {};
  readonly #orderedSend = { ordered: true };

  constructor(deps: SendQueueDeps) {
    this.#deps = deps;
    this.#depth = Math.max(1, Math.floor(deps.rt.options.sendPipelining));
    this.#maxInFlight = Math.max(MAX_PARALLEL_SENDS, this.#depth);
    const { signal } = deps.rt;
    if (!signal.aborted) signal.addEventListener('abort', () => this.#rejectWaiting(), { once: true });
  }

  /**
   * Queues a text. The store write (when there is a store) starts synchronously, before this returns,
   * so a send made inside a 'message' handler joins SqliteStore's delivery transaction.
   */
  sendText(to: string, text: string): Promise<SendTextResult> {
    if (!to) return Promise.reject(new TypeError('sendText: `to` must be a UserName'));
    const { rt, store } = this.#deps;
    const clientMsgId = rt.nextClientMsgId();
    const recorded = store ? store.recordOutgoing(this.#logEntry(to, text, clientMsgId)) : undefined;
    return this.#enqueue(to, text, clientMsgId, recorded);
  }

  /** Re-sends (same ClientMsgId) every text the store still has as pending; returns how many. */
  async resendPending(): Promise<number> {
    const store = this.#deps.store;
    if (!store) return 0;
    const pending = await store.pendingOutgoing();
    const sends: Promise<SendTextResult>[] = [];
    for (const m of pending) {
      const resend = resendable(m);
      if (resend) sends.push(this.#enqueue(resend.to, resend.text, m.clientMsgId, undefined));
      else await store.updateOutgoing(m.clientMsgId, { status: 'failed' });
    }
    if (sends.length > 0) this.#deps.rt.logger.info({ count: sends.length }, 're-sending pending messages');
    const results = await Promise.allSettled(sends);
    return results.filter((r) => r.status === 'fulfilled').length;
  }

  #enqueue(
    to: string,
    text: string,
    clientMsgId: string,
    recorded: Promise<void> | undefined,
  ): Promise<SendTextResult> {
    const { signal } = this.#deps.rt;
    if (signal.aborted) {
      recorded?.catch(() => {});
      return Promise.reject(this.#ended ?? signal.reason);
    }
    let lane = this.#lanes.get(to);
    if (!lane) {
      lane = new Lane(to);
      this.#lanes.set(to, lane);
    }
    const job: Job = {
      seq: ++this.#seq,
      to,
      text,
      clientMsgId,
      recording: recorded !== undefined,
      recordFailed: undefined,
      attempts: 0,
      resolve: noop,
      reject: noop,
    };
    const promise = new Promise<SendTextResult>((resolve, reject) => {
      job.resolve = resolve;
      job.reject = reject;
    });
    lane.push(job);
    if (recorded) {
      const owner = lane;
      recorded.then(
        () => this.#recorded(owner, job, undefined),
        (error: unknown) => this.#recorded(owner, job, { error }),
      );
    } else {
      this.#offer(lane);
      this.#schedulePump();
    }
    return promise;
  }

  #recorded(lane: Lane, job: Job, failed: { error: unknown } | undefined): void {
    job.recording = false;
    job.recordFailed = failed;
    if (lane.peek() === job) {
      this.#offer(lane);
      this.#schedulePump();
    }
  }

  #canIssue(lane: Lane): boolean {
    const next = lane.peek();
    if (next === undefined || next.recording || lane.heldBy !== 0) return false;
    if (lane.inFlight === 0) return true;
    return lane.ordered && lane.inFlight < this.#window;
  }

  /** Gives the lane a turn when it can issue. */
  #offer(lane: Lane): void {
    if (lane.offered || !this.#canIssue(lane)) return;
    lane.offered = true;
    this.#offers.push(lane);
  }

  /**
   * Issues on the next microtask, so that a burst queued in one go (a 'message' handler answering a
   * whole sync round) is seen whole: the lane then pipelines it.
   */
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#pausedBy !== 0 || this.#deps.rt.signal.aborted) return;
    let turn = 0;
    while (this.#inFlight < this.#maxInFlight && turn < this.#offers.length) {
      const lane = this.#offers[turn++] as Lane;
      lane.offered = false;
      if (!this.#canIssue(lane)) continue;
      const job = lane.take() as Job;
      if (job.recordFailed) {
        job.reject(job.recordFailed.error);
      } else {
        if (lane.inFlight === 0) lane.ordered = this.#depth > 1 && this.#window > 1 && lane.waiting > 0;
        // #attempt settles the job itself; this only catches what should not happen (a throwing logger).
        this.#attempt(lane, job).catch((error: unknown) => job.reject(error));
      }
      // Its next turn comes after the lanes already waiting for one.
      this.#offer(lane);
      if (!lane.offered) this.#forgetIfIdle(lane);
    }
    this.#offers = turn === this.#offers.length ? [] : this.#offers.slice(turn);
  }

  /** One request of a job; settles the job, or puts it back for a retry. */
  async #attempt(lane: Lane, job: Job): Promise<void> {
    const { rt } = this.#deps;
    lane.inFlight++;
    this.#inFlight++;
    job.attempts++;
    let msgId: string;
    let localId: string;
    try {
      // Built for each attempt: the SKey may have changed meanwhile; the ClientMsgId never does.
      const spec = this.#spec(job.to, job.text, job.clientMsgId);
      const reply = await rt.send(spec, lane.ordered ? this.#orderedSend : this.#plainSend);
      const sent = parseSendMsgReply(spec.endpoint, reply.text);
      msgId = sent.MsgID;
      localId = sent.LocalID;
    } catch (error) {
      lane.inFlight--;
      this.#inFlight--;
      this.#failed(lane, job, error);
      return;
    }
    lane.inFlight--;
    this.#inFlight--;
    if (this.#window < this.#depth && this.#pausedBy === 0) this.#window++;
    if (msgId) this.#deps.seen.add(msgId);
    this.#offer(lane);
    this.#forgetIfIdle(lane);
    this.#pump();
    const store = this.#deps.store;
    if (store) {
      try {
        await store.updateOutgoing(job.clientMsgId, { status: 'sent', msgId });
      } catch (error) {
        job.reject(error);
        return;
      }
    }
    rt.logger.debug({ msgId, attempt: job.attempts }, 'text sent');
    job.resolve({ msgId, localId: localId || job.clientMsgId, toUserName: job.to });
  }

  #failed(lane: Lane, job: Job, error: unknown): void {
    const { rt } = this.#deps;
    if (rt.signal.aborted) {
      job.reject(this.#ended ?? error);
      this.#forgetIfIdle(lane);
      return;
    }
    if (error instanceof ProtocolError) {
      const reason = logoutReasonFor(error.ret);
      if (reason) {
        // Stays pending in the store: the next session re-sends it.
        const loggedOut = new LoggedOutError(reason, error.ret);
        if (this.#ended === undefined) {
          this.#ended = loggedOut;
          this.#deps.endSession(loggedOut);
          // The session is over (unless autoRelogin carries it on): nothing more goes out.
          if (!rt.signal.aborted) this.#ended = undefined;
        }
        job.reject(loggedOut);
        this.#continue(lane);
        return;
      }
    }
    const { rateLimit } = rt.options;
    if (!isSendRetryable(error) || job.attempts >= rateLimit.maxAttempts) {
      void this.#fail(job, error);
      this.#continue(lane);
      return;
    }
    const delayMs = sendRetryDelay(
      job.attempts,
      error,
      { rateLimit, retry: rt.options.retry },
      rt.options.random,
    );
    rt.logger.warn(
      { attempt: job.attempts, delayMs, error: errorText(error) },
      'send failed; retrying with the same ClientMsgId',
    );
    this.#window = 1;
    lane.putBack(job);
    if (isRateLimited(error)) {
      this.#pause(delayMs);
      this.#offer(lane);
    } else {
      this.#hold(lane, delayMs);
    }
    rt.events.emit('send-retry', {
      clientMsgId: job.clientMsgId,
      attempt: job.attempts,
      delayMs,
      ...(error instanceof ProtocolError ? { ret: error.ret } : {}),
    });
  }

  async #fail(job: Job, error: unknown): Promise<void> {
    await this.#deps.store?.updateOutgoing(job.clientMsgId, { status: 'failed' }).catch(() => {});
    job.reject(error);
  }

  #continue(lane: Lane): void {
    this.#offer(lane);
    this.#forgetIfIdle(lane);
    this.#schedulePump();
  }

  /** Ret 1205: no send is issued for `delayMs` (a longer pause already running wins). */
  #pause(delayMs: number): void {
    const end = performance.now() + delayMs;
    if (this.#pausedBy !== 0 && end <= this.#pauseEnd) return;
    const token = ++this.#tokens;
    this.#pausedBy = token;
    this.#pauseEnd = end;
    this.#deps.rt.sleep(delayMs).then(
      () => {
        if (this.#pausedBy !== token) return;
        this.#pausedBy = 0;
        this.#pump();
      },
      () => {},
    );
  }

  /** Another failure: the lane issues nothing for `delayMs` (the last failure's wait wins). */
  #hold(lane: Lane, delayMs: number): void {
    const token = ++this.#tokens;
    lane.heldBy = token;
    this.#deps.rt.sleep(delayMs).then(
      () => {
        if (lane.heldBy !== token) return;
        lane.heldBy = 0;
        this.#offer(lane);
        this.#pump();
      },
      () => {},
    );
  }

  #forgetIfIdle(lane: Lane): void {
    if (lane.waiting === 0 && lane.inFlight === 0 && lane.heldBy === 0 && this.#lanes.get(lane.to) === lane)
      this.#lanes.delete(lane.to);
  }

  /** The client stopped or the session ended: every send not in flight rejects. */
  #rejectWaiting(): void {
    const reason = this.#ended ?? this.#deps.rt.signal.reason;
    for (const lane of this.#lanes.values()) {
      for (const job of lane.drain()) job.reject(reason);
    }
    this.#lanes.clear();
    this.#offers = [];
  }

  #logEntry(to: string, text: string, clientMsgId: string): NewStoredMessage {
    const { rt, session } = this.#deps;
    const spec = this.#spec(to, text, clientMsgId);
    const msg = (spec.body as { value: { Msg: Record<string, unknown> } }).value.Msg;
    return {
      direction: 'out',
      msgId: '',
      clientMsgId,
      chatUserName: to,
      senderUserName: session.selfUserName,
      kind: 'text',
      createTime: Math.floor(rt.options.now() / 1000),
      text,
      fields: { kind: 'text', text, to },
      raw: { ...msg },
      status: 'pending',
    };
  }

  #spec(to: string, text: string, clientMsgId: string): HttpRequestSpec {
    const { session } = this.#deps;
    return buildSendTextRequest(session.context(), {
      deviceId: session.deviceId,
      from: session.selfUserName,
      to,
      content: text,
      clientMsgId,
    });
  }
}

function noop(): void {}

/** The chat and text of a pending text send, when the stored raw message has them. */
function resendable(m: StoredMessage): { to: string; text: string } | undefined {
  const raw = m.raw as { Type?: unknown; Content?: unknown; ToUserName?: unknown };
  if (raw.Type !== 1 || typeof raw.Content !== 'string' || typeof raw.ToUserName !== 'string')
    return undefined;
  return { to: raw.ToUserName, text: raw.Content };
}
