/**
 * PostgresStore's recordIncoming transaction (docs/sessions.md, exactly-once): the processed marks,
 * the log entries with the account's next seqs, and the `deliver` calls, in one transaction on one
 * connection. Store calls made synchronously from `deliver` join it: their statements are queued on
 * the same connection, COMMIT waits for them, and their promises settle when the transaction ends.
 */
import type { PgPool, PgPoolClient, PgQueryable } from './postgres-driver.js';
import { MESSAGE_COLUMNS, messageArrays, messageSelect, pgText } from './postgres-rows.js';
import type { PgTables } from './postgres-schema.js';
import { type NewStoredMessage, StoreError } from './session-store.js';

/** The delivery transaction while `deliver` runs. */
export interface Delivery {
  client: PgPoolClient;
  /** The store calls made synchronously from `deliver`: COMMIT waits for them. */
  joined: Promise<unknown>[];
  /** Settles when the transaction ends: resolves on COMMIT, rejects on ROLLBACK. */
  ended: Promise<void>;
}

/** What the transaction needs of its store. */
export interface DeliveryContext {
  pool: PgPool;
  tables: PgTables;
  account: string;
  location: string;
  /** A failure as the store's StoreError. */
  error(what: string, error: unknown): StoreError;
  /** Marks the delivery in progress (undefined: over) so the store's calls join it. */
  enter(delivery: Delivery | undefined): void;
}

const noop = (): void => {};

/** Runs `fn` on the delivery's connection; the promise settles when the transaction has ended. */
export function joinDelivery<T>(
  d: Delivery,
  fn: (q: PgQueryable) => Promise<T>,
  fail: (e: unknown) => never,
) {
  const inner = fn(d.client).catch(fail);
  d.joined.push(inner);
  return Promise.all([inner, d.ended]).then(([value]) => value);
}

/** Records a batch and delivers its new messages in one transaction; returns the indexes delivered. */
export async function recordInTransaction(
  ctx: DeliveryContext,
  messages: readonly NewStoredMessage[],
  deliver: ((index: number) => void) | undefined,
): Promise<number[]> {
  const candidates: number[] = [];
  const ids = new Set<string>();
  messages.forEach((m, index) => {
    const id = pgText(m.msgId);
    if (!id || ids.has(id)) return;
    ids.add(id);
    candidates.push(index);
  });
  if (candidates.length === 0) return [];
  let client: PgPoolClient;
  try {
    client = await ctx.pool.connect();
  } catch (error) {
    throw ctx.error('recording messages', error);
  }
  let end = { resolve: noop, reject: noop as (e: unknown) => void };
  const ended = new Promise<void>((resolve, reject) => {
    end = { resolve, reject };
  });
  ended.catch(noop);
  let broken: Error | boolean = false;
  try {
    await client.query('BEGIN');
  } catch (error) {
    client.release(true);
    throw ctx.error('recording messages', error);
  }
  try {
    const marked = await client.query(
      `INSERT INTO ${ctx.tables.processed} (account, msg_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING msg_id`,
      [ctx.account, [...ids]],
    );
    const fresh = new Set(marked.rows.map((r: { msg_id: string }) => r.msg_id));
    const delivered = candidates.filter((i) => fresh.has(pgText((messages[i] as NewStoredMessage).msgId)));
    if (delivered.length > 0) {
      // The account's next seqs and the log entries in one statement; the account's row stays locked
      // until the transaction ends, so seqs follow commit order.
      const batch = delivered.map((i) => messages[i] as NewStoredMessage);
      const { accounts, messages: log } = ctx.tables;
      const inserted = await client.query(
        `WITH next AS (UPDATE ${accounts} SET last_seq = last_seq + $14 WHERE account = $1 RETURNING last_seq)
         INSERT INTO ${log} (account, ${MESSAGE_COLUMNS}) ${messageSelect(2, 'next.last_seq - $14 + t.seq', 'next')}`,
        [ctx.account, ...messageArrays(batch, 1), batch.length],
      );
      if (inserted.rowCount !== batch.length)
        throw new StoreError('corrupt', `account row missing (${ctx.location})`, { location: ctx.location });
      if (deliver) await callDeliver(ctx, { client, joined: [], ended }, delivered, deliver);
    }
    const done = await client.query('COMMIT');
    if (done.command === 'ROLLBACK') throw new StoreError('io', 'the transaction was rolled back');
    end.resolve();
    return delivered;
  } catch (error) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e;
    });
    const failure = ctx.error('recording messages', error);
    end.reject(failure);
    throw failure;
  } finally {
    client.release(broken);
  }
}

/** Calls `deliver` for each index with the transaction open, then waits for the calls it joined. */
async function callDeliver(
  ctx: DeliveryContext,
  d: Delivery,
  delivered: readonly number[],
  deliver: (index: number) => void,
): Promise<void> {
  let thrown: { error: unknown } | undefined;
  ctx.enter(d);
  try {
    for (const i of delivered) deliver(i);
  } catch (error) {
    thrown = { error };
  } finally {
    ctx.enter(undefined);
  }
  const settled = await Promise.allSettled(d.joined);
  if (thrown) throw thrown.error;
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}
