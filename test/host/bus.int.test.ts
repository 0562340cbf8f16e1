/**
 * The Redis Streams bus on a real Redis (test/redis-server.ts) with a real client on the emulator:
 * inbound events published from the message log (and not again after a restart), consumed once by a
 * consumer group even when published twice or left by a consumer that died; outbound commands sent
 * once through the outbox even when delivered twice or left pending by a worker that died.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUS_POSITION_KEY,
  BusConsumer,
  BusError,
  type BusEvent,
  InboundPublisher,
  OutboundRunner,
  openRedis,
  parseCommand,
  prepareBusPosition,
  publishCommand,
  type RedisConnection,
  streamsOf,
  WORKER_GROUP,
} from '../../src/host/bus/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { login, type Pair, startPair } from '../client/harness.js';
import { REDIS_MISSING, startTestRedis } from '../redis-server.js';
import { until } from '../until.js';

const redisServer = await startTestRedis();
const connections: RedisConnection[] = [];
let pair: Pair | undefined;
let store: MemoryStore;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connect(): Promise<RedisConnection> {
  const c = await openRedis(redisServer?.url ?? '');
  connections.push(c);
  return c;
}

afterAll(async () => {
  for (const c of connections) c.disconnect();
  await pair?.close();
  await redisServer?.stop();
}, 60_000);

if (!redisServer) {
  describe.skip(`the Redis bus: ${REDIS_MISSING}`, () => {
    it('needs Redis', () => {});
  });
} else {
  const prefix = redisServer.prefix;
  const account = 'acct-1';
  const streams = streamsOf(account, prefix);

  beforeAll(async () => {
    store = new MemoryStore();
    pair = await startPair({}, { store });
    await login(pair);
  }, 30_000);

  const friends = () =>
    pair!.emulator.world.listedContacts().filter((c) => c.kind === undefined || c.kind === 'friend');

  describe('inbound events', () => {
    it('publishes every logged message once, in log order, and not again after a restart', async () => {
      const redis = await connect();
      const p = pair!;
      // What the worker does before the account's client starts: publishing begins at the log's end.
      await prepareBusPosition(store);
      const publisher = new InboundPublisher({
        account,
        store,
        client: p.client,
        redis,
        prefix,
        pollMs: 100,
      });
      const off = p.client.on('message', () => publisher.notify());
      const texts = Array.from({ length: 20 }, (_, i) => `in-${i}`);
      for (const [i, text] of texts.entries())
        p.emulator.phone.sendText({ from: friends()[i % 3]!.id, text });
      await until('20 published', () => publisher.published >= 20, 15_000);
      off();
      publisher.close();
      const entries = (await redis.call('XRANGE', streams.inbound, '-', '+')) as [string, string[]][];
      const events = entries.map(([, f]) => JSON.parse(f[f.indexOf('event') + 1] as string));
      expect(events.map((e) => e.text)).toEqual(texts);
      expect(events[0]).toMatchObject({ account, kind: 'text', chat: { type: 'private' } });
      expect(new Set(events.map((e) => e.id)).size).toBe(20);

      const again = new InboundPublisher({ account, store, client: p.client, redis, prefix });
      again.notify();
      await again.idle();
      again.close();
      expect(again.published).toBe(0);
      expect(await redis.call('XLEN', streams.inbound)).toBe(20);
    });

    it('a consumer group handles each MsgId once: copies published twice and entries a dead consumer left', async () => {
      const redis = await connect();
      const p = pair!;
      // A worker that died between XADD and saving its position publishes the tail again.
      const position = Number(await store.getSetting(BUS_POSITION_KEY));
      await store.setSetting(BUS_POSITION_KEY, String(position - 5));
      const replay = new InboundPublisher({ account, store, client: p.client, redis, prefix });
      replay.notify();
      await replay.idle();
      replay.close();
      expect(replay.published).toBe(5);
      expect(await redis.call('XLEN', streams.inbound)).toBe(25);

      // A consumer that reads 10 entries and dies without acknowledging them.
      const group = 'bots';
      await redis.call('XGROUP', 'CREATE', streams.inbound, group, '0');
      await redis.call('XREADGROUP', 'GROUP', group, 'dead', 'COUNT', 10, 'STREAMS', streams.inbound, '>');

      const seen: BusEvent[] = [];
      const consumer = new BusConsumer({
        redis: await connect(),
        group,
        consumer: 'alive',
        accounts: () => [account],
        prefix,
        claimIdleMs: 300,
        blockMs: 100,
      });
      const running = consumer.run(async (event) => {
        seen.push(event);
      });
      await until('20 handled', () => consumer.stats.handled >= 20 && consumer.stats.duplicates >= 5, 15_000);
      await sleep(500);
      consumer.close();
      await running;
      expect(seen.map((e) => e.message.text).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `in-${i}`).sort(),
      );
      expect(seen.filter((e) => e.reclaimed)).toHaveLength(10);
      expect(consumer.stats).toEqual({ handled: 20, duplicates: 5 });
      const pending = (await redis.call('XPENDING', streams.inbound, group)) as [number];
      expect(pending[0]).toBe(0);
    });

    it('a handler that fails leaves its event pending; it is handled when claimed again', async () => {
      const redis = await connect();
      const p = pair!;
      const publisher = new InboundPublisher({ account, store, client: p.client, redis, prefix, pollMs: 50 });
      p.emulator.phone.sendText({ from: friends()[0]!.id, text: 'flaky' });
      const group = 'flaky-bots';
      await redis.call('XGROUP', 'CREATE', streams.inbound, group, '$');
      let failures = 0;
      const handled: string[] = [];
      const consumer = new BusConsumer({
        redis: await connect(),
        group,
        consumer: 'c1',
        accounts: () => [account],
        prefix,
        claimIdleMs: 200,
        blockMs: 100,
      });
      const running = consumer.run(async (event) => {
        if (failures++ === 0) throw new Error('not now');
        handled.push(event.message.text);
      });
      await until('handled after a failure', () => handled.length === 1, 15_000);
      publisher.close();
      consumer.close();
      await running;
      expect(handled).toEqual(['flaky']);
      expect(failures).toBe(2);
    });
  });

  describe('outbound commands', () => {
    it('each command is sent once, even when published twice or left pending by a worker that died', async () => {
      const p = pair!;
      const commands = await connect();
      const friend = friends()[0]!;
      const to = p.client.contacts.list().find((c) => c.nickName === friend.nickName)!.userName;
      const ids = Array.from({ length: 10 }, (_, i) => `cmd-${i}`);
      for (const id of ids)
        await publishCommand(commands, account, { id, type: 'text', to, text: `out ${id}` }, { prefix });
      // The same commands again (a bot that retried its XADD).
      for (const id of ids.slice(0, 4))
        await publishCommand(commands, account, { id, type: 'text', to, text: `out ${id}` }, { prefix });
      // A worker that read six of them and died.
      await commands.call('XGROUP', 'CREATE', streams.outbound, WORKER_GROUP, '0', 'MKSTREAM');
      await commands.call(
        'XREADGROUP',
        'GROUP',
        WORKER_GROUP,
        'dead-worker',
        'COUNT',
        6,
        'STREAMS',
        streams.outbound,
        '>',
      );

      let fenced = true;
      const runner = new OutboundRunner({
        redis: await connect(),
        commands,
        workerId: 'w-alive',
        targets: () => [{ account, client: p.client, fence: async () => fenced }],
        prefix,
        blockMs: 100,
      });
      const running = runner.run();
      await until('14 settled', () => runner.settled >= 14, 15_000);
      const outTexts = () =>
        p.emulator.phone
          .sent()
          .filter((s) => s.content.startsWith('out cmd-'))
          .map((s) => s.content);
      expect(outTexts().sort()).toEqual(ids.map((id) => `out ${id}`).sort());
      const pending = (await commands.call('XPENDING', streams.outbound, WORKER_GROUP)) as [number];
      expect(pending[0]).toBe(0);
      const results = (await commands.call('XRANGE', streams.results, '-', '+')) as [string, string[]][];
      const parsed = results.map(([, f]) => JSON.parse(f[1] as string));
      expect(parsed).toHaveLength(14);
      expect(parsed.every((r) => r.ok && /^\d+$/.test(r.msgId))).toBe(true);

      // A worker that lost its lease sends nothing and leaves the command for the next holder.
      fenced = false;
      await publishCommand(
        commands,
        account,
        { id: 'cmd-fenced', type: 'text', to, text: 'out cmd-fenced' },
        { prefix },
      );
      await sleep(600);
      expect(outTexts()).not.toContain('out cmd-fenced');
      runner.close();
      await running;
      const left = (await commands.call('XPENDING', streams.outbound, WORKER_GROUP)) as [number];
      expect(left[0]).toBe(1);

      // An unknown recipient is a failed result, acknowledged (not retried forever).
      fenced = true;
      const next = new OutboundRunner({
        redis: await connect(),
        commands,
        workerId: 'w-next',
        targets: () => [{ account, client: p.client, fence: async () => true }],
        prefix,
        blockMs: 100,
      });
      const again = next.run();
      await publishCommand(
        commands,
        account,
        { id: 'cmd-nobody', type: 'text', to: 'nobody at all', text: 'x' },
        { prefix },
      );
      await until('claimed and failed', () => next.settled >= 2, 15_000);
      next.close();
      await again;
      expect(outTexts().filter((t) => t === 'out cmd-fenced')).toHaveLength(1);
      const all = (await commands.call('XRANGE', streams.results, '-', '+')) as [string, string[]][];
      const byId = new Map(all.map(([, f]) => JSON.parse(f[1] as string)).map((r) => [r.id, r]));
      expect(byId.get('cmd-nobody')).toMatchObject({
        ok: false,
        error: expect.stringContaining('nobody at all'),
      });
      expect(byId.get('cmd-fenced')).toMatchObject({ ok: true });
    });

    it('commands a worker read as it lost the account are claimed by the holder after claimIdleMs', async () => {
      const p = pair!;
      const commands = await connect();
      const to = p.client.contacts.list().find((c) => c.nickName === friends()[1]!.nickName)!.userName;
      const runner = async (workerId: string, holds: boolean) =>
        new OutboundRunner({
          redis: await connect(),
          commands,
          workerId,
          targets: () => [{ account, client: p.client, fence: async () => holds }],
          prefix,
          blockMs: 50,
          claimIdleMs: 400,
        });
      // Both read the stream at once: the one that lost the lease leaves what it read pending.
      const stale = await runner('w-stale', false);
      const holder = await runner('w-holder', true);
      const runs = [stale.run(), holder.run()];
      const ids = Array.from({ length: 12 }, (_, i) => `race-${i}`);
      for (const id of ids) {
        await publishCommand(commands, account, { id, type: 'text', to, text: `out ${id}` }, { prefix });
        await sleep(20);
      }
      const raced = () =>
        p.emulator.phone
          .sent()
          .filter((s) => s.content.startsWith('out race-'))
          .map((s) => s.content);
      await until('all twelve sent', () => raced().length >= 12, 15_000);
      await sleep(1_000);
      stale.close();
      holder.close();
      await Promise.all(runs);
      expect(raced().sort()).toEqual(ids.map((id) => `out ${id}`).sort());
      const pending = (await commands.call('XPENDING', streams.outbound, WORKER_GROUP)) as [number];
      expect(pending[0]).toBe(0);
    });

    it('commands that do not validate are BusErrors naming the field', () => {
      expect(() => parseCommand({ id: 'x', type: 'text', to: 'y' })).toThrow(/"text"/);
      expect(() => parseCommand({ id: 'x', type: 'fax', to: 'y' })).toThrow(BusError);
      expect(() =>
        parseCommand({ id: 'x', type: 'file', to: 'y', data: 'AA==', fileName: '../etc' }),
      ).toThrow(/bare file name/);
      expect(() => parseCommand({ id: '', type: 'text', to: 'y', text: 'z' })).toThrow(/"id"/);
    });
  });

  describe('connections', () => {
    it('ioredis missing, or Redis unreachable: BusError unavailable, without the password', async () => {
      const missing = Object.assign(new Error('nope'), { code: 'ERR_MODULE_NOT_FOUND' });
      await expect(
        openRedis('redis://127.0.0.1:1', {
          importer: async () => {
            throw missing;
          },
        }),
      ).rejects.toThrow(/npm install ioredis/);
      const error = await openRedis('redis://:s3cret-pw@127.0.0.1:1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BusError);
      expect((error as BusError).problem).toBe('unavailable');
      expect((error as Error).message).not.toContain('s3cret-pw');
    });
  });
}
