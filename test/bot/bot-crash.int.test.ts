/**
 * The Bot path across crashes (docs/bot.md "Delivery"): a Bot with a `ctx.reply` echo over a client on
 * a SqliteStore runs in a child process that is killed with SIGKILL again and again while the phone
 * sends a stream of texts. Every message must reach the handler (at least once: a message whose
 * handler was cut short comes again, marked redelivered), and every echo must reach the phone exactly
 * once; no restart needs a QR code. Half the kills come right when the child says a handler is in the
 * middle of its work with its reply already queued: each of those messages must come again
 * (redelivered), its reply still sent once.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { childLines, countsOf, crashFixture, crashRounds, spawnChild, waitUntil } from '../crash-harness.js';

const CHILD = fileURLToPath(new URL('./fixtures/bot-crash-child.ts', import.meta.url));
const MESSAGES = 500;
const ROUNDS = 20;
/** Kills made while a handler was known to be mid-work, at least (of the ROUNDS / 2 that wait for one). */
const MIN_MARKER_KILLS = 5;

const fixture = crashFixture('webwx-bot-crash-');
const dir = fixture.dir;

describe('bot crash test', () => {
  it(`${MESSAGES} messages, at least ${ROUNDS} SIGKILLs: every message handled, every echo sent once`, async () => {
    const e = await fixture.emulator();
    const db = join(dir, 'bot.db');
    const start = () => spawnChild(CHILD, [e.baseUrl, db]);
    const run = await crashRounds({
      emulator: e,
      messages: MESSAGES,
      rounds: ROUNDS,
      text: (n) => `crash-${n}`,
      start,
      midWork: (line) => line.includes('"event":"mid-handler"'),
    });

    console.info(`bot crash: rounds done, ${run.kills} SIGKILLs (${run.markerKills} mid-handler)`);
    const reader = new Database(db, { readonly: true, fileMustExist: true });
    const handledTexts = () =>
      (reader.prepare('SELECT DISTINCT text FROM handled').all() as { text: string }[]).map((r) => r.text);
    const echoes = () => e.phone.sent().filter((r) => r.content.startsWith('echo-'));
    await waitUntil(
      () => handledTexts().length >= MESSAGES && new Set(echoes().map((r) => r.content)).size >= MESSAGES,
      25_000,
    );
    run.child.process.kill('SIGTERM');
    await run.child.exited;

    const handled = countsOf(handledTexts());
    const redelivered = new Set(
      (reader.prepare('SELECT text FROM handled WHERE redelivered = 1').all() as { text: string }[]).map(
        (r) => r.text,
      ),
    );
    const runs = reader.prepare('SELECT count(*) AS n, sum(redelivered) AS again FROM handled').get() as {
      n: number;
      again: number;
    };
    reader.close();
    const echoCounts = countsOf(echoes().map((r) => r.content));
    const never = Array.from({ length: MESSAGES }, (_, n) => n).filter((n) => !handled.has(`crash-${n}`));
    const unanswered = Array.from({ length: MESSAGES }, (_, n) => n).filter(
      (n) => !echoCounts.has(`echo-${n}`),
    );
    const twice = [...echoCounts].filter(([, c]) => c > 1);
    console.info(
      `bot crash: ${MESSAGES} messages, ${run.kills} SIGKILLs (${run.markerKills} mid-handler), handler runs ${runs.n} (${runs.again} redelivered), never handled ${never.length}, replies never sent ${unanswered.length}, replies twice ${twice.length}`,
    );
    if (never.length + unanswered.length + twice.length > 0) {
      console.info(childLines.filter((l) => !l.includes('"ready"')).join('\n'));
    }
    expect(run.kills).toBeGreaterThanOrEqual(20);
    // Each kill on a mid-handler line cut that handler short after its reply was queued: that message
    // ran again, redelivered (the reply-twice check below covers its reply).
    expect(run.markerKills).toBeGreaterThanOrEqual(MIN_MARKER_KILLS);
    const cutShort = run.markerLines.map((line) => `crash-${(JSON.parse(line) as { n: number }).n}`);
    expect(cutShort.filter((text) => !redelivered.has(text))).toEqual([]);
    expect(runs.again).toBeGreaterThanOrEqual(run.markerKills);
    expect(never).toEqual([]);
    expect(unanswered).toEqual([]);
    expect(twice).toEqual([]);
    expect(e.phone.qrCodes().length).toBe(run.qrsAfterLogin);
    expect(e.phone.sessions()).toHaveLength(1);
  }, 300_000);
});
