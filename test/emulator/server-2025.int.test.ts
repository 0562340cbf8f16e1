/**
 * The 2025 server (issue 19, item 3): 'non-uos' login refusal, sessions that expire on a timer,
 * MsgType 62 short videos from the phone, and the synccheck selectors besides 2 and 4 (§4.5) —
 * on the wire, and as the real webwx client sees them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Emulator,
  type EmulatorOptions,
  type LogoutEvent,
  REFUSAL_MESSAGE,
  startEmulator,
} from '../../src/emulator/index.js';
import { InvalidArgumentError, LoginRefusedError } from '../../src/errors.js';
import {
  login as clientLogin,
  type Pair,
  startPair,
  waitForEvent,
  waitForMessage,
} from '../client/harness.js';
import { API, Browser, init, jslogin, login, type SyncKeyObj, sync, syncCheck } from './helpers.js';

let emu: Emulator | undefined;
let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
  await emu?.close();
  emu = undefined;
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 }, ...options });
  return emu;
}

/** The login page of a confirmed QR, with these headers. */
async function loginPage(e: Emulator, headers: Record<string, string>) {
  const b = new Browser(e.baseUrl);
  const uuid = await jslogin(b);
  e.phone.scan(uuid);
  e.phone.confirm(uuid);
  const poll = await b.get(`${API}/login?loginicon=true&uuid=${uuid}&tip=0`);
  const redirect = /window\.redirect_uri="([^"]+)";/.exec(poll.text)![1]!;
  return b.get(`${redirect}&fun=new&version=v2`, { headers });
}

describe("refuseLogin: 'non-uos'", () => {
  it('answers 1203 with the real refusal XML and no cookies unless both UOS headers come', async () => {
    const e = await start({ refuseLogin: 'non-uos' });
    const partial: Record<string, string>[] = [{}, { extspam: 'Go8FCIkF' }, { 'client-version': '2.0.0' }];
    for (const headers of partial) {
      const page = await loginPage(e, headers);
      expect(page.text).toBe(`<error><ret>1203</ret><message>${REFUSAL_MESSAGE}</message></error>`);
      expect(page.headers.getSetCookie()).toEqual([]);
    }
    expect(REFUSAL_MESSAGE).toContain('为了你的帐号安全，此微信号不能登录网页微信。');
    const uos = await login(e, { uos: true });
    expect(uos.loginPage.status).toBe(301);
    expect(uos.skey).toMatch(/^@crypt_/);
    expect(e.phone.sessions()).toHaveLength(1);
  });

  it('the webwx client logs in with its UOS headers, and is refused (LoginRefusedError 1203) without them', async () => {
    pair = await startPair({ refuseLogin: 'non-uos' });
    await clientLogin(pair);
    expect(pair.client.state).toBe('ready');
    await pair.close();
    pair = await startPair({ refuseLogin: 'non-uos' }, { uos: { enabled: false } });
    const started = pair.client.start();
    const qr = await pair.emulator.phone.waitForQr({ timeoutMs: 5000 });
    pair.emulator.phone.scan(qr.uuid);
    pair.emulator.phone.confirm(qr.uuid);
    const error = await started.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(LoginRefusedError);
    expect((error as LoginRefusedError).ret).toBe(1203);
    expect((error as LoginRefusedError).serverMessage).toBe(REFUSAL_MESSAGE);
  });
});

describe('sessionExpiryMs', () => {
  it('ends the session on its timer: a held synccheck answers 1102 at once, webwxsync Ret 1102', async () => {
    const e = await start({ sessionExpiryMs: 400, timing: { syncCheckHoldMs: 20_000 } });
    const logouts: LogoutEvent[] = [];
    e.phone.on('logout', (ev) => logouts.push(ev));
    const li = await login(e);
    const key = (await init(li)).SyncKey as SyncKeyObj;
    const first = await sync(li, key);
    const held = await syncCheck(li, first.SyncKey);
    expect(held.text).toBe('window.synccheck={retcode:"1102",selector:"0"}');
    expect(logouts).toEqual([{ sessionId: 's1', code: 1102, reason: 'expired' }]);
    const after = await sync(li, first.SyncKey);
    expect(after.BaseResponse).toEqual({ Ret: 1102, ErrMsg: '' });
    expect(e.phone.sessions()[0]).toMatchObject({ state: 'ended', endCode: 1102, endReason: 'expired' });
  });

  it('a new login gets its own timer; bad values are refused', async () => {
    const e = await start({ sessionExpiryMs: 60_000 });
    await login(e);
    expect(e.phone.sessions()[0]!.state).toBe('active');
    await expect(startEmulator({ sessionExpiryMs: 0 })).rejects.toThrow(
      /sessionExpiryMs must be a positive integer/,
    );
    await expect(startEmulator({ sessionExpiryMs: 1.5 })).rejects.toThrow(InvalidArgumentError);
  });

  it("the webwx client sees 'logout' with reason 'session-expired'", async () => {
    pair = await startPair({ sessionExpiryMs: 1500 });
    const ended = waitForEvent(pair, 'logout', 10_000);
    await clientLogin(pair);
    expect(await ended).toMatchObject({ reason: 'session-expired' });
  });

  it('with autoRelogin the webwx client logs in again (push login) after the expiry', async () => {
    pair = await startPair({ sessionExpiryMs: 2000 }, { autoRelogin: true });
    const e = pair.emulator;
    e.phone.on('qr', (qr) => {
      if (qr.push) e.phone.confirm(qr.uuid);
    });
    await clientLogin(pair);
    const relogin = waitForEvent(pair, 'relogin', 10_000);
    expect(await relogin).toMatchObject({ reason: 'session-expired', attempt: 1 });
    await waitForEvent(pair, 'ready', 10_000);
    expect(pair.events.logout).toEqual([]);
    const sessions = e.phone.sessions();
    expect(sessions[0]).toMatchObject({ endCode: 1102, endReason: 'expired' });
    expect(sessions[1]).toMatchObject({ state: 'active' });
  });
});

