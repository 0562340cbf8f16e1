/**
 * Scenario 2, login to ready for a big account (5,000 contacts, 200 groups of 500 members): wall time
 * from the phone confirming the QR to the full contact and member lists in the client's hands, and
 * the client process's peak RSS. The emulator runs in this driver process, the client in a subject
 * process of its own.
 */
import { execFileSync } from 'node:child_process';
import { startEmulator } from '../src/emulator/index.js';
import { forkSubject } from './proc.js';
import { autoConfirm, expectedContacts } from './scenario-echo.js';
import type { Impl, SessionCounts } from './subjects.js';

export interface LoginOptions {
  impl: Impl;
  contacts: number;
  rooms: number;
  membersPerRoom: number;
}

export interface LoginResult {
  impl: Impl;
  /** From the phone's confirm to the client holding every contact and member. */
  loginToReadyMs: number;
  /**
   * From the phone's confirm to the contact list in hand (every getcontact page), before the rooms'
   * members; only for clients that tell (wechat4u, the limit).
   */
  loginToListedMs?: number;
  /**
   * The limit only: its UTF-8 decoding and JSON.parse of every getcontact and batchgetcontact reply,
   * ms, the least any client must spend on them.
   */
  decodeParseMs?: number;
  /**
   * RSS of a bare `node` process (nothing loaded, after a GC), bytes: the floor under every client;
   * absent in results from before it was measured.
   */
  bareNodeRssBytes?: number;
  /** From the phone's confirm to the login page answered (credentials in hand). */
  confirmToLoggedInMs: number;
  counts: SessionCounts;
  /** The subject process's peak RSS (getrusage maxrss), bytes. */
  peakRssBytes: number;
  /** Its RSS once ready, and after a full GC. */
  readyRssBytes: number;
  settledRssBytes: number;
  heapUsedBytes: number;
  /** Its RSS before logging in (Node, tsx and the libraries loaded). */
  baselineRssBytes: number;
}

/** RSS of a `node` that loads nothing, after a full GC. */
export function bareNodeRss(): number {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '-e', 'gc(); process.stdout.write(String(process.memoryUsage().rss))'],
    { encoding: 'utf8', env: {} },
  );
  return Number(out);
}

export async function runLogin(o: LoginOptions): Promise<LoginResult> {
  const emu = await startEmulator({
    world: { generate: { contacts: o.contacts, rooms: o.rooms, membersPerRoom: o.membersPerRoom } },
  });
  let confirmedAt: number | undefined;
  const off = autoConfirm(emu, (at) => {
    confirmedAt ??= at;
  });
  const subject = forkSubject({
    impl: o.impl,
    baseUrl: emu.baseUrl,
    sessions: 1,
    echo: false,
    expectContacts: expectedContacts(emu),
    maxLifetimeMs: 5 * 60_000,
  });
  try {
    const ready = await subject.ready;
    const settled = await subject.usage(true);
    const start = confirmedAt ?? ready.loggedInAt;
    return {
      impl: o.impl,
      loginToReadyMs: ready.readyAt - start,
      ...(ready.listedAt === undefined ? {} : { loginToListedMs: ready.listedAt - start }),
      ...(ready.decodeParseMs === undefined ? {} : { decodeParseMs: ready.decodeParseMs }),
      bareNodeRssBytes: bareNodeRss(),
      confirmToLoggedInMs: ready.loggedInAt - start,
      counts: ready.counts,
      peakRssBytes: settled.maxRssBytes,
      readyRssBytes: ready.usage.rssBytes,
      settledRssBytes: settled.rssBytes,
      heapUsedBytes: settled.heapUsedBytes,
      baselineRssBytes: ready.baseline.rssBytes,
    };
  } finally {
    off();
    await subject.stop();
    await emu.close();
  }
}
