import { describe, expect, it } from 'vitest';
import {
  assembleRows,
  botRows,
  collectEcho,
  collectIdle,
  collectLogin,
  collectPaced,
  notesFor,
} from '../../bench/results.js';
import type { EchoResult } from '../../bench/scenario-echo.js';
import type { IdleResult } from '../../bench/scenario-idle.js';
import type { LoginResult } from '../../bench/scenario-login.js';
import type { Impl } from '../../bench/subjects.js';

const MB = 2 ** 20;

function login(impl: Impl, readyMs: number, listedMs?: number): LoginResult {
  return {
    impl,
    loginToReadyMs: readyMs,
    ...(listedMs === undefined ? {} : { loginToListedMs: listedMs }),
    confirmToLoggedInMs: 10,
    counts: { contacts: 5001, rooms: 200, members: 100_000 },
    peakRssBytes: 200 * MB,
    readyRssBytes: 190 * MB,
    settledRssBytes: 180 * MB,
    heapUsedBytes: 40 * MB,
    baselineRssBytes: 70 * MB,
    bareNodeRssBytes: (impl === 'limit' ? 41 : 42) * MB,
    ...(impl === 'limit' ? { decodeParseMs: 150 } : {}),
  };
}

function idle(impl: Impl, sessions: number, cpuMsPerMin: number, maxRssMb: number): IdleResult {
  return {
    impl,
    sessions,
    windowMs: 60_000,
    cpuPct: cpuMsPerMin / 600,
    cpuMsPerMin,
    rssBytes: maxRssMb * MB,
    maxRssBytes: maxRssMb * MB,
    baselineRssBytes: 60 * MB,
  };
}

const meta = {
  date: '2026-01-01T00:00:00.000Z',
  node: '20',
  cpus: 2,
  cpuModel: 'x',
  memoryGb: 1,
  commit: 'abc',
  quick: false,
  repeats: 3,
};

describe('collectLogin', () => {
  it('takes medians, and the contact-list time only when every run has one', () => {
    const s = collectLogin({
      webwx: [login('webwx', 900), login('webwx', 1200), login('webwx', 1000)],
      wechat4u: [login('wechat4u', 1300, 600), login('wechat4u', 900, 400), login('wechat4u', 1000, 500)],
    });
    expect(s.webwx?.loginToReadyMs).toBe(1000);
    expect(s.webwx?.loginToListedMs).toBeUndefined();
    expect(s.wechat4u?.loginToReadyMs).toBe(1000);
    expect(s.wechat4u?.loginToListedMs).toBe(500);
  });
});

function loginRows(login: ReturnType<typeof collectLogin>) {
  return assembleRows({ echo: {}, emulator: undefined, login, decode: undefined, idle: undefined, meta });
}

describe('the login rows and notes', () => {
  const loginSummary = collectLogin({
    webwx: [login('webwx', 1000)],
    wechat4u: [login('wechat4u', 1200, 500)],
    limit: [login('limit', 700, 200)],
  });
  it('shows the time to the contact list beside the time to ready', () => {
    const rows = loginRows(loginSummary);
    const ready = rows.find((r) => r.metric.startsWith('login → ready'));
    expect(ready).toMatchObject({ webwx: 1, wechat4u: 1.2, limit: 0.7 });
    expect(ready?.target?.met).toBe(false);
    const listed = rows.find((r) => r.metric.startsWith('login → contact list'));
    expect(listed).toMatchObject({ webwx: { na: 'no such event' }, wechat4u: 0.5, limit: 0.2 });
  });
  it('shows the limit’s decode + parse time and a bare node process’s RSS beside the RSS target', () => {
    const rows = loginRows(loginSummary);
    const parse = rows.find((r) => r.metric.startsWith('login: UTF-8 decode + JSON.parse'));
    expect(parse).toMatchObject({
      webwx: { na: 'not measured apart' },
      wechat4u: { na: 'not measured apart' },
      limit: 0.15,
    });
    const rss = rows.find((r) => r.metric.startsWith('peak RSS'));
    expect(rss?.target?.text).toBe('webwx ≤ 60 MB (a bare node process: 41.0 MB)');
    expect(rss?.target?.met).toBe(false);
  });
  it('leaves the bare node figure out when merged results have none', () => {
    const old = collectLogin({
      webwx: [{ ...login('webwx', 1000), bareNodeRssBytes: undefined }],
    });
    const rows = loginRows(old);
    expect(rows.find((r) => r.metric.startsWith('peak RSS'))?.target?.text).toBe(
      'webwx ≤ 60 MB (a bare node process: ? MB)',
    );
  });
  it('states every client’s final counts', () => {
    const notes = notesFor({ login: loginSummary, echo: {}, decode: undefined, emulator: undefined });
    expect(notes[0]).toContain('wechat4u 5001 contacts, 200 rooms, 100000 members');
    expect(notes[0]).toContain('batchGetContact, 50 a call, 4 in flight');
  });
});

