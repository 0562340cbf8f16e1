/**
 * The client on a PostgresStore (a throwaway PostgreSQL, test/postgres-server.ts): replies sent from a
 * 'message' handler are logged in the delivery transaction, the sealed session resumes without a QR
 * code after a restart, and every message and reply goes through once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { WebWxClient } from '../../src/client/index.js';
import { PostgresStore } from '../../src/store/index.js';
import { POSTGRES_MISSING, startTestPostgres } from '../postgres-server.js';
import { restartFixture, type Started, stepsOf, waitForId } from './restart-harness.js';

const server = await startTestPostgres();
const stores: PostgresStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close().catch(() => {});
  await server?.stop();
}, 60_000);

const { emu, start } = restartFixture();

/** Answers 'ping …' with 'pong ping …' from the handler, synchronously (so the send joins the transaction). */
function ponger(client: WebWxClient, replies: Promise<unknown>[]): void {
  client.on('message', (m) => {
    if (m.text.startsWith('ping')) replies.push(client.sendText(m.chat.userName, `pong ${m.text}`));
  });
}

describe.skipIf(!server)(`a client on PostgresStore${server ? '' : ` (${POSTGRES_MISSING})`}`, () => {
  it('replies inside the delivery transaction and resumes the sealed session after a restart, each message once', async () => {
    const e = await emu();
    const options = { connectionString: server!.url, account: 'bot-1', secretKey: randomBytes(32) };
    const store = await PostgresStore.open(options);
    stores.push(store);
    const first: Started = await start(e, store);
    expect(stepsOf(first)).toEqual(['qr:trying', 'qr:succeeded']);
    const replies: Promise<unknown>[] = [];
    ponger(first.client, replies);
    const friend = e.world.listedContacts()[0]!.id;
    const a = e.phone.sendText({ from: friend, text: 'ping 1' });
    const chat = (await waitForId(first, a.msgId)).chat.userName;
    await Promise.all(replies);
    await first.client.stop();
    await store.close();

    const down = e.phone.sendText({ from: friend, text: 'while it was down' });
    const again = await PostgresStore.open(options);
    stores.push(again);
    expect(again.stableIdStore().load().length).toBeGreaterThan(0);
    const second = await start(e, again, { scanQr: false });
    expect(stepsOf(second)).toEqual(['resume:trying', 'resume:succeeded']);
    ponger(second.client, replies);
    await waitForId(second, down.msgId);
    const b = e.phone.sendText({ from: friend, text: 'ping 2' });
    await waitForId(second, b.msgId);
    await e.phone.waitForSent((r) => r.content === 'pong ping 2', { timeoutMs: 5000 });
    await Promise.all(replies);

    expect(second.messages.map((m) => m.id)).not.toContain(a.msgId);
    expect(second.messages.filter((m) => m.id === down.msgId)).toHaveLength(1);
    const pongs = e.phone.sent().filter((r) => r.content.startsWith('pong'));
    expect(pongs.map((r) => r.content)).toEqual(['pong ping 1', 'pong ping 2']);
    const history = await again.history(chat);
    expect(history.map((m) => m.text)).toEqual([
      'ping 1',
      'pong ping 1',
      'while it was down',
      'ping 2',
      'pong ping 2',
    ]);
    expect(history.filter((m) => m.direction === 'out').map((m) => m.status)).toEqual(['sent', 'sent']);
    expect(await again.pendingOutgoing()).toEqual([]);
  });
});
