/**
 * `webwx worker` (docs/scale.md): run the accounts of a PostgreSQL database on several processes,
 * each account on the one worker holding its lease, with inbound events and outbound commands on
 * Redis Streams. `webwx worker add ID…` registers accounts, `webwx worker list` shows who holds what,
 * `webwx worker remove ID…` forgets some. The database comes from `--pg` or WEBWX_PG_URL, Redis from
 * `--redis` or WEBWX_REDIS_URL, the key the sessions are sealed with from WEBWX_STORE_KEY
 * (WEBWX_SECRET_KEY, a passphrase, when that is unset). A running
 * worker prints one JSON line per event on stdout (acquired, state, qr, released, lost).
 */
import { hostname } from 'node:os';
import { openRedis } from '../host/bus/redis-connection.js';
import { Worker, type WorkerEvent } from '../host/worker.js';
import {
  openAccountStore,
  type WorkerAccountSpec,
  type WorkerDatabase,
  writeWorkerSpec,
} from '../host/worker-account.js';
import type { Logger } from '../logger.js';
import { type PgPool, PostgresLeaseStore } from '../store/index.js';
import { loadPg } from '../store/postgres-driver.js';
import { CliError, type CliIo } from './cli-io.js';
import { connectWithBackoff } from './connect-backoff.js';
import { storeKeyFrom } from './store-key.js';

/** The flags of `webwx worker`. */
export interface WorkerCommandOptions {
  pg?: string;
  redis?: string;
  id?: string;
  server?: string;
  pacing?: boolean;
  leaseTtl?: number;
  schema?: string;
  prefix?: string;
  dailySendLimit?: number;
}

function required(value: string | undefined, flag: string, env: string): string {
  if (value === undefined || value === '') throw new CliError(`${flag} (or ${env}) is required`);
  return value;
}

async function openPool(url: string): Promise<PgPool> {
  const pg = await loadPg();
  const pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 30_000 });
  pool.on('error', () => {}); // an idle connection the server dropped: the next query reconnects
  return pool;
}

function databaseOf(pool: PgPool, opts: WorkerCommandOptions, io: CliIo): WorkerDatabase {
  // WEBWX_STORE_KEY (base64, 32 bytes); WEBWX_SECRET_KEY, a passphrase, is still read when it is unset.
  const secretKey = storeKeyFrom(io.env) ?? (io.env.WEBWX_SECRET_KEY || undefined);
  return {
    pool,
    ...(opts.schema !== undefined ? { schema: opts.schema } : {}),
    ...(secretKey ? { secretKey } : {}),
  };
}

/** `webwx worker add ID…`: each account's spec in its store settings, and its lease row. */
async function addAccounts(ids: readonly string[], opts: WorkerCommandOptions, io: CliIo): Promise<number> {
  for (const id of ids) {
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id))
      throw new CliError(
        `account id "${id.slice(0, 70)}": 1-64 characters of a-z, 0-9, "-" and "_", starting with a letter or digit`,
      );
  }
  const pool = await openPool(required(opts.pg, '--pg', 'WEBWX_PG_URL'));
  try {
    const db = databaseOf(pool, opts, io);
    const leases = await PostgresLeaseStore.open({ pool, ...(opts.schema ? { schema: opts.schema } : {}) });
    const spec: WorkerAccountSpec = {
      ...(opts.server !== undefined ? { server: opts.server } : {}),
      ...(opts.dailySendLimit !== undefined ? { dailySendLimit: opts.dailySendLimit } : {}),
      ...(opts.pacing === false ? { pacing: false } : {}),
    };
    for (const id of ids) {
      const store = await openAccountStore(db, id);
      try {
        await writeWorkerSpec(store, spec);
      } finally {
        await store.close();
      }
      await leases.register(id);
      io.stdout.write(`${JSON.stringify({ added: id, ...spec })}\n`);
    }
    return 0;
  } finally {
    await pool.end();
  }
}

