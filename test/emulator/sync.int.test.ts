import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { API, init, type LoggedIn, login, q, type SyncKeyObj, sync, syncCheck } from './helpers.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(options: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
  emu = await startEmulator({ timing: { loginPollHoldMs: 2000, syncCheckHoldMs: 1500 }, ...options });
  return emu;
}

const MESSAGE_FIELDS = [
  'MsgId',
  'FromUserName',
  'ToUserName',
  'MsgType',
  'Content',
  'Status',
  'ImgStatus',
  'CreateTime',
  'VoiceLength',
  'PlayLength',
  'FileName',
  'FileSize',
  'MediaId',
  'Url',
  'AppMsgType',
  'StatusNotifyCode',
  'StatusNotifyUserName',
  'RecommendInfo',
  'ForwardFlag',
  'AppInfo',
  'HasProductId',
  'Ticket',
  'ImgHeight',
  'ImgWidth',
  'SubMsgType',
  'NewMsgId',
  'OriContent',
  'EncryFileName',
];

async function ready(e: Emulator): Promise<{ li: LoggedIn; key: SyncKeyObj; self: string }> {
  const li = await login(e);
  const r = await init(li);
  const first = await sync(li, r.SyncKey as SyncKeyObj);
  return { li, key: first.SyncKey, self: (r.User as { UserName: string }).UserName };
}

