import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError, ProtocolError } from '../../src/errors.js';
import {
  buildSyncCheckRequest,
  buildSyncRequest,
  parseSyncCheckReply,
  parseSyncReply,
} from '../../src/protocol/sync.js';
import { isUsableSyncKey } from '../../src/protocol/wire-readers.js';
import type { SyncKey } from '../../src/protocol/wire-types.js';
import { readFixtureJson, readFixtureText } from '../fixtures.js';
import { CAPTURE_CTX, catchError } from './helpers.js';

type Json = Record<string, unknown>;
const fixture = (name: string): Json => readFixtureJson<Json>('responses', name);

const CAPTURE_SYNC_CHECK_KEY: SyncKey = {
  Count: 7,
  List: [
    { Key: 1, Val: 698325105 },
    { Key: 2, Val: 698325111 },
    { Key: 3, Val: 698325051 },
    { Key: 11, Val: 698322408 },
    { Key: 201, Val: 1546211542 },
    { Key: 1000, Val: 1546210682 },
    { Key: 1001, Val: 1546210755 },
  ],
};

describe('synccheck request', () => {
  it('builds the URL of the capture, byte for byte apart from r and _', () => {
    const spec = buildSyncCheckRequest(CAPTURE_CTX, {
      deviceId: 'e152684595719975',
      syncKey: CAPTURE_SYNC_CHECK_KEY,
      nowMs: 1546211541936,
    });
    expect(spec).toEqual({
      endpoint: 'synccheck',
      method: 'GET',
      url: 'https://webpush.wx.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1546211541936&skey=%40crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50&sid=5YpLHmVgWwH5LxN1&uin=176666155&deviceid=e152684595719975&synckey=1_698325105%7C2_698325111%7C3_698325051%7C11_698322408%7C201_1546211542%7C1000_1546210682%7C1001_1546210755&_=1546211541936',
      timeoutMs: 35_000,
    });
    // the capture's own request line, for comparison
    const captured = readFixtureText('captures', 'full-http-capture-2018.md')
      .split('\n')
      .find((l) => l.startsWith('GET https://webpush.wx.qq.com/cgi-bin/mmwebwx-bin/synccheck'))!;
    const capturedUrl = new URL(captured.split(' ')[1]!);
    const builtUrl = new URL(spec.url);
    for (const name of ['skey', 'sid', 'uin', 'deviceid', 'synckey']) {
      expect(builtUrl.searchParams.get(name), name).toBe(capturedUrl.searchParams.get(name));
    }
  });

  it('uses a fallback push host and a custom timeout', () => {
    const spec = buildSyncCheckRequest(CAPTURE_CTX, {
      pushHost: 'https://webpush.weixin.qq.com',
      deviceId: 'e1',
      syncKey: CAPTURE_SYNC_CHECK_KEY,
      nowMs: 1,
      timeoutMs: 60_000,
    });
    expect(spec.url.startsWith('https://webpush.weixin.qq.com/cgi-bin/mmwebwx-bin/synccheck?')).toBe(true);
    expect(spec.timeoutMs).toBe(60_000);
  });
});

describe('request URLs as session values change', () => {
  it('builds every URL from the current host, credentials and key, whatever was built before', () => {
    const syncKey = (val: number): SyncKey => ({ Count: 1, List: [{ Key: 1, Val: val }] });
    const ctx2 = {
      ...CAPTURE_CTX,
      credentials: { ...CAPTURE_CTX.credentials, skey: '@crypt_new', sid: 'sid2', passTicket: 'pt%2B2' },
    };
    for (let round = 0; round < 2; round++) {
      for (const [ctx, skey, sid, pt] of [
        [
          CAPTURE_CTX,
          CAPTURE_CTX.credentials.skey,
          CAPTURE_CTX.credentials.sid,
          CAPTURE_CTX.credentials.passTicket,
        ],
        [ctx2, '@crypt_new', 'sid2', 'pt%2B2'],
      ] as const) {
        for (const device of ['e1', 'e2']) {
          const check = new URL(
            buildSyncCheckRequest(ctx, { deviceId: device, syncKey: syncKey(round), nowMs: 7 + round }).url,
          );
          expect(check.searchParams.get('skey')).toBe(skey);
          expect(check.searchParams.get('sid')).toBe(sid);
          expect(check.searchParams.get('deviceid')).toBe(device);
          expect(check.searchParams.get('synckey')).toBe(`1_${round}`);
          expect(check.searchParams.get('r')).toBe(String(7 + round));
          const sync = new URL(
            buildSyncRequest(ctx, { deviceId: device, syncKey: syncKey(1), nowMs: 1 }).url,
          );
          expect(sync.searchParams.get('skey')).toBe(skey);
          expect(sync.searchParams.get('sid')).toBe(sid);
          expect(sync.search).toContain(`pass_ticket=${pt}`);
        }
      }
      const fallback = buildSyncCheckRequest(CAPTURE_CTX, {
        pushHost: 'https://webpush2.wx.qq.com',
        deviceId: 'e1',
        syncKey: syncKey(1),
        nowMs: 1,
      });
      expect(fallback.url.startsWith('https://webpush2.wx.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1&')).toBe(
        true,
      );
    }
  });
});

