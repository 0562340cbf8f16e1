/**
 * Exactly-once across crashes: a child process runs the client on a SqliteStore and is killed with
 * SIGKILL at random moments, again and again, while the phone sends a stream of messages. Restarted
 * from the store each time (resuming the session, never a QR after the first), it must handle every
 * message exactly once, and every reply it sends must reach the phone exactly once.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { crashFixture, crashRounds, sleep, spawnChild } from '../crash-harness.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const MESSAGES = 600;
const ROUNDS = 24;

const fixture = crashFixture('webwx-crash-');

describe('crash test', () => {
  it(`${MESSAGES} messages, SIGKILL ${ROUNDS} times: every message handled once, every reply sent once`, async () => {
    const e = await fixture.emulator();
    const db = join(fixture.dir, 'webwx.db');
    const run = await crashRounds({
      emulator: e,
      messages: MESSAGES,
      rounds: ROUNDS,
      text: (n) => `crash-${n}`,
      start: () => spawnChild(FIXTURE, [e.baseUrl, db]),
    });
    expect(run.sent).toBe(MESSAGES);
    const child = run.child;

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
    expect(e.phone.qrCodes().length).toBe(run.qrsAfterLogin);
    expect(e.phone.sessions()).toHaveLength(1);
  }, 120_000);
});
