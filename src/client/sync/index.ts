/**
 * The sync room of the client: from the synccheck long poll to `message` events.
 *
 * - sync-loop.ts: synccheck → webwxsync → new keys, one round after another (§4.5, §4.6).
 * - live-sync.ts: a live session's loop wired to its intake, the store, the cached rooms, autoRelogin.
 * - sync-policy.ts: the loop's decisions as pure functions over a tagged union.
 * - message-intake.ts: AddMsgList → decoded messages, seen ids dropped, the store's processed mark.
 * - seen-set.ts: the bounded set of recently seen MsgIds.
 * - message-events.ts: the typed convenience events ('friend-request', 'room-join', …).
 * - message-log.ts: messages as the store's message log keeps them.
 */

export * from './live-sync.js';
export * from './message-events.js';
export * from './message-intake.js';
export * from './message-log.js';
export * from './seen-set.js';
export * from './sync-loop.js';
export * from './sync-policy.js';