describe('MsgType 62 short videos from the phone', () => {
  it('queues a 62 with the <videomsg> entry; over HTTP as kind "short-video"; the client decodes and downloads it', async () => {
    pair = await startPair();
    await clientLogin(pair);
    const e = pair.emulator;
    const mp4 = Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), Buffer.alloc(2000, 7)]);
    const injected = await e.phone.sendShortVideo({ from: 'wxid_alice07', data: mp4, playLengthS: 6 });
    expect(injected).toMatchObject({ kind: 'short-video', msgType: 62, deliveredTo: 1 });
    const m = await waitForMessage(pair, (x) => x.id === injected.msgId);
    expect(m).toMatchObject({ kind: 'video', short: true, micro: true, playLength: 6 });
    const dir = await mkdtemp(join(tmpdir(), 'webwx-short-video-'));
    try {
      if (m.kind !== 'video') throw new Error('not a video');
      const saved = await pair.client.download(m, { dir });
      expect(saved.contentType).toBe('video/mp4');
      expect((await readFile(saved.path)).equals(mp4)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const res = await fetch(`${e.baseUrl}/__phone/media`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'short-video', from: 'wxid_alice07', base64: mp4.toString('base64') }),
    });
    const overHttp = (await res.json()) as { msgId: string; msgType: number };
    expect(overHttp.msgType).toBe(62);
    const m2 = await waitForMessage(pair, (x) => x.id === overHttp.msgId);
    expect(m2).toMatchObject({ kind: 'video', short: true });
  });
});

describe('the other synccheck selectors (§4.5): 3, 5, 6 and 7', () => {
  it('3, 5, 6 are answered until a webwxsync, which brings nothing; then the poll holds again', async () => {
    const e = await start();
    const li = await login(e);
    const key = (await init(li)).SyncKey as SyncKeyObj;
    let k = (await sync(li, key)).SyncKey;
    for (const selector of [3, 5, 6] as const) {
      expect(e.phone.signalSelector(selector)).toBe(1);
      const at = `window.synccheck={retcode:"0",selector:"${selector}"}`;
      expect((await syncCheck(li, k)).text).toBe(at);
      expect((await syncCheck(li, k)).text).toBe(at); // repeats until webwxsync
      const s = await sync(li, k);
      expect(s.AddMsgList).toEqual([]);
      k = s.SyncKey;
      expect((await syncCheck(li, k)).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
    }
    expect(() => e.phone.signalSelector(2 as 3)).toThrow(/"selector" must be one of 3, 5, 6/);
  });

  it('7: the phone enters and leaves a chat; the sync carries MsgType 51 with StatusNotifyCode 2 and 5', async () => {
    const e = await start();
    const li = await login(e);
    const key = (await init(li)).SyncKey as SyncKeyObj;
    let k = (await sync(li, key)).SyncKey;
    const entered = e.phone.enterChat('老张');
    expect(entered).toMatchObject({ chat: 'wxid_zhangwei01', code: 2, deliveredTo: 1 });
    expect((await syncCheck(li, k)).text).toBe('window.synccheck={retcode:"0",selector:"7"}');
    e.phone.leaveChat('相亲相爱一家人');
    const s = await sync(li, k);
    expect(s.AddMsgList.map((m) => [m.MsgType, m.StatusNotifyCode])).toEqual([
      [51, 2],
      [51, 5],
    ]);
    expect(s.AddMsgList[0]!.StatusNotifyUserName).toBe(s.AddMsgList[0]!.ToUserName);
    expect(String(s.AddMsgList[1]!.StatusNotifyUserName)).toMatch(/^@@/);
    k = s.SyncKey;
    // A message among the activity is announced as 2.
    e.phone.enterChat('老张');
    e.phone.sendText({ from: '老张', text: 'hi' });
    expect((await syncCheck(li, k)).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
    expect(() => e.phone.enterChat('nobody')).toThrow(/unknown chat "nobody"/);
  });

  it.each([3, 5, 6, 7] as const)(
    'the webwx client syncs once on selector %i and does not spin',
    async (selector) => {
      pair = await startPair();
      await clientLogin(pair);
      const e = pair.emulator;
      // Counters: a zero delay on every request of each endpoint (its hits count the requests).
      const syncs = e.faults.inject('webwxsync', { kind: 'delay', ms: 0 });
      const checks = e.faults.inject('synccheck', { kind: 'delay', ms: 0 });
      if (selector === 7) e.phone.enterChat('wxid_alice07');
      else e.phone.signalSelector(selector);
      await until(() => syncs.hits >= 1);
      const syncsAfter = syncs.hits;
      const checksAfter = checks.hits;
      // Two more hold periods: a spinning client would make hundreds of requests.
      await new Promise((r) => setTimeout(r, 3200));
      expect(syncs.hits - syncsAfter).toBeLessThanOrEqual(1);
      expect(checks.hits - checksAfter).toBeLessThanOrEqual(6);
      // Still in sync: a message gets through.
      const m = e.phone.sendText({ from: 'wxid_alice07', text: `after ${selector}` });
      expect((await waitForMessage(pair, (x) => x.id === m.msgId)).kind).toBe('text');
      expect(pair.events.error).toEqual([]);
    },
  );
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
