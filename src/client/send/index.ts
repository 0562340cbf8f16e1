/**
 * The send room of the client: the outbox, the one owner of every send (docs/sessions.md "The outbox").
 *
 * - outbox.ts: per-chat lanes, pipelining of texts, pacing, resend, the store log.
 * - lane.ts, send-job.ts, send-attempt.ts, send-waits.ts: one chat's queue, one send, one attempt, its waits.
 * - send-outcome.ts: what an attempt's end does, as the policy decides.
 * - client-sends.ts: the client's send methods, each a checked call and a recipe for the outbox.
 * - send-policy.ts: the one Ret-code policy (1205 back-off, which failures are final).
 * - pacing.ts: the account's token bucket and per-chat spacing.
 * - send-log.ts, send-recipes.ts, send-keys.ts, resend.ts: the store log, sends as JSON, idempotency
 *   keys, and resend after a crash with the same ClientMsgId.
 * - readdress.ts, address-book.ts: a send re-addressed through the stable id after a new login.
 * - media-upload.ts, mentions.ts: uploads before a media send; @-mentions in a text.
 * - send-types.ts: the public types.
 */
export { type EnqueueInit, MAX_PARALLEL_SENDS, Outbox as OutboxImpl, type OutboxDeps } from './outbox.js';
export * from './send-policy.js';
export * from './send-types.js';
