/** The scale scenario's figures and rows (bench/scale-rows.ts): MB per extra account, the targets judged. */
import { describe, expect, it } from 'vitest';
import { MB, mbPerExtraAccount, type ScaleIdlePoint, scaleRows } from '../../bench/scale-rows.js';

const point = (accounts: number, rssMb: number, cpuPct = 1): ScaleIdlePoint => ({
  accounts,
  contactsEach: 300,
  windowMs: 10_000,
  cpuPct,
  rssBytes: rssMb * MB,
  maxRssBytes: rssMb * MB,
  heapUsedBytes: 0,
  loadedRssBytes: 0,
  loginMs: 0,
});

const echo = (p99Ms: number, echoed = 2000) => ({
  accounts: 200,
  rate: 200,
  durationMs: 10_000,
  sent: 2000,
  echoed,
  p50Ms: 5,
  p99Ms,
  maxMs: p99Ms + 1,
  hostCpuPct: 40,
  emulatorCpuPct: 30,
});

describe('scale rows', () => {
  it('takes the MB per account beyond the first from the fewest and the most accounts, in any order', () => {
    expect(mbPerExtraAccount([point(200, 259), point(1, 60), point(50, 100)])).toBe(1);
    expect(mbPerExtraAccount([point(1, 60), point(11, 85)])).toBe(2.5);
  });

  it('has no figure per account without two distinct account counts', () => {
    expect(mbPerExtraAccount([])).toBeUndefined();
    expect(mbPerExtraAccount([point(1, 60)])).toBeUndefined();
    expect(mbPerExtraAccount([point(5, 60), point(5, 70)])).toBeUndefined();
  });

  it('judges ≤ 1 MB per account and p99 ≤ 50 ms; the failover time is not its row', () => {
    const rows = scaleRows({
      store: 'memory',
      idle: [point(1, 60), point(50, 90)],
      echo: echo(30),
      notes: [],
    });
    const perAccount = rows.find((r) => r.metric.includes('per account beyond the first'));
    expect(perAccount?.webwx).toBeCloseTo(30 / 49, 6);
    expect(perAccount?.target?.met).toBe(true);
    expect(rows.find((r) => r.metric.includes('p99'))?.target?.met).toBe(true);
    expect(
      rows
        .filter((r) => r.metric.startsWith('scale: idle RSS, ') && r.metric.endsWith('memory stores'))
        .map((r) => r.webwx),
    ).toEqual([60, 90]);
    expect(rows.find((r) => r.metric.includes('failover'))).toBeUndefined();
  });

  it('misses the targets above them, and the echo target when a message was never echoed', () => {
    const over = scaleRows({
      store: 'memory',
      idle: [point(1, 60), point(50, 160)],
      echo: echo(80),
      notes: [],
    });
    expect(over.find((r) => r.metric.includes('per account'))?.target?.met).toBe(false);
    expect(over.find((r) => r.metric.includes('p99'))?.target?.met).toBe(false);
    const lost = scaleRows({ store: 'memory', idle: [], echo: echo(10, 1999), notes: [] });
    const p99 = lost.find((r) => r.metric.includes('p99'));
    expect(p99?.metric).toContain('1 of 2000 never echoed');
    expect(p99?.target?.met).toBe(false);
    expect(lost.find((r) => r.metric.includes('per account'))?.webwx).toEqual({
      na: 'fewer than two points',
    });
  });

  it("gives the limit's echo its own rows, with no target, after webwx's", () => {
    const rows = scaleRows({
      store: 'sqlite',
      idle: [],
      echo: echo(80),
      limitEcho: { ...echo(30, 1998), p50Ms: 2, hostCpuPct: 20 },
      notes: [],
    });
    const limit = rows.filter((r) => r.metric.startsWith('scale: the limit'));
    expect(limit.map((r) => r.webwx)).toEqual([2, 30, 31, 20]);
    expect(limit.every((r) => r.target === undefined)).toBe(true);
    expect(limit[1]?.metric).toContain('2 of 2000 never echoed');
    // webwx's p99 row is still the one judged, and comes first.
    const judged = rows.filter((r) => r.target?.text.startsWith('p99'));
    expect(judged.map((r) => r.webwx)).toEqual([80]);
    expect(rows.indexOf(judged[0]!)).toBeLessThan(rows.indexOf(limit[0]!));
    expect(
      scaleRows({ store: 'sqlite', idle: [], echo: echo(80), notes: [] }).some((r) =>
        r.metric.startsWith('scale: the limit'),
      ),
    ).toBe(false);
  });

  it("judges the threaded host's echo against the same target, in its own rows before the limit's", () => {
    const rows = scaleRows({
      store: 'sqlite',
      idle: [],
      echo: echo(80),
      threadedEcho: { ...echo(40), threads: 2, p50Ms: 3, hostCpuPct: 70 },
      limitEcho: echo(15),
      notes: [],
    });
    const threaded = rows.filter((r) => r.metric.includes('ThreadedAccountHost of 2 threads'));
    expect(threaded.map((r) => r.webwx)).toEqual([3, 40, 41, 70]);
    const judged = rows.filter((r) => r.target?.text.startsWith('p99'));
    expect(judged.map((r) => [r.webwx, r.target?.met])).toEqual([
      [80, false],
      [40, true],
    ]);
    const limitAt = rows.findIndex((r) => r.metric.startsWith('scale: the limit'));
    expect(rows.indexOf(threaded[0]!)).toBeLessThan(limitAt);
    const lost = scaleRows({
      store: 'sqlite',
      idle: [],
      threadedEcho: { ...echo(40, 1999), threads: 2 },
      notes: [],
    });
    expect(lost.find((r) => r.metric.includes('p99'))?.target?.met).toBe(false);
  });

  it('has no rows when the scenario did not run', () => {
    expect(scaleRows(undefined)).toEqual([]);
  });
});
