/**
 * The File Transfer web (docs/filehelper.md) against the emulator: QR login with appid
 * wx_webfilehelper and the mmweb_appid marker, one chat (filehelper), texts, images and files both
 * ways, and every call the app does not offer refused before any request.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotAvailableError } from '../../src/errors.js';
import type { Message } from '../../src/model/index.js';
import { recordingLogger } from '../recording-logger.js';
import { login, type Pair, startPair, waitForMessage } from './harness.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2000)]);

/** The emulator's log; the paths it was asked for, from its 'emulator request' records. */
const emulatorLog = recordingLogger();
const served = (): string[] =>
  emulatorLog.lines
    .filter((l) => l.msg === 'emulator request')
    .map((l) => String((l.obj as { url?: unknown }).url).split('?')[0] ?? '');

/** Requests other than the sync loop's (synccheck, webwxsync), so far. */
function otherRequests(): string[] {
  return served().filter((p) => !p.endsWith('/synccheck') && !p.endsWith('/webwxsync'));
}

let pair: Pair;
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'webwx-filehelper-'));
  pair = await startPair(
    { logger: emulatorLog.logger },
    { app: 'filehelper', media: { downloadDir: join(work, 'downloads') } },
  );
  await login(pair);
}, 30_000);
afterAll(async () => {
  await pair?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

function arrived(msgId: string): Promise<Message> {
  return waitForMessage(pair, (m) => m.id === msgId);
}

describe('File Transfer web: login', () => {
  it('logged in with the File Transfer appid: the QR and the session are the emulator’s filehelper ones', () => {
    const { client, emulator } = pair;
    expect(client.app).toBe('filehelper');
    expect(client.state).toBe('ready');
    expect(emulator.phone.qrCodes().map((q) => q.app)).toEqual(['filehelper']);
    const sessions = emulator.phone.sessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ app: 'filehelper', state: 'active', initialized: true });
    // The session start asked for no contact list.
    expect(served().some((p) => p.endsWith('/webwxgetcontact') || p.endsWith('/webwxbatchgetcontact'))).toBe(
      false,
    );
    expect(served().some((p) => p.endsWith('/webwxpushloginurl'))).toBe(false);
  });

  it('knows the account and filehelper, nothing else', () => {
    const { client } = pair;
    const self = client.self;
    expect(self?.userName).toBe(pair.emulator.phone.sessions()[0]?.selfUserName);
    expect(
      client.contacts
        .list()
        .map((c) => c.userName)
        .sort(),
    ).toEqual([self?.userName, 'filehelper'].sort());
    expect(client.contacts.rooms()).toEqual([]);
    expect(client.contacts.get('filehelper')?.kind).toBe('special');
    expect(pair.events.contacts.at(-1)).toMatchObject({ contacts: 2, rooms: 0, members: 0 });
  });
});

describe('File Transfer web: messages both ways', () => {
  it('a text written on the phone arrives in the filehelper chat; a text sent goes to filehelper', async () => {
    const { client, emulator } = pair;
    const written = await emulator.phone.writeToFileHelper({ text: 'from the phone 你好' });
    expect(written.deliveredTo).toBe(1);
    const message = await arrived(written.msgId);
    expect(message.kind).toBe('text');
    expect(message.kind === 'text' && message.text).toBe('from the phone 你好');
    expect(message.chat.userName).toBe('filehelper');

    const sent = await client.sendText('filehelper', 'from the client\nline two');
    expect(sent.toUserName).toBe('filehelper');
    const seen = await emulator.phone.waitForSent((r) => r.msgId === sent.msgId, { timeoutMs: 10_000 });
    expect(seen).toMatchObject({
      type: 1,
      toUserName: 'filehelper',
      fromUserName: client.self?.userName,
      content: 'from the client\nline two',
    });
  });

  it('an image both ways, bytes intact', async () => {
    const { client, emulator } = pair;
    const sent = await client.sendImage('filehelper', PNG, { fileName: 'shot.png' });
    expect(sent.kind).toBe('image');
    const record = await emulator.phone.waitForSent((r) => r.msgId === sent.msgId, { timeoutMs: 10_000 });
    expect(record.type).toBe(3);
    expect(record.toUserName).toBe('filehelper');
    expect((await record.media?.bytes())?.equals(PNG)).toBe(true);

    // A GIF goes as an image too (the main web would send an emoticon, which this app does not offer).
    const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), randomBytes(200)]);
    const animated = await client.sendImage('filehelper', gif, { fileName: 'fun.gif' });
    expect(animated.kind).toBe('image');
    const gifRecord = await emulator.phone.waitForSent((r) => r.msgId === animated.msgId, {
      timeoutMs: 10_000,
    });
    expect(gifRecord.type).toBe(3);
    expect((await gifRecord.media?.bytes())?.equals(gif)).toBe(true);

    const written = await emulator.phone.writeToFileHelper({ kind: 'image', bytes: PNG });
    const message = await arrived(written.msgId);
    expect(message.kind).toBe('image');
    expect(message.chat.userName).toBe('filehelper');
    const result = await client.download(message, { dir: join(work, 'image') });
    expect((await readFile(result.path)).equals(PNG)).toBe(true);
  });

  it('a file both ways, bytes intact; an .mp4 goes as a file, not a video', async () => {
    const { client, emulator } = pair;
    const data = randomBytes(600 * 1024);
    const sent = await client.sendFile('filehelper', data, { fileName: 'report.pdf' });
    expect(sent.kind).toBe('file');
    const record = await emulator.phone.waitForSent((r) => r.msgId === sent.msgId, { timeoutMs: 10_000 });
    expect(record.type).toBe(6);
    expect(record.toUserName).toBe('filehelper');
    expect((await record.media?.bytes())?.equals(data)).toBe(true);

    const clip = await client.sendFile('filehelper', Buffer.from('not really a video'), {
      fileName: 'clip.mp4',
    });
    expect(clip.kind).toBe('file');
    expect((await emulator.phone.waitForSent((r) => r.msgId === clip.msgId)).type).toBe(6);

    const back = randomBytes(70_000);
    const written = await emulator.phone.writeToFileHelper({
      kind: 'file',
      bytes: back,
      fileName: 'notes.bin',
    });
    const message = await arrived(written.msgId);
    expect(message.kind).toBe('file');
    const result = await client.download(message, { dir: join(work, 'file') });
    expect(result.path.endsWith('notes.bin')).toBe(true);
    expect((await readFile(result.path)).equals(back)).toBe(true);
  });
});

