/** The File Transfer web (PROTOCOL.md §14): appid on jslogin and the poll, the v2 login page, init's one chat, refusals. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import {
  confirmedRedirect,
  FH_APPID,
  fhSync,
  fhSyncCheck,
  fileHelperJsLogin,
  fileHelperLogin,
  MARKER,
  msg,
  pollPath,
  postJson,
  xmlTag,
} from './filehelper-login.js';
import { API, Browser, init, jslogin, login } from './helpers.js';

const emulators: Emulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator({ timing: { loginPollHoldMs: 300, syncCheckHoldMs: 300 }, ...options });
  emulators.push(e);
  return e;
}

describe('File Transfer web: login', () => {
  it('jslogin remembers the app of its appid; an unknown appid gets code 400 and no QR', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    const fh = await fileHelperJsLogin(b);
    const web = await jslogin(b);
    const bare = await b.get('/jslogin?fun=new&lang=zh_CN');
    expect(bare.text).toMatch(/^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "[^"]+";$/);
    const other = await b.get('/jslogin?appid=wx_somethingelse&fun=new&lang=zh_CN');
    expect(other.text).toBe('window.QRLogin.code = 400; window.QRLogin.uuid = "";');
    const apps = new Map(e.phone.qrCodes().map((q) => [q.uuid, q.app]));
    expect(apps.get(fh)).toBe('filehelper');
    expect(apps.get(web)).toBe('web');
    expect([...apps.values()]).toEqual(['filehelper', 'web', 'web']);
  });

  it('a poll whose appid is not its QR app is answered as expired; the right one gets 201 and 200', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    const fh = await fileHelperJsLogin(b);
    const web = await jslogin(b);
    e.phone.scan(fh);
    expect((await b.get(pollPath(fh, null))).text).toBe('window.code=400;');
    expect((await b.get(pollPath(fh, 'wx782c26e4c19acffb'))).text).toBe('window.code=400;');
    expect((await b.get(pollPath(web, FH_APPID))).text).toBe('window.code=400;');
    expect((await b.get(pollPath(web, null))).text).toBe('window.code=408;');
    expect((await b.get(pollPath(fh))).text).toMatch(
      /^window\.code=201;window\.userAvatar = 'data:img\/jpg;base64,/,
    );
    e.phone.confirm(fh);
    const ok = await b.get(pollPath(fh));
    // Plain mode: the entry host is the emulator's own origin.
    expect(ok.text).toMatch(
      new RegExp(
        `^window\\.code=200;window\\.redirect_uri="${e.baseUrl}/cgi-bin/mmwebwx-bin/webwxnewloginpage\\?ticket=[^&]+@qrticket_0&uuid=`,
      ),
    );
  });

  it('the v2 login page needs the mmweb_appid header; without it <ret>1</ret> and the ticket stays valid', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    const uuid = await fileHelperJsLogin(b);
    const redirect = await confirmedRedirect(e, b, uuid);
    const bare = await b.get(`${redirect}&fun=new&version=v2`);
    expect(bare.text).toBe('<error><ret>1</ret><message>mmweb_appid missing</message></error>');
    expect(bare.headers.getSetCookie()).toEqual([]);
    expect(e.phone.sessions()).toEqual([]);
    const page = await b.get(`${redirect}&fun=new&version=v2`, { headers: MARKER });
    expect(page.status).toBe(200);
    expect(xmlTag(page.text, 'ret')).toBe('0');
    for (const t of ['skey', 'wxsid', 'wxuin', 'pass_ticket']) expect(xmlTag(page.text, t), t).toBeTruthy();
    const cookies = page.headers.getSetCookie().map((c) => c.slice(0, c.indexOf('=')));
    expect(cookies).toEqual(
      expect.arrayContaining(['wxuin', 'wxsid', 'webwx_data_ticket', 'webwx_auth_ticket']),
    );
    expect(e.phone.sessions()).toEqual([expect.objectContaining({ app: 'filehelper', state: 'active' })]);
    // The main web's login page must not carry the marker.
    const wb = new Browser(e.baseUrl);
    const wu = await jslogin(wb);
    e.phone.confirm(wu);
    const wpoll = await wb.get(`${API}/login?uuid=${wu}&tip=0`);
    const wredirect = /redirect_uri="([^"]+)"/.exec(wpoll.text)![1]!;
    const marked = await wb.get(`${wredirect}&fun=new&version=v2`, { headers: MARKER });
    expect(xmlTag(marked.text, 'ret')).toBe('1');
  });

  it('a File Transfer login and a main web login coexist; each kicks only its own app', async () => {
    const e = await start();
    const web = await login(e);
    const fh1 = await fileHelperLogin(e);
    const fh2 = await fileHelperLogin(e);
    const byId = e.phone.sessions().map((s) => [s.app, s.state, s.endReason]);
    expect(byId).toEqual([
      ['web', 'active', undefined],
      ['filehelper', 'ended', 'kicked'],
      ['filehelper', 'active', undefined],
    ]);
    expect((await init(web)).BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
    expect((await postJson(fh1, 'webwxinit')).BaseResponse.Ret).toBe(1101);
    expect((await postJson(fh2, 'webwxinit')).BaseResponse.Ret).toBe(0);
  });

  it('webwxinit: the account and one chat, filehelper; getcontact and batchgetcontact know no one else', async () => {
    const e = await start();
    const li = await fileHelperLogin(e);
    const r = await postJson(li, 'webwxinit');
    expect(r.BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
    expect(r.Count).toBe(1);
    expect(r.ContactList).toEqual([
      expect.objectContaining({ UserName: 'filehelper', NickName: '文件传输助手' }),
    ]);
    expect(r.ChatSet).toBe('filehelper,');
    expect(r.MPSubscribeMsgCount).toBe(0);
    const user = r.User as { UserName: string; NickName: string; Uin: number };
    expect(user.NickName).toBe('小明');
    expect(user.UserName).toMatch(/^@[0-9a-f]{32}$/);
    expect(String(user.Uin)).toBe(li.uin);
    expect((r.SyncKey as { Count: number }).Count).toBe(4);

    const contacts = JSON.parse(
      (
        await li.browser.get(
          `${API}/webwxgetcontact?lang=zh_CN&pass_ticket=${li.passTicket}&r=1&seq=0&skey=${li.skey}`,
        )
      ).text,
    );
    expect(contacts.MemberList.map((c: { UserName: string }) => c.UserName)).toEqual(['filehelper']);
    expect(contacts.Seq).toBe(0);

    // A main web session's UserName for a friend means nothing here; filehelper and the self do.
    const web = await login(e);
    const webInit = await init(web);
    const friend = (webInit.ContactList as { UserName: string }[]).find((c) =>
      /^@[0-9a-f]{64}$/.test(c.UserName),
    )!;
    const batch = await postJson(li, 'webwxbatchgetcontact?type=ex', {
      Count: 3,
      List: [{ UserName: 'filehelper' }, { UserName: user.UserName }, { UserName: friend.UserName }],
    });
    expect((batch.ContactList as { UserName: string }[]).map((c) => c.UserName)).toEqual([
      'filehelper',
      user.UserName,
    ]);
  });

  it('group and contact management are refused with Ret 1', async () => {
    const e = await start();
    const li = await fileHelperLogin(e);
    const self = ((await postJson(li, 'webwxinit')).User as { UserName: string }).UserName;
    const calls: [string, Record<string, unknown>][] = [
      [
        'webwxcreatechatroom',
        { MemberCount: 2, MemberList: [{ UserName: 'filehelper' }, { UserName: self }], Topic: 't' },
      ],
      ['webwxupdatechatroom?fun=modtopic', { ChatRoomName: '@@x', NewTopic: 't' }],
      ['webwxoplog', { UserName: 'filehelper', CmdId: 2, RemarkName: 'x' }],
      [
        'webwxverifyuser',
        { Opcode: 2, VerifyUserListSize: 1, VerifyUserList: [{ Value: 'filehelper', VerifyUserTicket: '' }] },
      ],
    ];
    for (const [endpoint, body] of calls) {
      const r = await postJson(li, endpoint, body);
      expect(r.BaseResponse, endpoint).toEqual({ Ret: 1, ErrMsg: 'not available on the File Transfer web' });
    }
    // The same oplog on a main web session works.
    const web = await login(e);
    const ok = JSON.parse(
      (
        await web.browser.post(`${API}/webwxoplog?lang=zh_CN&pass_ticket=${web.passTicket}`, {
          BaseRequest: web.baseRequest,
          UserName: 'filehelper',
          CmdId: 3,
          OP: 1,
        })
      ).text,
    );
    expect(ok.BaseResponse.Ret).toBe(0);
  });

  it('the marker is required: JSON calls Ret 1, synccheck retcode 1, downloads 403', async () => {
    const e = await start();
    const li = await fileHelperLogin(e);
    const initReply = await postJson(li, 'webwxinit');
    const self = (initReply.User as { UserName: string }).UserName;
    const key = initReply.SyncKey as { Count: number; List: { Key: number; Val: number }[] };
    expect((await postJson(li, 'webwxinit', {}, false)).BaseResponse).toEqual({
      Ret: 1,
      ErrMsg: 'mmweb_appid missing',
    });
    expect((await fhSync(li, key, false)).BaseResponse).toEqual({ Ret: 1, ErrMsg: 'mmweb_appid missing' });
    const notify = { Code: 3, FromUserName: self, ToUserName: self, ClientMsgId: Date.now() };
    expect((await postJson(li, 'webwxstatusnotify', notify, false)).BaseResponse.Ret).toBe(1);
    expect((await postJson(li, 'webwxstatusnotify', notify)).BaseResponse.Ret).toBe(0);
    const text = { Msg: msg(self, 'filehelper', 1, { Content: 'hi' }), Scene: 0 };
    expect((await postJson(li, 'webwxsendmsg', text, false)).BaseResponse.Ret).toBe(1);
    const img = { Msg: msg(self, 'filehelper', 3, { MediaId: '@crypt_x', Content: '' }), Scene: 0 };
    expect((await postJson(li, 'webwxsendmsgimg?fun=async&f=json', img, false)).BaseResponse.Ret).toBe(1);
    const app = { Msg: msg(self, 'filehelper', 6, { Content: '<appmsg></appmsg>' }), Scene: 0 };
    expect((await postJson(li, 'webwxsendappmsg?fun=async&f=json', app, false)).BaseResponse.Ret).toBe(1);
    expect(e.phone.sent()).toEqual([]);

    const unmarked = await fhSyncCheck(li, key, false);
    expect(unmarked.text).toBe('window.synccheck={retcode:"1",selector:"0"}');
    const marked = await fhSyncCheck(li, key);
    expect(marked.text).toBe('window.synccheck={retcode:"0",selector:"0"}');
    expect(e.phone.sessions()[0]!.state).toBe('active');

    const { msgId } = await e.phone.writeToFileHelper({ kind: 'image', bytes: new Uint8Array([1, 2, 3]) });
    const imgPath = `${API}/webwxgetmsgimg?MsgID=${msgId}&skey=${encodeURIComponent(li.skey)}`;
    expect((await li.browser.get(imgPath)).status).toBe(403);
    expect((await li.browser.get(`${imgPath}&mmweb_appid=${FH_APPID}`)).status).toBe(200);
    const { msgId: fileMsgId } = await e.phone.writeToFileHelper({
      kind: 'file',
      bytes: new Uint8Array([4]),
      fileName: 'a.txt',
    });
    const sync = await fhSync(li, key);
    const file = sync.AddMsgList.find((m) => m.MsgId === fileMsgId)!;
    const mediaPath = `${API}/webwxgetmedia?sender=${self}&mediaid=${encodeURIComponent(String(file.MediaId))}&encryfilename=${encodeURIComponent(String(file.EncryFileName))}&fromuser=${li.uin}&pass_ticket=${li.passTicket}&webwx_data_ticket=${encodeURIComponent(li.browser.cookies.get('webwx_data_ticket')!)}&sid=${li.sid}`;
    expect((await li.browser.get(mediaPath)).status).toBe(403);
    expect((await li.browser.get(`${mediaPath}&mmweb_appid=${FH_APPID}`)).status).toBe(200);
  });
});
