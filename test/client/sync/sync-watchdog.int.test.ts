/**
 * The sync watchdog against the emulator: a synccheck that never answers (the 'hang' fault), with the
 * transport's own timeout far away (60 s), is dropped once the loop has been quiet for the watchdog's
 * bound; the client says so ('sync-stalled', a warning) and messages flow again at once.
 */
import { afterEach, expect, it } from 'vitest';
import { recordingLogger } from '../../recording-logger.js';
import { login, type Pair, startPair, waitForEvent, waitForMessage } from '../harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

it('a synccheck that hangs past the bound is dropped; the loop reconnects and messages arrive', async () => {
  const log = recordingLogger();
  pair = await startPair(
    { world: 'demo', timing: { loginPollHoldMs: 500, syncCheckHoldMs: 300, qrExpiryMs: 60_000 } },
    { timeouts: { syncCheckMs: 60_000 }, watchdog: { quietMs: 2500 }, logger: log.logger },
  );
  await login(pair);
  const hang = pair.emulator.faults.inject('synccheck', { kind: 'hang' }, { times: 1 });
  const stalled = await waitForEvent(pair, 'sync-stalled', 15_000);
  expect(hang.hits).toBe(1);
  expect(stalled.quietMs).toBeGreaterThanOrEqual(2500);
  expect(log.at('warn').map((l) => l.msg)).toContain('sync loop quiet past the long poll; reconnecting');
  // The loop polls again: a message from the phone arrives long before the 60 s timeout.
  const friend = pair.emulator.world.contacts.find((c) => c.kind === 'friend');
  expect(friend).toBeDefined();
  pair.emulator.phone.sendText({ from: friend!.id, text: 'after the stall' });
  const message = await waitForMessage(
    pair,
    (m) => m.kind === 'text' && m.text === 'after the stall',
    10_000,
  );
  expect(message.isSelf).toBe(false);
  expect(pair.client.state).toBe('ready');
}, 40_000);

it('an idle long poll within the bound never trips it', async () => {
  pair = await startPair(
    { world: 'demo', timing: { loginPollHoldMs: 500, syncCheckHoldMs: 700, qrExpiryMs: 60_000 } },
    { watchdog: { quietMs: 3000 } },
  );
  await login(pair);
  let stalls = 0;
  pair.client.on('sync-stalled', () => stalls++);
  await new Promise((r) => setTimeout(r, 6000));
  expect(stalls).toBe(0);
}, 30_000);