describe('parseSyncCheckReply', () => {
  it('reads the exact replies of §4.5 and the capture', () => {
    expect(parseSyncCheckReply('window.synccheck={retcode:"0",selector:"2"}')).toEqual({
      retcode: 0,
      selector: 2,
    });
    expect(parseSyncCheckReply('window.synccheck={retcode:"0",selector:"0"}')).toEqual({
      retcode: 0,
      selector: 0,
    });
    expect(parseSyncCheckReply('window.synccheck={retcode:"1102",selector:"0"}')).toEqual({
      retcode: 1102,
      selector: 0,
    });
    expect(parseSyncCheckReply('window.synccheck = { retcode : 1101 , selector : 0 } ;\n')).toEqual({
      retcode: 1101,
      selector: 0,
    });
    expect(parseSyncCheckReply('window.synccheck={selector:"7",retcode:"0"};')).toEqual({
      retcode: 0,
      selector: 7,
    });
  });

  it('throws ParseError when retcode or selector is missing or not numeric', () => {
    for (const text of [
      'window.synccheck={retcode:"0"}',
      'window.synccheck={selector:"2"}',
      'window.synccheck={retcode:"ok",selector:"2"}',
      'window.synccheck={retcode:"0",selector:""}',
      'window.synccheck={retcode:"0",selector:1.5}',
      'window.synccheck="0"',
      'window.code=200;',
      'window.synccheck={retcode:"0",selector:"2"',
      '',
      '<html>Bad Gateway</html>',
    ]) {
      const e = catchError(() => parseSyncCheckReply(text));
      expect(e, text).toBeInstanceOf(ParseError);
      expect((e as ParseError).endpoint).toBe('synccheck');
    }
  });

  it('round-trips every retcode/selector pair and never throws anything but ParseError', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99999 }),
        fc.integer({ min: 0, max: 99 }),
        (retcode, selector) => {
          expect(
            parseSyncCheckReply(`window.synccheck={retcode:"${retcode}",selector:"${selector}"}`),
          ).toEqual({
            retcode,
            selector,
          });
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (junk) => {
        try {
          parseSyncCheckReply(`window.synccheck={retcode:${junk}`);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
    );
  });
});

describe('webwxsync request', () => {
  it('builds the request of the capture; the body matches byte for byte', () => {
    const spec = buildSyncRequest(CAPTURE_CTX, {
      deviceId: 'e628821606540135',
      syncKey: readFixtureJson<{ SyncKey: SyncKey }>('responses', 'QJesus-webwxinit.json').SyncKey,
      nowMs: 1546211541000,
    });
    expect(spec.endpoint).toBe('webwxsync');
    expect(spec.method).toBe('POST');
    expect(spec.url).toBe(
      'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxsync?sid=5YpLHmVgWwH5LxN1&skey=%40crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50&lang=zh_CN&pass_ticket=kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
    );
    const body = (spec.body as { kind: string; value: Json }).value;
    expect(body.rr).toBe(~1546211541000);
    expect(JSON.stringify({ ...body, rr: -23314857 })).toBe(
      '{"BaseRequest":{"Uin":176666155,"Sid":"5YpLHmVgWwH5LxN1","Skey":"@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50","DeviceID":"e628821606540135"},"SyncKey":{"Count":4,"List":[{"Key":1,"Val":698325105},{"Key":2,"Val":698325109},{"Key":3,"Val":698325051},{"Key":1000,"Val":1546210682}]},"rr":-23314857}',
    );
  });
});

