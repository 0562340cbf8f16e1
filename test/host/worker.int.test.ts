/**
 * Workers in one process on a real PostgreSQL and Redis, with an emulator per account: the accounts
 * are shared out between the workers, inbound messages reach the Redis stream, outbound commands reach
 * the phone once, and a worker that stops hands its accounts to the other, which resumes their
 * sessions without a QR code; a worker that joins under traffic gets its share, and nothing is lost or
 * echoed twice. (The failover between processes killed with SIGKILL is
 * failover.int.test.ts.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { BusConsumer, openRedis, publishCommand, type RedisConnection } from '../../src/host/bus/index.js';
import { Worker, type WorkerEvent } from '../../src/host/worker.js';
import { openAccountStore, writeWorkerSpec } from '../../src/host/worker-account.js';
import { type PgPool, PostgresLeaseStore } from '../../src/store/index.js';
import { loadPg } from '../../src/store/postgres-driver.js';
import { FAST_TIMING } from '../client/harness.js';
import { POSTGRES_MISSING, startTestPostgres } from '../postgres-server.js';
import { REDIS_MISSING, startTestRedis } from '../redis-server.js';
import { until } from '../until.js';

const pgServer = await startTestPostgres();
const redisServer = pgServer ? await startTestRedis() : undefined;
const emulators: Emulator[] = [];
const connections: RedisConnection[] = [];
const pools: PgPool[] = [];
const workers: Worker[] = [];

afterAll(async () => {
  for (const w of workers) await w.stop().catch(() => {});
  for (const c of connections) c.disconnect();
  for (const p of pools) await p.end().catch(() => {});
  for (const e of emulators) await e.close();
  await redisServer?.stop();
  await pgServer?.stop();
}, 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const missing = !pgServer ? POSTGRES_MISSING : !redisServer ? REDIS_MISSING : undefined;

describe.skipIf(missing !== undefined)(`workers${missing ? ` (${missing})` : ''}`, () => {
  it('share the accounts, carry messages both ways, and hand accounts over when one stops', async () => {
    const pg = await loadPg();
    const pool = new pg.Pool({ connectionString: pgServer!.url, max: 10 });
    pool.on('error', () => {});
    pools.push(pool);
    const prefix = redisServer!.prefix;
    const leases = await PostgresLeaseStore.open({ pool });
    const accounts = ['acct-a', 'acct-b', 'acct-c', 'acct-d'];
    const byAccount = new Map<string, Emulator>();
    for (const id of accounts) {
      const e = await startEmulator({ port: 0, timing: FAST_TIMING });
      e.phone.on('qr', (qr) => {
        if (!qr.push) e.phone.scan(qr.uuid);
        e.phone.confirm(qr.uuid);
      });
      emulators.push(e);
      byAccount.set(id, e);
      const store = await openAccountStore({ pool }, id);
      await writeWorkerSpec(store, { server: e.baseUrl, pacing: false });
      await store.close();
      await leases.register(id);
    }

    const events: WorkerEvent[] = [];
    const makeWorker = async (workerId: string) => {
      const w = new Worker({
        workerId,
        db: { pool },
        leases,
        redis: await openRedis(redisServer!.url),
        redisBlocking: await openRedis(redisServer!.url),
        prefix,
        client: { timeouts: { requestMs: 20_000, syncCheckMs: 10_000, loginPollMs: 10_000 } },
        leaseTtlMs: 2_000,
        onEvent: (e) => events.push(e),
      });
      workers.push(w);
      return w;
    };
    const w1 = await makeWorker('w1');
    const w2 = await makeWorker('w2');
    await Promise.all([w1.start(), w2.start()]);
    const ready = () =>
      new Set(events.filter((e) => e.type === 'state' && e.state === 'ready').map((e) => e.account));
    await until(
      'all four ready, two on each worker',
      () => ready().size === 4 && w1.held().length === 2 && w2.held().length === 2,
    );
    const qrs = emulators.map((e) => e.phone.qrCodes().length);
    expect(qrs).toEqual([1, 1, 1, 1]);

    // Inbound: a phone message to every account reaches the bus; the bot echoes through commands.
    const bot = await openRedis(redisServer!.url);
    const consumer = new BusConsumer({
      redis: await openRedis(redisServer!.url),
      group: 'bots',
      consumer: 'b1',
      prefix,
      blockMs: 100,
    });
    connections.push(bot);
    const handled: string[] = [];
    const consuming = consumer.run(async (event) => {
      handled.push(`${event.account}:${event.message.text}`);
      await publishCommand(
        bot,
        event.account,
        {
          id: `${event.message.id}#0`,
          type: 'text',
          to: event.message.chat.userName,
          text: `echo ${event.message.text}`,
        },
        { prefix },
      );
    });
    for (const [id, e] of byAccount)
      e.phone.sendText({ from: e.world.listedContacts()[0]!.id, text: `hello ${id}` });
    const echoes = () =>
      emulators.flatMap((e) =>
        e.phone
          .sent()
          .filter((s) => s.content.startsWith('echo '))
          .map((s) => s.content),
      );
    await until('four echoes', () => echoes().length === 4);

    // w1 stops: its accounts go to w2, which resumes them (no new QR code) and echoes again.
    const fromW1 = w1.held();
    await w1.stop();
    await until('w2 holds all four', () => w2.held().length === 4);
    const lastState = (a: string) => {
      const last = events.filter((e) => e.account === a && e.type === 'state').at(-1);
      return last?.type === 'state' ? last.state : undefined;
    };
    await until('all ready again', () => accounts.every((a) => lastState(a) === 'ready'));
    for (const id of fromW1) {
      const e = byAccount.get(id)!;
      e.phone.sendText({ from: e.world.listedContacts()[0]!.id, text: `again ${id}` });
    }
    await until('two more echoes', () => echoes().length === 6);
    expect(
      events
        .filter((e) => e.type === 'released')
        .map((e) => e.account)
        .sort(),
    ).toEqual([...fromW1].sort());

    // w3 joins while the phones keep writing: w2 gives two accounts back (its fair share is now two),
    // w3 resumes them; every message is echoed once.
    const w3 = await makeWorker('w3');
    await w3.start();
    const traffic: string[] = [];
    for (let round = 0; round < 12; round++) {
      for (const [id, e] of byAccount) {
        const text = `busy ${id} ${round}`;
        e.phone.sendText({ from: e.world.listedContacts()[0]!.id, text });
        traffic.push(`echo ${text}`);
      }
      await sleep(250);
    }
    await until('w3 holds two', () => w3.held().length === 2 && w2.held().length === 2);
    await until('every busy message echoed', () => new Set(echoes()).size === 6 + traffic.length);
    await sleep(1_000);
    consumer.close();
    await consuming;
    expect(emulators.map((e) => e.phone.qrCodes().length)).toEqual([1, 1, 1, 1]);
    expect(echoes().sort()).toEqual(
      [...accounts.map((a) => `echo hello ${a}`), ...fromW1.map((a) => `echo again ${a}`), ...traffic].sort(),
    );
  }, 120_000);
});
