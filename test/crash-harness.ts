/**
 * The crash tests' harness (docs/sessions.md "Exactly-once delivery", docs/bot.md "Delivery"): a child
 * process run from source with tsx — the client, a Bot, `webwx bot` or `webwx serve` — killed with
 * SIGKILL at chosen moments (sometimes again while it restarts) while the emulator's phone sends a
 * stream of texts, and restarted on the same store each time. Shared by test/client, test/bot and
 * test/cli.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { type Emulator, startEmulator } from '../src/emulator/index.js';

/** The `webwx` command from source. */
export const CLI_ENTRY = fileURLToPath(new URL('../src/cli/run.ts', import.meta.url));

export interface CrashChild {
  process: ChildProcess;
  /** Resolves at the first stdout line `isReady` accepts. */
  ready: Promise<void>;
  exited: Promise<void>;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the next stdout line (from now on) that `accept` takes; undefined after `timeoutMs` or the exit. */
  nextLine(accept: (line: string) => boolean, timeoutMs: number): Promise<string | undefined>;
}

const running = new Set<ChildProcess>();
/** Every stdout line of every child, for a failing test to show. */
export const childLines: string[] = [];

/** Kills every child still running (after the test). */
export function killChildren(): void {
  for (const c of running) c.kill('SIGKILL');
}

/** A line `{"event":"ready",…}`: what the test fixtures print once their client is ready. */
export const jsonReady = (line: string): boolean => line.includes('"event":"ready"');

/** Runs `node --import tsx <script> ...args`; ready at the first line `isReady` takes (default {@link jsonReady}). */
export function spawnChild(
  script: string,
  args: readonly string[],
  options: { env?: Record<string, string>; isReady?: (line: string) => boolean } = {},
): CrashChild {
  const isReady = options.isReady ?? jsonReady;
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  running.add(proc);
  const lines: string[] = [];
  const watchers = new Set<(line: string | undefined) => void>();
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    childLines.push(line);
    if (isReady(line)) onReady();
    for (const w of watchers) w(line);
  });
  proc.stderr?.resume();
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      running.delete(proc);
      for (const w of watchers) w(undefined);
      resolve();
    }),
  );
  const nextLine = (accept: (line: string) => boolean, timeoutMs: number): Promise<string | undefined> =>
    new Promise((resolve) => {
      const done = (found: string | undefined) => {
        clearTimeout(timer);
        watchers.delete(watch);
        resolve(found);
      };
      const watch = (line: string | undefined) => {
        if (line === undefined) done(undefined);
        else if (accept(line)) done(line);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      watchers.add(watch);
    });
  return { process: proc, ready, exited, lines, nextLine };
}

/**
 * A crash test's temp directory and emulator (startCrashEmulator), with the clean-up registered:
 * children killed, the emulator and whatever `onClose` got closed, the directory removed.
 */
export function crashFixture(prefix: string): {
  dir: string;
  emulator(): Promise<Emulator>;
  onClose(close: () => Promise<void> | void): void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const closers: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    killChildren();
    for (const close of closers.reverse()) await close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    async emulator() {
      const e = await startCrashEmulator();
      closers.push(() => e.close());
      return e;
    },
    onClose: (close) => closers.push(close),
  };
}

/** An emulator for a crash test: short long-polls, sync batches of 20, a phone that confirms logins. */
export async function startCrashEmulator(): Promise<Emulator> {
  const e = await startEmulator({
    port: 0,
    timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 },
    syncBatchSize: 20,
  });
  e.phone.on('qr', (qr) => {
    if (!qr.push) e.phone.scan(qr.uuid);
    e.phone.confirm(qr.uuid);
  });
  return e;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface CrashRun {
  /** The child left running after the last kill. */
  child: CrashChild;
  /** SIGKILLs sent. */
  kills: number;
  /** Kills sent right after the child printed a `midWork` marker (it was known to be mid-work). */
  markerKills: number;
  /** The marker lines those kills followed. */
  markerLines: string[];
  /** QR codes the phone had seen once the first child was ready. */
  qrsAfterLogin: number;
  /** Texts the phone sent. */
  sent: number;
}

/**
 * Starts the first child (waiting for its QR login), then `rounds` times: lets the phone send its
 * share of `messages` texts (`text(n)`, from the listed friends in turn) while the child starts and
 * works, kills it with SIGKILL and starts another; every fourth round kills the new one again before
 * it is ready (mid-resume). Then sends what is left. When the kill comes: every other round 50–600 ms
 * after the child is ready (mid-work), the others 100–1200 ms after its start (often mid-resume);
 * with `midWork`, those other rounds instead kill at the first stdout line `midWork` takes once the
 * child is ready (the child prints it while it is known to be in the middle of some work), at once,
 * the round's texts going on arriving across the restart, or after 3 s without one.
 */
export async function crashRounds(options: {
  emulator: Emulator;
  messages: number;
  rounds: number;
  text: (n: number) => string;
  start: () => CrashChild;
  midWork?: (line: string) => boolean;
}): Promise<CrashRun> {
  const e = options.emulator;
  const friends = e.world.listedContacts().filter((c) => c.kind === undefined || c.kind === 'friend');
  let sent = 0;
  /** Sends `count` texts spread over about `overMs`, so kills find the child in mid-work. */
  const sendSome = async (count: number, overMs = 0): Promise<void> => {
    const gap = Math.floor(overMs / Math.max(1, count / 5));
    for (let i = 0; i < count && sent < options.messages; i++) {
      const from = (friends[sent % friends.length] as { id: string }).id;
      e.phone.sendText({ from, text: options.text(sent) });
      sent++;
      if (i % 5 === 4) await sleep(Math.max(2, gap));
    }
  };
  let child = options.start();
  await child.ready;
  const qrsAfterLogin = e.phone.qrCodes().length;
  const perRound = Math.ceil(options.messages / options.rounds);
  let kills = 0;
  const markerLines: string[] = [];
  const midWork = options.midWork;
  for (let round = 0; round < options.rounds; round++) {
    const killAfter = 50 + Math.floor(Math.random() * 550);
    const started = child;
    const sending = sendSome(perRound, killAfter + 500);
    if (round % 2 === 0) await Promise.all([sending, started.ready.then(() => sleep(killAfter))]);
    else if (midWork) {
      // The kill follows the marker at once; the texts go on arriving across the restart.
      const marker = await started.ready.then(() => started.nextLine(midWork, 3000));
      if (marker !== undefined) markerLines.push(marker);
    } else await Promise.all([sending, sleep(killAfter * 2)]);
    child.process.kill('SIGKILL');
    kills++;
    await child.exited;
    child = options.start();
    await sending;
    if (round % 4 === 3) {
      await sleep(Math.floor(Math.random() * 400));
      child.process.kill('SIGKILL');
      kills++;
      await child.exited;
      child = options.start();
    }
  }
  await sendSome(options.messages);
  return { child, kills, markerKills: markerLines.length, markerLines, qrsAfterLogin, sent };
}

/** Waits until `done()` holds or `timeoutMs` passed. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await sleep(100);
}

/** Counts of each value. */
export function countsOf(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
