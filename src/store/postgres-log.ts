/**
 * PostgresStore's message-log statements that are more than a lookup: the outgoing insert (the next
 * seq of the account, once per ClientMsgId), the outgoing update, and the windows of the history and
 * logAfter reads (their WHERE clauses and values, the limits and bounds made whole numbers). Every
 * statement takes the account as $1; the values here come after it.
 */

import { MESSAGE_COLUMNS, pgJson, pgText } from './postgres-rows.js';
import type { PgTables } from './postgres-schema.js';
import {
  DEFAULT_HISTORY_LIMIT,
  type HistoryQuery,
  type MessageDirection,
  type OutgoingStatus,
} from './session-store.js';

/** A read's WHERE clause (with ORDER BY and LIMIT) and its values after the account. */
export interface LogWindow {
  where: string;
  values: unknown[];
}

/** Logs an outgoing message with the account's next seq, unless its ClientMsgId is logged already. */
export function insertOutgoingSql(t: PgTables): string {
  return `WITH next AS (
         UPDATE ${t.accounts} SET last_seq = last_seq + 1
         WHERE account = $1 AND NOT EXISTS (SELECT 1 FROM ${t.messages} WHERE account = $1 AND client_msg_id = $4)
         RETURNING last_seq)
       INSERT INTO ${t.messages} (account, ${MESSAGE_COLUMNS})
       SELECT $1, last_seq, $2, $3, $4, $5, $6, $7, $8, $9, $10::json, $11::json, $12 FROM next
       ON CONFLICT (account, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING`;
}

/** Sets an outgoing message's status, and its MsgId and `raw` when given. */
export function updateOutgoing(
  t: PgTables,
  clientMsgId: string,
  update: { status: OutgoingStatus; msgId?: string; raw?: Record<string, unknown> },
): { sql: string; values: unknown[] } {
  return {
    sql: `UPDATE ${t.messages} SET status = $3, msg_id = coalesce($4, msg_id), raw = coalesce($5::json, raw)
       WHERE account = $1 AND client_msg_id = $2`,
    values: [
      pgText(clientMsgId),
      update.status,
      update.msgId === undefined ? null : pgText(update.msgId),
      update.raw === undefined ? null : pgJson(update.raw),
    ],
  };
}

/** The last `limit` messages of a chat before seq `before`, newest first (the caller reverses them). */
export function historyWindow(chatUserName: string, query: HistoryQuery): LogWindow {
  const limit = Math.max(0, Math.trunc(query.limit ?? DEFAULT_HISTORY_LIMIT));
  const before =
    query.before === undefined || !Number.isFinite(query.before)
      ? Number.MAX_SAFE_INTEGER
      : Math.ceil(query.before);
  return {
    where: 'WHERE account = $1 AND chat = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4',
    values: [pgText(chatUserName), before, limit],
  };
}

/** Up to `limit` messages after seq `afterSeq`, oldest first, of one direction when given. */
export function logAfterWindow(
  afterSeq: number,
  query: { limit?: number; direction?: MessageDirection },
): LogWindow {
  const limit = Math.max(0, Math.trunc(query.limit ?? 100));
  const after = Number.isFinite(afterSeq)
    ? Math.floor(afterSeq)
    : afterSeq > 0
      ? Number.MAX_SAFE_INTEGER
      : -1;
  return query.direction === undefined
    ? { where: 'WHERE account = $1 AND seq > $2 ORDER BY seq LIMIT $3', values: [after, limit] }
    : {
        where: 'WHERE account = $1 AND seq > $2 AND direction = $3 ORDER BY seq LIMIT $4',
        values: [after, query.direction, limit],
      };
}
