/**
 * Scenario 6, failover (issue #21): three `webwx worker` processes (the compiled CLI, as the other
 * scenarios' subjects) share the accounts of one multi-account emulator world on a throwaway
 * PostgreSQL (leases, stores) and a throwaway Redis (events in, commands out), started by the test
 * helpers (test/postgres-server.ts, test/redis-server.ts). A consumer in this process echoes every
 * inbound event through an outbound command keyed by its MsgId, while the phones send a stream of
 * texts to every account; mid-stream one worker is killed with SIGKILL. Measured per run: SIGKILL →
 * every account the killed worker held ready on another worker (by the workers' own `state` lines),
 * and the texts never echoed or echoed twice (counted on the phones). Each run has a schema and a
 * Redis prefix of its own on the same two servers. Without PostgreSQL or Redis it is skipped.
 */
import { DEFAULT_LEASE_TTL_MS } from '../src/host/worker.js';
import {
  findPostgresBin,
  POSTGRES_MISSING,
  startTestPostgres,
  type TestPostgres,
} from '../test/postgres-server.js';
import { findRedisServer, REDIS_MISSING, startTestRedis, type TestRedis } from '../test/redis-server.js';
import { type FailoverResult, type FailoverRun, failoverRows } from './failover-rows.js';
import { type FailoverRunOptions, runOneFailover } from './failover-run.js';

export interface FailoverOptions extends FailoverRunOptions {
  /** Runs, each on a fresh world, schema and prefix. */
  runs: number;
}

/** Why the scenario cannot run here, or undefined. */
function missingServers(): string | undefined {
  if (!process.env.WEBWX_TEST_PG_URL && !findPostgresBin()) return POSTGRES_MISSING;
  if (!process.env.WEBWX_TEST_REDIS_URL && !findRedisServer()) return REDIS_MISSING;
  return undefined;
}

/** The failover scenario (see the file's header). */
export async function runFailover(o: FailoverOptions): Promise<FailoverResult> {
  const base = {
    accounts: o.accounts,
    workers: o.workers,
    leaseTtlMs: o.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
  };
  const missing = missingServers();
  if (missing !== undefined) {
    process.stderr.write(`[failover] skipped: ${missing}\n`);
    return { ...base, skipped: missing, runs: [], notes: [`failover skipped: ${missing}`] };
  }
  let pg: TestPostgres | undefined;
  let redis: TestRedis | undefined;
  const notes = [
    `failover: ${o.workers} \`webwx worker\` processes, ${o.accounts} accounts, lease TTL ${base.leaseTtlMs / 1000} s, PostgreSQL and Redis on loopback; ${o.rounds} rounds of one text per account, ${o.roundGapMs} ms apart, a worker SIGKILLed after round ${Math.floor(o.rounds / 2) + 1}`,
  ];
  const runs: FailoverRun[] = [];
  try {
    pg = await startTestPostgres();
    redis = await startTestRedis();
    if (!pg || !redis) throw new Error(!pg ? POSTGRES_MISSING : REDIS_MISSING);
    for (let n = 1; n <= o.runs; n++) {
      try {
        const { run } = await runOneFailover(o, {
          pgUrl: pg.url,
          schema: `failover_${n}`,
          redisUrl: redis.url,
          prefix: `${redis.prefix}r${n}:`,
        });
        runs.push(run);
        process.stderr.write(`[failover] run ${n}: ${JSON.stringify(run)}\n`);
      } catch (error) {
        notes.push(`failover run ${n} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    await redis?.stop().catch(() => {});
    await pg?.stop().catch(() => {});
  }
  const result: FailoverResult = { ...base, runs, notes };
  process.stderr.write(`[failover] ${JSON.stringify({ runs, rows: failoverRows(result).length })}\n`);
  return result;
}
