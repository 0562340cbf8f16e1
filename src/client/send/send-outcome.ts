/**
 * What the end of a send's attempt does (outbox.ts, send-attempt.ts). A success is logged 'sent' and
 * resolves the send. A failure goes to the one Ret-code policy (send-policy.ts), which decides:
 * - try again: the send goes back in its place and waits out its delay (scheduleRetry);
 * - the session ended: with autoRelogin the send waits for the new login, else it rejects;
 * - give up: logged 'failed', rejected (giveUp).
 */
import { type LoggedOutError, ProtocolError } from '../../errors.js';
import type { MessageStore } from '../../store/index.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import type { SeenSet } from '../sync/seen-set.js';
import type { Lane } from './lane.js';
import { type Job, sentResult } from './send-job.js';
import { decideSendFailure, type SendDecision } from './send-policy.js';
import type { SendWaits } from './send-waits.js';

/**
 * What an outcome uses of the outbox. The Outbox (outbox.ts) is one; named here so that this file
 * does not import it.
 */
export interface OutcomeOutbox {
  readonly deps: {
    readonly rt: Runtime;
    readonly seen: SeenSet;
    readonly store: MessageStore | undefined;
  };
  readonly waits: SendWaits;
  readonly counters: { sent: number; failed: number; rateLimited: number };
  readonly depth: number;
  /** The pipelining depth of every lane: 1 after a failure, +1 per success up to `depth`. */
  window: number;
  /** Why sends not yet out reject: the session's end when it ended, else the stop. */
  readonly stopReason: unknown;
  offer(lane: Lane<Job>): void;
  pump(): void;
  continue(lane: Lane<Job>): void;
  forgetIfIdle(lane: Lane<Job>): void;
  suspend(): void;
  sessionEnded(loggedOut: LoggedOutError): void;
}

/** A send went out: log 'sent', resolve. */
export async function sendSucceeded(
  outbox: OutcomeOutbox,
  lane: Lane<Job>,
  job: Job,
  msgId: string,
  localId: string,
): Promise<void> {
  const { seen, store } = outbox.deps;
  if (outbox.window < outbox.depth && !outbox.waits.paused) outbox.window++;
  if (msgId) seen.add(msgId);
  outbox.counters.sent++;
  outbox.offer(lane);
  outbox.forgetIfIdle(lane);
  outbox.pump();
  if (job.logged && store) {
    try {
      await store.updateOutgoing(job.clientMsgId, { status: 'sent', msgId });
    } catch (error) {
      job.reject(error);
      return;
    }
  }
  job.resolve(sentResult(job, msgId, localId));
}

/** A request of `job` failed: the policy decides (send-policy.ts). */
export function sendFailed(outbox: OutcomeOutbox, lane: Lane<Job>, job: Job, error: unknown): void {
  const { rt } = outbox.deps;
  if (rt.signal.aborted) {
    // Stays pending in the store: the next start re-sends it.
    job.reject(outbox.stopReason);
    outbox.forgetIfIdle(lane);
    return;
  }
  const decision = decideSendFailure(error, job.attempts, rt.options, rt.options.random);
  switch (decision.action) {
    case 'session-ended': {
      const loggedOut = decision.loggedOut as LoggedOutError;
      if (rt.options.autoRelogin) {
        // Waits for the new login, then goes again (re-addressed), with the same ClientMsgId.
        lane.putBack(job);
        outbox.suspend();
      }
      outbox.sessionEnded(loggedOut);
      if (!rt.options.autoRelogin) job.reject(loggedOut);
      outbox.continue(lane);
      return;
    }
    case 'fail':
      void giveUp(outbox, job, error);
      outbox.continue(lane);
      return;
    default:
      scheduleRetry(outbox, lane, job, error, decision);
  }
}

/** Gives a send up: logged 'failed', rejected. */
export async function giveUp(outbox: OutcomeOutbox, job: Job, error: unknown): Promise<void> {
  outbox.counters.failed++;
  if (job.logged)
    await outbox.deps.store?.updateOutgoing(job.clientMsgId, { status: 'failed' }).catch(() => {});
  job.reject(error);
}

/** A retryable failure: the job goes back in its place and waits out its delay. */
function scheduleRetry(
  outbox: OutcomeOutbox,
  lane: Lane<Job>,
  job: Job,
  error: unknown,
  decision: SendDecision,
): void {
  const { rt } = outbox.deps;
  rt.logger.warn(
    { attempt: job.attempts, delayMs: decision.delayMs, error: errorText(error) },
    'send failed; retrying with the same ClientMsgId',
  );
  outbox.window = 1;
  lane.putBack(job);
  if (decision.action === 'pause-all') {
    outbox.counters.rateLimited++;
    outbox.waits.pause(decision.delayMs);
    outbox.offer(lane);
  } else {
    outbox.waits.hold(lane as Lane<never>, decision.delayMs);
  }
  rt.events.emit('send-retry', {
    clientMsgId: job.clientMsgId,
    attempt: job.attempts,
    delayMs: decision.delayMs,
    ...(error instanceof ProtocolError ? { ret: error.ret } : {}),
  });
}
