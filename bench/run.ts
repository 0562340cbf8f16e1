/**
 * `npm run bench`: every benchmark scenario, each in its own child process, on the emulator over
 * loopback (issue #10, docs/benchmarks.md). Prints one table (webwx, wechat4u, the limit, the ratios
 * and the targets); a full run also writes bench/results.json and the table in docs/benchmarks.md.
 *
 *   npm run bench                      # the full run (~16 minutes on 2 cores, with scale and failover)
 *   npm run bench -- --quick           # a smoke run (under 2 minutes): one repeat, short steps and windows
 *   npm run bench -- --only echo,login # some scenarios (echo, bot, emulator, login, restart, decode, idle, scale, failover)
 *   npm run bench -- --repeats 5       # more repeats (medians are reported)
 *   npm run bench -- --json FILE       # also write the results there (any run)
 *   npm run bench -- --only echo --merge bench/results.json   # rerun some scenarios, keep the others' results
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileForBench, removeCompiled } from './compile.js';
import { type FailoverResult, failoverRows } from './failover-rows.js';
import { COMPILED_SUBJECT_ENV, forkScenario } from './proc.js';
import { collectRestart } from './restart-rows.js';
import {
  assembleRows,
  type BenchResults,
  collectEcho,
  collectIdle,
  collectLogin,
  collectPaced,
  DOCS_END,
  DOCS_START,
  describeMachine,
  notesFor,
  replaceDocsTable,
} from './results.js';
import { type ScaleResult, scaleRows } from './scale-rows.js';
import type { DecodeOptions, DecodeResult } from './scenario-decode.js';
import type { EchoOptions, EchoResult } from './scenario-echo.js';
import type { FailoverOptions } from './scenario-failover.js';
import type { IdleOptions, IdleResult } from './scenario-idle.js';
import type { LoginOptions, LoginResult } from './scenario-login.js';
import type { RestartOptions, RestartResult } from './scenario-restart.js';
import type { ScaleOptions } from './scenario-scale.js';
import { IMPLS, type Impl } from './subjects.js';
import { renderTable } from './table.js';

const SCENARIOS = [
  'decode',
  'echo',
  'bot',
  'emulator',
  'login',
  'restart',
  'idle',
  'scale',
  'failover',
] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    repeats: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    json: { type: 'string' },
    merge: { type: 'string' },
  },
});
const quick = values.quick ?? false;
const repeats = Math.max(1, Math.min(9, Number(values.repeats ?? (quick ? 1 : 3)) || 1));
const only = new Set<Scenario>(
  (values.only ?? SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is Scenario => (SCENARIOS as readonly string[]).includes(s)),
);
const merged: Partial<BenchResults> | undefined = values.merge
  ? (JSON.parse(readFileSync(values.merge, 'utf8')) as BenchResults)
  : undefined;
const wanted = !quick && !values['no-write'] && (only.size === SCENARIOS.length || merged !== undefined);

const RATES = [
  100, 200, 400, 800, 1200, 1600, 2000, 2400, 2800, 3200, 4000, 4800, 6400, 8000, 9600, 11200, 12800, 16000,
];
const echoBase = {
  referenceRate: 40,
  referenceMs: quick ? 2500 : 5000,
  rates: RATES,
  stepMs: quick ? 800 : 1500,
};
const BIG = { contacts: 5000, rooms: 200, membersPerRoom: 500 };
const IDLE_SESSIONS = [1, 20];

function log(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

async function scenario<T>(
  name: string,
  options: unknown,
  timeoutMs: number,
  label: string,
): Promise<T | undefined> {
  const started = Date.now();
  try {
    const r = await forkScenario<T>(name, options, timeoutMs);
    log(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return r;
  } catch (error) {
    log(`${label}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** `repeats` rounds of the scenario for each implementation (interleaved), the results by implementation. */
