/** One send on its way through the outbox (outbox.ts): its recipe, identity, state and settlement. */

import type { MediaInput, SendMediaOptions, SentMessage } from '../media/media-api-types.js';
import type { UploadSource } from '../media/media-source.js';
import type { SendMeta } from './send-log.js';
import type { SendRecipe } from './send-recipes.js';

export interface Job {
  /** Queue order (all lanes). */
  readonly seq: number;
  /** Where it goes now (re-addressed after a new login). */
  to: string;
  /** The lane it waits in: the address it was queued with. */
  readonly lane: string;
  /** What to send; a medium's recipe gains its MediaId once uploaded. */
  recipe: SendRecipe;
  /** Fixed for the send's whole life, retries and re-sends included. */
  readonly clientMsgId: string;
  readonly meta: SendMeta;
  /** The method that made it (NotAvailableError names it). */
  readonly method: string;
  /** The login number it is addressed for (0: an earlier login or process; re-addressed when issued). */
  login: number;
  /** Requests made so far. */
  attempts: number;
  /** Preparations not finished (the log write, the keyed lookup): the job is not issued before. */
  gates: number;
  /** A preparation failed (the log write): the send fails with this. */
  gateError: { error: unknown } | undefined;
  /** A keyed send the log has as sent already: the MsgID to resolve with, without a request. */
  alreadySent: string | undefined;
  /** It has an entry in the message log. */
  logged: boolean;
  /** The opened upload source (closed when the job settles). */
  source: Promise<UploadSource> | undefined;
  /** The medium to upload as given to the send method (undefined for a re-send from a path). */
  readonly input: MediaInput | undefined;
  readonly media: SendMediaOptions | undefined;
  readonly signal: AbortSignal | undefined;
  /** Removes the job's listener from `signal` (set while one is added; called when it settles). */
  offAbort: (() => void) | undefined;
  settled: boolean;
  readonly promise: Promise<SentMessage>;
  resolve(result: SentMessage): void;
  reject(error: unknown): void;
}

/** What a job is made of. */
export interface JobInit {
  seq: number;
  to: string;
  recipe: SendRecipe;
  clientMsgId: string;
  meta: SendMeta;
  login: number;
  method: string;
}

/**
 * A job, not settled yet; `settle(job, done)` is called once when it resolves or rejects (the first
 * time only), `done` settling its promise.
 */
export function newJob(
  init: JobInit,
  medium: {
    input: MediaInput | undefined;
    media: SendMediaOptions | undefined;
    signal: AbortSignal | undefined;
  },
  settle: (job: Job, done: () => void) => void,
): Job {
  let resolve!: (value: SentMessage) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<SentMessage>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Every field written out: an object literal with spreads in it (…init, …medium) was built on
  // V8's slow path, 28 µs a job against 1 µs (tight loop; 50 µs a job of the client's CPU in a
  // profile at 1,000 echoes/s).
  const job: Job = {
    seq: init.seq,
    to: init.to,
    lane: init.to,
    recipe: init.recipe,
    clientMsgId: init.clientMsgId,
    meta: init.meta,
    method: init.method,
    login: init.login,
    attempts: 0,
    gates: 0,
    gateError: undefined,
    alreadySent: undefined,
    logged: false,
    source: undefined,
    input: medium.input,
    media: medium.media,
    signal: medium.signal,
    offAbort: undefined,
    settled: false,
    promise,
    resolve: (value) => settle(job, () => resolve(value)),
    reject: (error) => settle(job, () => reject(error)),
  };
  return job;
}

/** What a send resolves to: enough to revoke it. */
export function sentResult(job: Job, msgId: string, localId: string): SentMessage {
  const sent: SentMessage = {
    msgId,
    localId: localId || job.clientMsgId,
    toUserName: job.to,
    kind: job.recipe.kind === 'revoke' ? 'text' : job.recipe.kind,
  };
  if (job.recipe.mediaId) sent.mediaId = job.recipe.mediaId;
  return sent;
}

/**
 * Calls `onAbort` with the reason when the job's signal aborts (in a microtask when it has already).
 * The listener is removed when the job settles (`offAbort`): one signal given to many sends (a bot's
 * lifetime signal) would otherwise keep a listener, and the job with it, per send.
 */
export function watchAbort(job: Job, onAbort: (reason: unknown) => void): void {
  const signal = job.signal;
  if (!signal) return;
  if (signal.aborted) {
    queueMicrotask(() => onAbort(signal.reason));
    return;
  }
  const listener = (): void => onAbort(signal.reason);
  signal.addEventListener('abort', listener, { once: true });
  job.offAbort = () => signal.removeEventListener('abort', listener);
}
