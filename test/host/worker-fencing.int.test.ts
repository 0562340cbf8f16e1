/**
 * Fencing beyond sends (docs/scale.md "what is lost when"): a `webwx worker` paused with SIGSTOP past
 * its lease's TTL while another worker takes its accounts over must, once it wakes up (SIGCONT), stop
 * those accounts without a single request to the server (no synccheck, no webwxsync, no send: it would
 * steal the new holder's webwxsync replies) and without handling their commands, and say why. The
 * paused worker talks to the emulator through a TCP tap (tcp-tap.ts), so the test sees every request
 * it makes; the phones write while it sleeps, so its held synccheck answers "new messages" meanwhile
 * and, without the fence, its first act on waking would be a webwxsync.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { until, WorkerCluster } from '../../bench/failover-cluster.js';
import { echoesSent, startEchoBot } from '../../bench/failover-run.js';
import { type Emulator, multiAccountWorld, startEmulator } from '../../src/emulator/index.js';
import { POSTGRES_MISSING, startTestPostgres } from '../postgres-server.js';
import { REDIS_MISSING, startTestRedis } from '../redis-server.js';
import { startTcpTap, type TcpTap } from './tcp-tap.js';

const ACCOUNTS = 3;

const pgServer = await startTestPostgres();
const redisServer = pgServer ? await startTestRedis() : undefined;
const closers: (() => Promise<unknown> | unknown)[] = [];

afterAll(async () => {
  for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
  await redisServer?.stop();
  await pgServer?.stop();
}, 60_000);

const missing = !pgServer ? POSTGRES_MISSING : !redisServer ? REDIS_MISSING : undefined;

describe.skipIf(missing !== undefined)(
  `a worker paused past its lease${missing ? ` (${missing})` : ''}`,
  () => {
    it('stops the accounts another worker took, without syncing, sending or reading their commands, and says why', async () => {
      const e: Emulator = await startEmulator({
        port: 0,
        world: multiAccountWorld({
          accounts: ACCOUNTS,
          friendsEach: 1,
          mutualFriends: false,
          sharedRoom: false,
        }),
        timing: { loginPollHoldMs: 500, syncCheckHoldMs: 1_000, qrExpiryMs: 120_000 },
      });
      closers.push(() => e.close());
      // The workers' pids, so the tap can tell w1's requests from w2's (w2 resumes the sessions w1
      // logged in through the tap, so its requests come through it too).
      const pids: number[] = [];
      const tap: TcpTap = await startTcpTap(Number(new URL(e.baseUrl).port), { pids: () => pids });
      closers.push(() => tap.close());
      const pgUrl = new URL(pgServer!.url);
      const pgTap: TcpTap = await startTcpTap(Number(pgUrl.port), { delayMs: 150 });
      closers.push(() => pgTap.close());
      const slowPg = new URL(pgServer!.url);
      slowPg.port = new URL(pgTap.url).port;
      const prefix = redisServer!.prefix;
      const cluster = new WorkerCluster(
        e,
        { pgUrl: pgServer!.url, schema: 'fencing', redisUrl: redisServer!.url, prefix },
        ['--lease-ttl', '3s'],
      );
      closers.push(() => cluster.close());
      const { ids } = cluster;
      await cluster.register();

      // w1 alone holds every account, through the taps.
      const w1 = await cluster.start('w1', { server: tap.url, pgUrl: slowPg.toString() });
      pids.push(w1.child.pid!);
      await until(
        'every account ready on w1',
        () => ids.every((id) => cluster.readyOn().get(id) === 'w1'),
        90_000,
      );

      // The echo bot: every inbound event answered by a command keyed by its MsgId.
      const bot = await startEchoBot({ redisUrl: redisServer!.url, prefix }, ids);
      closers.push(() => bot.close());
      await sleep(500);

      // Pause w1; the phones write while it sleeps; w2 takes the accounts over once the leases expire.
      w1.child.kill('SIGSTOP');
      closers.push(() => w1.child.kill('SIGCONT'));
      const texts = ids.map((id) => `while-paused-${id}`);
      for (const [i, account] of e.accounts.entries()) {
        const friend = account.world.listedContacts().find((c) => c.id.includes('_f'))!;
        account.phone.sendText({ from: friend.id, text: texts[i]! });
      }
      pids.push((await cluster.start('w2')).child.pid!);
      await until(
        'every account ready on w2',
        () => ids.every((id) => cluster.readyOn().get(id) === 'w2'),
        60_000,
      );

      // Wake w1 up: it must find its leases gone before it does anything for those accounts.
      const wokeAt = performance.now();
      w1.child.kill('SIGCONT');
      const lostOnW1 = () =>
        cluster.lines.filter((l) => l.worker === 'w1' && l.type === 'lost' && l.at >= wokeAt);
      await until('w1 stops every account', () => lostOnW1().length === ACCOUNTS, 20_000);

      const echoes = () => echoesSent(e);
      // A command w1's blocked read took while it slept waits for w2's claim of left-over commands.
      await until('every echo', () => texts.every((t) => echoes().includes(`echo ${t}`)), 45_000);
      await sleep(1_000);

      // Why, in its events and its log.
      for (const line of lostOnW1()) {
        expect(line.reason).toMatch(
          /another worker holds it \(this worker was [\d.]+ s past its renewal deadline\)/,
        );
      }
      expect(w1.stderr()).toContain('lease lost');
      expect(w1.child.exitCode).toBeNull(); // the worker itself goes on
      // Not one request from w1 after it woke, until it took an account again (the fair share).
      const reacquired = cluster.lines.find(
        (l) => l.worker === 'w1' && l.type === 'acquired' && l.at >= wokeAt,
      );
      const fromW1 = tap.requests.filter((r) => r.pid === w1.child.pid);
      expect(fromW1.length).toBeGreaterThan(0); // the tap does tell them apart
      const stale = fromW1.filter(
        (r) => r.at >= wokeAt && (reacquired === undefined || r.at < reacquired.at),
      );
      expect(stale.map((r) => r.line)).toEqual([]);
      // Each message answered once.
      expect(
        echoes()
          .filter((t) => t.includes('while-paused-'))
          .sort(),
      ).toEqual(texts.map((t) => `echo ${t}`).sort());
    }, 240_000);
  },
);
