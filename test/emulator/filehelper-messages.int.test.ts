/** The File Transfer web's one chat (PROTOCOL.md §14): what reaches it, downloads, sends, the phone over HTTP. */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { FH_APPID, fhSync, fhSyncCheck, fileHelperLogin, MARKER, msg, postJson } from './filehelper-login.js';
import { API, init, type LoggedIn, login, type SyncKeyObj, sync, uploadMediaRequest } from './helpers.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const emulators: Emulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function start(): Promise<Emulator> {
  const e = await startEmulator({ timing: { loginPollHoldMs: 300, syncCheckHoldMs: 300 } });
  emulators.push(e);
  return e;
}

interface Started {
  li: LoggedIn;
  self: string;
  key: SyncKeyObj;
}

async function fileHelperSession(e: Emulator): Promise<Started> {
  const li = await fileHelperLogin(e);
  const r = await postJson(li, 'webwxinit');
  return { li, self: (r.User as { UserName: string }).UserName, key: r.SyncKey as SyncKeyObj };
}

/** A PNG's first bytes and some more: sniffed as image/png. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('emulator test image'),
]);

function ticket(li: LoggedIn): string {
  return li.browser.cookies.get('webwx_data_ticket')!;
}

/**
 * webwxuploadmedia on the file host (the emulator's origin), multipart, ToUserName filehelper (§14):
 * the MediaId; without the marker header, the reply's BaseResponse.
 */
async function uploadReply(
  li: LoggedIn,
  self: string,
  data: Buffer,
  name: string,
  mediatype: 'pic' | 'doc',
  marked = true,
): Promise<{ BaseResponse: { Ret: number; ErrMsg: string }; MediaId: string }> {
  const form = new FormData();
  form.set('id', 'WU_FILE_0');
  form.set('name', name);
  form.set('type', mediatype === 'pic' ? 'image/png' : 'application/octet-stream');
  form.set('lastModifiedDate', new Date().toUTCString());
  form.set('size', String(data.length));
  form.set('mediatype', mediatype);
  form.set(
    'uploadmediarequest',
    uploadMediaRequest(li, data.length, { FromUserName: self, ToUserName: 'filehelper', FileMd5: md5(data) }),
  );
  form.set('webwx_data_ticket', ticket(li));
  form.set('pass_ticket', li.passTicket);
  form.set('filename', new Blob([data]), name);
  const res = await fetch(`${li.browser.base}${API}/webwxuploadmedia?f=json&random=${Date.now()}`, {
    method: 'POST',
    body: form,
    headers: marked ? MARKER : {},
  });
  return JSON.parse(await res.text());
}

async function upload(li: LoggedIn, self: string, data: Buffer, name: string, mediatype: 'pic' | 'doc') {
  const reply = await uploadReply(li, self, data, name, mediatype);
  expect(reply.BaseResponse.Ret).toBe(0);
  return reply.MediaId;
}

