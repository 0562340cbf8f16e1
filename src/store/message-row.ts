/**
 * A message of the log as a database row (snake_case columns), read back as a StoredMessage: one
 * mapping for SqliteStore and PostgresStore. Numbers may come back as strings (PostgreSQL's bigint),
 * JSON columns as text (SQLite) or already parsed (PostgreSQL's json).
 */
import type { StoredMessage } from './session-store.js';

/** The message columns as either database returns them. */
export interface MessageRow {
  seq: number | string;
  direction: string;
  msg_id: string;
  client_msg_id: string | null;
  chat: string;
  sender: string;
  kind: string;
  create_time: number | string;
  text: string;
  fields: unknown;
  raw: unknown;
  status: string;
}

/** A JSON column as an object: text is parsed; anything that is not an object (or not JSON) is `{}`. */
function jsonObject(value: unknown): Record<string, unknown> {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return {};
    }
  }
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A row read back as a StoredMessage. */
export function rowToMessage(row: MessageRow): StoredMessage {
  return {
    seq: Number(row.seq),
    direction: row.direction === 'out' ? 'out' : 'in',
    msgId: row.msg_id,
    clientMsgId: row.client_msg_id ?? '',
    chatUserName: row.chat,
    senderUserName: row.sender,
    kind: row.kind,
    createTime: Number(row.create_time),
    text: row.text,
    fields: jsonObject(row.fields),
    raw: jsonObject(row.raw),
    status: row.status === 'pending' || row.status === 'failed' ? row.status : 'sent',
  };
}
