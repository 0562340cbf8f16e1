/**
 * PROTOCOL.md §12, the checklist of what real clients need from a server: one test per item that
 * the other emulator tests do not already cover (login.int, session.int, sync.int, proxy.int and the
 * wechat4u fidelity test cover the rest).
 */

import { randomBytes } from 'node:crypto';
import { CookieJar } from 'tough-cookie';
import { ProxyAgent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMING,
  type Emulator,
  type EmulatorOptions,
  startEmulator,
} from '../../src/emulator/index.js';
import {
  API,
  Browser,
  init,
  jslogin,
  type LoggedIn,
  login,
  q,
  type SyncKeyObj,
  sync,
  syncCheck,
} from './helpers.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ timing: { loginPollHoldMs: 1000, syncCheckHoldMs: 400 }, ...options });
  return emu;
}

async function ready(e: Emulator): Promise<{ li: LoggedIn; key: SyncKeyObj; self: string }> {
  const li = await login(e);
  const r = await init(li);
  const first = await sync(li, r.SyncKey as SyncKeyObj);
  return { li, key: first.SyncKey, self: (r.User as { UserName: string }).UserName };
}

function ret(text: string): number {
  return (JSON.parse(text) as { BaseResponse: { Ret: number } }).BaseResponse.Ret;
}

function textMsg(self: string, to: string, content: string, localId = String(Date.now() * 1000)) {
  return {
    Type: 1,
    Content: content,
    FromUserName: self,
    ToUserName: to,
    LocalID: localId,
    ClientMsgId: localId,
  };
}

