/**
 * Scenario 5, restart of the big account (issue #17): from the start of a client process that has a
 * saved session to its first reply. The emulator (the login scenario's world: 5,000 contacts, 200
 * groups of 500) runs in this driver process. A first subject process logs in through the QR code,
 * saves its state (webwx: its SqliteStore; wechat4u: its `botData` as JSON) and is killed with
 * SIGKILL — no logout. Then the clock starts, a second process is forked on that state, and a friend
 * sends a text right away; the figure is the time until that text's echo (webwxsendmsg) reaches the
 * emulator. webwx resumes with `createClient({ store }).start()`, wechat4u with
 * `new Wechat(botData).restart()` (bench/restart-subject.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../src/emulator/index.js';
import { COMPILED_SUBJECT_ENV, profileFlags } from './proc.js';
import type { RestartSubjectArgs, RestartSubjectMessage } from './restart-subject.js';
import { autoConfirm } from './scenario-echo.js';

export interface RestartOptions {
  impl: RestartSubjectArgs['impl'];
  contacts: number;
  rooms: number;
  membersPerRoom: number;
}

export interface RestartResult {
  impl: RestartSubjectArgs['impl'];
  /** From the fork of the process on the saved state to the echo of the text sent right after. */
  firstReplyMs: number;
  /** Of that: from the process's start to its code loaded (Node, the client's modules) and the client about to start. */
  loadedMs: number;
  /** QR codes the phone saw during the restart (0: it resumed). */
  qrDuringRestart: number;
}

const TIMEOUT_MS = 120_000;

/** Forks bench/restart-subject (compiled beside subject-main when run.ts compiled the tree, else with tsx). */
function forkRestartSubject(args: RestartSubjectArgs): ChildProcess {
  const compiled = process.env[COMPILED_SUBJECT_ENV];
  const script = compiled
    ? join(dirname(compiled), 'restart-subject.js')
    : fileURLToPath(new URL('./restart-subject.ts', import.meta.url));
  return fork(script, [JSON.stringify(args)], {
    execArgv: [...(compiled ? [] : ['--import', 'tsx']), ...(args.phase === 'restart' ? profileFlags() : [])],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function next<T extends RestartSubjectMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<RestartSubjectMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`restart subject: no '${type}' in time`)), TIMEOUT_MS);
    const onMessage = (m: RestartSubjectMessage) => {
      if (m.type === 'failed') finish(new Error(`restart subject: ${m.error}`));
      else if (m.type === type) finish(undefined, m as Extract<RestartSubjectMessage, { type: T }>);
    };
    const onExit = (code: number | null) => finish(new Error(`restart subject exited (code ${code})`));
    const finish = (error?: Error, m?: Extract<RestartSubjectMessage, { type: T }>) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(m as Extract<RestartSubjectMessage, { type: T }>);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function kill(child: ChildProcess, graceful = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (graceful && child.connected) {
    // The subject exits on 'disconnect', so that --cpu-prof (WEBWX_BENCH_PROFILE) writes its profile.
    child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    return;
  }
  child.kill('SIGKILL');
  await exited;
}

export async function runRestart(o: RestartOptions): Promise<RestartResult> {
  const emu = await startEmulator({
    world: { generate: { contacts: o.contacts, rooms: o.rooms, membersPerRoom: o.membersPerRoom } },
  });
  const off = autoConfirm(emu);
  const stateDir = mkdtempSync(join(tmpdir(), 'webwx-bench-restart-'));
  const base = { impl: o.impl, baseUrl: emu.baseUrl, stateDir };
  const friend = emu.world.listedContacts().find((c) => c.kind === undefined || c.kind === 'friend');
  if (!friend) throw new Error('restart: the world has no friend to send from');
  const children: ChildProcess[] = [];
  try {
    const first = forkRestartSubject({ ...base, phase: 'login' });
    children.push(first);
    await next(first, 'saved');
    await kill(first);
    // The dead process's held polls time out on the emulator's side; give them a moment.
    await sleep(500);

    const key = `restart-${Date.now()}`;
    let repliedAt: number | undefined;
    const replied = new Promise<void>((resolve) => {
      const offSent = emu.phone.on('sent', (r) => {
        if (r.content !== key || repliedAt !== undefined) return;
        repliedAt = performance.now();
        offSent();
        resolve();
      });
    });
    const qrsBefore = emu.phone.qrCodes().length;
    const startedAt = performance.now();
    const second = forkRestartSubject({ ...base, phase: 'restart' });
    children.push(second);
    emu.phone.sendText({ from: friend.id, text: key });
    const loaded = await next(second, 'loaded');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      replied,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('restart: the text was never echoed')), TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    return {
      impl: o.impl,
      firstReplyMs: (repliedAt as number) - startedAt,
      loadedMs: loaded.sinceStartMs,
      qrDuringRestart: emu.phone.qrCodes().length - qrsBefore,
    };
  } finally {
    off();
    for (const c of children) await kill(c, c === children[1] && Boolean(process.env.WEBWX_BENCH_PROFILE));
    await emu.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
