/**
 * Safe by default (issue 19, item 1): the phone API takes media as bytes, reads files only from the
 * media directory, wants JSON, refuses other origins, foreign Host headers (DNS rebinding) and big
 * bodies, and asks for a token when one is set.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { API, Browser, jslogin } from './helpers.js';
import { phonePost, raw } from './raw-http.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 }, ...options });
  return emu;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

let root: string;
let media: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'webwx-phone-security-'));
  media = join(root, 'media');
  mkdirSync(join(media, 'sub'), { recursive: true });
  writeFileSync(join(media, 'clip.mp4'), 'clip bytes');
  writeFileSync(join(media, 'sub', 'a.txt'), 'in a sub directory');
  writeFileSync(join(root, 'secret.txt'), 'outside the media directory');
  symlinkSync(join(root, 'secret.txt'), join(media, 'leak.txt'));
  symlinkSync('/dev/zero', join(media, 'zero'));
  symlinkSync(join(media, 'clip.mp4'), join(media, 'alias.mp4'));
  // A sparse file just over the limit: refused by its size, never read.
  writeFileSync(join(media, 'huge.bin'), '');
  truncateSync(join(media, 'huge.bin'), 64 * 1024 * 1024 + 1);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('POST /__phone/media: bytes, never a path from HTTP', () => {
  it('refuses the issue’s /etc/shadow request: as text/plain (415), and as JSON without a media directory (400)', async () => {
    const e = await start();
    const plain = await phonePost(
      e,
      'media',
      { kind: 'file', from: '老张', path: '/etc/shadow' },
      { 'content-type': 'text/plain' },
    );
    expect(plain.status).toBe(415);
    expect(plain.json.error).toMatch(/Content-Type must be application\/json or multipart\/form-data/);
    const json = await phonePost(e, 'media', { kind: 'file', from: '老张', path: '/etc/shadow' });
    expect(json.status).toBe(400);
    expect(json.json.error).toMatch(/^"path": files are read only from a media directory/);
    const zero = await phonePost(e, 'media', { kind: 'file', from: '老张', path: '/dev/zero' });
    expect(zero.status).toBe(400);
  });

  it('takes the bytes as base64 JSON and as a multipart file part', async () => {
    const e = await start();
    const b64 = await phonePost(e, 'media', {
      kind: 'image',
      from: '老张',
      base64: Buffer.from('png?').toString('base64'),
    });
    expect(b64.status).toBe(200);
    expect(b64.json.media).toMatchObject({ size: 4, md5: md5(Buffer.from('png?')) });
    const form = new FormData();
    form.set('kind', 'file');
    form.set('from', '老张');
    form.set('file', new Blob([Buffer.from('multipart bytes')]), '报告.pdf');
    const res = await fetch(`${e.baseUrl}/__phone/media`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const sent = (await res.json()) as { kind: string; media: { fileName: string; size: number } };
    expect(sent).toMatchObject({ kind: 'file', media: { fileName: '报告.pdf', size: 15 } });
    const bad = await phonePost(e, 'media', { kind: 'file', from: '老张', base64: 'not base64!' });
    expect(bad).toEqual({ status: 400, json: { error: '"base64" is not base64' } });
    const both = await phonePost(e, 'media', { kind: 'file', from: '老张', base64: 'AAAA', path: 'x' });
    expect(both.json.error).toMatch(/give the bytes once/);
  });

  it('reads a path only inside --media-dir: real paths, no symlinks out, regular files, bounded size', async () => {
    const e = await start({ mediaDir: media });
    const ok = await phonePost(e, 'media', { kind: 'video', from: '老张', path: 'clip.mp4', playLengthS: 3 });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      msgType: 43,
      media: { fileName: 'clip.mp4', md5: md5(Buffer.from('clip bytes')) },
    });
    const absolute = await phonePost(e, 'media', {
      kind: 'file',
      from: '老张',
      path: join(media, 'sub', 'a.txt'),
    });
    expect(absolute.json.media).toMatchObject({ fileName: 'a.txt', size: 18 });
    const alias = await phonePost(e, 'media', { kind: 'file', from: '老张', path: 'alias.mp4' });
    expect(alias.status).toBe(200);
    const refusals: [string, RegExp][] = [
      ['../secret.txt', /is outside the media directory/],
      [join(root, 'secret.txt'), /is outside the media directory/],
      ['leak.txt', /leak\.txt is outside the media directory/],
      ['zero', /zero is outside the media directory/],
      ['/etc/shadow', /outside the media directory|no such file/],
      ['sub', /sub is not a regular file/],
      ['.', /outside the media directory|not a regular file/],
      ['nothing-here', /no such file in the media directory/],
      ['huge.bin', /huge\.bin is larger than 67108864 bytes/],
      ['', /must name a file/],
    ];
    for (const [path, error] of refusals) {
      const r = await phonePost(e, 'media', { kind: 'file', from: '老张', path });
      expect(r.status, path).toBe(400);
      expect(r.json.error, path).toMatch(/^"path": /);
      expect(r.json.error, path).toMatch(error);
    }
    expect(e.phone.sent()).toEqual([]);
  });

  it('startEmulator refuses a media directory that does not exist', async () => {
    await expect(startEmulator({ mediaDir: join(root, 'absent') })).rejects.toThrow(
      /mediaDir .* does not exist/,
    );
  });
});

describe('the phone API wants JSON from its own origin', () => {
  it('415 for a body that is not application/json (the no-preflight cross-origin POST), and nothing happens', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    await jslogin(b);
    const types = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''];
    for (const type of types) {
      const r = await raw(e, {
        method: 'POST',
        path: '/__phone/send',
        headers: type ? { 'content-type': type } : {},
        body: '{"from":"老张","text":"hi"}',
      });
      expect(r.status, type).toBe(415);
      expect(JSON.parse(r.text)).toEqual({ error: 'Content-Type must be application/json' });
    }
    const ok = await phonePost(
      e,
      'send',
      { from: '老张', text: 'hi' },
      { 'content-type': 'application/json; charset=utf-8' },
    );
    expect(ok.status).toBe(200);
    // A POST without a body (scan, confirm) needs no Content-Type.
    const uuid = e.phone.qrCodes()[0]!.uuid;
    const scan = await raw(e, {
      method: 'POST',
      path: `/__phone/qr/${encodeURIComponent(uuid)}/scan`,
      body: '',
    });
    expect(scan.status).toBe(200);
    expect((await phonePost(e, 'send', '{not json')).json).toEqual({ error: 'the body is not JSON' });
  });

  it('403 for a request from another origin; its own origin passes', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    const uuid = await jslogin(b);
    const path = `/__phone/qr/${encodeURIComponent(uuid)}/scan`;
    for (const origin of ['http://evil.example', 'null', `${e.baseUrl}.evil.example`]) {
      const r = await raw(e, { method: 'POST', path, headers: { origin }, body: '' });
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.text).error).toMatch(/^cross-origin requests to the phone API are refused/);
    }
    const read = await raw(e, { path: '/__phone/sessions', headers: { origin: 'http://evil.example' } });
    expect(read.status).toBe(403);
    expect(e.phone.qrCodes()[0]!.state).toBe('waiting');
    const own = await raw(e, { method: 'POST', path, headers: { origin: e.baseUrl }, body: '' });
    expect(own.status).toBe(200);
    expect(e.phone.qrCodes()[0]!.state).toBe('scanned');
  });
});

describe('the Host header must be the emulator’s own address (DNS rebinding)', () => {
  it('421 for a foreign Host on the phone API and the protocol endpoints alike; loopback names pass', async () => {
    const e = await start();
    const port = new URL(e.baseUrl).port;
    const paths = ['/__phone/qr', '/jslogin?appid=wx782c26e4c19acffb', `${API}/synccheck`, '/'];
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1:${Number(port) + 1}`,
      'wx.qq.com',
    ]) {
      for (const path of paths) {
        const r = await raw(e, { path, headers: { host } });
        expect(r.status, `${host} ${path}`).toBe(421);
        expect(r.text).toContain(`refusing Host "${host}"`);
      }
    }
    const post = await raw(e, {
      method: 'POST',
      path: '/__phone/send',
      headers: { host: `rebound.example:${port}`, 'content-type': 'application/json' },
      body: '{"from":"老张","text":"hi"}',
    });
    expect(post.status).toBe(421);
    expect(e.phone.qrCodes()).toEqual([]);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await raw(e, { path: '/__phone/qr', headers: { host } })).status, host).toBe(200);
    }
  });

  it('proxy mode also takes the served host names; other names are still refused', async () => {
    const e = await start({ proxy: true });
    const direct = await raw(e, {
      path: '/jslogin?appid=wx782c26e4c19acffb',
      headers: { host: 'login.wx.qq.com' },
    });
    expect(direct.status).toBe(200);
    expect(direct.text).toMatch(/^window\.QRLogin\.code = 200;/);
    expect((await raw(e, { path: '/jslogin', headers: { host: 'evil.example' } })).status).toBe(421);
  });
});

describe('size limits', () => {
  it('413 for a phone body over 6 MiB and a protocol body over 8 MiB, announced or chunked', async () => {
    const e = await start();
    const phone = await raw(e, {
      method: 'POST',
      path: '/__phone/send',
      headers: { 'content-type': 'application/json' },
      body: `{"from":"老张","text":"${'x'.repeat(6 * 1024 * 1024)}"}`,
    });
    expect(phone.status).toBe(413);
    expect(JSON.parse(phone.text)).toEqual({ error: 'the body is larger than 6291456 bytes' });
    const chunked = await raw(e, {
      method: 'POST',
      path: '/__phone/message',
      headers: { 'content-type': 'application/json' },
      body: `{"kind":"link","from":"老张","title":"${'x'.repeat(6 * 1024 * 1024)}"}`,
      chunked: true,
    });
    expect(chunked.status).toBe(413);
    const protocol = await raw(e, {
      method: 'POST',
      path: `${API}/webwxsync`,
      body: 'x'.repeat(8 * 1024 * 1024 + 1),
      chunked: true,
    });
    expect(protocol.status).toBe(413);
    expect(protocol.text).toBe('Payload Too Large');
    // A body under the limit is served.
    const fine = await phonePost(e, 'send', { from: '老张', text: 'x'.repeat(1024 * 1024) });
    expect(fine.status).toBe(200);
  });
});

describe('the phone token', () => {
  const token = 'phone-token-0123456789abcdef';

  it('guards every phone route with Bearer auth; the protocol endpoints stay open', async () => {
    const e = await start({ phoneToken: token });
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789ab' },
      { authorization: token },
    ];
    for (const headers of attempts) {
      const r = await raw(e, { path: '/__phone/qr', headers });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    const denied = await phonePost(e, 'media', { kind: 'file', from: '老张', base64: 'AAAA' });
    expect(denied.status).toBe(401);
    const b = new Browser(e.baseUrl);
    const uuid = await jslogin(b);
    const list = await raw(e, { path: '/__phone/qr', headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text)[0].uuid).toBe(uuid);
    const send = await phonePost(
      e,
      'send',
      { from: '老张', text: 'hi' },
      { authorization: `Bearer ${token}` },
    );
    expect(send.status).toBe(200);
  });

  it('is required beyond loopback, and must look like a token', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/beyond loopback\) needs a phoneToken/);
    await expect(startEmulator({ phoneToken: 'short' })).rejects.toThrow(/16 to 512 printable ASCII/);
    const e = await start({ host: '0.0.0.0', phoneToken: token });
    const port = new URL(e.baseUrl).port;
    const r = await fetch(`http://127.0.0.1:${port}/__phone/sessions`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/__phone/sessions`)).status).toBe(401);
  });
});
