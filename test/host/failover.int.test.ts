/**
 * Failover between worker processes (docs/scale.md): three `webwx worker` processes (real child
 * processes, from source) share thirty accounts of one multi-account emulator world, on a real
 * PostgreSQL (leases, stores) and a real Redis (inbound events, outbound commands). A consumer in the
 * test process echoes every inbound message through an outbound command keyed by its MsgId, while the
 * phones send a stream of messages to every account. One worker is killed with SIGKILL mid-stream:
 * every account it held must come back on another worker (the time is printed, never asserted: it is
 * `npm run bench -- --only failover`'s figure), no message may be lost and no reply sent twice
 * (counted on the emulator's phones). The run itself is bench/failover-run.ts, which the bench shares.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runOneFailover } from '../../bench/failover-run.js';
import { PostgresLeaseStore } from '../../src/store/index.js';
import { POSTGRES_MISSING, startTestPostgres } from '../postgres-server.js';
import { REDIS_MISSING, startTestRedis } from '../redis-server.js';

const ACCOUNTS = 30;
const WORKERS = 3;

const pgServer = await startTestPostgres();
const redisServer = pgServer ? await startTestRedis() : undefined;

afterAll(async () => {
  await redisServer?.stop();
  await pgServer?.stop();
}, 60_000);

const missing = !pgServer ? POSTGRES_MISSING : !redisServer ? REDIS_MISSING : undefined;

describe.skipIf(missing !== undefined)(
  `failover between worker processes${missing ? ` (${missing})` : ''}`,
  () => {
    it(`${ACCOUNTS} accounts on ${WORKERS} workers, one killed: all come back, 0 lost, 0 sent twice`, async () => {
      const schema = 'failover_test';
      const report = await runOneFailover(
        // The default lease TTL (5 s).
        { accounts: ACCOUNTS, workers: WORKERS, rounds: 8, roundGapMs: 300 },
        { pgUrl: pgServer!.url, schema, redisUrl: redisServer!.url, prefix: redisServer!.prefix },
      );
      const { run, victim } = report;
      // The figure (docs/scale.md, docs/benchmarks.md); never asserted.
      process.stdout.write(
        `failover: ${run.victimAccounts} accounts of the killed worker back on the others ${Math.round(run.failoverMs)} ms after SIGKILL; ${run.sent} messages, ${run.lost} lost, ${run.twice} replies sent twice\n`,
      );
      if (run.lost > 0) process.stdout.write(`failover: lost ${JSON.stringify(report.lostTexts)}\n`);
      expect(run.lost).toBe(0);
      expect(run.twice).toBe(0);
      expect(run.victimAccounts).toBe(ACCOUNTS / WORKERS);
      expect(run.failoverMs).toBeGreaterThan(0);
      // Every account ready on a worker still alive, and its lease held by one.
      expect([...report.readyOn.values()].filter((w) => w !== undefined && w !== victim)).toHaveLength(
        ACCOUNTS,
      );
      const leases = await PostgresLeaseStore.open({ connectionString: pgServer!.url, schema });
      try {
        const after = await leases.list();
        expect(after).toHaveLength(ACCOUNTS);
        expect(after.every((s) => s.workerId !== undefined && s.workerId !== victim)).toBe(true);
      } finally {
        await leases.close();
      }
      // Taken over by resuming the saved sessions: no QR code (nor push login) after the kill.
      expect(report.qrAfterKill).toBe(0);
      expect(report.accountsWithQr).toBe(ACCOUNTS);
    }, 300_000);
  },
);
