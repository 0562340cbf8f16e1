/**
 * Child processes: every scenario runs in its own process (forkScenario), and the clients under test
 * run in a process of their own (forkSubject), so that CPU and RSS figures belong to one thing only.
 * Every wait here has a deadline; a child that misses it is killed (by its own pid).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BotPacing, Impl, SessionCounts } from './subjects.js';

export interface Usage {
  /** ms since the epoch. */
  at: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  maxRssBytes: number;
}

export interface SubjectArgs {
  impl: Impl;
  baseUrl: string;
  sessions: number;
  echo: boolean;
  expectContacts: number;
  maxLifetimeMs: number;
  /** webwx only: echo through a `Bot` (`ctx.reply`) instead of a `message` listener, with this pacing. */
  bot?: BotPacing;
}

export type SubjectMessage =
  | {
      type: 'ready';
      readyAt: number;
      loggedInAt: number;
      /** The first session's contact list in hand (every getcontact page), when the client tells. */
      listedAt?: number;
      /** The first session's decoding and parsing of its contact replies, when the client tells (the limit). */
      decodeParseMs?: number;
      counts: SessionCounts;
      baseline: Usage;
      usage: Usage;
    }
  | { type: 'usage'; usage: Usage }
  | { type: 'stopped' }
  | { type: 'failed'; error: string };

/** This process's CPU and memory now. */
export function processUsage(): Usage {
  const ru = process.resourceUsage();
  const mem = process.memoryUsage();
  return {
    at: Date.now(),
    cpuUserUs: ru.userCPUTime,
    cpuSystemUs: ru.systemCPUTime,
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    maxRssBytes: ru.maxRSS * 1024,
  };
}

export type DriverMessage = { type: 'usage' } | { type: 'gc' } | { type: 'stop' };

const TSX = ['--import', 'tsx'];

/** The child's next message `accept` takes; rejects on a `failed` message, its exit, or the deadline. */
export function nextMessage<T extends { type: string }>(
  child: ChildProcess,
  accept: (m: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: T) => {
      if ((m as { type: string }).type === 'failed') {
        done();
        reject(new Error(`${what}: ${(m as unknown as { error: string }).error}`));
      } else if (accept(m)) {
        done();
        resolve(m);
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`${what}: the child exited (code ${code})`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * WEBWX_BENCH_PROFILE=<dir>: a V8 CPU profile of every client and scenario process (the scenario
 * process holds the emulator and the phone), see docs/benchmarks.md.
 */
export function profileFlags(): string[] {
  const dir = process.env.WEBWX_BENCH_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

export interface SubjectHandle {
  readonly pid: number;
  ready: Promise<Extract<SubjectMessage, { type: 'ready' }>>;
  usage(gc?: boolean): Promise<Usage>;
  stop(): Promise<void>;
}

/** Set by run.ts to the compiled subject (compile.ts): the clients then run without tsx's 40 MB. */
export const COMPILED_SUBJECT_ENV = 'WEBWX_BENCH_SUBJECT';

export function forkSubject(args: SubjectArgs, readyTimeoutMs = 120_000): SubjectHandle {
  const compiled = process.env[COMPILED_SUBJECT_ENV];
  const script = compiled ?? fileURLToPath(new URL('./subject-main.ts', import.meta.url));
  const child = fork(script, [JSON.stringify(args)], {
    execArgv: [...(compiled ? [] : TSX), '--expose-gc', ...profileFlags()],
    // wechat4u prints to stdout; keep the orchestrator's stdout for the table.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = nextMessage<Extract<SubjectMessage, { type: 'ready' }>>(
    child,
    (m) => m.type === 'ready',
    readyTimeoutMs,
    `${args.impl} subject`,
  );
  ready.catch(() => child.kill());
  return {
    pid: child.pid ?? -1,
    ready,
    async usage(gc = false) {
      const next = nextMessage<Extract<SubjectMessage, { type: 'usage' }>>(
        child,
        (m) => m.type === 'usage',
        10_000,
        'usage',
      );
      child.send({ type: gc ? 'gc' : 'usage' } satisfies DriverMessage);
      return (await next).usage;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' } satisfies DriverMessage);
      const timer = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs bench/scenario-main.ts in a child and resolves with the result it sends back. */
export function forkScenario<T>(scenario: string, options: unknown, timeoutMs: number): Promise<T> {
  const child = fork(
    fileURLToPath(new URL('./scenario-main.ts', import.meta.url)),
    [scenario, JSON.stringify(options)],
    { execArgv: [...TSX, '--expose-gc', ...profileFlags()], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const result = nextMessage<{ type: 'result'; result: T }>(
    child,
    (m) => m.type === 'result',
    timeoutMs,
    `scenario ${scenario}`,
  );
  return result.then(
    (m) => {
      child.disconnect();
      return m.result;
    },
    (error: unknown) => {
      child.kill();
      throw error;
    },
  );
}