describe('parseSyncReply on real replies', () => {
  it('reads the 2018 capture (QJesus): SyncKey and SyncCheckKey of 7 keys', () => {
    const reply = parseSyncReply(JSON.stringify(fixture('QJesus-webwxsync.json')));
    expect(reply.BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
    expect(reply.AddMsgCount).toBe(1);
    expect(reply.AddMsgList).toHaveLength(4);
    expect(reply.AddMsgList[0]!.MsgId).toBe('6929942228714508460');
    expect(reply.AddMsgList[0]!.MsgType).toBe(47);
    expect(reply.ModContactList).toEqual([]);
    expect(reply.DelContactList).toEqual([]);
    expect(reply.ModChatRoomMemberList).toEqual([]);
    expect(reply.ContinueFlag).toBe(0);
    expect(reply.SKey).toBe('');
    expect(reply.Profile.BitFlag).toBe(0);
    expect(reply.Profile.UserName).toEqual({ Buff: '' });
    expect(reply.SyncKey).toEqual(CAPTURE_SYNC_CHECK_KEY);
    expect(reply.SyncCheckKey).toEqual(CAPTURE_SYNC_CHECK_KEY);
  });

  it('reads the 2016 capture (wechat4u): no SyncCheckKey, so it falls back to SyncKey', () => {
    const raw = fixture('webwxsync.json');
    expect(raw.SyncCheckKey).toBeUndefined();
    const reply = parseSyncReply(JSON.stringify(raw));
    expect(reply.AddMsgCount).toBe(2);
    expect(reply.AddMsgList.map((m) => m.MsgType)).toEqual([51, 1]);
    expect(reply.AddMsgList[0]!.MsgId).toBe('4442356190966618405');
    expect(reply.AddMsgList[0]!.StatusNotifyCode).toBe(4);
    expect(reply.ModContactCount).toBe(1);
    expect(reply.ModContactList).toHaveLength(1);
    expect(reply.SyncKey.Count).toBe(10);
    expect(reply.SyncKey.List.map((k) => k.Key)).toEqual([1, 2, 3, 11, 13, 201, 203, 1000, 1001, 1002]);
    expect(reply.SyncCheckKey).toEqual(reply.SyncKey);
  });

  it('keeps every received message field', () => {
    const raw = fixture('QJesus-webwxsync.json');
    const reply = parseSyncReply(JSON.stringify(raw));
    expect(reply.AddMsgList).toMatchObject(raw.AddMsgList as object[]);
  });
});

describe('parseSyncReply normalisation and errors', () => {
  const key = { Count: 1, List: [{ Key: 1, Val: 5 }] };
  const minimal = { BaseResponse: { Ret: 0, ErrMsg: '' }, SyncKey: key };

  it('defaults missing lists, counts, Profile and SKey', () => {
    const reply = parseSyncReply(JSON.stringify(minimal));
    expect(reply.AddMsgList).toEqual([]);
    expect(reply.ModContactList).toEqual([]);
    expect(reply.DelContactList).toEqual([]);
    expect(reply.ModChatRoomMemberList).toEqual([]);
    expect(reply.AddMsgCount).toBe(0);
    expect(reply.ContinueFlag).toBe(0);
    expect(reply.SKey).toBe('');
    expect(reply.Profile.NickName).toEqual({ Buff: '' });
    expect(reply.SyncCheckKey).toEqual(key);
  });

  it('allows a SyncKey with Count 0 but flags it as unusable', () => {
    const reply = parseSyncReply(JSON.stringify({ ...minimal, SyncKey: { Count: 0, List: [] } }));
    expect(reply.SyncKey).toEqual({ Count: 0, List: [] });
    expect(isUsableSyncKey(reply.SyncKey)).toBe(false);
  });

  it('falls back to SyncKey when SyncCheckKey is empty', () => {
    const reply = parseSyncReply(JSON.stringify({ ...minimal, SyncCheckKey: { Count: 0, List: [] } }));
    expect(reply.SyncCheckKey).toEqual(key);
    const other = { Count: 1, List: [{ Key: 1, Val: 6 }] };
    expect(parseSyncReply(JSON.stringify({ ...minimal, SyncCheckKey: other })).SyncCheckKey).toEqual(other);
  });

  it('reads DelContactList entries', () => {
    const reply = parseSyncReply(
      JSON.stringify({ ...minimal, DelContactList: [{ UserName: '@x' }], DelContactCount: 1 }),
    );
    expect(reply.DelContactList).toEqual([{ UserName: '@x', ContactFlag: 0 }]);
  });

  it('throws ProtocolError(webwxsync, ret) on a non-zero Ret', () => {
    for (const ret of [1100, 1101, '1102', -1]) {
      const e = catchError(() =>
        parseSyncReply(JSON.stringify({ BaseResponse: { Ret: ret, ErrMsg: '' } })),
      ) as ProtocolError;
      expect(e).toBeInstanceOf(ProtocolError);
      expect(e.endpoint).toBe('webwxsync');
      expect(e.ret).toBe(Number(ret));
    }
  });

  it('throws ParseError naming the field on wrong shapes', () => {
    const cases: [unknown, RegExp][] = [
      [{ BaseResponse: { Ret: 0 } }, /SyncKey is missing/],
      [{ ...minimal, SyncKey: { Count: 1, List: [{ Key: 'a', Val: 1 }] } }, /SyncKey\.List\[0\]\.Key/],
      [{ ...minimal, AddMsgList: {} }, /AddMsgList is not an array/],
      [{ ...minimal, ModContactList: 'x' }, /ModContactList is not an array/],
      [{ ...minimal, Profile: 'none' }, /Profile/],
      [{ ...minimal, ContinueFlag: 'yes' }, /ContinueFlag/],
      [{ ...minimal, SyncCheckKey: 'x' }, /SyncCheckKey/],
    ];
    for (const [value, message] of cases) {
      const e = catchError(() => parseSyncReply(JSON.stringify(value)));
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).message).toMatch(message);
    }
  });

  it('a malformed entry skips itself: a ParseError naming it in skipped, the rest of the reply kept', () => {
    const good = { MsgId: '2', FromUserName: '@a', ToUserName: '@b', MsgType: 1, Content: 'ok' };
    const cases: [unknown, RegExp][] = [
      [
        { ...minimal, AddMsgList: [{ MsgId: '1', FromUserName: '@a', ToUserName: '@b' }, good] },
        /AddMsgList\[0\]\.MsgType is missing/,
      ],
      [
        {
          ...minimal,
          AddMsgList: [{ MsgId: '1', FromUserName: '@a', ToUserName: '@b', MsgType: 1, Content: [] }, good],
        },
        /AddMsgList\[0\]\.Content/,
      ],
      [{ ...minimal, AddMsgList: [null, good] }, /AddMsgList\[0\]/],
      [
        { ...minimal, AddMsgList: [good], ModContactList: [{}, { UserName: '@c' }] },
        /ModContactList\[0\]\.UserName/,
      ],
      [
        {
          ...minimal,
          AddMsgList: [good],
          ModContactList: [{ UserName: '@@r', MemberList: 'nope' }, { UserName: '@c' }],
        },
        /ModContactList\[0\]\.MemberList/,
      ],
      [
        { ...minimal, AddMsgList: [good], DelContactList: [{ ContactFlag: 0 }, { UserName: '@d' }] },
        /DelContactList\[0\]\.UserName/,
      ],
    ];
    for (const [value, message] of cases) {
      const reply = parseSyncReply(JSON.stringify(value));
      expect(reply.skipped).toHaveLength(1);
      expect(reply.skipped[0]).toBeInstanceOf(ParseError);
      expect(reply.skipped[0]!.message).toMatch(message);
      expect(reply.AddMsgList.map((m) => m.MsgId)).toEqual(['2']);
      const v = value as { ModContactList?: unknown[]; DelContactList?: unknown[] };
      if (v.ModContactList) expect(reply.ModContactList.map((c) => c.UserName)).toEqual(['@c']);
      if (v.DelContactList) expect(reply.DelContactList.map((c) => c.UserName)).toEqual(['@d']);
      expect(reply.SyncKey).toEqual(minimal.SyncKey);
    }
    expect(parseSyncReply(JSON.stringify(minimal)).skipped).toEqual([]);
  });

  it('throws ParseError on non-JSON and truncated JSON', () => {
    const text = JSON.stringify(fixture('QJesus-webwxsync.json'));
    for (let cut = 1; cut < text.length; cut += Math.ceil(text.length / 37)) {
      expect(catchError(() => parseSyncReply(text.slice(0, cut)))).toBeInstanceOf(ParseError);
    }
    expect(catchError(() => parseSyncReply('window.synccheck={retcode:"0",selector:"2"}'))).toBeInstanceOf(
      ParseError,
    );
  });

  it('never throws anything but ParseError or ProtocolError on random JSON', () => {
    fc.assert(
      fc.property(fc.json(), fc.jsonValue(), (text, v) => {
        for (const candidate of [text, JSON.stringify({ ...minimal, AddMsgList: [v], Profile: v })]) {
          try {
            parseSyncReply(candidate);
          } catch (e) {
            if (!(e instanceof ParseError) && !(e instanceof ProtocolError)) throw e;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