async function repeatEach<T, I extends string = Impl>(
  name: string,
  impls: readonly I[],
  options: (impl: I) => unknown,
  label = name,
): Promise<Partial<Record<I, T[]>>> {
  const runs: Partial<Record<I, T[]>> = {};
  for (let rep = 1; rep <= repeats; rep++) {
    for (const impl of impls) {
      const r = await scenario<T>(name, options(impl), 240_000, `${label} ${impl} #${rep}`);
      if (r) runs[impl] = [...(runs[impl] ?? []), r];
    }
  }
  return runs;
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: BenchResults = {
    meta: describeMachine({ quick, repeats }),
    echo: {},
    emulator: undefined,
    login: {},
    decode: undefined,
    idle: undefined,
    rows: [],
    table: '',
  };
  // Fail fast when the tree does not load (the scenarios would all fail the same way, one by one).
  await import('../src/emulator/index.js');
  const { DEFAULT_PACING } = await import('../src/index.js');
  process.env[COMPILED_SUBJECT_ENV] = compileForBench();
  log(`${quick ? 'quick' : 'full'} run, ${repeats} repeat(s): ${[...only].join(', ')}`);
  if (results.meta.uncommitted)
    log(
      `the working tree differs from ${results.meta.commit} in ${results.meta.uncommitted.join(', ')}: the figures include those changes`,
    );

  if (only.has('decode')) {
    results.decode = await scenario<DecodeResult[]>(
      'decode',
      { rounds: quick ? 3 : 7, roundMs: quick ? 300 : 1000 } satisfies DecodeOptions,
      120_000,
      'decode',
    );
  }

  if (only.has('echo')) {
    results.echo = collectEcho(
      await repeatEach<EchoResult>(
        'echo',
        IMPLS,
        (impl) => ({ impl, sessions: 1, ...echoBase }) satisfies EchoOptions,
      ),
    );
  }

  if (only.has('bot')) {
    // The bot echo: Bot + ctx.reply over the client's outbox. Pacing off: the client echo's ramp.
    // Default pacing: texts offered faster than the pacing, the steady reply rate after the burst.
    const off = await repeatEach<EchoResult>(
      'echo',
      ['webwx'],
      () => ({ impl: 'webwx', sessions: 1, ...echoBase, bot: 'off' }) satisfies EchoOptions,
      'bot echo, pacing off,',
    );
    const paced = await repeatEach<EchoResult>(
      'echo',
      ['webwx'],
      () =>
        ({
          impl: 'webwx',
          sessions: 1,
          ...echoBase,
          bot: 'default',
          paced: {
            messages: DEFAULT_PACING.burst + (quick ? 10 : 30),
            rate: DEFAULT_PACING.perSecond * 5,
            burst: DEFAULT_PACING.burst,
            perSecond: DEFAULT_PACING.perSecond,
          },
        }) satisfies EchoOptions,
      'bot echo, default pacing,',
    );
    results.bot = {
      off: collectEcho(off).webwx,
      paced: collectPaced(paced.webwx ?? [], DEFAULT_PACING),
    };
  }

  if (only.has('emulator')) {
    // The emulator's own limit: the raw loop with 4 sessions in one process, every phone message
    // reaching all four; echoes per second = 4 × the phone's rate.
    const runs = await repeatEach<EchoResult>(
      'echo',
      ['limit'],
      () => ({ impl: 'limit', sessions: 4, ...echoBase }) satisfies EchoOptions,
      'emulator limit (4 raw sessions)',
    );
    results.emulator = collectEcho(runs).limit;
  }

  if (only.has('login')) {
    results.login = collectLogin(
      await repeatEach<LoginResult>('login', IMPLS, (impl) => ({ impl, ...BIG }) satisfies LoginOptions),
    );
  }

  if (only.has('restart')) {
    // The big account again, from a saved session: process start → first reply (the limit from its
    // saved credentials: the floor).
    results.restart = collectRestart(
      await repeatEach<RestartResult, RestartOptions['impl']>(
        'restart',
        ['webwx', 'wechat4u', 'limit', 'limit-store', 'limit-store-node-http'],
        (impl) => ({ impl, ...BIG }) satisfies RestartOptions,
      ),
    );
  }

  if (only.has('idle')) {
    // Every subject idles at once in one run, so a run is one scenario; repeated like the others.
    const idleRuns: IdleResult[][] = [];
    for (let rep = 1; rep <= repeats; rep++) {
      const r = await scenario<IdleResult[]>(
        'idle',
        {
          impls: [...IMPLS],
          sessionCounts: IDLE_SESSIONS,
          windowMs: quick ? 10_000 : 60_000,
        } satisfies IdleOptions,
        600_000,
        `idle #${rep}`,
      );
      if (r) idleRuns.push(r);
    }
    if (idleRuns.length > 0) {
      results.idleRuns = idleRuns;
      results.idle = collectIdle(idleRuns);
    }
  }

  let scale: ScaleResult | undefined;
  if (only.has('scale')) {
    // Many accounts in one host process (issue #21): idle cost by account count, an aggregate echo.
    scale = await scenario<ScaleResult>(
      'scale',
      {
        idleCounts: quick ? [1, 10, 50] : [1, 50, 200],
        contactsEach: 300,
        idleWindowMs: 10_000,
        echoAccounts: quick ? 50 : 200,
        echoRate: 200,
        // Long enough for every account's WAL to be checkpointed several times (wal-checkpoints.ts:
        // 100 writes, about 25 s of an echoing account) and for the host's major GCs to repeat.
        echoMs: quick ? 10_000 : 120_000,
        store: 'sqlite',
        // The same echo on raw clients: what of the p99 is the machine's (scale-limit-host.ts).
        limitEcho: true,
        // The same echo with the accounts over two threads (ThreadedAccountHost).
        threadedEcho: 2,
      } satisfies ScaleOptions,
      900_000,
      'scale',
    );
  }

  let failover: FailoverResult | undefined;
  if (only.has('failover')) {
    // Three worker processes on PostgreSQL and Redis, one killed (issue #21); skipped without the servers.
    failover = await scenario<FailoverResult>(
      'failover',
      { accounts: 30, workers: 3, runs: repeats, rounds: 8, roundGapMs: 300 } satisfies FailoverOptions,
      300_000 * repeats,
      'failover',
    );
  }

  if (merged) {
    // Scenarios not run this time keep the results of the merged file.
    if (!only.has('decode')) results.decode = merged.decode;
    if (!only.has('echo')) results.echo = merged.echo ?? {};
    if (!only.has('bot') && merged.bot) results.bot = merged.bot;
    if (!only.has('emulator')) results.emulator = merged.emulator;
    if (!only.has('login')) results.login = merged.login ?? {};
    if (!only.has('restart') && merged.restart) results.restart = merged.restart;
    if (!only.has('idle')) {
      results.idle = merged.idle;
      if (merged.idleRuns) results.idleRuns = merged.idleRuns;
    }
    if (!only.has('scale')) scale = (merged as { scale?: ScaleResult }).scale;
    if (!only.has('failover')) failover = (merged as { failover?: FailoverResult }).failover;
    results.meta.merged = `${merged.meta?.commit ?? '?'} ${merged.meta?.date ?? ''}`.trim();
  }
  if (scale) (results as BenchResults & { scale?: ScaleResult }).scale = scale;
  if (failover) (results as BenchResults & { failover?: FailoverResult }).failover = failover;
  results.rows = [...assembleRows(results), ...scaleRows(scale), ...failoverRows(failover)];
  results.table = renderTable(results.rows);
  results.notes = [...notesFor(results), ...(scale?.notes ?? []), ...(failover?.notes ?? [])];
  results.meta.durationMs = Date.now() - started;
  process.stdout.write(`\n${results.table}\n\n${results.notes.map((n) => `- ${n}\n`).join('')}\n`);
  process.stdout.write(
    `${results.meta.cpus} × ${results.meta.cpuModel}, Node ${results.meta.node}, ${quick ? 'quick' : 'full'} run, medians of ${repeats}, ${(results.meta.durationMs / 1000).toFixed(0)} s\n`,
  );
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
  // A full run writes the results only when every scenario produced them.
  const complete =
    results.decode !== undefined &&
    results.idle !== undefined &&
    results.emulator !== undefined &&
    results.bot?.off !== undefined &&
    results.bot.paced !== undefined &&
    Object.keys(results.echo).length === IMPLS.length &&
    Object.keys(results.login).length === IMPLS.length &&
    Object.keys(results.restart ?? {}).length === 5;
  if (wanted && !complete)
    log('some scenarios failed: bench/results.json and docs/benchmarks.md left as they were');
  if (wanted && complete) {
    const out = fileURLToPath(new URL('./results.json', import.meta.url));
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    const docs = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
    try {
      const text = readFileSync(docs, 'utf8');
      if (text.includes(DOCS_START) && text.includes(DOCS_END)) {
        writeFileSync(docs, replaceDocsTable(text, results));
      }
    } catch {
      log('docs/benchmarks.md not found: the table was not copied there');
    }
    log('wrote bench/results.json and the table in docs/benchmarks.md');
  }
}

main()
  .catch((error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  })
  .finally(removeCompiled);
