/** The emulator's media endpoints over raw HTTP: uploads as wechat4u sends them, sends, Range, ETag. */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { UPLOAD_CHUNK_SIZE } from '../../src/protocol/index.js';
import { API, init, type LoggedIn, login, q, uploadMediaRequest } from './helpers.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
let emu: Emulator;
let li: LoggedIn;
let self: string;
let alice: string;

beforeAll(async () => {
  emu = await startEmulator({ timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 } });
  li = await login(emu);
  const reply = (await init(li)) as {
    User: { UserName: string };
    ContactList: { UserName: string; NickName: string }[];
  };
  self = reply.User.UserName;
  const contacts = JSON.parse(
    (await li.browser.get(`${API}/webwxgetcontact?${q(li)}&skey=${li.skey}`)).text,
  ) as {
    MemberList: { UserName: string; RemarkName: string; NickName: string }[];
  };
  alice = contacts.MemberList.find((c) => c.RemarkName === '老张')?.UserName ?? '';
});
afterAll(async () => {
  await emu?.close();
});

function uploadForm(
  fields: Record<string, string>,
  file: Buffer,
  fileName: string,
): { body: Buffer; type: string } {
  const boundary = `----b${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="filename"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function post(
  path: string,
  body: Buffer | string,
  type: string,
  cookies = true,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(emu.baseUrl + path, {
    method: 'POST',
    body,
    headers: { 'content-type': type, ...(cookies ? { cookie: li.browser.cookieHeader() } : {}) },
  });
  return { status: res.status, json: JSON.parse(await res.text()) as Record<string, unknown> };
}

/** Uploads `data` like wechat4u (no FileMd5), chunk by chunk in the given order; returns the last reply. */
async function upload(data: Buffer, fileName: string, order?: number[], extra: Record<string, unknown> = {}) {
  const chunks = Math.max(1, Math.ceil(data.length / UPLOAD_CHUNK_SIZE));
  const request = uploadMediaRequest(li, data.length, extra);
  let last: Record<string, unknown> = {};
  for (const chunk of order ?? [...Array(chunks).keys()]) {
    const fields: Record<string, string> = {
      id: 'WU_FILE_0',
      name: fileName,
      type: 'application/octet-stream',
      lastModifiedDate: 'x',
      size: String(data.length),
    };
    if (chunks > 1) Object.assign(fields, { chunks: String(chunks), chunk: String(chunk) });
    Object.assign(fields, {
      mediatype: 'doc',
      uploadmediarequest: request,
      webwx_data_ticket: li.browser.cookies.get('webwx_data_ticket') ?? '',
      pass_ticket: 'undefined',
    });
    const part = data.subarray(chunk * UPLOAD_CHUNK_SIZE, (chunk + 1) * UPLOAD_CHUNK_SIZE);
    const { body, type } = uploadForm(fields, part, fileName);
    last = (await post(`${API}/webwxuploadmedia?f=json`, body, type)).json;
  }
  return last;
}

let localIds = 17000000000000001n;

function send(endpoint: string, msg: Record<string, unknown>, scene = 0) {
  localIds += 1n;
  const body = JSON.stringify({
    BaseRequest: li.baseRequest,
    Msg: {
      FromUserName: self,
      ToUserName: alice,
      LocalID: String(localIds),
      ClientMsgId: String(localIds),
      ...msg,
    },
    Scene: scene,
  });
  return post(`${API}/${endpoint}?fun=async&f=json&${q(li)}`, body, 'application/json');
}

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(emu.baseUrl + path, { headers: { cookie: li.browser.cookieHeader(), ...headers } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe('emulator media endpoints', () => {
  it('accepts uploads without FileMd5, chunks out of order, and answers like the capture', async () => {
    const data = randomBytes(UPLOAD_CHUNK_SIZE + 5000);
    const reply = await upload(data, 'a b.bin', [1, 0]);
    expect(reply).toMatchObject({
      BaseResponse: { Ret: 0 },
      StartPos: data.length,
      EncryFileName: 'a%20b%2Ebin',
    });
    expect(String(reply.MediaId)).toMatch(/^@crypt_/);
    const sent = await send('webwxsendappmsg', {
      Type: 6,
      Content: `<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>a b.bin</title><appattach><totallen>${data.length}</totallen><attachid>${reply.MediaId}</attachid><fileext>bin</fileext></appattach></appmsg>`,
    });
    expect(sent.json).toMatchObject({ BaseResponse: { Ret: 0 }, LocalID: String(localIds) });
    const record = emu.phone.sent().find((r) => r.msgId === sent.json.MsgID);
    expect(record?.media?.md5).toBe(md5(data));
    expect(record?.localId).toBe(String(localIds));
  });

  it('refuses a wrong FileMd5, a missing data ticket and a non-multipart body with Ret ≠ 0', async () => {
    const wrong = await upload(Buffer.from('abc'), 'x.txt', undefined, { FileMd5: 'f'.repeat(32) });
    expect(wrong.BaseResponse).toMatchObject({ Ret: 1 });
    const { body, type } = uploadForm(
      { uploadmediarequest: JSON.stringify({ BaseRequest: li.baseRequest, TotalLen: 1 }) },
      Buffer.from('a'),
      'a',
    );
    const noTicket = await post(`${API}/webwxuploadmedia?f=json`, body, type, false);
    expect(noTicket.json.BaseResponse).toMatchObject({ Ret: 1 });
    const notForm = await post(`${API}/webwxuploadmedia?f=json`, '{}', 'application/json');
    expect(notForm.json.BaseResponse).toMatchObject({ Ret: 1 });
    expect(notForm.status).toBe(200);
  });

  it('refuses sends naming unknown media, and finds known ones by md5 (checkupload, forwarded XML)', async () => {
    expect(
      (await send('webwxsendmsgimg', { Type: 3, MediaId: '@crypt_nope', Content: '' })).json.BaseResponse,
    ).toMatchObject({ Ret: 1 });
    const data = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), randomBytes(100)]);
    const up = await upload(data, 'p.png');
    const check = await post(
      `${API}/webwxcheckupload?${q(li)}`,
      JSON.stringify({
        BaseRequest: li.baseRequest,
        FileSize: data.length,
        FileMd5: md5(data),
        FileName: 'p.png',
        FileType: 7,
      }),
      'application/json',
    );
    expect(check.json).toMatchObject({ BaseResponse: { Ret: 0 }, MediaId: up.MediaId });
    const byMd5 = await send(
      'webwxsendmsgimg',
      { Type: 3, MediaId: '', Content: `<msg><img md5="${md5(data)}" /></msg>` },
      2,
    );
    expect(byMd5.json.BaseResponse).toMatchObject({ Ret: 0 });
    const record = emu.phone.sent().find((r) => r.msgId === byMd5.json.MsgID);
    expect(record).toMatchObject({ type: 3, scene: 2 });
    expect(record?.media?.contentType).toBe('image/png');
  });

  it('serves downloads with content type, ETag/304 and Range/206/416', async () => {
    const video = Buffer.concat([Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]), randomBytes(5000)]);
    const injected = await emu.phone.sendVideo({ from: '老张', data: video });
    const path = `${API}/webwxgetvideo?msgid=${injected.msgId}&skey=${encodeURIComponent(li.skey)}`;
    const whole = await get(path, { range: 'bytes=0-' });
    expect(whole.status).toBe(206);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('content-range')).toBe(`bytes 0-${video.length - 1}/${video.length}`);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.body.equals(video)).toBe(true);
    const middle = await get(path, { range: 'bytes=10-19' });
    expect(middle.status).toBe(206);
    expect(middle.body.equals(video.subarray(10, 20))).toBe(true);
    const tail = await get(path, { range: 'bytes=-5' });
    expect(tail.body.equals(video.subarray(-5))).toBe(true);
    const beyond = await get(path, { range: `bytes=${video.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${video.length}`);
    const plain = await get(path);
    expect(plain.status).toBe(200);
    const etag = plain.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);
    expect((await get(path, { 'if-none-match': etag })).status).toBe(304);
    expect((await get(`${API}/webwxgetvideo?msgid=1&skey=${encodeURIComponent(li.skey)}`)).status).toBe(404);
    const noAuth = await fetch(`${emu.baseUrl}${API}/webwxgetvideo?msgid=${injected.msgId}`);
    expect(noAuth.status).toBe(403);
  });

  it('webwxgetmedia needs the data ticket and names the file', async () => {
    const injected = await emu.phone.sendFile({
      from: '老张',
      data: Buffer.from('hello'),
      fileName: '报告.txt',
    });
    const mediaId = encodeURIComponent(injected.media.mediaId);
    const ticket = encodeURIComponent(li.browser.cookies.get('webwx_data_ticket') ?? '');
    const ok = await get(
      `${API}/webwxgetmedia?sender=x&mediaid=${mediaId}&fromuser=${li.uin}&webwx_data_ticket=${ticket}`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('hello');
    expect(ok.headers.get('content-disposition')).toContain("filename*=UTF-8''%E6%8A%A5%E5%91%8A.txt");
    const res = await fetch(
      `${emu.baseUrl}${API}/webwxgetmedia?mediaid=${mediaId}&skey=${encodeURIComponent(li.skey)}&webwx_data_ticket=wrong`,
      {
        headers: { cookie: `wxsid=${li.sid}; wxuin=${li.uin}` },
      },
    );
    expect(res.status).toBe(403);
  });

  it('records revokes of known and unknown messages', async () => {
    const sent = await send('webwxsendemoticon', { Type: 47, EmojiFlag: 2, EMoticonMd5: 'a'.repeat(32) });
    expect(sent.json.BaseResponse).toMatchObject({ Ret: 0 });
    const revoke = (svr: string) =>
      post(
        `${API}/webwxrevokemsg?${q(li)}`,
        `{"BaseRequest":${JSON.stringify(li.baseRequest)},"SvrMsgId":"${svr}","ToUserName":"${alice}","ClientMsgId":17000000000000001}`,
        'application/json',
      );
    expect((await revoke(String(sent.json.MsgID))).json).toMatchObject({
      BaseResponse: { Ret: 0 },
      SysWording: '',
    });
    expect((await revoke(String(sent.json.MsgID))).json).toMatchObject({ BaseResponse: { Ret: 1 } });
    expect((await revoke('42')).json).toMatchObject({ BaseResponse: { Ret: 1 } });
    const records = emu.phone.revokes();
    expect(records.map((r) => r.found)).toEqual([true, false, false]);
    expect(records[0]).toMatchObject({
      msgId: sent.json.MsgID,
      clientMsgId: '17000000000000001',
      to: 'wxid_zhangwei01',
    });
  });

  it('the phone sends media and lists revokes over HTTP', async () => {
    const res = await fetch(`${emu.baseUrl}/__phone/media`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'file',
        from: '老张',
        base64: Buffer.from('via http').toString('base64'),
        fileName: 'h.txt',
      }),
    });
    expect(res.status).toBe(200);
    const injected = (await res.json()) as {
      msgId: string;
      kind: string;
      media: { size: number; md5: string };
    };
    expect(injected).toMatchObject({ kind: 'file', media: { size: 8, md5: md5(Buffer.from('via http')) } });
    const bad = await fetch(`${emu.baseUrl}/__phone/media`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"kind":"pdf","from":"x"}',
    });
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${emu.baseUrl}/__phone/media`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'image', from: 'nobody', base64: '' }),
    });
    expect(unknown.status).toBe(400);
    const revokes = (await (await fetch(`${emu.baseUrl}/__phone/revokes`)).json()) as unknown[];
    expect(revokes.length).toBe(emu.phone.revokes().length);
  });
});
