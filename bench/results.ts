/**
 * The results: medians over repeated runs, the rows of the table (with the issue's targets), the
 * machine description, and the table section of docs/benchmarks.md. Pure except describeMachine().
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { type RestartResults, restartRows } from './restart-rows.js';
import type { DecodeResult } from './scenario-decode.js';
import type { EchoResult } from './scenario-echo.js';
import type { IdleResult } from './scenario-idle.js';
import type { LoginResult } from './scenario-login.js';
import { median } from './stats.js';
import type { Impl } from './subjects.js';
import { type Cell, judge, judgeAbsolute, type Row, renderTable } from './table.js';

export interface Meta {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  commit: string;
  /**
   * Files under src/ and bench/ that differ from the commit (the bench runs the working tree, so
   * these changes are in the figures); absent when the tree is clean or git is not there.
   */
  uncommitted?: string[];
  quick: boolean;
  repeats: number;
  durationMs?: number;
  /** With --merge: the run whose results were kept for the scenarios not run again. */
  merged?: string;
}

export interface EchoSummary {
  p50Ms: number;
  p99Ms: number;
  /** Median over the runs of each run's highest sustained rate (0 when not even the first was). */
  maxSustainedRate: number;
  /** The same with messages the client never echoed left out (median). */
  maxRateIgnoringLoss: number;
  /** Messages never echoed over the whole ramp up to that rate (median of the runs). */
  lostEchoes: number;
  /** Every run reached the highest rate tried: the real limit is higher. */
  atCeiling: boolean;
  /** Emulator (driver) CPU, % of one core, at the highest sustained rate. */
  emulatorCpuPctAtMax: number;
  /** The client's CPU, % of one core, at that rate. */
  clientCpuPctAtMax: number;
  runs: EchoResult[];
}

export interface LoginSummary {
  loginToReadyMs: number;
  /** To the contact list only (before the rooms' members); undefined for a client that does not tell. */
  loginToListedMs: number | undefined;
  /** The limit's UTF-8 decoding and JSON.parse of the contact and member replies; undefined for the others. */
  decodeParseMs: number | undefined;
  /** A bare `node` process's RSS, for scale; undefined in results from before it was measured. */
  bareNodeRssBytes: number | undefined;
  peakRssBytes: number;
  settledRssBytes: number;
  heapUsedBytes: number;
  baselineRssBytes: number;
  counts: LoginResult['counts'];
  runs: LoginResult[];
}

/** The bot echo with the client's default pacing: the steady reply rate after the burst. */
export interface PacedSummary {
  /** Median over the runs of each run's rate after the burst (NaN when no run had one). */
  rateAfterBurst: number;
  /** The pacing configured (DEFAULT_PACING), which the rate should equal. */
  perSecond: number;
  burst: number;
  /** Replies that never came, summed over the runs. */
  missing: number;
  runs: EchoResult[];
}

/** The bot echo (`Bot` + `ctx.reply` over the client's outbox): pacing off, and the default pacing. */
export interface BotSummary {
  off: EchoSummary | undefined;
  paced: PacedSummary | undefined;
}

export interface BenchResults {
  meta: Meta;
  echo: Partial<Record<Impl, EchoSummary>>;
  /** The raw loop with 4 sessions: the emulator's own limit. */
  emulator: EchoSummary | undefined;
  login: Partial<Record<Impl, LoginSummary>>;
  decode: DecodeResult[] | undefined;
  /** The bot echo; absent in results from before it existed. */
  bot?: BotSummary;
  /** The restart of the big account; absent in results from before it existed. */
  restart?: RestartResults;
  /** Medians over the repeats (collectIdle). */
  idle: IdleResult[] | undefined;
  /** Every idle run, as measured. */
  idleRuns?: IdleResult[][];
  rows: Row[];
  /** Remarks printed under the table. */
  notes?: string[];
  table: string;
}

export const DOCS_START = '<!-- bench:table:start -->';
export const DOCS_END = '<!-- bench:table:end -->';

export function describeMachine(o: { quick: boolean; repeats: number }): Meta {
  let commit = process.env.WEBWX_BENCH_COMMIT ?? 'unknown';
  if (commit === 'unknown')
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      // not a git checkout
    }
  let uncommitted: string[] = [];
  try {
    uncommitted = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.slice(3).trim())
      .filter((path) => path !== '' && path !== 'bench/results.json');
  } catch {
    // not a git checkout
  }
  const list = cpus();
  return {
    date: new Date().toISOString(),
    node: process.versions.node,
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    commit,
    ...(uncommitted.length > 0 ? { uncommitted } : {}),
    quick: o.quick,
    repeats: o.repeats,
  };
}

