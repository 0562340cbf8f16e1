/** §5.3–§5.6: media send builders, the file appmsg XML, revoke. */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import {
  appMsgFileXml,
  buildRevokeRequest,
  buildSendAppMsgRequest,
  buildSendEmoticonRequest,
  buildSendImageRequest,
  buildSendVideoRequest,
  parseRevokeReply,
  parseSendMsgReply,
} from '../../src/protocol/index.js';
import { CAPTURE_CTX, catchError } from './helpers.js';

const base = { deviceId: 'e123', from: '@me', to: '@peer', clientMsgId: '15462147414160521' };

function body(spec: { body?: { kind: string; value?: unknown } }): Record<string, unknown> {
  if (spec.body?.kind !== 'json') throw new Error('not json');
  return spec.body.value as Record<string, unknown>;
}

describe('media sends (§5.1, §5.3)', () => {
  it('webwxsendmsgimg: Type 3 with MediaId, fun=async&f=json, Scene 0 (2 when forwarding)', () => {
    const spec = buildSendImageRequest(CAPTURE_CTX, { ...base, mediaId: '@crypt_1' });
    expect(spec.endpoint).toBe('webwxsendmsgimg');
    expect(spec.url).toMatch(
      /^https:\/\/wx\.qq\.com\/cgi-bin\/mmwebwx-bin\/webwxsendmsgimg\?fun=async&f=json&lang=zh_CN&pass_ticket=kbmy/,
    );
    expect(body(spec)).toEqual({
      BaseRequest: {
        Uin: 176666155,
        Sid: '5YpLHmVgWwH5LxN1',
        Skey: CAPTURE_CTX.credentials.skey,
        DeviceID: 'e123',
      },
      Msg: {
        Type: 3,
        FromUserName: '@me',
        ToUserName: '@peer',
        LocalID: '15462147414160521',
        ClientMsgId: '15462147414160521',
        MediaId: '@crypt_1',
        Content: '',
      },
      Scene: 0,
    });
    const forward = buildSendImageRequest(CAPTURE_CTX, { ...base, mediaId: '', content: '<msg/>', scene: 2 });
    expect(body(forward)).toMatchObject({ Msg: { Content: '<msg/>', MediaId: '' }, Scene: 2 });
  });

  it('webwxsendvideomsg: Type 43', () => {
    const spec = buildSendVideoRequest(CAPTURE_CTX, { ...base, mediaId: '@v' });
    expect(spec.endpoint).toBe('webwxsendvideomsg');
    expect(body(spec)).toMatchObject({ Msg: { Type: 43, MediaId: '@v' } });
  });

  it('webwxsendemoticon: Type 47, EmojiFlag 2, fun=sys, MediaId or EMoticonMd5', () => {
    const byId = buildSendEmoticonRequest(CAPTURE_CTX, { ...base, mediaId: '@e' });
    expect(byId.url).toContain('webwxsendemoticon?fun=sys&');
    expect(body(byId).Msg).toMatchObject({ Type: 47, EmojiFlag: 2, MediaId: '@e' });
    expect(body(byId).Msg).not.toHaveProperty('EMoticonMd5');
    const byMd5 = buildSendEmoticonRequest(CAPTURE_CTX, { ...base, md5: 'abc' });
    expect(body(byMd5).Msg).toMatchObject({ EMoticonMd5: 'abc' });
    expect(body(byMd5).Msg).not.toHaveProperty('MediaId');
  });

  it('webwxsendappmsg: Type 6, the §5.5 XML, Signature when given, mod=desktop in desktop mode', () => {
    const xml = appMsgFileXml({
      title: 'report.pdf',
      totalLen: 2845701,
      attachId: '@crypt_x',
      fileExt: 'pdf',
      desktop: false,
    });
    expect(xml).toBe(
      "<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>report.pdf</title><des></des><action></action><type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>2845701</totallen><attachid>@crypt_x</attachid><fileext>pdf</fileext></appattach><extinfo></extinfo></appmsg>",
    );
    expect(
      appMsgFileXml({ title: 'a<b>&"', totalLen: 1, attachId: 'i', fileExt: '', desktop: true }),
    ).toContain("<appmsg appid='' sdkver=''><title>a&lt;b&gt;&amp;&quot;</title>");
    const spec = buildSendAppMsgRequest(
      { ...CAPTURE_CTX, desktop: true },
      { ...base, content: xml, signature: 'sig' },
    );
    expect(spec.url).toContain('webwxsendappmsg?fun=async&f=json&mod=desktop&');
    expect(body(spec).Msg).toMatchObject({ Type: 6, Content: xml, Signature: 'sig' });
    expect(buildSendAppMsgRequest(CAPTURE_CTX, { ...base, content: xml }).url).not.toContain('mod=desktop');
  });

  it('send replies go through parseSendMsgReply (Ret 1204 → ProtocolError)', () => {
    expect(
      catchError(() =>
        parseSendMsgReply('webwxsendmsgimg', '{"BaseResponse":{"Ret":1204},"MsgID":"","LocalID":""}'),
      ),
    ).toBeInstanceOf(ProtocolError);
  });
});

describe('webwxrevokemsg (§5.6)', () => {
  it('posts SvrMsgId, ToUserName and ClientMsgId; parses the reply', () => {
    const spec = buildRevokeRequest(CAPTURE_CTX, {
      deviceId: 'e1',
      svrMsgId: '3053194738703673101',
      clientMsgId: '15462147414160521',
      toUserName: '@peer',
    });
    expect(
      spec.url.startsWith('https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxrevokemsg?lang=zh_CN&pass_ticket='),
    ).toBe(true);
    expect(body(spec)).toMatchObject({
      SvrMsgId: '3053194738703673101',
      ToUserName: '@peer',
      ClientMsgId: '15462147414160521',
    });
    const reply = parseRevokeReply(
      '{"BaseResponse":{"Ret":0,"ErrMsg":""},"Introduction":"你可以撤回2分钟内发送的消息（部分旧版本微信不支持这个功能）。","SysWording":""}',
    );
    expect(reply.Introduction).toContain('2分钟');
    expect(catchError(() => parseRevokeReply('{"BaseResponse":{"Ret":1}}'))).toBeInstanceOf(ProtocolError);
  });
});