describe('§12 transport and addressing', () => {
  it('itchat: the base URL cut from redirect_uri (scheme, host and port kept) serves every later call', async () => {
    const e = await start();
    const browser = new Browser(e.baseUrl);
    const uuid = await jslogin(browser);
    e.phone.confirm(uuid);
    const poll = await browser.get(`${API}/login?loginicon=true&uuid=${uuid}&tip=1&r=-1&_=1`);
    const redirect = /window\.redirect_uri="([^"]+)";/.exec(poll.text)![1]!;
    const base = redirect.slice(0, redirect.lastIndexOf('/'));
    expect(base).toBe(`${e.baseUrl}${API}`);
    const page = await browser.get(redirect);
    const skey = /<skey>([^<]+)<\/skey>/.exec(page.text)![1]!;
    const pt = /<pass_ticket>([^<]+)<\/pass_ticket>/.exec(page.text)![1]!;
    // itchat-uos: Sid and Uin from the cookies, Uin as a string, no DeviceID.
    const br = { Uin: browser.cookies.get('wxuin')!, Sid: browser.cookies.get('wxsid')!, Skey: skey };
    const initR = JSON.parse(
      (await browser.post(`${base}/webwxinit?r=1&pass_ticket=${pt}`, { BaseRequest: br })).text,
    );
    expect(initR.BaseResponse.Ret).toBe(0);
    const self = initR.User.UserName as string;
    const sn = await browser.post(`${base}/webwxstatusnotify?lang=zh_CN&pass_ticket=${pt}`, {
      BaseRequest: br,
      Code: 3,
      FromUserName: self,
      ToUserName: self,
      ClientMsgId: Math.floor(Date.now() / 1000),
    });
    expect(ret(sn.text)).toBe(0);
    const contacts = JSON.parse((await browser.get(`${base}/webwxgetcontact?r=1&seq=0&skey=${skey}`)).text);
    expect(contacts.MemberList.length).toBeGreaterThan(0);
    const key = initR.SyncKey as SyncKeyObj;
    const sc = await browser.get(
      `${base}/synccheck?r=1&skey=${encodeURIComponent(skey)}&sid=${br.Sid}&uin=${br.Uin}&deviceid=e1&synckey=${encodeURIComponent(key.List.map((k) => `${k.Key}_${k.Val}`).join('|'))}&_=1`,
    );
    expect(sc.text).toBe('window.synccheck={retcode:"0",selector:"2"}');
    const s = JSON.parse(
      (
        await browser.post(`${base}/webwxsync?sid=${br.Sid}&skey=${skey}&pass_ticket=${pt}`, {
          BaseRequest: br,
          SyncKey: key,
          rr: -1,
        })
      ).text,
    );
    expect(s.BaseResponse.Ret).toBe(0);
    expect(s.SyncCheckKey.Count).toBeGreaterThan(0);
    const sent = await browser.post(`${base}/webwxsendmsg?pass_ticket=${pt}`, {
      BaseRequest: br,
      Msg: textMsg(self, 'filehelper', 'itchat says hi', '17234567890123'),
      Scene: 0,
    });
    expect(JSON.parse(sent.text)).toMatchObject({ BaseResponse: { Ret: 0 }, LocalID: '17234567890123' });
  });

  it('parses JSON bodies with no Content-Type or the bogus ContentType header; ignores r, _, rr and DeviceID = pass_ticket', async () => {
    const e = await start();
    const { li, key, self } = await ready(e);
    // itchat (original) puts the pass_ticket in DeviceID; servers do not validate it.
    const br = { ...li.baseRequest, DeviceID: decodeURIComponent(li.passTicket) };
    const noType = await fetch(`${e.baseUrl}${API}/webwxsync?sid=${li.sid}&skey=${li.skey}&${q(li)}`, {
      method: 'POST',
      headers: { cookie: li.browser.cookieHeader() },
      body: new Blob([JSON.stringify({ BaseRequest: br, SyncKey: key, rr: 'not-a-number' })]),
    });
    expect(noType.headers.get('content-type')).toBe('text/plain');
    expect(ret(await noType.text())).toBe(0);
    const bogus = await li.browser.post(
      `${API}/webwxsendmsg?${q(li)}&r=abc&_=x`,
      {
        BaseRequest: br,
        Msg: textMsg(self, 'filehelper', 'bogus header'),
        Scene: 0,
      },
      { headers: { ContentType: 'application/json; charset=UTF-8', 'content-type': 'text/html' } },
    );
    expect(ret(bogus.text)).toBe(0);
    const seed = await li.browser.post(
      `${API}/webwxinit?r=-23072231&${q(li)}`,
      { BaseRequest: br },
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    );
    expect(ret(seed.text)).toBe(0);
  });

  it('accepts pass_ticket raw, once- or twice-encoded, "undefined" or absent on every JSON call', async () => {
    const e = await start();
    const { li, key, self } = await ready(e);
    const raw = decodeURIComponent(li.passTicket);
    const forms = [
      `pass_ticket=${encodeURIComponent(raw)}`,
      `pass_ticket=${encodeURIComponent(encodeURIComponent(raw))}`,
      `pass_ticket=${raw}`,
      'pass_ticket=undefined',
      'lang=zh_CN',
    ];
    for (const pt of forms) {
      const s = await li.browser.post(`${API}/webwxsync?sid=${li.sid}&skey=${li.skey}&${pt}`, {
        BaseRequest: li.baseRequest,
        SyncKey: key,
        rr: -1,
      });
      expect(ret(s.text), pt).toBe(0);
      const m = await li.browser.post(`${API}/webwxsendmsg?${pt}`, {
        BaseRequest: li.baseRequest,
        Msg: textMsg(self, 'filehelper', pt),
        Scene: 0,
      });
      expect(ret(m.text), pt).toBe(0);
      const b = await li.browser.post(`${API}/webwxbatchgetcontact?type=ex&r=1&${pt}`, {
        BaseRequest: li.baseRequest,
        Count: 1,
        List: [{ UserName: self, EncryChatRoomId: '' }],
      });
      expect(ret(b.text), pt).toBe(0);
    }
  });
});

describe('§12 exact text replies and holds', () => {
  it('default long-poll holds are about 25 s: under the 60 s timeouts of wechat4u and itchat', () => {
    for (const ms of [DEFAULT_TIMING.loginPollHoldMs, DEFAULT_TIMING.syncCheckHoldMs]) {
      expect(ms).toBeGreaterThanOrEqual(20_000);
      expect(ms).toBeLessThanOrEqual(30_000);
    }
  });
});

