/**
 * Exactly-once across crashes on PostgreSQL: the crash test of crash.int.test.ts with the child on a
 * PostgresStore (a throwaway server, test/postgres-server.ts). The handler's row and reply join the
 * delivery transaction; killed with SIGKILL at random moments (test/crash-harness.ts) and restarted
 * from the store (resuming the sealed session), the child must record every message exactly once, and
 * every reply must reach the phone exactly once.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { countsOf, crashFixture, crashRounds, sleep, spawnChild } from '../crash-harness.js';
import { POSTGRES_MISSING, startTestPostgres } from '../postgres-server.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/postgres-crash-child.ts', import.meta.url));
const MESSAGES = 300;
const ROUNDS = 12;

const fixture = crashFixture('webwx-postgres-crash-');
const server = await startTestPostgres();
fixture.onClose(() => server?.stop());

describe.skipIf(!server)(`crash test on PostgresStore${server ? '' : ` (${POSTGRES_MISSING})`}`, () => {
  it(`${MESSAGES} messages, SIGKILL ${ROUNDS} times: every message handled once, every reply sent once`, async () => {
    const url = (server as NonNullable<typeof server>).url;
    const e = await fixture.emulator();
    const run = await crashRounds({
      emulator: e,
      messages: MESSAGES,
      rounds: ROUNDS,
      text: (n) => `crash-${n}`,
      start: () => spawnChild(FIXTURE, [e.baseUrl, url, 'crash-bot']),
    });
    expect(run.sent).toBe(MESSAGES);

    // The last child runs until everything is handled and every reply arrived.
    const reader = new pg.Pool({ connectionString: url, max: 1 });
    reader.on('error', () => {});
    const handledTexts = async () =>
      ((await reader.query('SELECT text FROM handled')).rows as { text: string }[]).map((r) => r.text);
    const replies = () => e.phone.sent().filter((r) => r.content.startsWith('reply-'));
    let handled = countsOf(await handledTexts());
    const deadline = Date.now() + 60_000;
    while (
      (handled.size < MESSAGES || new Set(replies().map((r) => r.content)).size < MESSAGES / 10) &&
      Date.now() < deadline
    ) {
      await sleep(200);
      handled = countsOf(await handledTexts());
    }
    run.child.process.kill('SIGTERM');
    await run.child.exited;

    handled = countsOf(await handledTexts());
    await reader.end();
    expect([...handled].filter(([, c]) => c > 1)).toEqual([]);
    expect(handled.size).toBe(MESSAGES);
    const replyCounts = countsOf(replies().map((r) => r.content));
    expect([...replyCounts].filter(([, c]) => c > 1)).toEqual([]);
    expect(replyCounts.size).toBe(MESSAGES / 10);
    // Never another QR code after the first login: every restart resumed the session.
    expect(e.phone.qrCodes().length).toBe(run.qrsAfterLogin);
    expect(e.phone.sessions()).toHaveLength(1);
  }, 180_000);
});
