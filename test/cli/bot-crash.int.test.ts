/**
 * `webwx bot` run as a process across crashes (docs/bot.md "Delivery"): the seed's auto-reply with a
 * rules file that echoes `crash-N` as `echo-N`, on the data directory's store, killed with SIGKILL
 * again and again while the phone sends a stream of texts. Every text must be answered exactly once
 * and no restart needs a QR code.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  CLI_ENTRY,
  childLines,
  countsOf,
  crashRounds,
  killChildren,
  spawnChild,
  startCrashEmulator,
  waitUntil,
} from '../bot/crash-harness.js';

const MESSAGES = 500;
/** 16 rounds, every fourth with a second kill mid-restart: 20 SIGKILLs. */
const ROUNDS = 16;

const dir = mkdtempSync(join(tmpdir(), 'webwx-bot-process-crash-'));
let emulator: Emulator | undefined;
afterAll(async () => {
  killChildren();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('webwx bot crash test', () => {
  it(`${MESSAGES} messages, at least ${ROUNDS} SIGKILLs of the process: every text answered once`, async () => {
    const e = await startCrashEmulator();
    emulator = e;
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
