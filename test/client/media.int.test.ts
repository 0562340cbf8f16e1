/** Media both ways against the emulator: uploads, sends, downloads, forward, revoke, hostile names. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../src/client/media/media-errors.js';
import type { WorldSpec } from '../../src/emulator/index.js';
import { ProtocolError, TransportError } from '../../src/errors.js';
import type { Message } from '../../src/model/index.js';
import { recordingLogger } from '../recording-logger.js';
import { login, type Pair, startPair, waitForMessage } from './harness.js';

const WORLD: WorldSpec = {
  self: { id: 'wxid_me', nickName: 'Me' },
  contacts: [
    { id: 'wxid_alice', nickName: 'Alice' },
    { id: 'wxid_bob', nickName: 'Bob' },
  ],
  rooms: [
    { id: '3001@chatroom', topic: 'Media Room', owner: 'wxid_alice', members: ['wxid_alice', 'wxid_bob'] },
  ],
  recent: ['wxid_alice'],
};

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const GIF_HEAD = Buffer.from('GIF89a', 'latin1');
const MP4_HEAD = Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32]);

/** Every log line, to check that no secret reaches the logs. */
const { logger, text: logText } = recordingLogger();

let pair: Pair;
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'webwx-media-test-'));
  pair = await startPair({ world: WORLD }, { media: { downloadDir: join(work, 'downloads') }, logger });
  await login(pair);
}, 30_000);
afterAll(async () => {
  await pair?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

function userNameOf(nickName: string): string {
  const found = pair.client.contacts.find(nickName);
  if (!found[0]) throw new Error(`no contact ${nickName}`);
  return found[0].userName;
}

function roomUserName(): string {
  const room = pair.client.contacts.rooms().find((r) => r.topic === 'Media Room');
  if (!room) throw new Error('no room');
  return room.userName;
}

function arrived(msgId: string): Promise<Message> {
  return waitForMessage(pair, (m) => m.id === msgId);
}

async function freshDir(name: string): Promise<string> {
  const dir = join(work, name);
  await rm(dir, { recursive: true, force: true });
  return dir;
}

describe('media round trips (client ↔ emulator)', () => {
  for (const size of [0, 1, 512 * 1024, 512 * 1024 + 1]) {
    it(`a ${size}-byte file goes up and comes back down byte-identical`, async () => {
      const data = randomBytes(size);
      const path = join(work, `upload-${size}.dat`);
      await writeFile(path, data);
      const alice = userNameOf('Alice');
      const sent = await pair.client.sendFile(alice, path);
      expect(sent).toMatchObject({ kind: 'file', toUserName: alice });
      expect(sent.msgId).toMatch(/^\d{19}$/);
      const record = await pair.emulator.phone.waitForSent((r) => r.msgId === sent.msgId);
      expect(record.type).toBe(6);
      expect(record.media?.size).toBe(size);
      expect((await record.media?.bytes())?.equals(data)).toBe(true);

      const back = await pair.emulator.phone.sendFile({
        from: 'wxid_alice',
        path,
        fileName: `back-${size}.dat`,
      });
      const message = await arrived(back.msgId);
      expect(message.kind).toBe('file');
      const dir = await freshDir(`rt-${size}`);
      const result = await pair.client.download(message, { dir });
      expect(result.bytes).toBe(size);
      expect(dirname(result.path)).toBe(resolve(dir));
      expect(basename(result.path)).toBe(`back-${size}.dat`);
      expect((await readFile(result.path)).equals(data)).toBe(true);
      expect(await readdir(dir)).toEqual([`back-${size}.dat`]);
    });
  }

  it('sends an image from a Buffer and downloads a received one, full size and thumbnail', async () => {
    const data = Buffer.concat([PNG_HEAD, randomBytes(3000)]);
    const sent = await pair.client.sendImage(userNameOf('Bob'), data, { fileName: 'pic.png' });
    expect(sent.kind).toBe('image');
    const record = await pair.emulator.phone.waitForSent((r) => r.msgId === sent.msgId);
    expect(record.type).toBe(3);
    expect(record.media?.contentType).toBe('image/png');
    expect((await record.media?.bytes())?.equals(data)).toBe(true);

    const thumb = Buffer.from('ffd8ffe000104a464946', 'hex');
    const injected = await pair.emulator.phone.sendImage({ from: 'wxid_bob', data, thumbnail: thumb });
    const message = await arrived(injected.msgId);
    expect(message.kind).toBe('image');
    const dir = await freshDir('image');
    const full = await pair.client.download(message, { dir });
    expect(full.contentType).toBe('image/png');
    expect(full.path.endsWith('.png')).toBe(true);
    expect((await readFile(full.path)).equals(data)).toBe(true);
    const small = await pair.client.download(message, { dir, thumbnail: true });
    expect((await readFile(small.path)).equals(thumb)).toBe(true);
    expect(small.path).not.toBe(full.path);
  });

  it('a GIF goes as an emoticon and an mp4 as a video; received ones download (video with Range)', async () => {
    const alice = userNameOf('Alice');
    const gif = Buffer.concat([GIF_HEAD, randomBytes(100)]);
    const emo = await pair.client.sendImage(alice, gif, { fileName: 'fun.gif' });
    expect(emo.kind).toBe('emoticon');
    const emoRecord = await pair.emulator.phone.waitForSent((r) => r.msgId === emo.msgId);
    expect(emoRecord.type).toBe(47);
    expect((await emoRecord.media?.bytes())?.equals(gif)).toBe(true);

    const mp4 = Buffer.concat([MP4_HEAD, randomBytes(700_000)]);
    const video = await pair.client.sendFile(alice, mp4, { fileName: 'clip.mp4' });
    expect(video.kind).toBe('video');
    const videoRecord = await pair.emulator.phone.waitForSent((r) => r.msgId === video.msgId);
    expect(videoRecord.type).toBe(43);
    expect((await videoRecord.media?.bytes())?.equals(mp4)).toBe(true);

    const dir = await freshDir('video');
    const injected = await pair.emulator.phone.sendVideo({ from: 'wxid_alice', data: mp4, playLengthS: 3 });
    const message = await arrived(injected.msgId);
    expect(message.kind).toBe('video');
    const saved = await pair.client.download(message, { dir });
    expect(saved.contentType).toBe('video/mp4');
    expect((await readFile(saved.path)).equals(mp4)).toBe(true);

    const emoIn = await pair.emulator.phone.sendEmoticon({ from: 'wxid_alice', data: gif });
    const emoMessage = await arrived(emoIn.msgId);
    expect(emoMessage.kind).toBe('emoticon');
    const emoSaved = await pair.client.download(emoMessage, { dir });
    expect(emoSaved.contentType).toBe('image/gif');
    expect((await readFile(emoSaved.path)).equals(gif)).toBe(true);
  });

  it('downloads voice as mp3 and streams media with downloadStream', async () => {
    const mp3 = Buffer.concat([Buffer.from('ID3', 'latin1'), randomBytes(5000)]);
    const injected = await pair.emulator.phone.sendVoice({
      from: 'wxid_bob',
      room: '3001@chatroom',
      data: mp3,
      voiceLengthMs: 2500,
    });
    const message = await arrived(injected.msgId);
    expect(message.kind).toBe('voice');
    const dir = await freshDir('voice');
    const saved = await pair.client.download(message, { dir });
    expect(saved.contentType).toBe('audio/mpeg');
    expect(saved.path.endsWith('.mp3')).toBe(true);
    expect((await readFile(saved.path)).equals(mp3)).toBe(true);

    const { stream, contentType, size } = await pair.client.downloadStream(message);
    expect(contentType).toBe('audio/mpeg');
    expect(size).toBe(mp3.length);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(mp3)).toBe(true);
  });

  it('sends a stream (with and without a size) into a group', async () => {
    const data = randomBytes(600_000);
    const parts = [data.subarray(0, 100_000), data.subarray(100_000)];
    const room = roomUserName();
    const sent = await pair.client.sendFile(room, Readable.from(parts), {
      fileName: 'stream.bin',
      size: data.length,
    });
    const record = await pair.emulator.phone.waitForSent((r) => r.msgId === sent.msgId);
    expect(record.to).toBe('3001@chatroom');
    expect((await record.media?.bytes())?.equals(data)).toBe(true);
    await expect(
      pair.client.sendFile(room, Readable.from(parts), { fileName: 'stream.bin', size: data.length + 1 }),
    ).rejects.toMatchObject({ name: 'MediaError', reason: 'size-mismatch' });
    await expect(pair.client.sendFile(room, data)).rejects.toBeInstanceOf(MediaError);
  });

  it('forwards received media with the same bytes and Scene 2, and a text', async () => {
    const bob = userNameOf('Bob');
    const image = Buffer.concat([PNG_HEAD, randomBytes(2000)]);
    const inImage = await arrived(
      (await pair.emulator.phone.sendImage({ from: 'wxid_alice', data: image })).msgId,
    );
    const fwdImage = await pair.client.forward(inImage, bob);
    const imageRecord = await pair.emulator.phone.waitForSent((r) => r.msgId === fwdImage.msgId);
    expect(imageRecord).toMatchObject({ type: 3, to: 'wxid_bob', scene: 2 });
    expect((await imageRecord.media?.bytes())?.equals(image)).toBe(true);

    const file = randomBytes(10_000);
    const injected = await pair.emulator.phone.sendFile({
      from: 'wxid_alice',
      data: file,
      fileName: 'report.pdf',
    });
    const inFile = await arrived(injected.msgId);
    const fwdFile = await pair.client.forward(inFile, bob);
    const fileRecord = await pair.emulator.phone.waitForSent((r) => r.msgId === fwdFile.msgId);
    expect(fileRecord).toMatchObject({ type: 6, scene: 2 });
    expect(fileRecord.media?.mediaId).toBe(injected.media.mediaId);
    expect(fileRecord.content).toContain('<title>report.pdf</title>');
    expect((await fileRecord.media?.bytes())?.equals(file)).toBe(true);

    const text = await arrived(
      pair.emulator.phone.sendText({ from: 'wxid_alice', text: 'hello <b>&</b>' }).msgId,
    );
    const fwdText = await pair.client.forward(text, bob);
    const textRecord = await pair.emulator.phone.waitForSent((r) => r.msgId === fwdText.msgId);
    expect(textRecord.content).toBe('hello <b>&</b>');
  });

  it('forwards a link as an app message, and refuses what cannot be forwarded', async () => {
    const link = await arrived(
      pair.emulator.phone.sendMessage({
        kind: 'link',
        from: 'wxid_alice',
        title: 'News',
        url: 'https://example.com/a',
      }).msgId,
    );
    const sent = await pair.client.forward(link, userNameOf('Bob'));
    expect(sent.kind).toBe('app');
    const record = await pair.emulator.phone.waitForSent((r) => r.msgId === sent.msgId);
    expect(record).toMatchObject({ type: 5, scene: 2 });
    expect(record.content).toContain('https://example.com/a');
    const voice = await arrived(
      (await pair.emulator.phone.sendVoice({ from: 'wxid_alice', data: Buffer.from('ID3') })).msgId,
    );
    await expect(pair.client.forward(voice, userNameOf('Bob'))).rejects.toMatchObject({ reason: 'no-media' });
    const text = pair.events.message.find((m) => m.kind === 'text');
    if (text) await expect(pair.client.download(text)).rejects.toMatchObject({ reason: 'no-media' });
  });

  it('aborts sends and downloads through a signal, leaving nothing behind', async () => {
    const aborted = AbortSignal.abort();
    await expect(
      pair.client.sendFile(userNameOf('Bob'), randomBytes(10), { fileName: 'a.bin', signal: aborted }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    const injected = await pair.emulator.phone.sendFile({
      from: 'wxid_bob',
      data: randomBytes(100),
      fileName: 'z.bin',
    });
    const message = await arrived(injected.msgId);
    const dir = await freshDir('aborted');
    await expect(pair.client.download(message, { dir, signal: aborted })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('revokes a sent message: the phone sees it; an unknown one is a ProtocolError', async () => {
    const alice = userNameOf('Alice');
    const seen = new Promise((done) => {
      const off = pair.emulator.phone.on('revoke', (r) => {
        off();
        done(r);
      });
    });
    const sent = await pair.client.sendText(alice, 'oops');
    expect(sent.toUserName).toBe(alice);
    await pair.client.revoke(sent);
    const record = await seen;
    expect(record).toMatchObject({
      msgId: sent.msgId,
      clientMsgId: sent.localId,
      to: 'wxid_alice',
      found: true,
    });
    expect(pair.emulator.phone.revokes().at(-1)).toMatchObject({ msgId: sent.msgId, found: true });
    await expect(pair.client.revoke({ ...sent, msgId: '1234567890123456789' })).rejects.toBeInstanceOf(
      ProtocolError,
    );
  });

  it('hostile received file names land inside the download directory under safe names', async () => {
    const dir = await freshDir('hostile');
    const names = ['../../evil.sh', '/etc/passwd', 'CON', 'a\u0000b'];
    const paths: string[] = [];
    for (const fileName of names) {
      const injected = await pair.emulator.phone.sendFile({
        from: 'wxid_bob',
        data: Buffer.from(fileName),
        fileName,
      });
      const message = await arrived(injected.msgId);
      const result = await pair.client.download(message, { dir });
      expect(dirname(result.path)).toBe(resolve(dir));
      expect(await readFile(result.path, 'utf8')).toBe(fileName);
      paths.push(basename(result.path));
    }
    expect(paths).toEqual(['evil.sh', 'passwd', '_CON', 'a_b']);
    expect((await readdir(dir)).sort()).toEqual([...paths].sort());
    // The same name again gets a number.
    const again = await pair.emulator.phone.sendFile({
      from: 'wxid_bob',
      data: Buffer.from('x'),
      fileName: 'evil.sh',
    });
    const second = await pair.client.download(await arrived(again.msgId), { dir });
    expect(basename(second.path)).toBe('evil (1).sh');
  });

  it('retries an upload chunk after a transient failure', async () => {
    const data = randomBytes(700_000);
    pair.emulator.faults.inject('webwxuploadmedia', { kind: 'http-status', status: 502 }, { times: 1 });
    const sent = await pair.client.sendFile(userNameOf('Bob'), data, { fileName: 'retry.bin' });
    const record = await pair.emulator.phone.waitForSent((r) => r.msgId === sent.msgId);
    expect((await record.media?.bytes())?.equals(data)).toBe(true);
  });

  it('downloads contact and group avatars', async () => {
    const dir = await freshDir('avatars');
    const person = await pair.client.downloadAvatar(userNameOf('Alice'), { dir });
    expect(person.contentType).toBe('image/jpeg');
    expect(person.path.endsWith('.jpg')).toBe(true);
    const group = await pair.client.downloadAvatar(roomUserName(), { dir, fileName: 'room.jpg' });
    expect(basename(group.path)).toBe('room.jpg');
    expect((await readFile(group.path)).subarray(0, 2).toString('hex')).toBe('ffd8');
  });

  it('a failed download leaves no file behind and fails typed', async () => {
    const dir = await freshDir('failed');
    const injected = await pair.emulator.phone.sendFile({
      from: 'wxid_bob',
      data: randomBytes(2000),
      fileName: 'x.bin',
    });
    const message = await arrived(injected.msgId);
    const fault = pair.emulator.faults.inject(
      'webwxgetmedia',
      { kind: 'http-status', status: 500 },
      { times: 1 },
    );
    await expect(pair.client.download(message, { dir })).rejects.toBeInstanceOf(TransportError);
    fault.remove();
    pair.emulator.faults.inject('webwxgetmedia', { kind: 'reset' }, { times: 1 });
    await expect(pair.client.download(message, { dir })).rejects.toBeInstanceOf(TransportError);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
    const ok = await pair.client.download(message, { dir });
    expect(ok.bytes).toBe(2000);
  });
});

describe('media logs', () => {
  it('log uploads and downloads without a secret (skey, pass_ticket, data ticket, MediaIds)', () => {
    const all = logText();
    expect(all).toContain('webwxuploadmedia');
    expect(all).toContain('webwxgetmedia');
    expect(all).not.toMatch(/@crypt_[0-9a-f]{8}_/);
    expect(all).not.toMatch(
      /(?:skey|sid|uin|pass_ticket|webwx_data_ticket|deviceid)=(?!\[redacted\])[^&"\s]/i,
    );
  });
});

describe('media limits', () => {
  it('refuses uploads and downloads over the configured limits, leaving nothing behind', async () => {
    const limited = await startPair(
      { world: WORLD },
      { media: { maxUploadBytes: 1000, maxDownloadBytes: 1000 } },
    );
    try {
      await login(limited);
      const alice = limited.client.contacts.find('Alice')[0]?.userName ?? '';
      await expect(
        limited.client.sendFile(alice, randomBytes(1001), { fileName: 'big.bin' }),
      ).rejects.toMatchObject({
        name: 'MediaError',
        reason: 'too-large',
      });
      const injected = await limited.emulator.phone.sendFile({ from: 'wxid_alice', data: randomBytes(5000) });
      const message = await waitForMessage(limited, (m) => m.id === injected.msgId);
      const dir = join(work, 'limited');
      await expect(limited.client.download(message, { dir })).rejects.toMatchObject({ reason: 'too-large' });
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});