describe('synccheck and webwxsync', () => {
  it('first sync carries the 51/4 message with ids and UserNames in the same order; then selector 0 after the hold', async () => {
    const e = await start({ timing: { syncCheckHoldMs: 300 } });
    const li = await login(e);
    const r = await init(li);
    const initKey = r.SyncKey as SyncKeyObj;
    const sc = await syncCheck(li, initKey);
    expect(sc.text).toBe('window.synccheck={retcode:"0",selector:"2"}');
    expect(sc.headers.get('content-type')).toBe('text/javascript');
    expect(sc.headers.get('access-control-allow-origin')).toBe('*');
    const raw = await li.browser.post(`${API}/webwxsync?sid=${li.sid}&skey=${li.skey}&${q(li)}`, {
      BaseRequest: li.baseRequest,
      SyncKey: initKey,
      rr: -1,
    });
    expect(raw.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(
      expect.arrayContaining(['wxloadtime', 'wxpluginkey', 'wxuin', 'wxsid', 'webwx_data_ticket']),
    );
    const s = JSON.parse(raw.text);
    for (const k of [
      'BaseResponse',
      'AddMsgCount',
      'AddMsgList',
      'ModContactCount',
      'ModContactList',
      'DelContactCount',
      'DelContactList',
      'ModChatRoomMemberCount',
      'ModChatRoomMemberList',
      'Profile',
      'ContinueFlag',
      'SyncKey',
      'SKey',
      'SyncCheckKey',
    ]) {
      expect(s, k).toHaveProperty(k);
    }
    expect(s.SKey).toBe('');
    expect(s.SyncCheckKey).toEqual(s.SyncKey);
    expect(s.SyncKey.Count).toBe(7);
    const m = s.AddMsgList[0];
    expect(Object.keys(m)).toEqual(MESSAGE_FIELDS);
    expect(m).toMatchObject({ MsgType: 51, StatusNotifyCode: 4 });
    expect(raw.text).toContain(`"NewMsgId":${m.MsgId}`);
    const ids = /&lt;username&gt;([^&]*)&lt;\/username&gt;/.exec(m.Content)![1]!.split(',');
    const names = m.StatusNotifyUserName.split(',');
    expect(ids).toHaveLength(names.length);
    expect(ids[0]).toBe('filehelper');
    expect(names[0]).toBe('filehelper');
    expect(names[2]).toMatch(/^@@[0-9a-f]{64}$/);
    expect(ids[2]).toMatch(/@chatroom$/);
    // caught up: held, then selector 0
    const t0 = Date.now();
    expect((await syncCheck(li, s.SyncCheckKey)).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it('a held synccheck is answered at once when the phone sends a message; text and group content encoded', async () => {
    const e = await start();
    const { li, key, self } = await ready(e);
    const t0 = Date.now();
    const held = syncCheck(li, key);
    await new Promise((r) => setTimeout(r, 100));
    const injected = e.phone.sendText({ from: '老张', text: 'a<b>\n你好 😄' });
    expect((await held).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
    expect(Date.now() - t0).toBeLessThan(1000);
    e.phone.sendText({ from: 'wxid_uncle_s1', room: '相亲相爱一家人', text: 'hi all' });
    const s = await sync(li, key);
    expect(s.AddMsgCount).toBe(2);
    const [direct, group] = s.AddMsgList as Record<string, string>[];
    expect(direct!.MsgId).toBe(injected.msgId);
    expect(direct!.MsgId).toMatch(/^\d{19}$/);
    expect(direct!.Content).toBe('a&lt;b&gt;<br/>你好 <span class="emoji emoji1f604"></span>');
    expect(direct!.ToUserName).toBe(self);
    expect(group!.FromUserName).toMatch(/^@@[0-9a-f]{64}$/);
    expect(group!.Content).toMatch(/^@[0-9a-f]{64}:<br\/>hi all$/);
  });

  it('re-delivers unacknowledged messages to an old SyncKey, not acknowledged ones; caps batches with ContinueFlag', async () => {
    const e = await start({ syncBatchSize: 3 });
    const { li, key } = await ready(e);
    for (let i = 0; i < 5; i++) e.phone.sendText({ from: 'wxid_lina02', text: `m${i}` });
    const a = await sync(li, key);
    expect(a.AddMsgList.map((m) => m.Content)).toEqual(['m0', 'm1', 'm2']);
    expect(a.ContinueFlag).toBe(1);
    // the client "crashed": same old key again → same messages
    const again = await sync(li, key);
    expect(again.AddMsgList.map((m) => m.Content)).toEqual(['m0', 'm1', 'm2']);
    expect((await syncCheck(li, key)).text).toContain('selector:"2"');
    const b = await sync(li, a.SyncKey);
    expect(b.AddMsgList.map((m) => m.Content)).toEqual(['m3', 'm4']);
    expect(b.ContinueFlag).toBe(0);
    // a acknowledged m0..m2: an old key now only gets what is still unacknowledged
    const c = await sync(li, key);
    expect(c.AddMsgList.map((m) => m.Content)).toEqual(['m3', 'm4']);
    const d = await sync(li, b.SyncKey);
    expect(d.AddMsgCount).toBe(0);
    expect(e.phone.sessions().at(-1)!.pendingMessages).toBe(0);
  });

  it('synccheck without cookies answers 1102; phone logout answers the requested retcode and Ret', async () => {
    const e = await start();
    const { li, key } = await ready(e);
    expect((await syncCheck(li, key, { noCookies: true })).text).toBe(
      'window.synccheck={retcode:"1102",selector:"0"}',
    );
    const held = syncCheck(li, key);
    await new Promise((r) => setTimeout(r, 50));
    const events: unknown[] = [];
    e.phone.on('logout', (ev) => events.push(ev));
    e.phone.logout(1100);
    expect((await held).text).toBe('window.synccheck={retcode:"1100",selector:"0"}');
    expect((await syncCheck(li, key)).text).toBe('window.synccheck={retcode:"1100",selector:"0"}');
    expect((await sync(li, key)).BaseResponse).toEqual({ Ret: 1100, ErrMsg: '' });
    // webwxinit answers 1101 for any dead session (§4.1, §12: what stops wechat4u).
    expect(((await init(li)).BaseResponse as { Ret: number }).Ret).toBe(1101);
    expect(events).toEqual([{ sessionId: 's1', code: 1100, reason: 'phone' }]);

    const other = await ready(e);
    e.phone.logout(1102);
    expect((await syncCheck(other.li, other.key)).text).toBe(
      'window.synccheck={retcode:"1102",selector:"0"}',
    );
  });

  it('webwxlogout (GET and POST) ends the session: synccheck 1101', async () => {
    const e = await start();
    const a = await ready(e);
    await a.li.browser.get(`${API}/webwxlogout?redirect=1&type=1&skey=${encodeURIComponent(a.li.skey)}`);
    expect((await syncCheck(a.li, a.key)).text).toBe('window.synccheck={retcode:"1101",selector:"0"}');
    const b = await ready(e);
    await b.li.browser.request(`${API}/webwxlogout?redirect=1&type=0&lang=zh_CN`, { method: 'POST' });
    expect((await syncCheck(b.li, b.key)).text).toBe('window.synccheck={retcode:"1101",selector:"0"}');
    expect(e.phone.sessions().map((s) => s.endReason)).toEqual(['client-logout', 'client-logout']);
  });
});

describe('webwxsendmsg', () => {
  it('records content byte for byte (Chinese + emoji), echoes LocalID digit-exact, 1204 for unknown', async () => {
    const e = await start();
    const { li, self } = await ready(e);
    const contacts = JSON.parse((await li.browser.get(`${API}/webwxgetcontact?seq=0&skey=${li.skey}`)).text);
    const zhang = contacts.MemberList.find((c: { RemarkName: string }) => c.RemarkName === '老张');
    const content = '你好，世界 👋🏽 "quoted" <b>\n第二行 🇨🇳';
    const seen = e.phone.waitForSent((r) => r.to === 'wxid_zhangwei01');
    const bodyText = `{"BaseRequest":${JSON.stringify(li.baseRequest)},"Msg":{"Type":1,"Content":${JSON.stringify(content)},"FromUserName":"${self}","ToUserName":"${zhang.UserName}","LocalID":15462147414160521,"ClientMsgId":15462147414160521},"Scene":0}`;
    const r = await li.browser.post(`${API}/webwxsendmsg?${q(li)}`, bodyText);
    expect(r.text).toMatch(
      /^\{"BaseResponse":\{"Ret":0,"ErrMsg":""\},"MsgID":"\d{19}","LocalID":"15462147414160521"\}$/,
    );
    const rec = await seen;
    expect(rec).toMatchObject({
      content,
      localId: '15462147414160521',
      clientMsgId: '15462147414160521',
      type: 1,
      toUserName: zhang.UserName,
      fromUserName: self,
    });
    expect(rec.msgId).toBe(JSON.parse(r.text).MsgID);
    expect(e.phone.sent()).toHaveLength(1);
    const unknown = await li.browser.post(`${API}/webwxsendmsg?${q(li)}`, {
      BaseRequest: li.baseRequest,
      Msg: {
        Type: 1,
        Content: 'x',
        FromUserName: self,
        ToUserName: '@nobody',
        LocalID: '1',
        ClientMsgId: '1',
      },
      Scene: 0,
    });
    expect(JSON.parse(unknown.text)).toEqual({
      BaseResponse: { Ret: 1204, ErrMsg: '' },
      MsgID: '',
      LocalID: '',
    });
    await li.browser.post(`${API}/webwxsendmsg?${q(li)}`, {
      BaseRequest: li.baseRequest,
      Msg: {
        Type: 1,
        Content: 'note',
        FromUserName: self,
        ToUserName: 'filehelper',
        LocalID: '2',
        ClientMsgId: '2',
      },
    });
    expect((await e.phone.waitForSent()).to).toBe('filehelper');
  });
});