describe('the decode rows', () => {
  const decode = (impl: Impl, perSec: number, textsPerSec?: number) => ({
    impl,
    messagesPerSec: perSec,
    rounds: [perSec],
    ...(textsPerSec === undefined ? {} : { textsPerSec, textRounds: [textsPerSec], texts: 147 }),
    mixSize: 196,
    fixtures: 49,
  });
  it('shows the whole mix and its texts alone, and says why', () => {
    const r = {
      echo: {},
      emulator: undefined,
      login: {},
      decode: [decode('webwx', 100, 300), decode('wechat4u', 120, 200), decode('limit', 9000, 9000)],
      idle: undefined,
      meta,
    } as Parameters<typeof assembleRows>[0];
    const rows = assembleRows(r);
    expect(rows.find((x) => x.metric === 'decode throughput, real + generated mix')).toMatchObject({
      webwx: 100,
      wechat4u: 120,
    });
    expect(rows.find((x) => x.metric === 'decode throughput, the texts of the mix alone')).toMatchObject({
      webwx: 300,
      wechat4u: 200,
    });
    expect(
      notesFor({ ...r, decode: [{ ...decode('webwx', 1, 1), kinds: { text: 1 } }] }).join(' '),
    ).toContain('it reads no XML');
  });
  it('marks the texts figure as not measured in results merged from before it existed', () => {
    const rows = assembleRows({
      echo: {},
      emulator: undefined,
      login: {},
      decode: [decode('webwx', 100)],
      idle: undefined,
      meta,
    });
    expect(rows.find((x) => x.metric === 'decode throughput, the texts of the mix alone')?.webwx).toEqual({
      na: 'not measured',
    });
  });
});

describe('collectIdle', () => {
  it('takes the median of each implementation and session count over the runs', () => {
    const runs = [
      [idle('webwx', 1, 40, 70), idle('webwx', 20, 100, 90)],
      [idle('webwx', 1, 60, 72), idle('webwx', 20, 300, 88)],
      [idle('webwx', 1, 50, 71), idle('webwx', 20, 110, 95)],
    ];
    const out = collectIdle(runs);
    expect(out).toHaveLength(2);
    expect(out.find((r) => r.sessions === 1)).toMatchObject({
      cpuMsPerMin: 50,
      maxRssBytes: 71 * MB,
      repeats: 3,
    });
    expect(out.find((r) => r.sessions === 20)).toMatchObject({
      cpuMsPerMin: 110,
      maxRssBytes: 90 * MB,
      repeats: 3,
    });
  });
  it('passes a single run through', () => {
    const one = idle('limit', 1, 42, 60);
    expect(collectIdle([[one]])).toEqual([{ ...one, repeats: 1 }]);
  });
});

function echoRun(impl: Impl, p50Ms: number, maxSustainedRate: number | undefined): EchoResult {
  const verdict = { lost: 0, achievedRate: 100, firstQuarterP50: 1, lastQuarterP50: 1, sustained: true };
  const step = (rate: number) => ({
    rate,
    sent: 100,
    p50: p50Ms,
    p99: p50Ms * 2,
    verdict,
    verdictIgnoringLoss: verdict,
    emulatorCpuPct: 50,
    clientCpuPct: 60,
  });
  return {
    impl,
    sessions: 1,
    p50Ms,
    p99Ms: p50Ms * 2,
    maxSustainedRate,
    maxRateIgnoringLoss: maxSustainedRate,
    steps: [step(40), ...(maxSustainedRate === undefined ? [] : [step(maxSustainedRate)])],
  };
}

function pacedRun(echoTimesMs: number[], sent: number, rate: number | undefined): EchoResult {
  return {
    ...echoRun('webwx', Number.NaN, undefined),
    steps: [],
    bot: 'default',
    paced: { sent, echoed: echoTimesMs.length, echoTimesMs, rateAfterBurst: rate },
  };
}