export function collectEcho(runs: Partial<Record<string, EchoResult[]>>): Partial<Record<Impl, EchoSummary>> {
  const out: Partial<Record<Impl, EchoSummary>> = {};
  for (const [impl, list] of Object.entries(runs)) {
    if (!list || list.length === 0) continue;
    const atMax = list.map((r) => r.steps.find((s, i) => i > 0 && s.rate === r.maxSustainedRate));
    const highest = (r: EchoResult) => Math.max(...r.steps.map((s) => s.rate));
    out[impl as Impl] = {
      p50Ms: median(list.map((r) => r.p50Ms)),
      p99Ms: median(list.map((r) => r.p99Ms)),
      maxSustainedRate: median(list.map((r) => r.maxSustainedRate ?? 0)),
      maxRateIgnoringLoss: median(list.map((r) => r.maxRateIgnoringLoss ?? 0)),
      lostEchoes: median(
        list.map((r) =>
          r.steps.filter((s) => s.verdictIgnoringLoss?.sustained).reduce((sum, s) => sum + s.verdict.lost, 0),
        ),
      ),
      atCeiling: list.every((r) => r.maxSustainedRate !== undefined && r.maxSustainedRate >= highest(r)),
      emulatorCpuPctAtMax: median(atMax.map((s) => s?.emulatorCpuPct ?? Number.NaN)),
      clientCpuPctAtMax: median(atMax.map((s) => s?.clientCpuPct ?? Number.NaN)),
      runs: list,
    };
  }
  return out;
}

/** The paced bot runs: the median steady rate, and the replies that never came. */
export function collectPaced(
  runs: readonly EchoResult[],
  pacing: { perSecond: number; burst: number },
): PacedSummary | undefined {
  if (runs.length === 0) return undefined;
  const rates = runs.flatMap((r) => (r.paced?.rateAfterBurst === undefined ? [] : [r.paced.rateAfterBurst]));
  return {
    rateAfterBurst: rates.length > 0 ? median(rates) : Number.NaN,
    perSecond: pacing.perSecond,
    burst: pacing.burst,
    missing: runs.reduce((n, r) => n + (r.paced ? r.paced.sent - r.paced.echoed : 0), 0),
    runs: [...runs],
  };
}

/** How far a paced rate may be from the configured one and still count as exactly it (timer jitter). */
export const PACED_TOLERANCE = 0.02;

export function collectLogin(
  runs: Partial<Record<string, LoginResult[]>>,
): Partial<Record<Impl, LoginSummary>> {
  const out: Partial<Record<Impl, LoginSummary>> = {};
  for (const [impl, list] of Object.entries(runs)) {
    if (!list || list.length === 0) continue;
    out[impl as Impl] = {
      loginToReadyMs: median(list.map((r) => r.loginToReadyMs)),
      loginToListedMs: list.every((r) => r.loginToListedMs !== undefined)
        ? median(list.map((r) => r.loginToListedMs as number))
        : undefined,
      decodeParseMs: list.every((r) => r.decodeParseMs !== undefined)
        ? median(list.map((r) => r.decodeParseMs as number))
        : undefined,
      bareNodeRssBytes: list.every((r) => r.bareNodeRssBytes !== undefined)
        ? median(list.map((r) => r.bareNodeRssBytes as number))
        : undefined,
      peakRssBytes: median(list.map((r) => r.peakRssBytes)),
      settledRssBytes: median(list.map((r) => r.settledRssBytes)),
      heapUsedBytes: median(list.map((r) => r.heapUsedBytes)),
      baselineRssBytes: median(list.map((r) => r.baselineRssBytes)),
      counts: list[list.length - 1]!.counts,
      runs: list,
    };
  }
  return out;
}

/**
 * The idle figures over repeated runs: for each implementation and session count, the median of every
 * figure (each run's CPU is already an average over its window, its RSS the highest sampled).
 */
