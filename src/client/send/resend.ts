/**
 * Re-sending after a restart (docs/sessions.md "Exactly-once delivery"): every send the log still has
 * as 'pending' is queued again, in its original order, with its ClientMsgId (the server records a
 * repeated ClientMsgId once). A medium whose MediaId was logged is sent by it without a new upload;
 * one from a path that was not uploaded yet is uploaded again; one from bytes or a stream that was
 * never uploaded cannot be re-sent and is logged 'failed'. A send queued in another login is
 * re-addressed through its stable id when it goes out.
 */
import type { MessageStore } from '../../store/index.js';
import { errorText } from '../error-text.js';
import type { Outbox } from './outbox.js';
import { storedSend } from './send-log.js';

/** Queues the pending sends again; resolves with how many went out once they all settled. */
export async function resendPending(outbox: Outbox, store: MessageStore): Promise<number> {
  const { logger } = outbox.deps.rt;
  const pending = await store.pendingOutgoing();
  const sends: Promise<unknown>[] = [];
  for (const m of pending) {
    const send = storedSend(m);
    if (send) {
      sends.push(outbox.requeue(send.to, send.recipe, m.clientMsgId, send.meta, send.login));
    } else {
      logger.warn({ kind: m.kind }, 'a pending send cannot be re-sent (nothing to upload it from)');
      await store.updateOutgoing(m.clientMsgId, { status: 'failed' });
    }
  }
  if (sends.length > 0) logger.info({ count: sends.length }, 're-sending pending messages');
  const results = await Promise.allSettled(sends);
  for (const r of results) {
    if (r.status === 'rejected') logger.warn({ error: errorText(r.reason) }, 'a re-sent message failed');
  }
  return results.filter((r) => r.status === 'fulfilled').length;
}
