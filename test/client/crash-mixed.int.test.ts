/**
 * Exactly-once across crashes for media too (issue 17): the child answers a stream of phone messages
 * with texts and images (crash-child.ts with an images directory) and is killed with SIGKILL again and again. Every
 * message must be handled once, and every reply — text or image — must reach the phone exactly once,
 * with the ClientMsgId the store logged for it (a re-send after a crash reuses it, and the MediaId
 * when the upload was done).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { crashFixture, crashRounds, sleep, spawnChild } from '../crash-harness.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const MESSAGES = 400;
const ROUNDS = 20;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const fixture = crashFixture('webwx-crash-mixed-');
const dir = fixture.dir;

describe('crash test, texts and images', () => {
  it(`${MESSAGES} messages, SIGKILL ${ROUNDS} times: every text and image reply arrives once, with its logged ClientMsgId`, async () => {
    const e = await fixture.emulator();
    const images = join(dir, 'images');
    mkdirSync(images);
    const template = join(dir, 'template.png');
    writeFileSync(template, PNG);
    for (let n = 5; n < MESSAGES; n += 10) copyFileSync(template, join(images, `img-${n}.png`));
    const db = join(dir, 'webwx.db');
    const args = [e.baseUrl, db, images];
    const run = await crashRounds({
      emulator: e,
      messages: MESSAGES,
      rounds: ROUNDS,
      text: (n) => `crash-${n}`,
      start: () => spawnChild(FIXTURE, args),
    });
    const { child, kills } = run;

    const reader = new Database(db, { readonly: true });
    const handledCount = () =>
      (reader.prepare('SELECT count(DISTINCT msg_id) AS n FROM handled').get() as { n: number }).n;
    const replyName = (r: { content: string; media?: { fileName: string } }) =>
      r.media ? r.media.fileName : r.content;
    const replies = () =>
      e.phone.sent().filter((r) => r.content.startsWith('reply-') || r.media?.fileName.startsWith('img-'));
    const expected = MESSAGES / 5;
    const deadline = Date.now() + 40_000;
    while (
      (handledCount() < MESSAGES || new Set(replies().map(replyName)).size < expected) &&
      Date.now() < deadline
    ) {
      await sleep(100);
    }
    child.process.kill('SIGTERM');
    await child.exited;

    const handled = reader.prepare('SELECT text FROM handled').all() as { text: string }[];
    const logged = reader
      .prepare("SELECT client_msg_id, text, fields, status FROM messages WHERE direction = 'out'")
      .all() as { client_msg_id: string; text: string; fields: string; status: string }[];
    reader.close();
    const handledCounts = new Map<string, number>();
    for (const r of handled) handledCounts.set(r.text, (handledCounts.get(r.text) ?? 0) + 1);
    expect([...handledCounts].filter(([, c]) => c > 1)).toEqual([]);
    expect(handledCounts.size).toBe(MESSAGES);

    // The log: one send per reply, each 'sent', keyed by its name.
    const loggedId = new Map<string, string>();
    for (const m of logged) {
      const fields = JSON.parse(m.fields) as { send?: { upload?: { fileName?: string } } };
      const name = m.text || fields.send?.upload?.fileName || '';
      expect(loggedId.has(name)).toBe(false);
      loggedId.set(name, m.client_msg_id);
      expect(m.status).toBe('sent');
    }
    const counts = new Map<string, number>();
    for (const r of replies()) {
      const name = replyName(r);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      expect([name, r.clientMsgId]).toEqual([name, loggedId.get(name)]);
    }
    const duplicates = [...counts].filter(([, c]) => c > 1);
    const lost = [...loggedId.keys()].filter((name) => !counts.has(name));
    process.stdout.write(
      `crash-mixed figures: ${JSON.stringify({ messages: MESSAGES, kills, replies: expected, texts: [...counts.keys()].filter((n) => n.startsWith('reply-')).length, images: [...counts.keys()].filter((n) => n.startsWith('img-')).length, lost: lost.length, duplicates: duplicates.length })}\n`,
    );
    expect(duplicates).toEqual([]);
    expect(lost).toEqual([]);
    expect(counts.size).toBe(expected);
    expect(e.phone.sessions()).toHaveLength(1);
  }, 150_000);
});
