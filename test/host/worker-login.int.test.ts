/**
 * A worker whose login of an account keeps failing (real PostgreSQL and Redis): it retries with a
 * doubling pause, each failure an event, then gives the lease back after `maxFailures` so another
 * worker may try, and leaves the account alone for the cool-down.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { openRedis, type RedisConnection } from '../../src/host/bus/index.js';
import { Worker, type WorkerEvent } from '../../src/host/worker.js';
import { openAccountStore, writeWorkerSpec } from '../../src/host/worker-account.js';
import { type PgPool, PostgresLeaseStore } from '../../src/store/index.js';
import { loadPg } from '../../src/store/postgres-driver.js';
import { POSTGRES_MISSING, startTestPostgres } from '../postgres-server.js';
import { REDIS_MISSING, startTestRedis } from '../redis-server.js';
import { until } from '../until.js';

const pgServer = await startTestPostgres();
const redisServer = pgServer ? await startTestRedis() : undefined;
const connections: RedisConnection[] = [];
const pools: PgPool[] = [];
const workers: Worker[] = [];

afterAll(async () => {
  for (const w of workers) await w.stop().catch(() => {});
  for (const c of connections) c.disconnect();
  for (const p of pools) await p.end().catch(() => {});
  await redisServer?.stop();
  await pgServer?.stop();
}, 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const missing = !pgServer ? POSTGRES_MISSING : !redisServer ? REDIS_MISSING : undefined;

describe.skipIf(missing !== undefined)(`a worker's failed logins${missing ? ` (${missing})` : ''}`, () => {
  it('are retried with back-off, then the lease is given back and the account left alone', async () => {
    const pg = await loadPg();
    const pool = new pg.Pool({ connectionString: pgServer!.url, max: 5 });
    pool.on('error', () => {});
    pools.push(pool);
    const leases = await PostgresLeaseStore.open({ pool });
    const store = await openAccountStore({ pool }, 'doomed');
    await writeWorkerSpec(store, { server: 'http://127.0.0.1:1', pacing: false });
    await store.close();
    await leases.register('doomed');

    let starts = 0;
    const events: WorkerEvent[] = [];
    const redis = await openRedis(redisServer!.url);
    const redisBlocking = await openRedis(redisServer!.url);
    connections.push(redis, redisBlocking);
    const worker = new Worker({
      workerId: 'w-login',
      db: { pool },
      leases,
      redis,
      redisBlocking,
      prefix: redisServer!.prefix,
      leaseTtlMs: 1_000,
      loginRetry: { firstMs: 50, maxMs: 80, maxFailures: 3, cooldownMs: 60_000 },
      onEvent: (e) => events.push(e),
      createClient: (options) => {
        const client = createClient(options);
        Object.defineProperty(client, 'start', {
          value: () => {
            starts++;
            return Promise.reject(new Error('the login was refused'));
          },
        });
        return client;
      },
    });
    workers.push(worker);
    await worker.start();

    await until('the lease given back', () => events.some((e) => e.type === 'released'));
    const failed = events.filter((e) => e.type === 'login-failed');
    expect(failed.map((e) => [e.failures, 'retryInMs' in e ? e.retryInMs : 'gave up'])).toEqual([
      [1, 50],
      [2, 80],
      [3, 'gave up'],
    ]);
    expect(failed.every((e) => e.error?.includes('the login was refused'))).toBe(true);
    expect(starts).toBe(3);
    expect(events.find((e) => e.type === 'released')).toMatchObject({
      account: 'doomed',
      reason: 'login failed 3 times',
    });
    expect(worker.held()).toEqual([]);
    expect((await leases.list()).find((s) => s.accountId === 'doomed')?.workerId).toBeUndefined();

    // The cool-down: several ticks later this worker has not taken it again; another worker may.
    await sleep(1_500);
    expect(worker.held()).toEqual([]);
    expect(starts).toBe(3);
    expect(await leases.acquire('doomed', 'w-other', 1_000)).toBeTruthy();
  }, 60_000);
});
