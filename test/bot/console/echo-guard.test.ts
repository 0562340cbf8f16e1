/** The console never takes what it sent for a command, even when the echo beats the send's reply. */
import { describe, expect, it } from 'vitest';
import { createBotActions } from '../../../src/bot/bot.js';
import type { SendResult } from '../../../src/bot/bot-client.js';
import { EchoGuard } from '../../../src/bot/console/echo-guard.js';
import { SendQueue } from '../../../src/bot/send-queue.js';
import type { SendTextResult } from '../../../src/client/index.js';
import type { Message } from '../../../src/model/index.js';
import { deferred, fakeClient, textMessage } from '../fakes.js';

const own = (text: string, id?: string) => {
  const m = textMessage(text, { chat: 'filehelper', sender: '@me', isSelf: true });
  return id ? { ...m, id } : m;
};

function guardedSends() {
  const client = fakeClient();
  const guard = new EchoGuard();
  const actions = guard.wrap(createBotActions(client, new SendQueue({ minIntervalMs: 0 })));
  return { client, guard, actions };
}

describe('EchoGuard', () => {
  it('knows a sent message by its MsgID once the send answered', async () => {
    const { guard, actions } = guardedSends();
    const sent = await actions.sendText('filehelper', '/ping');
    expect(guard.isEcho(own('/ping', sent.msgId))).toBe(true);
    // The same text typed again on the phone is a new message.
    expect(guard.isEcho(own('/ping', '99999'))).toBe(false);
  });

  it('takes an own message with the text of a send still in flight for its echo, once', async () => {
    const client = fakeClient();
    const guard = new EchoGuard();
    const gate = deferred<SendTextResult>();
    const slow = { ...client, sendText: () => gate.promise };
    const actions = guard.wrap(createBotActions(slow, new SendQueue({ minIntervalMs: 0 })));
    const sending = actions.sendText('filehelper', '/status');
    await new Promise((r) => setTimeout(r, 10));
    // The sync echo arrives before the send's reply: its MsgID is not known yet.
    expect(guard.isEcho(own('/status', '777'))).toBe(true);
    expect(guard.isEcho(own('/status', '778'))).toBe(false);
    gate.resolve({ msgId: '777', localId: '1', toUserName: 'filehelper' });
    await sending;
    expect(guard.isEcho(own('/status', '777'))).toBe(true);
  });

  it('keeps a failed send’s text for the window (its reply may have been lost)', async () => {
    let now = 1000;
    const client = fakeClient();
    const guard = new EchoGuard({ windowMs: 5000, now: () => now });
    const actions = guard.wrap(createBotActions(client, new SendQueue({ minIntervalMs: 0 })));
    client.failNext.push(new Error('reply lost'));
    await expect(actions.sendText('filehelper', 'hello')).rejects.toThrow('reply lost');
    now += 1000;
    expect(guard.isEcho(own('hello', '1'))).toBe(true);
    client.failNext.push(new Error('reply lost'));
    await expect(actions.sendText('filehelper', 'again')).rejects.toThrow('reply lost');
    now += 6000;
    expect(guard.isEcho(own('again', '2'))).toBe(false);
  });

  it('guards only the File Transfer chat and only own messages', async () => {
    const { guard, actions } = guardedSends();
    const toFriend = await actions.sendText('@alice', 'hi');
    expect(guard.isEcho(own('hi', toFriend.msgId))).toBe(false);
    const sent = await actions.sendText('filehelper', 'x');
    const fromFriend = { ...textMessage('x', { chat: 'filehelper' }), id: sent.msgId };
    expect(guard.isEcho(fromFriend)).toBe(false);
  });

  it('tells a file being sent from other files the phone sends meanwhile', async () => {
    const client = fakeClient();
    const guard = new EchoGuard();
    const gate = deferred<SendResult>();
    const withFiles = Object.assign(client, { sendFile: () => gate.promise });
    const actions = guard.wrap(createBotActions(withFiles, new SendQueue({ minIntervalMs: 0 })));
    const sending = actions.sendFile('filehelper', '/srv/reports/daily.pdf');
    await new Promise((r) => setTimeout(r, 10));
    const file = (name: string, id: string) =>
      ({ ...own('', id), kind: 'file', media: { fileName: name } }) as unknown as Message;
    expect(guard.isEcho(file('holiday.jpg.zip', '501'))).toBe(false);
    expect(guard.isEcho(file('daily.pdf', '502'))).toBe(true);
    gate.resolve({
      msgId: '502',
      localId: '1',
      toUserName: 'filehelper',
      kind: 'file',
      mediaId: 'm',
    } as SendResult);
    await sending;
  });
});
