/**
 * `webwx serve --webhook` run as a process across crashes (docs/bot.md, durable delivery): killed with
 * SIGKILL again and again while the phone sends a stream of texts, the receiver sometimes down too.
 * Every message must reach the webhook, and a message that arrives twice carries the same event id
 * (header and body) both times; no restart needs a QR code.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalServer } from '../bot/local-server.js';
import { CLI_ENTRY, crashFixture, crashRounds, spawnChild, waitUntil } from '../crash-harness.js';

const MESSAGES = 500;
/** 16 rounds, every fourth with a second kill mid-restart: 20 SIGKILLs. */
const ROUNDS = 16;

const fixture = crashFixture('webwx-serve-crash-');
const dir = fixture.dir;

describe('webwx serve crash test', () => {
  it(`${MESSAGES} messages, at least 20 SIGKILLs and receiver outages: no webhook event lost`, async () => {
    const e = await fixture.emulator();
    // The receiver goes down now and then: 503 for 400 ms after every 97th request.
    let downUntil = 0;
    const hook = await startLocalServer((_request, index) => {
      if (Date.now() < downUntil) return { status: 503, body: 'down' };
      if (index % 97 === 96) downUntil = Date.now() + 400;
      return { status: 204 };
    });
    fixture.onClose(() => hook.close());
    const start = () =>
      spawnChild(
        CLI_ENTRY,
        ['serve', '--port', '0', '--no-telegram', '--webhook', `${hook.url}/in`, '--server', e.baseUrl],
        {
          env: { WEBWX_DATA_DIR: join(dir, 'data'), WEBWX_API_TOKEN: 'crash-token-0123456789abcdef' },
          isReady: (line) => line.startsWith('HTTP API listening'),
        },
      );
    const run = await crashRounds({
      emulator: e,
      messages: MESSAGES,
      rounds: ROUNDS,
      text: (n) => `crash-${n}`,
      start,
    });
    const accepted = () =>
      hook.requests
        .filter((r) => r.body !== '')
        .map((r) => ({
          header: r.headers['x-webwx-event-id'],
          body: JSON.parse(r.body) as { eventId: string; text: string },
        }));
    const received = () => new Set(accepted().map((a) => a.body.text));
    await waitUntil(() => [...received()].filter((t) => t.startsWith('crash-')).length >= MESSAGES, 25_000);
    run.child.process.kill('SIGTERM');
    await run.child.exited;

    const idsByText = new Map<string, Set<string>>();
    let headerMismatch = 0;
    let deliveries = 0;
    for (const a of accepted()) {
      if (!a.body.text.startsWith('crash-')) continue;
      deliveries++;
      if (a.header !== a.body.eventId) headerMismatch++;
      const ids = idsByText.get(a.body.text) ?? new Set();
      ids.add(a.body.eventId);
      idsByText.set(a.body.text, ids);
    }
    const lost = Array.from({ length: MESSAGES }, (_, n) => n).filter((n) => !idsByText.has(`crash-${n}`));
    const twoIds = [...idsByText].filter(([, ids]) => ids.size > 1);
    const eventIds = [...idsByText.values()].map((ids) => [...ids][0]);
    console.info(
      `webwx serve crash: ${MESSAGES} messages, ${run.kills} SIGKILLs, ${deliveries} webhook requests for them (${deliveries - idsByText.size} repeated), lost ${lost.length}, repeated with another id ${twoIds.length}`,
    );
    expect(run.kills).toBeGreaterThanOrEqual(20);
    expect(lost).toEqual([]);
    expect(twoIds).toEqual([]);
    expect(headerMismatch).toBe(0);
    // One event id per message.
    expect(new Set(eventIds).size).toBe(MESSAGES);
    expect(e.phone.qrCodes().length).toBe(run.qrsAfterLogin);
    expect(e.phone.sessions()).toHaveLength(1);
  }, 150_000);
});
