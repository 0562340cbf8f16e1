import { describe, expect, it } from 'vitest';
import { ParseError, ProtocolError } from '../../src/errors.js';
import { buildSendTextRequest, parseSendMsgReply } from '../../src/protocol/text-message.js';
import { CAPTURE_CTX, catchError } from './helpers.js';

describe('buildSendTextRequest', () => {
  it('builds the send of the capture; the body matches byte for byte', () => {
    const spec = buildSendTextRequest(CAPTURE_CTX, {
      deviceId: 'e376288520542476',
      from: '@f0c04abe389590b02d91684d99584439',
      to: '@d77f22c1444fcbd7092fa2464899391a3cc0d6a9ec79b0770ce91be01a66a09b',
      content: 's',
      clientMsgId: '15462147414160521',
    });
    expect(spec.endpoint).toBe('webwxsendmsg');
    expect(spec.method).toBe('POST');
    expect(spec.url).toBe(
      'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxsendmsg?lang=zh_CN&pass_ticket=kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
    );
    expect(spec.body?.kind).toBe('json');
    expect(JSON.stringify((spec.body as { value: unknown }).value)).toBe(
      '{"BaseRequest":{"Uin":176666155,"Sid":"5YpLHmVgWwH5LxN1","Skey":"@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50","DeviceID":"e376288520542476"},"Msg":{"Type":1,"Content":"s","FromUserName":"@f0c04abe389590b02d91684d99584439","ToUserName":"@d77f22c1444fcbd7092fa2464899391a3cc0d6a9ec79b0770ce91be01a66a09b","LocalID":"15462147414160521","ClientMsgId":"15462147414160521"},"Scene":0}',
    );
  });

  it('builds the URL from the current host, lang and pass_ticket, whatever was built before', () => {
    const send = (ctx: typeof CAPTURE_CTX) =>
      buildSendTextRequest(ctx, { deviceId: 'e1', from: '@a', to: '@b', content: 'x', clientMsgId: '1' }).url;
    const other = {
      ...CAPTURE_CTX,
      hosts: { ...CAPTURE_CTX.hosts, main: 'https://wx2.qq.com' },
      lang: 'en_US',
      credentials: { ...CAPTURE_CTX.credentials, passTicket: 'pt%2B2' },
    };
    for (let round = 0; round < 2; round++) {
      expect(send(CAPTURE_CTX)).toBe(
        'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxsendmsg?lang=zh_CN&pass_ticket=kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
      );
      expect(send(other)).toBe(
        'https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxsendmsg?lang=en_US&pass_ticket=pt%2B2',
      );
    }
  });

  it('sends content as given: newlines, emoji, mentions', () => {
    const content = '第一行\n@Alice\u2005hi 😀';
    const spec = buildSendTextRequest(CAPTURE_CTX, {
      deviceId: 'e1',
      from: '@a',
      to: '@@g',
      content,
      clientMsgId: '1',
    });
    expect((spec.body as { value: { Msg: { Content: string } } }).value.Msg.Content).toBe(content);
  });
});

describe('parseSendMsgReply', () => {
  it('parses the capture reply', () => {
    expect(
      parseSendMsgReply(
        'webwxsendmsg',
        '{"BaseResponse": {"Ret": 0,"ErrMsg": ""},"MsgID": "3053194738703673101","LocalID": "15462147414160521"}',
      ),
    ).toEqual({
      BaseResponse: { Ret: 0, ErrMsg: '' },
      MsgID: '3053194738703673101',
      LocalID: '15462147414160521',
    });
  });

  it('throws ProtocolError with the endpoint name on a refusal (1204 with empty ids)', () => {
    const e = catchError(() =>
      parseSendMsgReply(
        'webwxsendmsgimg',
        '{"BaseResponse":{"Ret":1204,"ErrMsg":""},"MsgID":"","LocalID":""}',
      ),
    ) as ProtocolError;
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.endpoint).toBe('webwxsendmsgimg');
    expect(e.ret).toBe(1204);
  });

  it('defaults missing ids and throws ParseError on garbage', () => {
    expect(parseSendMsgReply('webwxsendmsg', '{"BaseResponse":{"Ret":0}}')).toMatchObject({
      MsgID: '',
      LocalID: '',
    });
    for (const bad of ['', '{', 'null', '{"MsgID":"1"}', '{"BaseResponse":{"Ret":0},"MsgID":{}}']) {
      const e = catchError(() => parseSendMsgReply('webwxsendmsg', bad));
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).endpoint).toBe('webwxsendmsg');
    }
  });
});
