import { describe, expect, it } from 'vitest';
import { ParseError, ProtocolError } from '../../src/errors.js';
import {
  buildInitRequest,
  buildStatusNotifyRequest,
  parseInitReply,
  parseStatusNotifyReply,
} from '../../src/protocol/init.js';
import { readFixtureJson } from '../fixtures.js';
import { CAPTURE_CTX, catchError } from './helpers.js';

type Json = Record<string, unknown>;

function fixture(name: string): Json {
  return readFixtureJson<Json>('responses', name);
}

describe('buildInitRequest', () => {
  it('posts {BaseRequest} to webwxinit with r, lang and the pass_ticket as received', () => {
    const spec = buildInitRequest(CAPTURE_CTX, { deviceId: 'e940492848928413', nowMs: 1546211540000 });
    expect(spec).toEqual({
      endpoint: 'webwxinit',
      method: 'POST',
      url: 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxinit?r=-23313441&lang=zh_CN&pass_ticket=kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
      body: {
        kind: 'json',
        value: {
          BaseRequest: {
            Uin: 176666155,
            Sid: '5YpLHmVgWwH5LxN1',
            Skey: '@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50',
            DeviceID: 'e940492848928413',
          },
        },
      },
    });
    // the pass_ticket decodes once to the raw ticket: no double encoding
    expect(new URL(spec.url).searchParams.get('pass_ticket')).toBe(
      'kbmy5Jt9nj+JzBaJZYNpUBQyBwRTejeXq1sM/YH7iOI=',
    );
  });
});

describe('parseInitReply on real replies', () => {
  it('reads the 2018 capture (QJesus)', () => {
    const init = parseInitReply(JSON.stringify(fixture('QJesus-webwxinit.json')));
    expect(init.BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
    expect(init.Count).toBe(9);
    expect(init.ContactList).toHaveLength(2);
    expect(init.ContactList[0]!.NickName).toBe('杨爽');
    expect(init.SyncKey).toEqual({
      Count: 4,
      List: [
        { Key: 1, Val: 698325105 },
        { Key: 2, Val: 698325109 },
        { Key: 3, Val: 698325051 },
        { Key: 1000, Val: 1546210682 },
      ],
    });
    expect(init.User.Uin).toBe(176666155);
    expect(init.User.UserName).toBe('@f0c04abe389590b02d91684d99584439');
    expect(init.User.NickName).toBe('秦习淳');
    expect(init.SKey).toBe('@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50');
    expect(init.ChatSet.startsWith('filehelper,weixin,@d77f22c1')).toBe(true);
    expect(init.ClientVersion).toBe(385876258);
    expect(init.SystemTime).toBe(1546211541);
    expect(init.GrayScale).toBe(1);
    expect(init.InviteStartCount).toBe(40);
    expect(init.MPSubscribeMsgCount).toBe(1);
    expect(init.MPSubscribeMsgList).toHaveLength(1);
    expect(init.ClickReportInterval).toBe(600000);
  });

  it('reads the 2016 wechat4u capture', () => {
    const init = parseInitReply(JSON.stringify(fixture('webwxinit.json')));
    expect(init.Count).toBe(11);
    expect(init.ContactList).toHaveLength(7);
    expect(init.User.Uin).toBe(155217200);
    expect(init.User.NickName).toBe('SToneX');
    expect(init.SyncKey.Count).toBe(4);
    expect(init.SyncKey.List.map((k) => k.Key)).toEqual([1, 2, 3, 1000]);
    expect(init.SKey).toBe('@crypt_8e4ad7fa_2703a47aaf8cd4d3e61b855795e38568');
    expect(init.MPSubscribeMsgList).toHaveLength(2);
  });

  it('keeps the real contacts intact (every field of the fixture survives)', () => {
    const raw = fixture('QJesus-webwxinit.json');
    const init = parseInitReply(JSON.stringify(raw));
    expect(init.ContactList).toEqual(raw.ContactList);
  });
});

describe('parseInitReply normalisation and errors', () => {
  const minimal = {
    BaseResponse: { Ret: 0, ErrMsg: '' },
    SyncKey: { Count: 1, List: [{ Key: 1, Val: 2 }] },
    User: { UserName: '@self', Uin: '176666155' },
  };

  it('fills harmless omissions: no ContactList, no InviteStartCount, no SKey, Uin as string', () => {
    const init = parseInitReply(JSON.stringify(minimal));
    expect(init.ContactList).toEqual([]);
    expect(init.Count).toBe(0);
    expect(init.InviteStartCount).toBe(40);
    expect(init.SKey).toBe('');
    expect(init.ChatSet).toBe('');
    expect(init.MPSubscribeMsgList).toEqual([]);
    expect(init.User.Uin).toBe(176666155);
    expect(init.User.NickName).toBe('');
    expect(parseInitReply(JSON.stringify({ ...minimal, InviteStartCount: '30' })).InviteStartCount).toBe(30);
  });

  it('throws ProtocolError on Ret 1101 (logged out) before looking at anything else', () => {
    const e = catchError(() => parseInitReply('{"BaseResponse":{"Ret":1101,"ErrMsg":""}}')) as ProtocolError;
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.endpoint).toBe('webwxinit');
    expect(e.ret).toBe(1101);
  });

  it('throws ParseError naming the field on wrong shapes', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...minimal, SyncKey: undefined }, /SyncKey is missing/],
      [{ ...minimal, SyncKey: { Count: 0, List: [] } }, /SyncKey is empty/],
      [{ ...minimal, SyncKey: { Count: 1, List: 'x' } }, /SyncKey\.List/],
      [{ ...minimal, User: undefined }, /User is missing/],
      [{ ...minimal, User: { NickName: 'x' } }, /User\.UserName is missing/],
      [{ ...minimal, ContactList: {} }, /ContactList is not an array/],
      [{ ...minimal, ContactList: [{ UserName: 5 }, 7] }, /ContactList\[1\]/],
      [{ ...minimal, ContactList: [{ UserName: '@a', Sex: 'male' }] }, /ContactList\[0\]\.Sex/],
      [{ ...minimal, InviteStartCount: 'forty' }, /InviteStartCount/],
      [{ ...minimal, SKey: { a: 1 } }, /SKey/],
      [{ ...minimal, BaseResponse: undefined }, /BaseResponse/],
    ];
    for (const [value, message] of cases) {
      const e = catchError(() => parseInitReply(JSON.stringify(value)));
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).message).toMatch(message);
    }
  });

  it('throws ParseError on non-JSON, truncated JSON and huge text', () => {
    const text = JSON.stringify(fixture('QJesus-webwxinit.json'));
    for (const bad of ['', 'null', '<html>502</html>', text.slice(0, text.length / 2), '[]']) {
      expect(catchError(() => parseInitReply(bad))).toBeInstanceOf(ParseError);
    }
    expect(catchError(() => parseInitReply(' '.repeat(40 * 1024 * 1024)))).toBeInstanceOf(ParseError);
  });
});

