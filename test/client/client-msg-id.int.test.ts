/**
 * Sends in the same millisecond must not share a ClientMsgId: the emulator (like a server that dedupes
 * retries) would take the second one for a retry of the first and drop it (found by the echo bench).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, type Pair, startPair } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

describe('ClientMsgId uniqueness', () => {
  it('delivers every one of a burst of sends made within one millisecond', async () => {
    // A frozen clock and a fixed random source: every candidate id is the same.
    pair = await startPair({}, { now: () => 1_700_000_000_000, random: () => 0.5 });
    await login(pair);
    const { client, emulator } = pair;
    const to = client.contacts.list().find((c) => c.kind === 'friend')!.userName;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => client.sendText(to, `burst-${i}`)),
    );

    expect(new Set(results.map((r) => r.localId)).size).toBe(40);
    expect(new Set(results.map((r) => r.msgId)).size).toBe(40);
    const seen = emulator.phone.sent().filter((r) => r.content.startsWith('burst-'));
    expect(seen.map((r) => r.content).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `burst-${i}`).sort(),
    );
  });
});
