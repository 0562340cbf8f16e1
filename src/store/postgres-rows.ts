/**
 * Messages and records as PostgresStore's rows, and back: the column lists, the arrays a batch insert
 * passes through unnest(), and the values PostgreSQL cannot hold as given (NUL in text).
 */
import type { MessageRow } from './message-row.js';
import type { NewStoredMessage } from './session-store.js';

export { rowToMessage } from './message-row.js';

/** The message columns, in the order of the insert arrays below. */
export const MESSAGE_COLUMNS =
  'seq, direction, msg_id, client_msg_id, chat, sender, kind, create_time, text, fields, raw, status';

/** A message row as PostgreSQL returns it (bigints as strings, json parsed). */
export type PgMessageRow = MessageRow;

/**
 * Text as a PostgreSQL text column holds it: NUL, which it cannot store, becomes U+FFFD (the raw
 * JSON keeps the original, escaped).
 */
export function pgText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** JSON text for a column (JSON.stringify escapes NUL and lone surrogates, so any value fits). */
export function pgJson(value: unknown): string {
  return JSON.stringify(value ?? {});
}

/** The eleven values of a message after its seq, in MESSAGE_COLUMNS order. */
export function messageValues(m: NewStoredMessage): unknown[] {
  return [
    m.direction,
    pgText(m.msgId),
    m.clientMsgId ? pgText(m.clientMsgId) : null,
    pgText(m.chatUserName),
    pgText(m.senderUserName),
    pgText(m.kind),
    Math.trunc(m.createTime) || 0,
    pgText(m.text),
    pgJson(m.fields),
    pgJson(m.raw),
    m.status,
  ];
}

/** Column arrays (seq first) for `INSERT … SELECT … FROM unnest(…)` of several messages. */
export function messageArrays(messages: readonly NewStoredMessage[], firstSeq: number): unknown[][] {
  const arrays: unknown[][] = Array.from({ length: 12 }, () => []);
  messages.forEach((m, i) => {
    arrays[0]!.push(firstSeq + i);
    const values = messageValues(m);
    for (let c = 0; c < values.length; c++) arrays[c + 1]!.push(values[c]);
  });
  return arrays;
}

/**
 * `SELECT $1, … FROM <from>, unnest(…)`: the rows of {@link messageArrays} passed from parameter
 * `$first` on, for the account in `$1`, in MESSAGE_COLUMNS order, the seq being `seq` (the array's
 * value, `t.seq`) made into an SQL expression.
 */
export function messageSelect(first: number, seq: string, from: string): string {
  const types = [
    'int8',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'int8',
    'text',
    'text',
    'text',
    'text',
  ];
  const arrays = types.map((type, i) => `$${first + i}::${type}[]`).join(', ');
  const rest = MESSAGE_COLUMNS.replace('seq, ', '')
    .split(', ')
    .map((c) => `t.${c}${c === 'fields' || c === 'raw' ? '::json' : ''}`);
  return `SELECT $1, ${seq}, ${rest.join(', ')} FROM ${from}, unnest(${arrays}) AS t(${MESSAGE_COLUMNS})`;
}

/**
 * Replaces the account's rows of a keyed table in one statement ($1 account, $2 keys, $3 JSON texts):
 * rows whose key is not in the new set go, the others are written (with their position when the
 * table keeps an order).
 */
export function replaceAllSql(table: string, keyColumn: string, ordered: boolean): string {
  const position = ordered ? 'position, ' : '';
  return `WITH gone AS (DELETE FROM ${table} WHERE account = $1 AND NOT (${keyColumn} = ANY($2::text[])))
INSERT INTO ${table} (account, ${keyColumn}, ${position}data)
SELECT $1, k, ${ordered ? 'n, ' : ''}d::json FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(k, d, n)
ON CONFLICT (account, ${keyColumn}) DO UPDATE SET ${ordered ? 'position = excluded.position, ' : ''}data = excluded.data`;
}

/** Records keyed by a name, the last of each name kept, in first-seen order. */
export function lastByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(key(item), item);
  return [...byKey.values()];
}