describe('the bot echo rows', () => {
  const echo = collectEcho({
    webwx: [echoRun('webwx', 2, 11_200)],
    wechat4u: [echoRun('wechat4u', 4, 100)],
    limit: [echoRun('limit', 1.8, 11_200)],
  });
  const pacing = { perSecond: 1, burst: 5 };

  it('puts the bot with pacing off beside wechat4u and the limit, judged against 0.8× the limit', () => {
    const off = collectEcho({
      webwx: [echoRun('webwx', 3, 9600), echoRun('webwx', 5, 8000), echoRun('webwx', 4, 12_800)],
    }).webwx;
    const rows = botRows({ off, paced: undefined }, echo);
    expect(rows.map((r) => r.metric)).toEqual([
      'bot echo (Bot + ctx.reply), pacing off: round trip p50, 40 msg/s',
      'bot echo, pacing off: highest sustained rate (client echo: 11,200)',
    ]);
    expect(rows[0]).toMatchObject({ webwx: 4, wechat4u: 4, limit: 1.8 });
    expect(rows[1]).toMatchObject({ webwx: 9600, wechat4u: 100, limit: 11_200 });
    expect(rows[1]?.target).toEqual({ text: 'bot ≥ 0.8× limit', met: true });
    const slow = collectEcho({ webwx: [echoRun('webwx', 7, 100)] }).webwx;
    expect(botRows({ off: slow, paced: undefined }, echo)[1]?.target?.met).toBe(false);
  });

  it('says the echo was not run, and leaves the target unjudged, when only the bot ran', () => {
    const off = collectEcho({ webwx: [echoRun('webwx', 3, 9600)] }).webwx;
    const rows = botRows({ off, paced: undefined }, {});
    expect(rows[1]).toMatchObject({
      metric: 'bot echo, pacing off: highest sustained rate',
      limit: { na: 'echo not run' },
    });
    expect(rows[1]?.target?.met).toBeUndefined();
  });

  it('judges the paced rate against the configured one, within 2 %, with no reply lost', () => {
    const exact = collectPaced(
      [pacedRun([1, 2, 3], 3, 0.99), pacedRun([1, 2, 3], 3, 1.001), pacedRun([1, 2, 3], 3, 1.3)],
      pacing,
    );
    expect(exact).toMatchObject({ rateAfterBurst: 1.001, missing: 0, perSecond: 1, burst: 5 });
    const [row] = botRows({ off: undefined, paced: exact }, echo);
    expect(row).toMatchObject({
      metric: 'bot echo, default pacing (1/s, burst 5): reply rate after the burst',
      webwx: 1.001,
      wechat4u: { na: 'no pacing' },
      limit: { na: 'no pacing' },
    });
    expect(row?.target).toEqual({ text: 'the configured 1 msg/s (±2 %), no reply lost', met: true });
    const fast = collectPaced([pacedRun([1, 2, 3], 3, 1.05)], pacing);
    expect(botRows({ off: undefined, paced: fast }, echo)[0]?.target?.met).toBe(false);
    const lossy = collectPaced([pacedRun([1, 2], 3, 1)], pacing);
    expect(lossy?.missing).toBe(1);
    expect(botRows({ off: undefined, paced: lossy }, echo)[0]?.target?.met).toBe(false);
  });

  it('has no rate and no verdict when no run had steady replies', () => {
    const none = collectPaced([pacedRun([1], 3, undefined)], pacing);
    const [row] = botRows({ off: undefined, paced: none }, echo);
    expect(row?.webwx).toEqual({ na: 'no steady replies' });
    expect(row?.target?.met).toBeUndefined();
    expect(collectPaced([], pacing)).toBeUndefined();
  });

  it('comes after the echo rows in the table, and not at all in results from before it', () => {
    const off = collectEcho({ webwx: [echoRun('webwx', 3, 9600)] }).webwx;
    const base = { echo, emulator: undefined, login: {}, decode: undefined, idle: undefined, meta };
    const rows = assembleRows({ ...base, bot: { off, paced: undefined } });
    const first = rows.findIndex((r) => r.metric.startsWith('bot echo'));
    expect(first).toBeGreaterThan(rows.findIndex((r) => r.metric === 'client CPU at that rate'));
    expect(assembleRows(base).some((r) => r.metric.startsWith('bot echo'))).toBe(false);
  });
});
