import { describe, expect, it } from 'vitest';
import { type FailoverResult, type FailoverRun, failoverRows } from '../../bench/failover-rows.js';

const run = (failoverMs: number, lost = 0, twice = 0): FailoverRun => ({
  victimAccounts: 10,
  failoverMs,
  firstBackMs: failoverMs - 500,
  sent: 240,
  lost,
  twice,
});

const result = (runs: FailoverRun[], skipped?: string): FailoverResult => ({
  accounts: 30,
  workers: 3,
  leaseTtlMs: 5000,
  runs,
  notes: [],
  ...(skipped !== undefined ? { skipped } : {}),
});

describe('failoverRows', () => {
  it('has no rows when the scenario did not run', () => {
    expect(failoverRows(undefined)).toEqual([]);
  });

  it('gives the median and the slowest run in seconds against ≤ 10 s, and the lost and twice counts', () => {
    const rows = failoverRows(result([run(6200), run(7100), run(6300)]));
    expect(rows.map((r) => r.webwx)).toEqual([6.3, 7.1, 0, 0]);
    expect(rows[0]?.metric).toContain('median of 3 runs');
    expect(rows[0]?.target).toEqual({ text: '≤ 10 s', met: true });
    expect(rows[1]?.target?.met).toBe(true);
    expect(rows[2]?.metric).toContain('720 sent');
    expect(rows.slice(2).map((r) => r.target?.met)).toEqual([true, true]);
  });

  it('misses the target when the slowest run took longer, or a message was lost or echoed twice', () => {
    const rows = failoverRows(result([run(6000), run(12_500, 1, 2), run(6100)]));
    expect(rows[0]?.target?.met).toBe(true);
    expect(rows[1]).toMatchObject({ webwx: 12.5, target: { met: false } });
    expect(rows[2]).toMatchObject({ webwx: 1, target: { met: false } });
    expect(rows[3]).toMatchObject({ webwx: 2, target: { met: false } });
  });

  it('says why in one row when the servers are missing, judged neither way', () => {
    const rows = failoverRows(result([], 'PostgreSQL not found'));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.webwx).toEqual({ na: 'PostgreSQL not found' });
    expect(rows[0]?.target?.met).toBeUndefined();
  });
});
