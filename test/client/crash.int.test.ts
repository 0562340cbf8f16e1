/**
 * Exactly-once across crashes: a child process runs the client on a SqliteStore and is killed with
 * SIGKILL at random moments, again and again, while the phone sends a stream of messages. Restarted
 * from the store each time (resuming the session, never a QR after the first), it must handle every
 * message exactly once, and every reply it sends must reach the phone exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { children, sleep, spawnChild as spawnFixture, startCrashWorld } from './crash-harness.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const MESSAGES = 600;
const ROUNDS = 24;

const dir = mkdtempSync(join(tmpdir(), 'webwx-crash-'));
let emulator: Emulator | undefined;
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

const spawnChild = (server: string, db: string) => spawnFixture(FIXTURE, [server, db]);

describe('crash test', () => {
  it(`${MESSAGES} messages, SIGKILL ${ROUNDS} times: every message handled once, every reply sent once`, async () => {
    const world = await startCrashWorld(MESSAGES);
    const e = world.emulator;
    emulator = e;
    const db = join(dir, 'webwx.db');
    const sendSome = world.sendSome;

    // Round 0: the QR login, then the first messages.
    let child = spawnChild(e.baseUrl, db);
    await child.ready;
    const qrsAfterLogin = e.phone.qrCodes().length;
    const perRound = Math.ceil(MESSAGES / ROUNDS);
    const kills: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const killAfter = 100 + Math.floor(Math.random() * 900);
      kills.push(killAfter);
      await Promise.all([sendSome(perRound), sleep(killAfter)]);
      child.process.kill('SIGKILL');
      await child.exited;
      child = spawnChild(e.baseUrl, db);
      // Sometimes kill it again before it is even ready (mid-resume, mid-init, mid-contacts).
      if (round % 4 === 3) {
        await sleep(Math.floor(Math.random() * 400));
        child.process.kill('SIGKILL');
        await child.exited;
        child = spawnChild(e.baseUrl, db);
      }
    }
    await sendSome(MESSAGES);
    expect(world.sent()).toBe(MESSAGES);

    // The last child runs until everything is handled and every reply arrived.
    const reader = new Database(db, { readonly: true });
    const handledCount = () =>
      (reader.prepare('SELECT count(DISTINCT msg_id) AS n FROM handled').get() as { n: number }).n;
    const replies = () => e.phone.sent().filter((r) => r.content.startsWith('reply-'));
    const deadline = Date.now() + 30_000;
    while (
      (handledCount() < MESSAGES || new Set(replies().map((r) => r.content)).size < MESSAGES / 10) &&
      Date.now() < deadline
    ) {
      await sleep(100);
    }
    child.process.kill('SIGTERM');
    await child.exited;

    const rows = reader.prepare('SELECT msg_id, text FROM handled').all() as {
      msg_id: string;
      text: string;
    }[];
    reader.close();
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.text, (counts.get(r.text) ?? 0) + 1);
    const duplicates = [...counts].filter(([, c]) => c > 1);
    expect(duplicates).toEqual([]);
    expect(counts.size).toBe(MESSAGES);
    const replyCounts = new Map<string, number>();
    for (const r of replies()) replyCounts.set(r.content, (replyCounts.get(r.content) ?? 0) + 1);
    expect([...replyCounts].filter(([, c]) => c > 1)).toEqual([]);
    expect(replyCounts.size).toBe(MESSAGES / 10);
    // Never another QR code after the first login: every restart resumed the session.
    expect(e.phone.qrCodes().length).toBe(qrsAfterLogin);
    expect(e.phone.sessions()).toHaveLength(1);
  }, 120_000);
});