describe('§12 login page', () => {
  it('accepts the redirect_uri as received, with fun=new (seed), fun=new&version=v2 (official, vbot) or with mod=desktop&lang', async () => {
    const e = await start({ kickPreviousSession: false });
    for (const extra of [
      '',
      '&fun=new',
      '&fun=new&version=v2',
      '&fun=new&version=v2&mod=desktop&lang=zh_CN',
    ]) {
      const browser = new Browser(e.baseUrl);
      const uuid = await jslogin(browser);
      e.phone.confirm(uuid);
      const poll = await browser.get(`${API}/login?uuid=${uuid}&tip=0`);
      const redirect = /window\.redirect_uri="([^"]+)";/.exec(poll.text)![1]!;
      const page = await browser.get(`${redirect}${extra}`);
      expect(page.status, extra).toBe(200);
      expect(page.text, extra).toMatch(/^<error><ret>0<\/ret><message><\/message><skey>@crypt_/);
      for (const c of ['wxuin', 'wxsid', 'webwx_data_ticket'])
        expect(browser.cookies.has(c), `${extra} ${c}`).toBe(true);
    }
    expect(e.phone.sessions().map((s) => s.desktop)).toEqual([false, false, false, true]);
  });
});

describe('§12 JSON replies', () => {
  it('webwxinit answers Ret 1101 for a dead session whatever ended it (the only Ret that stops wechat4u)', async () => {
    const e = await start({ kickPreviousSession: true });
    const results: number[] = [];
    for (const code of [1100, 1101, 1102] as const) {
      const { li } = await ready(e);
      e.phone.logout(code);
      results.push(ret(JSON.stringify(await init(li))));
      // synccheck keeps the phone's code.
      expect((await syncCheck(li, { Count: 0, List: [] })).text).toBe(
        `window.synccheck={retcode:"${code}",selector:"0"}`,
      );
    }
    const kicked = await ready(e);
    await ready(e); // a newer login ends the first one
    results.push(ret(JSON.stringify(await init(kicked.li))));
    const loggedOut = await ready(e);
    await loggedOut.li.browser.request(`${API}/webwxlogout?redirect=1&type=0&lang=zh_CN`, { method: 'POST' });
    results.push(ret(JSON.stringify(await init(loggedOut.li))));
    expect(results).toEqual([1101, 1101, 1101, 1101, 1101]);
  });

  it('wechat4u heartbeat and re-init: repeated Code-3 statusnotify, a second webwxinit mid-session, and the session goes on', async () => {
    const e = await start();
    const { li, key: firstKey, self } = await ready(e);
    // Acknowledge the first sync's delivery (the 51/4 message).
    const key = (await sync(li, firstKey)).SyncKey;
    for (let i = 0; i < 3; i++) {
      const sn = await li.browser.post(`${API}/webwxstatusnotify?${q(li)}`, {
        BaseRequest: li.baseRequest,
        Code: 3,
        FromUserName: self,
        ToUserName: self,
        ClientMsgId: Date.now(),
      });
      expect(ret(sn.text)).toBe(0);
    }
    expect(e.phone.statusNotifications().filter((n) => n.code === 3)).toHaveLength(3);
    const hb = await li.browser.post(`${API}/webwxsendmsg?${q(li)}`, {
      BaseRequest: li.baseRequest,
      Msg: textMsg(self, 'filehelper', `心跳：${new Date().toLocaleString()}`),
      Scene: 0,
    });
    expect(ret(hb.text)).toBe(0);
    // Re-init (wechat4u after 60 s without a finished sync round): same account, fresh SyncKey.
    const again = await init(li);
    expect(again.BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
    expect((again.User as { UserName: string }).UserName).toBe(self);
    const reKey = again.SyncKey as SyncKeyObj;
    // Nothing pending: held and answered selector 0, not 2 (no spin with the re-init key).
    expect((await syncCheck(li, reKey)).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
    const injected = e.phone.sendText({ from: '老张', text: 'after re-init' });
    expect((await syncCheck(li, reKey)).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
    const got = await sync(li, reKey);
    const fromPhone = (list: Record<string, unknown>[]) =>
      list.filter((m) => m.FromUserName !== self).map((m) => m.MsgId);
    expect(fromPhone(got.AddMsgList)).toEqual([injected.msgId]);
    expect((await syncCheck(li, got.SyncKey)).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
    // The old key goes on working too (already acknowledged messages are not re-sent).
    expect(fromPhone((await sync(li, key)).AddMsgList)).toEqual([injected.msgId]);
    expect(fromPhone((await sync(li, got.SyncKey)).AddMsgList)).toEqual([]);
  });
});

describe('§12 media', () => {
  it('downloads accept MsgID and msgid (webwxgetmsgimg, webwxgetvoice)', async () => {
    const e = await start();
    const { li } = await ready(e);
    const image = randomBytes(3000);
    const voice = randomBytes(2000);
    const img = await e.phone.sendImage({ from: '老张', data: image, fileName: 'a.jpg' });
    const v = await e.phone.sendVoice({ from: '老张', data: voice });
    const bytes = async (path: string) => {
      const r = await fetch(`${e.baseUrl}${API}/${path}`, { headers: { cookie: li.browser.cookieHeader() } });
      expect(r.status, path).toBe(200);
      return Buffer.from(await r.arrayBuffer());
    };
    const sk = encodeURIComponent(li.skey);
    for (const name of ['MsgID', 'msgid']) {
      expect((await bytes(`webwxgetmsgimg?${name}=${img.msgId}&skey=${sk}`)).equals(image), name).toBe(true);
      expect((await bytes(`webwxgetvoice?${name}=${v.msgId}&skey=${sk}`)).equals(voice), name).toBe(true);
    }
  });

  it('upload: MediaId in the reply to the last chunk, chunks from 0, no FileMd5 (wechat4u); the send echoes LocalID', async () => {
    const e = await start();
    const { li, self } = await ready(e);
    const contacts = JSON.parse((await li.browser.get(`${API}/webwxgetcontact?seq=0&skey=${li.skey}`)).text);
    const zhang = contacts.MemberList.find((c: { RemarkName: string }) => c.RemarkName === '老张');
    const data = randomBytes(524_288 + 1000);
    const uploadRequest = JSON.stringify({
      BaseRequest: li.baseRequest,
      ClientMediaId: Date.now() * 1000,
      TotalLen: data.length,
      StartPos: 0,
      DataLen: data.length,
      MediaType: 4,
      UploadType: 2,
      FromUserName: self,
      ToUserName: zhang.UserName,
    });
    const replies: Record<string, unknown>[] = [];
    for (const [chunk, part] of [data.subarray(0, 524_288), data.subarray(524_288)].entries()) {
      const form = new FormData();
      form.append('id', 'WU_FILE_0');
      form.append('name', 'big.png');
      form.append('type', 'image/png');
      form.append('lastModifiedDate', new Date().toUTCString());
      form.append('size', String(data.length));
      form.append('chunks', '2');
      form.append('chunk', String(chunk));
      form.append('mediatype', 'pic');
      form.append('uploadmediarequest', uploadRequest);
      form.append('webwx_data_ticket', li.browser.cookies.get('webwx_data_ticket')!);
      form.append('pass_ticket', li.passTicket);
      form.append('filename', new Blob([part], { type: 'image/png' }), 'big.png');
      const r = await li.browser.request(`${API}/webwxuploadmedia?f=json`, { method: 'POST', body: form });
      replies.push(JSON.parse(r.text));
    }
    expect(replies.map((r) => (r.BaseResponse as { Ret: number }).Ret)).toEqual([0, 0]);
    const mediaId = replies[1]!.MediaId as string;
    expect(mediaId).toMatch(/^@crypt_/);
    const localId = String(Date.now() * 1000);
    const sent = await li.browser.post(`${API}/webwxsendmsgimg?fun=async&f=json&${q(li)}`, {
      BaseRequest: li.baseRequest,
      Msg: {
        Type: 3,
        MediaId: mediaId,
        FromUserName: self,
        ToUserName: zhang.UserName,
        LocalID: localId,
        ClientMsgId: localId,
      },
      Scene: 0,
    });
    expect(sent.text).toMatch(
      new RegExp(`^\\{"BaseResponse":\\{"Ret":0,"ErrMsg":""\\},"MsgID":"\\d{19}","LocalID":"${localId}"\\}$`),
    );
    const rec = await e.phone.waitForSent((r) => r.type === 3);
    expect((await rec.media!.bytes()).equals(data)).toBe(true);
  });
});

describe('§12 faithful failure modes', () => {
  it('Ret 1204 for a send to a non-friend group member (not a contact)', async () => {
    const e = await start();
    const { li, self } = await ready(e);
    const contacts = JSON.parse((await li.browser.get(`${API}/webwxgetcontact?seq=0&skey=${li.skey}`)).text);
    const room = contacts.MemberList.find((c: { NickName: string }) => c.NickName === '相亲相爱一家人');
    const full = JSON.parse(
      (
        await li.browser.post(`${API}/webwxbatchgetcontact?type=ex&${q(li)}`, {
          BaseRequest: li.baseRequest,
          Count: 1,
          List: [{ UserName: room.UserName, EncryChatRoomId: '' }],
        })
      ).text,
    );
    const friendNames = new Set(contacts.MemberList.map((c: { UserName: string }) => c.UserName));
    const stranger = full.ContactList[0].MemberList.find(
      (m: { UserName: string }) => !friendNames.has(m.UserName) && m.UserName !== self,
    );
    expect(stranger).toBeDefined();
    const r = await li.browser.post(`${API}/webwxsendmsg?${q(li)}`, {
      BaseRequest: li.baseRequest,
      Msg: textMsg(self, stranger.UserName, '你好'),
      Scene: 0,
    });
    expect(JSON.parse(r.text)).toEqual({ BaseResponse: { Ret: 1204, ErrMsg: '' }, MsgID: '', LocalID: '' });
    expect(e.phone.sent()).toHaveLength(0);
  });

  it('Ret 1205 (too frequent) can be produced on the send endpoints, in their failure shape (faults)', async () => {
    const e = await start();
    const { li, self } = await ready(e);
    e.faults.inject('webwxsendmsg', { kind: 'ret', ret: 1205 }, { times: 1 });
    const msg = { BaseRequest: li.baseRequest, Msg: textMsg(self, 'filehelper', 'fast'), Scene: 0 };
    const limited = await li.browser.post(`${API}/webwxsendmsg?${q(li)}`, msg);
    expect(JSON.parse(limited.text)).toEqual({
      BaseResponse: { Ret: 1205, ErrMsg: '' },
      MsgID: '',
      LocalID: '',
    });
    expect(ret((await li.browser.post(`${API}/webwxsendmsg?${q(li)}`, msg)).text)).toBe(0);
  });

  it('through the proxy with a domain-aware jar: webpush.wx.qq.com gets the session cookies, webpush.weixin.qq.com only webwx_data_ticket → 1102 (§11)', async () => {
    const e = await start({ proxy: true });
    const jar = new CookieJar();
    const dispatcher = new ProxyAgent({ uri: e.proxy!.url, requestTls: { ca: e.proxy!.caCertPem } });
    const get = async (url: string) => {
      const cookie = await jar.getCookieString(url);
      const r = await request(url, { dispatcher, headers: cookie ? { cookie } : {} });
      const set = r.headers['set-cookie'];
      for (const c of Array.isArray(set) ? set : set ? [set] : []) await jar.setCookie(c, url);
      return r.body.text();
    };
    try {
      const j = await get(
        'https://login.wx.qq.com/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&redirect_uri=https%3A%2F%2Fwx.qq.com%2Fcgi-bin%2Fmmwebwx-bin%2Fwebwxnewloginpage',
      );
      const uuid = /uuid = "([^"]+)"/.exec(j)![1]!;
      e.phone.confirm(uuid);
      const poll = await get(`https://login.wx.qq.com${API}/login?uuid=${uuid}&tip=0`);
      const page = await get(/redirect_uri="([^"]+)"/.exec(poll)![1]!);
      const skey = /<skey>([^<]+)</.exec(page)![1]!;
      const sid = /<wxsid>([^<]+)</.exec(page)![1]!;
      const uin = /<wxuin>([^<]+)</.exec(page)![1]!;
      const qs = `r=1&skey=${encodeURIComponent(skey)}&sid=${sid}&uin=${uin}&deviceid=e1&synckey=1_1&_=1`;
      expect(await jar.getCookieString('https://webpush.weixin.qq.com/')).toMatch(
        /^webwx_data_ticket=[^;]+$/,
      );
      expect(await get(`https://webpush.weixin.qq.com${API}/synccheck?${qs}`)).toBe(
        'window.synccheck={retcode:"1102",selector:"0"}',
      );
      expect(await get(`https://webpush.wx.qq.com${API}/synccheck?${qs}`)).toMatch(
        /^window\.synccheck=\{retcode:"0",/,
      );
    } finally {
      await dispatcher.close();
    }
  });
});