export function collectIdle(runs: readonly (readonly IdleResult[])[]): IdleResult[] {
  const groups = new Map<string, IdleResult[]>();
  for (const run of runs)
    for (const r of run) {
      const key = `${r.impl}/${r.sessions}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
  return [...groups.values()].map((list) => {
    const m = (pick: (r: IdleResult) => number) => median(list.map(pick));
    return {
      impl: list[0]!.impl,
      sessions: list[0]!.sessions,
      windowMs: m((r) => r.windowMs),
      cpuPct: m((r) => r.cpuPct),
      cpuMsPerMin: m((r) => r.cpuMsPerMin),
      rssBytes: m((r) => r.rssBytes),
      maxRssBytes: m((r) => r.maxRssBytes),
      baselineRssBytes: m((r) => r.baselineRssBytes),
      repeats: list.length,
    };
  });
}

const MB = 2 ** 20;

function cells<T>(get: (impl: Impl) => T | undefined, pick: (v: T) => Cell): Record<Impl, Cell> {
  const one = (impl: Impl): Cell => {
    const v = get(impl);
    return v === undefined ? { na: 'not run' } : pick(v);
  };
  return { webwx: one('webwx'), wechat4u: one('wechat4u'), limit: one('limit') };
}

function bareNodeMb(login: BenchResults['login']): string {
  const all = Object.values(login).flatMap((l) =>
    l.bareNodeRssBytes === undefined ? [] : [l.bareNodeRssBytes / MB],
  );
  return all.length === 0 ? '?' : Math.min(...all).toFixed(1);
}

/** The rows of the table, the issue's targets judged. */
export function assembleRows(
  r: Pick<BenchResults, 'echo' | 'emulator' | 'login' | 'decode' | 'idle' | 'meta' | 'bot' | 'restart'>,
): Row[] {
  const rows: Row[] = [];
  const echo = (i: Impl) => r.echo[i];
  if (Object.keys(r.echo).length > 0) {
    const p50 = cells(echo, (e) => e.p50Ms);
    rows.push({
      metric: 'echo round trip p50, 40 msg/s',
      unit: 'ms',
      ...p50,
      target: { text: 'webwx ≤ 1.2× limit', met: judge(p50.webwx, p50.limit, 1.2, 'lower') },
    });
    rows.push({ metric: 'echo round trip p99, 40 msg/s', unit: 'ms', ...cells(echo, (e) => e.p99Ms) });
    const rate = cells(echo, (e) => e.maxSustainedRate);
    const a = judge(rate.webwx, rate.limit, 0.8, 'higher');
    const b = judge(rate.webwx, rate.wechat4u, 3, 'higher');
    rows.push({
      metric: 'highest sustained echo rate',
      unit: 'msg/s',
      ...rate,
      target: {
        text: 'webwx ≥ 0.8× limit and ≥ 3× wechat4u',
        met: a === undefined || b === undefined ? undefined : a && b,
      },
    });
    rows.push({
      metric: 'highest rate on latency alone (lost echoes left out)',
      unit: 'msg/s',
      ...cells(echo, (e) => e.maxRateIgnoringLoss),
    });
    rows.push({
      metric: 'echoes lost on the way up to that rate',
      unit: 'messages',
      ...cells(echo, (e) => e.lostEchoes),
    });
    rows.push({
      metric: 'emulator CPU at the highest sustained rate',
      unit: '% of a core',
      ...cells(echo, (e) => e.emulatorCpuPctAtMax),
      target: {
        text: 'emulator not saturated (< 90 %)',
        met: Object.values(r.echo).every((e) => !(e.emulatorCpuPctAtMax >= 90)),
      },
    });
    rows.push({
      metric: 'client CPU at that rate',
      unit: '% of a core',
      ...cells(echo, (e) => e.clientCpuPctAtMax),
    });
  }
  if (r.emulator) {
    const emuEchoes = r.emulator.maxSustainedRate * (r.emulator.runs[0]?.sessions ?? 1);
    const best = Math.max(0, ...Object.values(r.echo).map((e) => e.maxSustainedRate));
    rows.push({
      metric: "emulator's own limit: echoes/s, raw loop × 4 sessions",
      unit: 'msg/s',
      webwx: { na: 'raw loop only' },
      wechat4u: { na: 'raw loop only' },
      limit: emuEchoes,
      target: {
        text: `well above any client (best ${best.toLocaleString('en-US')})`,
        met: best > 0 ? emuEchoes >= 1.5 * best : undefined,
      },
    });
  }
  if (r.bot) rows.push(...botRows(r.bot, r.echo));
  const login = (i: Impl) => r.login[i];
  if (r.restart) rows.push(...restartRows(r.restart));
  if (Object.keys(r.login).length > 0) {
    const ready = cells(login, (l) => l.loginToReadyMs / 1000);
    rows.push({
      metric: 'login → ready, 5,000 contacts + 200 groups × 500',
      unit: 's',
      ...ready,
      target: { text: 'webwx ≤ 0.5× wechat4u', met: judge(ready.webwx, ready.wechat4u, 0.5, 'lower') },
    });
    rows.push({
      metric: 'login → contact list only (members not yet loaded)',
      unit: 's',
      ...cells(
        login,
        (l): Cell => (l.loginToListedMs === undefined ? { na: 'no such event' } : l.loginToListedMs / 1000),
      ),
    });
    rows.push({
      metric: 'login: UTF-8 decode + JSON.parse of the contact and member replies alone',
      unit: 's',
      ...cells(
        login,
        (l): Cell => (l.decodeParseMs === undefined ? { na: 'not measured apart' } : l.decodeParseMs / 1000),
      ),
    });
    const rss = cells(login, (l) => l.peakRssBytes / MB);
    rows.push({
      metric: 'peak RSS, big account (process)',
      unit: 'MB',
      ...rss,
      target: {
        text: `webwx ≤ 60 MB (a bare node process: ${bareNodeMb(r.login)} MB)`,
        met: judgeAbsolute(rss.webwx, 60, 'lower'),
      },
    });
    rows.push({
      metric: 'RSS once ready, after GC',
      unit: 'MB',
      ...cells(login, (l) => l.settledRssBytes / MB),
    });
    rows.push({
      metric: 'JS heap used once ready, after GC',
      unit: 'MB',
      ...cells(login, (l) => l.heapUsedBytes / MB),
    });
    rows.push({
      metric: 'RSS before login (Node + libraries loaded)',
      unit: 'MB',
      ...cells(login, (l) => l.baselineRssBytes / MB),
    });
  }
  if (r.decode) {
    const d = (i: Impl) => r.decode?.find((x) => x.impl === i);
    rows.push({
      metric: 'decode throughput, real + generated mix',
      unit: 'msg/s',
      ...cells(d, (x) => x.messagesPerSec),
    });
    rows.push({
      metric: 'decode throughput, the texts of the mix alone',
      unit: 'msg/s',
      ...cells(d, (x): Cell => (x.textsPerSec === undefined ? { na: 'not measured' } : x.textsPerSec)),
    });
  }
  if (r.idle) {
    for (const n of [...new Set(r.idle.map((x) => x.sessions))].sort((x, y) => x - y)) {
      const get = (i: Impl) => r.idle?.find((x) => x.impl === i && x.sessions === n);
      const label = n === 1 ? '1 session' : `${n} sessions in one process`;
      rows.push({ metric: `idle CPU, ${label}`, unit: 'CPU ms/min', ...cells(get, (x) => x.cpuMsPerMin) });
      rows.push({ metric: `idle RSS, ${label}`, unit: 'MB', ...cells(get, (x) => x.maxRssBytes / MB) });
    }
  }
  return rows;
}

/**
 * The bot echo's rows: its figures in the webwx column, beside wechat4u's and the limit's plain echo
 * (the client echo's rows above have webwx's own `message` listener).
 */
export function botRows(bot: BotSummary, echo: BenchResults['echo']): Row[] {
  const rows: Row[] = [];
  const other = (impl: Impl, pick: (e: EchoSummary) => Cell): Cell => {
    const e = echo[impl];
    return e === undefined ? { na: 'echo not run' } : pick(e);
  };
  const offCell = (pick: (e: EchoSummary) => Cell): Cell => (bot.off ? pick(bot.off) : { na: 'not run' });
  if (bot.off) {
    rows.push({
      metric: 'bot echo (Bot + ctx.reply), pacing off: round trip p50, 40 msg/s',
      unit: 'ms',
      webwx: offCell((e) => e.p50Ms),
      wechat4u: other('wechat4u', (e) => e.p50Ms),
      limit: other('limit', (e) => e.p50Ms),
    });
    const rate: Pick<Row, 'webwx' | 'wechat4u' | 'limit'> = {
      webwx: offCell((e) => e.maxSustainedRate),
      wechat4u: other('wechat4u', (e) => e.maxSustainedRate),
      limit: other('limit', (e) => e.maxSustainedRate),
    };
    const clientRate = echo.webwx?.maxSustainedRate;
    rows.push({
      metric: `bot echo, pacing off: highest sustained rate${clientRate === undefined ? '' : ` (client echo: ${clientRate.toLocaleString('en-US')})`}`,
      unit: 'msg/s',
      ...rate,
      target: { text: 'bot ≥ 0.8× limit', met: judge(rate.webwx, rate.limit, 0.8, 'higher') },
    });
  }
  if (bot.paced) {
    const p = bot.paced;
    const measured = Number.isFinite(p.rateAfterBurst) ? p.rateAfterBurst : undefined;
    rows.push({
      metric: `bot echo, default pacing (${p.perSecond}/s, burst ${p.burst}): reply rate after the burst`,
      unit: 'msg/s',
      webwx: measured ?? { na: 'no steady replies' },
      wechat4u: { na: 'no pacing' },
      limit: { na: 'no pacing' },
      target: {
        text: `the configured ${p.perSecond} msg/s (±${PACED_TOLERANCE * 100} %), no reply lost`,
        met:
          measured === undefined
            ? undefined
            : Math.abs(measured - p.perSecond) <= PACED_TOLERANCE * p.perSecond && p.missing === 0,
      },
    });
  }
  return rows;
}

/** Notes that belong under the table (what a figure means when a client could not do it all). */
export function notesFor(r: Pick<BenchResults, 'login' | 'echo' | 'decode' | 'emulator'>): string[] {
  const notes: string[] = [];
  const loginCounts = (['webwx', 'wechat4u', 'limit'] as const)
    .filter((impl) => r.login[impl])
    .map((impl) => {
      const c = r.login[impl]!.counts;
      return `${impl} ${c.contacts} contacts, ${c.rooms} rooms, ${c.members} members`;
    });
  if (loginCounts.length > 0)
    notes.push(
      `login: every client ends with the full lists (${loginCounts.join('; ')}). Time from the phone's confirm, each client holding its own login poll; wechat4u's own room lookup asks webwxbatchgetcontact for all 200 rooms in one call, which the server refuses above 50 (Ret 1), so the bench then loads its rooms through its public batchGetContact, 50 a call, 4 in flight, as the limit does (webwx sizes its own calls).`,
    );
  for (const [impl, e] of Object.entries(r.echo)) {
    if (e.atCeiling) notes.push(`echo: ${impl} sustained the highest rate tried; its real limit is higher.`);
  }
  if (r.emulator?.atCeiling) notes.push('emulator: the 4-session raw loop sustained the highest rate tried.');
  const webwxDecode = r.decode?.find((d) => d.impl === 'webwx');
  if (webwxDecode?.kinds) {
    const kinds = Object.entries(webwxDecode.kinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    notes.push(
      `decode: mix of ${webwxDecode.mixSize} messages (${webwxDecode.fixtures} real samples of every kind + generated texts); webwx decoded them as: ${kinds}. wechat4u's "decode" is Message.extend (text unescaping and emoji only: it reads no XML, where webwx parses every media, card, link and notice payload), so the texts alone, where both do the same work, have a row of their own; the limit reads the three fields an echo needs.`,
    );
  }
  return notes;
}

/** The docs section between DOCS_START and DOCS_END, replaced by the table of these results. */
export function replaceDocsTable(text: string, r: BenchResults): string {
  const start = text.indexOf(DOCS_START);
  const end = text.indexOf(DOCS_END);
  if (start < 0 || end < start) return text;
  const m = r.meta;
  const body = [
    DOCS_START,
    '',
    `Measured ${m.date.slice(0, 16).replace('T', ' ')} UTC at commit \`${m.commit}\`${m.uncommitted ? ` with ${m.uncommitted.length} uncommitted file(s) under src/ and bench/` : ''}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}; medians of ${m.repeats} runs${m.durationMs ? `, ${Math.round(m.durationMs / 1000)} s in all` : ''}${m.merged ? ` (the scenarios not rerun kept from ${m.merged})` : ''}.`,
    '',
    r.table || renderTable(r.rows),
    '',
    ...(r.notes ?? []).map((n) => `- ${n}`),
    '',
    DOCS_END,
  ].join('\n');
  return text.slice(0, start) + body + text.slice(end + DOCS_END.length);
}