describe('File Transfer web: what it does not offer', () => {
  async function refused(feature: string, call: () => Promise<unknown>): Promise<NotAvailableError> {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, feature).toBeInstanceOf(NotAvailableError);
    expect((error as NotAvailableError).feature, feature).toBe(feature);
    return error as NotAvailableError;
  }

  it('a send to anyone but filehelper fails at once, with no request', async () => {
    const { client, emulator } = pair;
    const before = otherRequests().length;
    const sentBefore = emulator.phone.sent().length;
    const error = await refused('sendText', () => client.sendText(client.self?.userName ?? '@self', 'hi'));
    expect(error.message).toContain("one chat: 'filehelper'");
    await refused('sendText', () => client.sendText(`@${'0'.repeat(64)}`, 'hi'));
    await refused('sendImage', () => client.sendImage('@@room', PNG, { fileName: 'a.png' }));
    await refused('sendFile', () => client.sendFile('weixin', Buffer.from('x'), { fileName: 'a.txt' }));
    expect(otherRequests().length).toBe(before);
    expect(emulator.phone.sent().length).toBe(sentBefore);
  });

  it('videos, emoticons, revoke, forward, rooms and contact management fail at once, with no request', async () => {
    const { client } = pair;
    const before = otherRequests().length;
    const sent = await client.sendText('filehelper', 'to revoke');
    const afterSend = otherRequests().length;
    expect(afterSend).toBe(before + 1);
    const video = await refused('sendVideo', () =>
      client.sendVideo('filehelper', Buffer.from('x'), { fileName: 'v.mp4' }),
    );
    expect(video.message).toContain('sendFile()');
    await refused('sendEmoticon', () =>
      client.sendEmoticon('filehelper', Buffer.from('GIF89a'), { fileName: 'e.gif' }),
    );
    await refused('revoke', () => client.revoke(sent));
    const message = pair.events.message.find((m) => m.kind === 'text');
    expect(message).toBeDefined();
    await refused('forward', () => client.forward(message as Message, 'filehelper'));
    await refused('rooms.create', () =>
      client.rooms.create(['filehelper', client.self?.userName ?? ''], 'x'),
    );
    await refused('rooms.add', () => client.rooms.add('@@room', ['@a']));
    await refused('rooms.remove', () => client.rooms.remove('@@room', ['@a']));
    await refused('rooms.rename', () => client.rooms.rename('@@room', 'topic'));
    await refused('rooms.quit', () => client.rooms.quit('@@room'));
    await refused('contacts.setRemark', () => client.contacts.setRemark('filehelper', 'x'));
    await refused('contacts.pin', () => client.contacts.pin('filehelper'));
    await refused('contacts.unpin', () => client.contacts.unpin('filehelper'));
    await refused('contacts.sendFriendRequest', () => client.contacts.sendFriendRequest('@a'));
    await refused('contacts.acceptFriendRequest', () =>
      client.contacts.acceptFriendRequest({ userName: '@a', ticket: 't' }),
    );
    await refused('contacts.markRead', () => client.contacts.markRead('@a'));
    expect(otherRequests().length).toBe(afterSend);
    // The session is fine after all that.
    expect(client.state).toBe('ready');
    await client.contacts.markRead('filehelper');
    expect(otherRequests().at(-1)).toMatch(/webwxstatusnotify$/);
  });
});

describe('File Transfer web: logout', () => {
  it('logs out: the emulator’s session ends, the client is logged out', async () => {
    const { client, emulator } = pair;
    await client.logout();
    expect(client.state).toBe('logged-out');
    expect(pair.events.logout.at(-1)).toEqual({ reason: 'logout-called' });
    expect(otherRequests().at(-1)).toMatch(/webwxlogout$/);
    expect(emulator.phone.sessions()[0]?.state).toBe('ended');
    await expect(client.sendText('filehelper', 'after')).rejects.toThrow();
  });
});
