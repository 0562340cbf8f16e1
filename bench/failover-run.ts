/**
 * One failover run (the failover scenario, bench/scenario-failover.ts, and the failover test,
 * test/host/failover.int.test.ts): a fresh multi-account emulator world, its accounts registered and
 * shared out by `webwx worker` processes (failover-cluster.ts) on the given PostgreSQL schema and
 * Redis prefix; an echo bot in this process answers every inbound event with an outbound command
 * keyed by its MsgId while the phones send rounds of one text to every account; after half of the
 * rounds one worker is killed with SIGKILL. What it measures (failover-rows.ts): SIGKILL → each of
 * the killed worker's accounts ready on another worker, the texts never echoed and those echoed twice.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Emulator, multiAccountWorld, startEmulator } from '../src/emulator/index.js';
import { BusConsumer, openRedis, publishCommand } from '../src/host/bus/index.js';
import { type ClusterServers, until, WorkerCluster } from './failover-cluster.js';
import type { FailoverRun } from './failover-rows.js';

/** The shape of a run. */
export interface FailoverRunOptions {
  accounts: number;
  workers: number;
  /** Rounds of one text to every account; a worker is killed after half of them. */
  rounds: number;
  /** Pause between two rounds, ms. */
  roundGapMs: number;
  /** `--lease-ttl` of the workers, ms (undefined: the CLI's default, 5 s). */
  leaseTtlMs?: number;
}

/** A run's figures, and what a test checks beyond them. */
export interface FailoverRunReport {
  run: FailoverRun;
  /** The killed worker's name. */
  victim: string;
  /** Where each account was ready at the end, by the workers' lines. */
  readyOn: Map<string, string | undefined>;
  /** QR codes (or push logins) the emulator handed out after the kill: 0 when every takeover resumed. */
  qrAfterKill: number;
  /** Accounts that were shown at least one QR code over the run. */
  accountsWithQr: number;
  /** The texts never echoed (at most 10), for a failure to explain itself. */
  lostTexts: string[];
}

/** An echo bot on the bus: every inbound event answered by a command keyed by its MsgId. */
export interface EchoBot {
  close(): Promise<void>;
}

/** Starts an {@link EchoBot} for `accounts` (consumer group `echo-bot`), `echo <text>` for each text. */
export async function startEchoBot(
  servers: Pick<ClusterServers, 'redisUrl' | 'prefix'>,
  accounts: readonly string[],
): Promise<EchoBot> {
  const redis = await openRedis(servers.redisUrl);
  const consumerRedis = await openRedis(servers.redisUrl);
  const consumer = new BusConsumer({
    redis: consumerRedis,
    group: 'echo-bot',
    consumer: 'echo-1',
    accounts: () => accounts,
    prefix: servers.prefix,
    blockMs: 200,
  });
  const consuming = consumer.run(async (event) => {
    await publishCommand(
      redis,
      event.account,
      {
        id: `${event.message.id}#0`,
        type: 'text',
        to: event.message.chat.userName,
        text: `echo ${event.message.text}`,
        causedBy: event.message.id,
      },
      { prefix: servers.prefix },
    );
  });
  return {
    async close() {
      consumer.close();
      await consuming.catch(() => {});
      redis.disconnect();
      consumerRedis.disconnect();
    },
  };
}

/** Every `echo …` text the clients sent, as the emulator's phones recorded them. */
export function echoesSent(emulator: Emulator): string[] {
  return emulator.accounts.flatMap((a) =>
    a.phone
      .sent()
      .filter((s) => s.content.startsWith('echo '))
      .map((s) => s.content),
  );
}

/** Runs one failover on `servers` (see the file's header); rejects when the cluster never settles. */
export async function runOneFailover(
  o: FailoverRunOptions,
  servers: ClusterServers,
): Promise<FailoverRunReport> {
  let emulator: Emulator | undefined;
  let cluster: WorkerCluster | undefined;
  let bot: EchoBot | undefined;
  try {
    emulator = await startEmulator({
      port: 0,
      world: multiAccountWorld({
        accounts: o.accounts,
        friendsEach: 2,
        mutualFriends: false,
        sharedRoom: false,
      }),
      timing: { loginPollHoldMs: 500, syncCheckHoldMs: 1_000, qrExpiryMs: 120_000 },
    });
    const e = emulator;
    const ttl = o.leaseTtlMs;
    const c = new WorkerCluster(e, servers, ttl === undefined ? [] : ['--lease-ttl', `${ttl}ms`]);
    cluster = c;
    await c.register();
    const names = Array.from({ length: o.workers }, (_, i) => `w${i + 1}`);
    await Promise.all(names.map((n) => c.start(n)));
    await until(`${o.accounts} accounts ready, shared out evenly`, () => c.balanced(), 180_000);

    bot = await startEchoBot(servers, c.ids);

    const victim = names[1] ?? names[0]!;
    const where = c.readyOn();
    const victimAccounts = c.ids.filter((id) => where.get(id) === victim);
    const expected: string[] = [];
    let killedAt = 0;
    let killedAtMs = 0;
    for (let round = 0; round < o.rounds; round++) {
      for (const [i, id] of c.ids.entries()) {
        const account = e.accounts[i]!;
        const friend = account.world.listedContacts().find((x) => x.id.includes('_f'))!;
        const text = `m-${id}-${round}`;
        account.phone.sendText({ from: friend.id, text });
        expected.push(`echo ${text}`);
      }
      if (round === Math.floor(o.rounds / 2)) {
        const w = c.workers.get(victim)!;
        w.child.kill('SIGKILL');
        killedAt = performance.now();
        killedAtMs = Date.now();
        await w.exited;
      }
      await sleep(o.roundGapMs);
    }
    await until('every account of the killed worker ready elsewhere', () => c.allReady(victim), 90_000);
    const backAt = victimAccounts.map((id) => c.readyAt(id) ?? Number.NaN);

    const echoes = () => echoesSent(e);
    await until('every echo', () => new Set(echoes()).size >= expected.length, 90_000).catch(() => {});
    await sleep(2_000); // a late duplicate would show up now
    const counts = new Map<string, number>();
    for (const text of echoes()) counts.set(text, (counts.get(text) ?? 0) + 1);
    const lost = expected.filter((t) => !counts.has(t));
    const qrCodes = e.phone.qrCodes();
    return {
      run: {
        victimAccounts: victimAccounts.length,
        failoverMs: Math.max(...backAt) - killedAt,
        firstBackMs: Math.min(...backAt) - killedAt,
        sent: expected.length,
        lost: lost.length,
        twice: [...counts.values()].filter((n) => n > 1).length,
      },
      victim,
      readyOn: c.readyOn(),
      qrAfterKill: qrCodes.filter((q) => q.createdAt >= killedAtMs).length,
      accountsWithQr: new Set(qrCodes.map((q) => q.account)).size,
      lostTexts: lost.slice(0, 10),
    };
  } finally {
    await bot?.close();
    await cluster?.close();
    await emulator?.close();
  }
}
