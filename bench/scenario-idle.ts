/**
 * Scenario 4, idle cost: CPU and RSS of logged-in sessions doing nothing but their long polls, over a
 * window (a minute; shorter with --quick). One session in a process, and `many` sessions in one process
 * (the emulator keeps them all: kickPreviousSession false). Every subject runs at once against one
 * emulator; each process's CPU is its own (getrusage), so they do not pollute each other's figures.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from '../src/emulator/index.js';
import { forkSubject, type SubjectHandle, type Usage } from './proc.js';
import { autoConfirm, expectedContacts } from './scenario-echo.js';
import type { Impl } from './subjects.js';

export interface IdleOptions {
  impls: Impl[];
  sessionCounts: number[];
  windowMs: number;
}

export interface IdleResult {
  impl: Impl;
  sessions: number;
  windowMs: number;
  /** CPU over the window, % of one core. */
  cpuPct: number;
  /** CPU ms per minute of idling. */
  cpuMsPerMin: number;
  /** RSS at the end of the window and the highest sampled during it, bytes. */
  rssBytes: number;
  maxRssBytes: number;
  baselineRssBytes: number;
  /** Runs this figure is the median of (results.ts#collectIdle); absent for one run. */
  repeats?: number;
}

const SAMPLE_MS = 5000;

export async function runIdle(o: IdleOptions): Promise<IdleResult[]> {
  const emu = await startEmulator({ world: 'demo', kickPreviousSession: false });
  const off = autoConfirm(emu);
  const runs: { impl: Impl; sessions: number; subject: SubjectHandle }[] = [];
  try {
    for (const impl of o.impls) {
      for (const sessions of o.sessionCounts) {
        runs.push({
          impl,
          sessions,
          subject: forkSubject(
            {
              impl,
              baseUrl: emu.baseUrl,
              sessions,
              echo: false,
              expectContacts: expectedContacts(emu),
              maxLifetimeMs: o.windowMs + 5 * 60_000,
            },
            240_000,
          ),
        });
      }
    }
    const baselines = await Promise.all(runs.map((r) => r.subject.ready));
    await sleep(2000);
    const before = await Promise.all(runs.map((r) => r.subject.usage(true)));
    const maxRss = before.map((u) => u.rssBytes);
    const end = Date.now() + o.windowMs;
    while (Date.now() < end) {
      await sleep(Math.min(SAMPLE_MS, Math.max(0, end - Date.now())));
      const now = await Promise.all(runs.map((r) => r.subject.usage()));
      now.forEach((u, i) => {
        maxRss[i] = Math.max(maxRss[i] ?? 0, u.rssBytes);
      });
    }
    const after: Usage[] = await Promise.all(runs.map((r) => r.subject.usage()));
    return runs.map((r, i) => {
      const b = before[i]!;
      const a = after[i]!;
      const cpuMs = (a.cpuUserUs + a.cpuSystemUs - b.cpuUserUs - b.cpuSystemUs) / 1000;
      const wall = a.at - b.at;
      return {
        impl: r.impl,
        sessions: r.sessions,
        windowMs: wall,
        cpuPct: (cpuMs / wall) * 100,
        cpuMsPerMin: (cpuMs / wall) * 60_000,
        rssBytes: a.rssBytes,
        maxRssBytes: Math.max(maxRss[i] ?? 0, a.rssBytes),
        baselineRssBytes: baselines[i]!.baseline.rssBytes,
      };
    });
  } finally {
    off();
    await Promise.allSettled(runs.map((r) => r.subject.stop()));
    await emu.close();
  }
}