async function listOrRemove(
  action: 'list' | 'remove',
  ids: readonly string[],
  opts: WorkerCommandOptions,
  io: CliIo,
) {
  const pool = await openPool(required(opts.pg, '--pg', 'WEBWX_PG_URL'));
  try {
    const leases = await PostgresLeaseStore.open({ pool, ...(opts.schema ? { schema: opts.schema } : {}) });
    if (action === 'remove') {
      if (ids.length === 0) throw new CliError('webwx worker remove ID…');
      for (const id of ids) {
        if (!(await leases.unregister(id))) throw new CliError(`no account "${id.slice(0, 64)}"`);
        io.stdout.write(`${JSON.stringify({ removed: id })}\n`);
      }
      return 0;
    }
    const workers = await leases.workers();
    for (const s of await leases.list()) io.stdout.write(`${JSON.stringify(s)}\n`);
    io.stderr.write(
      `${workers.length} live worker(s): ${workers.map((w) => w.workerId).join(', ') || '-'}\n`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}

/** Runs a worker until the signal; exit 130. */
export async function runWorker(
  opts: WorkerCommandOptions,
  io: CliIo,
  logger: Logger,
  signal: AbortSignal,
): Promise<number> {
  const pgUrl = required(opts.pg, '--pg', 'WEBWX_PG_URL');
  const redisUrl = required(opts.redis, '--redis', 'WEBWX_REDIS_URL');
  const workerId = opts.id ?? `${hostname()}-${process.pid}`;
  const pool = await openPool(pgUrl);
  const onError = (error: Error) => logger.warn({ error: error.message }, 'redis connection error');
  const closers: (() => unknown)[] = [() => pool.end()];
  try {
    // The servers may be starting too, or slow to answer: retry with back-off rather than exit.
    const retry = { logger, signal };
    const leases = await connectWithBackoff(
      'PostgreSQL',
      () => PostgresLeaseStore.open({ pool, ...(opts.schema ? { schema: opts.schema } : {}) }),
      retry,
    );
    closers.unshift(() => leases.close());
    const redis = await connectWithBackoff(
      'Redis',
      () => openRedis(redisUrl, { onError, name: `webwx-${workerId}` }),
      retry,
    );
    closers.unshift(() => redis.disconnect());
    const redisBlocking = await connectWithBackoff(
      'Redis',
      () => openRedis(redisUrl, { onError, name: `webwx-${workerId}-out` }),
      retry,
    );
    closers.unshift(() => redisBlocking.disconnect());
    const print = (line: Record<string, unknown>) => io.stdout.write(`${JSON.stringify(line)}\n`);
    const worker = new Worker({
      workerId,
      db: databaseOf(pool, opts, io),
      leases,
      redis,
      redisBlocking,
      ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}),
      client: {
        ...(opts.server !== undefined ? { server: opts.server } : {}),
        ...(opts.pacing === false ? { pacing: false } : {}),
      },
      ...(opts.leaseTtl !== undefined ? { leaseTtlMs: opts.leaseTtl } : {}),
      logger,
      onEvent: (event: WorkerEvent) => print({ worker: workerId, ...event }),
    });
    await connectWithBackoff('PostgreSQL', () => worker.start(), retry);
    print({ worker: workerId, type: 'started' });
    if (!signal.aborted)
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    await worker.stop();
    print({ worker: workerId, type: 'stopped' });
    return 130;
  } finally {
    for (const close of closers) await Promise.resolve(close()).catch(() => {});
  }
}

/** What `webwx worker` was asked to do: add, list or remove accounts, or run (undefined). */
export type WorkerAction = 'add' | 'list' | 'remove' | undefined;

/** `webwx worker [add|list|remove] [ID…]` once service-commands.ts has checked the action; the exit code. */
export async function runWorkerCommand(
  action: WorkerAction,
  ids: readonly string[],
  flags: WorkerCommandOptions,
  io: CliIo,
  logger: () => Promise<Logger>,
  signal: AbortSignal,
): Promise<number> {
  const opts: WorkerCommandOptions = {
    ...flags,
    pg: flags.pg ?? io.env.WEBWX_PG_URL,
    redis: flags.redis ?? io.env.WEBWX_REDIS_URL,
  };
  if (action === 'add') return addAccounts(ids, opts, io);
  if (action === 'list' || action === 'remove') return listOrRemove(action, ids, opts, io);
  return runWorker(opts, io, await logger(), signal);
}
