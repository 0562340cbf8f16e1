/**
 * The scale scenario's figures (scenario-scale.ts, issue #21) and the table's rows: idle RSS and CPU
 * of one host process at several account counts, the MB per account beyond the first, the aggregate
 * echo's latency (the failover time is the failover scenario's: failover-rows.ts). Pure
 * (no I/O): unit-tested in test/bench/scale-rows.test.ts.
 */
import { judgeAbsolute, type Row, webwxOnlyRow as row } from './table.js';

/** One host process idling with `accounts` accounts logged in. */
export interface ScaleIdlePoint {
  accounts: number;
  contactsEach: number;
  windowMs: number;
  /** CPU over the window, % of one core. */
  cpuPct: number;
  /** RSS after a GC at the end of the window, and the highest sampled during it, bytes. */
  rssBytes: number;
  maxRssBytes: number;
  /** V8 heap in use after that GC, bytes. */
  heapUsedBytes: number;
  /** RSS of the process with the host's code loaded and no account yet, bytes. */
  loadedRssBytes: number;
  /** From the first add to every account ready, ms. */
  loginMs: number;
}

/** The aggregate echo: `accounts` accounts echoing, the phones sending `rate` texts a second in total. */
export interface ScaleEchoResult {
  accounts: number;
  rate: number;
  durationMs: number;
  sent: number;
  echoed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU of the host process over the sending, % of one core. */
  hostCpuPct: number;
  /** CPU of the driver (the emulator and the phones) over the sending, % of one core. */
  emulatorCpuPct: number;
}

/** Everything the scale scenario measured. */
export interface ScaleResult {
  /** The accounts' stores. */
  store: 'memory' | 'sqlite';
  idle: ScaleIdlePoint[];
  echo?: ScaleEchoResult;
  /** The same echo on the limit host: raw clients in one process, no store (scale-limit-host.ts). */
  limitEcho?: ScaleEchoResult;
  /** The same echo on a ThreadedAccountHost of `threads` worker threads. */
  threadedEcho?: ScaleEchoResult & { threads: number };
  /** The scenario's notes: what the stores were, what failed. */
  notes: string[];
}

export const MB = 1024 * 1024;
/** Issue #21's targets. */
export const TARGET_MB_PER_ACCOUNT = 1;
export const TARGET_ECHO_P99_MS = 50;

/**
 * RSS per account beyond the first, MB: (RSS at the most accounts − RSS at one) ÷ (accounts − 1),
 * from the two idle points with the fewest and the most accounts. undefined without two such points.
 */
export function mbPerExtraAccount(points: readonly ScaleIdlePoint[]): number | undefined {
  if (points.length < 2) return undefined;
  const sorted = [...points].sort((a, b) => a.accounts - b.accounts);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  if (last.accounts === first.accounts) return undefined;
  return (last.rssBytes - first.rssBytes) / MB / (last.accounts - first.accounts);
}

/**
 * The table's rows: RSS and CPU at each account count, MB per account beyond the first (target ≤ 1),
 * the aggregate echo's p50/p99 (target p99 ≤ 50 ms).
 */
export function scaleRows(r: ScaleResult | undefined): Row[] {
  if (!r) return [];
  const rows: Row[] = [];
  const contacts = r.idle[0]?.contactsEach ?? 0;
  const stores = r.store === 'sqlite' ? 'SQLite stores' : 'memory stores';
  for (const p of [...r.idle].sort((a, b) => a.accounts - b.accounts)) {
    rows.push(
      row(
        `scale: idle RSS, ${p.accounts} account(s) × ${contacts} contacts, one host, ${stores}`,
        'MB',
        p.rssBytes / MB,
      ),
    );
    rows.push(row(`scale: idle CPU, ${p.accounts} account(s), one host`, '% core', p.cpuPct));
  }
  const perAccount = mbPerExtraAccount(r.idle);
  rows.push(
    row('scale: idle RSS per account beyond the first', 'MB', perAccount ?? { na: 'fewer than two points' }, {
      text: `≤ ${TARGET_MB_PER_ACCOUNT} MB`,
      met: judgeAbsolute(perAccount, TARGET_MB_PER_ACCOUNT, 'lower'),
    }),
  );
  if (r.echo) {
    const e = r.echo;
    const lost = e.sent - e.echoed;
    rows.push(
      row(
        `scale: echo across ${e.accounts} accounts at ${e.rate} msg/s in total for ${Math.round(e.durationMs / 1000)} s, p50`,
        'ms',
        e.p50Ms,
      ),
    );
    rows.push(
      row(`scale: the same, p99${lost > 0 ? ` (${lost} of ${e.sent} never echoed)` : ''}`, 'ms', e.p99Ms, {
        text: `p99 ≤ ${TARGET_ECHO_P99_MS} ms, none lost`,
        met: lost > 0 ? false : judgeAbsolute(e.p99Ms, TARGET_ECHO_P99_MS, 'lower'),
      }),
    );
    rows.push(row('scale: the same, slowest echo', 'ms', e.maxMs));
    rows.push(row('scale: the same, CPU of the host process', '% core', e.hostCpuPct));
    rows.push(row('scale: the same, CPU of the emulator and the phones', '% core', e.emulatorCpuPct));
  }
  if (r.threadedEcho) {
    const t = r.threadedEcho;
    const lost = t.sent - t.echoed;
    const what = `scale: the same echo on a ThreadedAccountHost of ${t.threads} threads`;
    rows.push(row(`${what}, p50`, 'ms', t.p50Ms));
    rows.push(
      row(`${what}, p99${lost > 0 ? ` (${lost} of ${t.sent} never echoed)` : ''}`, 'ms', t.p99Ms, {
        text: `p99 ≤ ${TARGET_ECHO_P99_MS} ms, none lost`,
        met: lost > 0 ? false : judgeAbsolute(t.p99Ms, TARGET_ECHO_P99_MS, 'lower'),
      }),
    );
    rows.push(row(`${what}, slowest echo`, 'ms', t.maxMs));
    rows.push(row(`${what}, CPU of the host process`, '% core', t.hostCpuPct));
  }
  if (r.limitEcho) {
    // The least any host does on this machine: not webwx, so no target; the gap to the rows above is webwx's.
    const l = r.limitEcho;
    const lost = l.sent - l.echoed;
    const what = `scale: the limit (${l.accounts} raw clients in one process, no store), the same echo`;
    rows.push(row(`${what}, p50`, 'ms', l.p50Ms));
    rows.push(row(`${what}, p99${lost > 0 ? ` (${lost} of ${l.sent} never echoed)` : ''}`, 'ms', l.p99Ms));
    rows.push(row(`${what}, slowest echo`, 'ms', l.maxMs));
    rows.push(row(`${what}, CPU of its process`, '% core', l.hostCpuPct));
  }
  return rows;
}
