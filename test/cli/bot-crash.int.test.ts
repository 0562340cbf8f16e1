/**
 * `webwx bot` run as a process across crashes (docs/bot.md "Delivery"): the seed's auto-reply with a
 * rules file that echoes `crash-N` as `echo-N`, on the data directory's store, killed with SIGKILL
 * again and again while the phone sends a stream of texts. Every text must be answered exactly once
 * and no restart needs a QR code.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLI_ENTRY,
  childLines,
  countsOf,
  crashFixture,
  crashRounds,
  spawnChild,
  waitUntil,
} from '../crash-harness.js';

const MESSAGES = 500;
/** 16 rounds, every fourth with a second kill mid-restart: 20 SIGKILLs. */
const ROUNDS = 16;

const fixture = crashFixture('webwx-bot-process-crash-');
const dir = fixture.dir;

describe('webwx bot crash test', () => {
  it(`${MESSAGES} messages, at least ${ROUNDS} SIGKILLs of the process: every text answered once`, async () => {
    const e = await fixture.emulator();
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ regex: '^crash-(\\d+)$', reply: 'echo-$1' }] }));
    const start = () =>
      spawnChild(CLI_ENTRY, ['bot', '--auto-reply', '--rules', rules, '--no-pacing', '--server', e.baseUrl], {
        env: { WEBWX_DATA_DIR: join(dir, 'data') },
        isReady: (line) => line.startsWith('Bot running'),
      });
    const run = await crashRounds({
      emulator: e,
      messages: MESSAGES,
      rounds: ROUNDS,
      text: (n) => `crash-${n}`,
      start,
    });
    const echoes = () => e.phone.sent().filter((r) => r.content.startsWith('echo-'));
    await waitUntil(() => new Set(echoes().map((r) => r.content)).size >= MESSAGES, 25_000);
    run.child.process.kill('SIGTERM');
    await run.child.exited;

    const counts = countsOf(echoes().map((r) => r.content));
    const unanswered = Array.from({ length: MESSAGES }, (_, n) => n).filter((n) => !counts.has(`echo-${n}`));
    const twice = [...counts].filter(([, c]) => c > 1);
    console.info(
      `webwx bot crash: ${MESSAGES} messages, ${run.kills} SIGKILLs, never answered ${unanswered.length}, answered twice ${twice.length}`,
    );
    if (unanswered.length + twice.length > 0) console.info(childLines.slice(-50).join('\n'));
    expect(run.kills).toBeGreaterThanOrEqual(20);
    expect(unanswered).toEqual([]);
    expect(twice).toEqual([]);
    // Every restart resumed the data directory's session.
    expect(e.phone.qrCodes().length).toBe(run.qrsAfterLogin);
    expect(e.phone.sessions()).toHaveLength(1);
  }, 150_000);
});
