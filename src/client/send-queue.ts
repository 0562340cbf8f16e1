/**
 * The send queue (docs/sessions.md): text sends to one chat go out one at a time, in order; sends to
 * different chats go out in parallel, up to MAX_PARALLEL_SENDS at once. Each has one
 * ClientMsgId (= LocalID) for its whole life, so a retry is idempotent (the server records a repeated
 * ClientMsgId once). Ret 1205 (rate limited) slows the whole queue down: the send waits a growing,
 * jittered delay and is retried, and no other send starts before that delay is over. Transport failures and unreadable replies
 * are retried the same way. With a MessageStore, a send is logged 'pending' before its first request
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

/** Sends to different chats in flight at once (one chat's sends are always one at a time). */
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

interface Job {
  to: string;
  text: string;
  clientMsgId: string;
  recorded: Promise<void>;
}

export class SendQueue {
  readonly #deps: SendQueueDeps;
  /** The last queued send of each chat, so the next one to that chat starts after it. */
  readonly #lanes = new Map<string, Promise<unknown>>();
  readonly #slots = new SendSlots(MAX_PARALLEL_SENDS);
  /** No send starts before this (performance.now() ms): set by a 1205. */
  #pausedUntil = 0;

  constructor(deps: SendQueueDeps) {
    this.#deps = deps;
  }

  /**
   * Queues a text. The store write (when there is a store) starts synchronously, before this returns,
   * so a send made inside a 'message' handler joins SqliteStore's delivery transaction.
   */
  sendText(to: string, text: string): Promise<SendTextResult> {
    if (!to) return Promise.reject(new TypeError('sendText: `to` must be a UserName'));
    const { rt } = this.#deps;
    const clientMsgId = rt.nextClientMsgId();
    const recorded = this.#deps.store
      ? this.#deps.store.recordOutgoing(this.#logEntry(to, text, clientMsgId))
      : Promise.resolve();
    recorded.catch(() => {});
    return this.#enqueue({ to, text, clientMsgId, recorded });
  }

  /** Re-sends (same ClientMsgId) every text the store still has as pending; returns how many. */
  async resendPending(): Promise<number> {
    const store = this.#deps.store;
    if (!store) return 0;
    const pending = await store.pendingOutgoing();
    const jobs = pending.map((m) => this.#resendJob(m)).filter((j): j is Job => j !== undefined);
    for (const m of pending) {
      if (!jobs.some((j) => j.clientMsgId === m.clientMsgId)) {
        await store.updateOutgoing(m.clientMsgId, { status: 'failed' });
      }
    }
    if (jobs.length > 0) this.#deps.rt.logger.info({ count: jobs.length }, 're-sending pending messages');
    const results = await Promise.allSettled(jobs.map((job) => this.#enqueue(job)));
    return results.filter((r) => r.status === 'fulfilled').length;
  }

  #resendJob(m: StoredMessage): Job | undefined {
    const raw = m.raw as { Type?: unknown; Content?: unknown; ToUserName?: unknown };
    if (raw.Type !== 1 || typeof raw.Content !== 'string' || typeof raw.ToUserName !== 'string')
      return undefined;
    return { to: raw.ToUserName, text: raw.Content, clientMsgId: m.clientMsgId, recorded: Promise.resolve() };
  }

  #enqueue(job: Job): Promise<SendTextResult> {
    const previous = this.#lanes.get(job.to) ?? Promise.resolve();
    const run = previous.then(async () => {
      await this.#slots.acquire();
      try {
        return await this.#send(job);
      } finally {
        this.#slots.release();
      }
    });
    const tail = run.catch(() => {});
    this.#lanes.set(job.to, tail);
    void tail.then(() => {
      if (this.#lanes.get(job.to) === tail) this.#lanes.delete(job.to);
    });
    return run;
  }

  /** Waits out a rate-limit pause another send ran into. */
  async #respectPause(): Promise<void> {
    const wait = this.#pausedUntil - performance.now();
    if (wait > 0) await this.#deps.rt.sleep(wait);
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

  async #send(job: Job): Promise<SendTextResult> {
    const { rt, store } = this.#deps;
    const { rateLimit } = rt.options;
    await job.recorded;
    for (let attempt = 1; ; attempt++) {
      await this.#respectPause();
      // Rebuilt each time: the SKey may have changed meanwhile; the ClientMsgId never does.
      const spec = this.#spec(job.to, job.text, job.clientMsgId);
      try {
        const reply = await rt.send(spec);
        const sent = parseSendMsgReply(spec.endpoint, reply.text);
        if (sent.MsgID) this.#deps.seen.add(sent.MsgID);
        await store?.updateOutgoing(job.clientMsgId, { status: 'sent', msgId: sent.MsgID });
        rt.logger.debug({ msgId: sent.MsgID, attempt }, 'text sent');
        return { msgId: sent.MsgID, localId: sent.LocalID || job.clientMsgId, toUserName: job.to };
      } catch (error) {
        if (rt.signal.aborted) throw error;
        if (error instanceof ProtocolError) {
          const reason = logoutReasonFor(error.ret);
          if (reason) {
            // Stays pending in the store: the next session re-sends it.
            const loggedOut = new LoggedOutError(reason, error.ret);
            this.#deps.endSession(loggedOut);
            throw loggedOut;
          }
        }
        if (!isSendRetryable(error) || attempt >= rateLimit.maxAttempts) {
          await store?.updateOutgoing(job.clientMsgId, { status: 'failed' }).catch(() => {});
          throw error;
        }
        const delayMs = sendRetryDelay(
          attempt,
          error,
          { rateLimit, retry: rt.options.retry },
          rt.options.random,
        );
        rt.logger.warn(
          { attempt, delayMs, error: errorText(error) },
          'send failed; retrying with the same ClientMsgId',
        );
        if (isRateLimited(error))
          this.#pausedUntil = Math.max(this.#pausedUntil, performance.now() + delayMs);
        rt.events.emit('send-retry', {
          clientMsgId: job.clientMsgId,
          attempt,
          delayMs,
          ...(error instanceof ProtocolError ? { ret: error.ret } : {}),
        });
        await rt.sleep(delayMs);
      }
    }
  }
}

/** A counting semaphore: at most `limit` holders; the others wait in order. */
class SendSlots {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  acquire(): Promise<void> {
    if (this.#active < this.#limit) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}