describe('webwxstatusnotify', () => {
  it('builds the Code 3 notify of the capture', () => {
    const self = '@f0c04abe389590b02d91684d99584439';
    const spec = buildStatusNotifyRequest(CAPTURE_CTX, {
      deviceId: 'e435716924360955',
      code: 3,
      from: self,
      to: self,
      nowMs: 1546211539889,
    });
    expect(spec.endpoint).toBe('webwxstatusnotify');
    expect(spec.method).toBe('POST');
    expect(spec.url).toBe(
      'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxstatusnotify?lang=zh_CN&pass_ticket=kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
    );
    // the capture's body, byte for byte
    expect(JSON.stringify((spec.body as { value: unknown }).value)).toBe(
      '{"BaseRequest":{"Uin":176666155,"Sid":"5YpLHmVgWwH5LxN1","Skey":"@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50","DeviceID":"e435716924360955"},"Code":3,"FromUserName":"@f0c04abe389590b02d91684d99584439","ToUserName":"@f0c04abe389590b02d91684d99584439","ClientMsgId":1546211539889}',
    );
  });

  it('parses the capture reply', () => {
    expect(
      parseStatusNotifyReply('{"BaseResponse": {"Ret": 0,"ErrMsg": ""},"MsgID": "8032721323945545465"}'),
    ).toEqual({
      BaseResponse: { Ret: 0, ErrMsg: '' },
      MsgID: '8032721323945545465',
    });
    expect(parseStatusNotifyReply('{"BaseResponse":{"Ret":"0"}}').MsgID).toBe('');
  });

  it('throws ProtocolError on a non-zero Ret and ParseError on garbage', () => {
    expect(
      (catchError(() => parseStatusNotifyReply('{"BaseResponse":{"Ret":1100}}')) as ProtocolError).ret,
    ).toBe(1100);
    expect(catchError(() => parseStatusNotifyReply('{"BaseResponse":{"Ret":0},"MsgID":[]}'))).toBeInstanceOf(
      ParseError,
    );
    expect(catchError(() => parseStatusNotifyReply('{'))).toBeInstanceOf(ParseError);
  });
});