describe('File Transfer web: the one chat', () => {
  it('phone text, image and file reach the File Transfer session; a friend’s text does not; the main web sees both', async () => {
    const e = await start();
    const web = await login(e);
    const webInit = await init(web);
    const fh = await fileHelperSession(e);
    await expect(e.phone.writeToFileHelper({ text: '带回家 <b>\n第二行' })).resolves.toMatchObject({
      deliveredTo: 2,
    });
    expect(e.phone.sendText({ from: '老张', text: '在吗？' }).deliveredTo).toBe(1);
    // No other phone path leaks into the File Transfer session either (one each: a link, a room's
    // system message and contact change, a friend's image).
    expect(
      e.phone.sendMessage({ kind: 'link', from: '老张', title: 't', url: 'https://example.com' }).deliveredTo,
    ).toBe(1);
    e.phone.renameRoom('相亲相爱一家人', '新名字');
    expect((await e.phone.sendImage({ from: '老张', data: PNG })).deliveredTo).toBe(1);
    const image = await e.phone.writeToFileHelper({ kind: 'image', bytes: PNG, fileName: 'p.png' });
    const file = await e.phone.writeToFileHelper({
      kind: 'file',
      bytes: Buffer.from('%PDF-1.4 x'),
      fileName: '报告.pdf',
    });
    expect(image.msgId).toMatch(/^\d{19}$/);
    expect(typeof image.createTime).toBe('number');

    expect((await fhSyncCheck(fh.li, fh.key)).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
    const got = await fhSync(fh.li, fh.key);
    expect(got.BaseResponse.Ret).toBe(0);
    const list = got.AddMsgList;
    expect(list.map((m) => [m.MsgType, m.FromUserName, m.ToUserName])).toEqual([
      [1, fh.self, 'filehelper'],
      [3, fh.self, 'filehelper'],
      [49, fh.self, 'filehelper'],
    ]);
    expect(list[0]!.Content).toBe('带回家 &lt;b&gt;<br/>第二行');
    expect(list[1]!.MsgId).toBe(image.msgId);
    expect(list[1]!.Content).toContain(`md5="${md5(PNG)}"`);
    expect(list[2]).toMatchObject({ MsgId: file.msgId, AppMsgType: 6, FileName: '报告.pdf', FileSize: '10' });
    expect(String(list[2]!.MediaId)).toMatch(/^@crypt_/);
    // Nothing else comes later either: the friend's text never reached this session.
    const after = await fhSync(fh.li, got.SyncKey);
    expect(after.AddMsgList).toEqual([]);
    expect(after).toMatchObject({ ModContactCount: 0, ModContactList: [] });
    expect(got).toMatchObject({ ModContactCount: 0, ModContactList: [] });
    expect(e.phone.sessions().find((s) => s.app === 'filehelper')!.pendingMessages).toBe(0);

    // The main web session sees the File Transfer chat (From self To filehelper) and the friend.
    const webGot = await sync(web, webInit.SyncKey as SyncKeyObj);
    const webSelf = (webInit.User as { UserName: string }).UserName;
    const rows = webGot.AddMsgList.filter((m) => m.MsgType !== 51).map((m) => [
      m.MsgType,
      m.FromUserName === webSelf,
      m.ToUserName,
    ]);
    expect(rows).toEqual([
      [1, true, 'filehelper'],
      [1, false, webSelf],
      [49, false, webSelf],
      [10000, false, webSelf],
      [3, false, webSelf],
      [3, true, 'filehelper'],
      [49, true, 'filehelper'],
    ]);

    // Downloads: the image on the entry host, the file on the file host, with the marker.
    const img = await fh.li.browser.get(
      `${API}/webwxgetmsgimg?MsgID=${image.msgId}&skey=${encodeURIComponent(fh.li.skey)}&mmweb_appid=${FH_APPID}`,
    );
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    const imgBytes = await fetch(
      `${e.baseUrl}${API}/webwxgetmsgimg?MsgID=${image.msgId}&skey=${encodeURIComponent(fh.li.skey)}&mmweb_appid=${FH_APPID}`,
      { headers: { cookie: fh.li.browser.cookieHeader() } },
    );
    expect(Buffer.from(await imgBytes.arrayBuffer())).toEqual(PNG);
    const thumb = await fh.li.browser.get(
      `${API}/webwxgetmsgimg?MsgID=${image.msgId}&skey=${encodeURIComponent(fh.li.skey)}&type=slave&mmweb_appid=${FH_APPID}`,
    );
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    const media = await fetch(
      `${e.baseUrl}${API}/webwxgetmedia?sender=${fh.self}&mediaid=${encodeURIComponent(String(list[2]!.MediaId))}&encryfilename=${encodeURIComponent(String(list[2]!.EncryFileName))}&fromuser=${fh.li.uin}&pass_ticket=${fh.li.passTicket}&webwx_data_ticket=${encodeURIComponent(ticket(fh.li))}&sid=${fh.li.sid}&mmweb_appid=${FH_APPID}`,
    );
    expect(media.status).toBe(200);
    expect(media.headers.get('content-disposition')).toContain("filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf");
    expect(await media.text()).toBe('%PDF-1.4 x');
  });

  it('sends to filehelper (text, image, file) are recorded on the phone; a send to a friend is refused with 1204', async () => {
    const e = await start();
    const fh = await fileHelperSession(e);
    const text = await postJson(fh.li, 'webwxsendmsg', {
      Msg: msg(fh.self, 'filehelper', 1, { Content: '给自己的备忘' }),
      Scene: 0,
    });
    expect(text.BaseResponse.Ret).toBe(0);
    expect(text.MsgID).toMatch(/^\d{19}$/);
    const sentText = await e.phone.waitForSent((r) => r.type === 1, { timeoutMs: 2000 });
    expect(sentText).toMatchObject({
      to: 'filehelper',
      toUserName: 'filehelper',
      fromUserName: fh.self,
      content: '给自己的备忘',
    });
    expect(e.phone.sessions().find((s) => s.id === sentText.sessionId)?.app).toBe('filehelper');

    const unmarked = await uploadReply(fh.li, fh.self, PNG, 'shot.png', 'pic', false);
    expect(unmarked).toMatchObject({ BaseResponse: { Ret: 1, ErrMsg: 'mmweb_appid missing' }, MediaId: '' });
    const picId = await upload(fh.li, fh.self, PNG, 'shot.png', 'pic');
    const img = await postJson(fh.li, 'webwxsendmsgimg?fun=async&f=json', {
      Msg: msg(fh.self, 'filehelper', 3, { MediaId: picId, Content: '' }),
      Scene: 0,
    });
    expect(img.BaseResponse.Ret).toBe(0);
    const sentImg = await e.phone.waitForSent((r) => r.type === 3, { timeoutMs: 2000 });
    expect(sentImg.media).toMatchObject({ fileName: 'shot.png', size: PNG.length, md5: md5(PNG) });
    expect(await sentImg.media!.bytes()).toEqual(PNG);

    const doc = Buffer.from('hello file transfer');
    const docId = await upload(fh.li, fh.self, doc, 'notes.txt', 'doc');
    const content = `<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>notes.txt</title><des></des><action></action><type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>${doc.length}</totallen><attachid>${docId}</attachid><fileext>txt</fileext></appattach><extinfo></extinfo></appmsg>`;
    const app = await postJson(fh.li, 'webwxsendappmsg?fun=async&f=json', {
      Msg: msg(fh.self, 'filehelper', 6, { Content: content }),
      Scene: 0,
    });
    expect(app.BaseResponse.Ret).toBe(0);
    const sentFile = await e.phone.waitForSent((r) => r.type === 6, { timeoutMs: 2000 });
    expect(sentFile.media?.fileName).toBe('notes.txt');
    expect((await sentFile.media!.bytes()).toString()).toBe('hello file transfer');

    // A friend's UserName (from a main web session) or the self: refused, nothing recorded.
    const web = await login(e, {});
    const webInit = await init(web);
    const friend = (webInit.ContactList as { UserName: string }[]).find((c) =>
      /^@[0-9a-f]{64}$/.test(c.UserName),
    )!;
    for (const to of [friend.UserName, fh.self, 'weixin']) {
      const refused = await postJson(fh.li, 'webwxsendmsg', {
        Msg: msg(fh.self, to, 1, { Content: 'x' }),
        Scene: 0,
      });
      expect(refused.BaseResponse.Ret, to).toBe(1204);
      expect(refused.MsgID).toBe('');
    }
    expect(e.phone.sent()).toHaveLength(3);
  });

  it('a send to filehelper shows in the account’s other sessions where one side is a File Transfer session', async () => {
    const e = await startEmulator({
      timing: { loginPollHoldMs: 300, syncCheckHoldMs: 300 },
      kickPreviousSession: false,
    });
    emulators.push(e);
    const web = await login(e);
    const webInit = await init(web);
    const web2 = await login(e);
    const web2Init = await init(web2);
    const fh = await fileHelperSession(e);
    const webSelf = (webInit.User as { UserName: string }).UserName;
    const sent = await postJson(fh.li, 'webwxsendmsg', {
      Msg: msg(fh.self, 'filehelper', 1, { Content: 'a<b' }),
      Scene: 0,
    });
    const picId = await upload(fh.li, fh.self, PNG, 'shot.png', 'pic');
    const img = await postJson(fh.li, 'webwxsendmsgimg?fun=async&f=json', {
      Msg: msg(fh.self, 'filehelper', 3, { MediaId: picId, Content: '' }),
      Scene: 0,
    });
    // The main web's own send to filehelper (wechat4u's heartbeat) reaches the File Transfer session only.
    const heartbeat = await web.browser.post(`${API}/webwxsendmsg?lang=zh_CN&pass_ticket=${web.passTicket}`, {
      BaseRequest: web.baseRequest,
      Msg: msg(webSelf, 'filehelper', 1, { Content: '心跳' }),
      Scene: 0,
    });
    const heartbeatId = JSON.parse(heartbeat.text).MsgID as string;

    const webGot = (await sync(web, webInit.SyncKey as SyncKeyObj)).AddMsgList.filter(
      (m) => m.MsgType !== 51,
    );
    expect(webGot.map((m) => [m.MsgId, m.MsgType, m.FromUserName, m.ToUserName])).toEqual([
      [sent.MsgID, 1, webSelf, 'filehelper'],
      [img.MsgID, 3, webSelf, 'filehelper'],
    ]);
    expect(webGot[0]!.Content).toBe('a&lt;b');
    expect(webGot[1]!.Content).toContain(`md5="${md5(PNG)}"`);
    const web2Got = (await sync(web2, web2Init.SyncKey as SyncKeyObj)).AddMsgList.filter(
      (m) => m.MsgType !== 51,
    );
    expect(web2Got.map((m) => m.MsgId)).toEqual([sent.MsgID, img.MsgID]);
    const fhGot = await fhSync(fh.li, fh.key);
    expect(fhGot.AddMsgList.map((m) => [m.MsgId, m.FromUserName, m.Content])).toEqual([
      [heartbeatId, fh.self, '心跳'],
    ]);
    // The echoed image downloads by its MsgID from the main web session.
    const bytes = await fetch(
      `${e.baseUrl}${API}/webwxgetmsgimg?MsgID=${img.MsgID}&skey=${encodeURIComponent(web.skey)}`,
      {
        headers: { cookie: web.browser.cookieHeader() },
      },
    );
    expect(Buffer.from(await bytes.arrayBuffer())).toEqual(PNG);
  });

  it('POST /__phone/filehelper: text and base64 media; JSON content type, a size limit and a known kind required', async () => {
    const e = await start();
    const fh = await fileHelperSession(e);
    const phone = (body: unknown, type = 'application/json') =>
      fetch(`${e.baseUrl}/__phone/filehelper`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const text = await phone({ text: '从手机发来' });
    expect(text.status).toBe(200);
    const result = (await text.json()) as { msgId: string; createTime: number; deliveredTo: number };
    expect(result).toEqual({
      msgId: expect.stringMatching(/^\d{19}$/),
      createTime: expect.any(Number),
      deliveredTo: 1,
    });
    const file = await phone({
      kind: 'file',
      base64: Buffer.from('abc').toString('base64'),
      fileName: 'a.pdf',
    });
    expect(file.status).toBe(200);
    const got = await fhSync(fh.li, fh.key);
    expect(
      got.AddMsgList.map((m) => [m.MsgType, m.Content === '从手机发来' || m.FileName === 'a.pdf']),
    ).toEqual([
      [1, true],
      [49, true],
    ]);

    const wrongType = await phone({ text: 'x' }, 'text/plain');
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toEqual({ error: 'Content-Type must be application/json' });
    expect((await phone({ kind: 'voice', base64: 'AAAA' })).status).toBe(400);
    expect((await phone({ kind: 'image', base64: 'not base64!' })).status).toBe(400);
    expect((await phone({ kind: 'image' })).status).toBe(400);
    expect((await phone('{not json')).status).toBe(400);
    expect((await phone({})).status).toBe(400);
    const big = await phone({ kind: 'file', base64: 'A'.repeat(6 * 1024 * 1024 + 4) });
    expect(big.status).toBe(413);
    const after = await fhSync(fh.li, got.SyncKey);
    expect(after.AddMsgList).toEqual([]);
  });
});
