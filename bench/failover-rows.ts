/**
 * The failover scenario's figures (scenario-failover.ts, issue #21) and the table's rows: from the
 * SIGKILL of one worker to every account it held ready on the others (median and slowest of the
 * runs, target at most 10 s), and the messages lost and replies sent twice (target 0). Pure (no I/O):
 * unit-tested in test/bench/failover-rows.test.ts.
 */
import { median } from './stats.js';
import { judgeAbsolute, type Row, webwxOnlyRow as row } from './table.js';

/** Issue #21's target: a killed worker's accounts back within 10 s. */
export const TARGET_FAILOVER_S = 10;

/** One run: a cluster balanced, a stream of messages, one worker killed mid-stream. */
export interface FailoverRun {
  /** Accounts the killed worker held (ready) when it was killed. */
  victimAccounts: number;
  /** SIGKILL → the last of those accounts ready on another worker, ms. */
  failoverMs: number;
  /** SIGKILL → the first of them ready again, ms. */
  firstBackMs: number;
  /** Phone messages sent in the run, each to be echoed once. */
  sent: number;
  /** Messages never echoed, and echoes sent more than once. */
  lost: number;
  twice: number;
}

/** Everything the failover scenario measured, or why it did not run. */
export interface FailoverResult {
  /** Why the scenario was skipped (PostgreSQL or Redis not installed); no runs then. */
  skipped?: string;
  accounts: number;
  workers: number;
  /** The workers' lease TTL, ms. */
  leaseTtlMs: number;
  runs: FailoverRun[];
  /** What the scenario ran on, what failed. */
  notes: string[];
}

/** The table's rows (none when the scenario did not run; one row saying why when it was skipped). */
export function failoverRows(r: FailoverResult | undefined): Row[] {
  if (!r) return [];
  const what = `failover: SIGKILL of 1 of ${r.workers} workers → its accounts ready on the others (${r.accounts} accounts)`;
  const target = (v: number | undefined) => ({
    text: `≤ ${TARGET_FAILOVER_S} s`,
    met: judgeAbsolute(v, TARGET_FAILOVER_S, 'lower'),
  });
  if (r.skipped !== undefined || r.runs.length === 0) {
    const why = { na: r.skipped ?? 'every run failed' };
    return [row(what, 's', why, target(undefined))];
  }
  const seconds = r.runs.map((x) => x.failoverMs / 1000);
  const mid = median(seconds);
  const slowest = Math.max(...seconds);
  const sent = r.runs.reduce((n, x) => n + x.sent, 0);
  const lost = r.runs.reduce((n, x) => n + x.lost, 0);
  const twice = r.runs.reduce((n, x) => n + x.twice, 0);
  const runs = `${r.runs.length} run${r.runs.length === 1 ? '' : 's'}`;
  return [
    row(`${what}, median of ${runs}`, 's', mid, target(mid)),
    row(`failover: the same, slowest of ${runs}`, 's', slowest, target(slowest)),
    row(`failover: messages lost, of ${sent} sent over the ${runs}`, 'messages', lost, {
      text: '0',
      met: lost === 0,
    }),
    row('failover: replies sent twice', 'messages', twice, { text: '0', met: twice === 0 }),
  ];
}
