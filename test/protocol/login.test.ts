import { describe, expect, it } from 'vitest';
import { ParseError, ProtocolError } from '../../src/errors.js';
import {
  APP_ID,
  buildJsLoginRequest,
  buildLoginPollRequest,
  buildLogoutRequest,
  buildPushLoginRequest,
  buildQrImageRequest,
  DEFAULT_HOSTS,
  DEFAULT_SYNCCHECK_FALLBACKS,
  deriveHosts,
  parseJsLoginReply,
  parseLoginPollReply,
  parsePushLoginReply,
  qrContentUrl,
} from '../../src/protocol/login.js';
import { UOS_CLIENT_VERSION, UOS_EXTSPAM } from '../../src/protocol/login-page.js';
import type { SessionContext } from '../../src/protocol/session-context.js';
import { readFixtureText } from '../fixtures.js';
import { catchError } from './helpers.js';

const REDIRECT =
  'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=AaXdHpmbWGYo_ZOk7ylAnnCY@qrticket_0&uuid=gbyKnbsmqQ==&lang=zh_CN&scan=1546211468';

describe('constants', () => {
  it('match the protocol reference', () => {
    expect(APP_ID).toBe('wx782c26e4c19acffb');
    expect(UOS_CLIENT_VERSION).toBe('2.0.0');
    expect(UOS_EXTSPAM).toHaveLength(880);
    expect(
      UOS_EXTSPAM.startsWith('Go8FCIkFEokFCggwMDAwMDAwMRAGGvAESySibk50w5Wb3uTl2c2h64jVVrV7gNs06GFlWplHQbY'),
    ).toBe(true);
    expect(UOS_EXTSPAM.endsWith('IKjD35IGKAUwAA==')).toBe(true);
    // 880 base64 characters → 658 bytes holding the ASCII "00000001" (§2.5)
    const bytes = Buffer.from(UOS_EXTSPAM, 'base64');
    expect(bytes).toHaveLength(658);
    expect(bytes.toString('latin1')).toContain('00000001');
    expect(DEFAULT_HOSTS).toEqual({
      login: 'https://login.wx.qq.com',
      qr: 'https://login.weixin.qq.com',
      main: 'https://wx.qq.com',
      file: 'https://file.wx.qq.com',
      push: 'https://webpush.wx.qq.com',
    });
    expect(DEFAULT_SYNCCHECK_FALLBACKS).toContain('https://webpush.weixin.qq.com');
    for (const u of DEFAULT_SYNCCHECK_FALLBACKS) expect(u).toMatch(/^https:\/\/webpush\.[a-z0-9.]+$/);
  });

  it('keeps the extspam blob identical to PROTOCOL.md §2.5', () => {
    const protocol = readFixtureText('..', '..', 'PROTOCOL.md');
    const blob = protocol.split('\n').find((l) => l.startsWith('Go8FCI'));
    expect(blob).toBe(UOS_EXTSPAM);
  });
});

describe('jslogin', () => {
  it('builds the GET of the capture', () => {
    const spec = buildJsLoginRequest({
      hosts: DEFAULT_HOSTS,
      lang: 'zh_CN',
      desktop: false,
      nowMs: 1546211298739,
    });
    expect(spec).toEqual({
      endpoint: 'jslogin',
      method: 'GET',
      url: 'https://login.wx.qq.com/jslogin?appid=wx782c26e4c19acffb&redirect_uri=https%3A%2F%2Fwx.qq.com%2Fcgi-bin%2Fmmwebwx-bin%2Fwebwxnewloginpage&fun=new&lang=zh_CN&_=1546211298739',
    });
  });

  it('adds mod=desktop to the redirect_uri in desktop mode', () => {
    const spec = buildJsLoginRequest({ hosts: DEFAULT_HOSTS, lang: 'en_US', desktop: true, nowMs: 1 });
    const url = new URL(spec.url);
    expect(url.searchParams.get('redirect_uri')).toBe(
      'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?mod=desktop',
    );
    expect(url.searchParams.get('lang')).toBe('en_US');
  });

  it('builds the POST variant with a form body', () => {
    const spec = buildJsLoginRequest({
      hosts: DEFAULT_HOSTS,
      lang: 'zh_CN',
      desktop: false,
      method: 'POST',
      nowMs: 5,
    });
    expect(spec.method).toBe('POST');
    expect(spec.url).toBe('https://login.wx.qq.com/jslogin');
    expect(spec.body).toEqual({
      kind: 'form',
      value: {
        appid: APP_ID,
        redirect_uri: 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage',
        fun: 'new',
        lang: 'zh_CN',
        _: '5',
      },
    });
  });

  it('parses the exact capture reply', () => {
    expect(parseJsLoginReply('window.QRLogin.code = 200; window.QRLogin.uuid = "gbyKnbsmqQ==";')).toEqual({
      uuid: 'gbyKnbsmqQ==',
    });
  });

  it('throws ProtocolError on a non-200 code', () => {
    const e = catchError(() =>
      parseJsLoginReply('window.QRLogin.code = 400; window.QRLogin.uuid = "";'),
    ) as ProtocolError;
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.endpoint).toBe('jslogin');
    expect(e.ret).toBe(400);
  });

  it('throws ParseError on a missing code or uuid, or garbage', () => {
    for (const text of [
      'window.QRLogin.uuid = "abc";',
      'window.QRLogin.code = 200;',
      'window.QRLogin.code = 200; window.QRLogin.uuid = 5;',
      'window.QRLogin.code = "x"; window.QRLogin.uuid = "a";',
      'window.QRLogin.code = 200.5; window.QRLogin.uuid = "a";',
      'window.QRLogin.code = 200; window.QRLogin.uuid = "has space";',
      '<html>',
      '',
    ]) {
      expect(catchError(() => parseJsLoginReply(text))).toBeInstanceOf(ParseError);
    }
  });
});

describe('QR', () => {
  it('builds the content URL and the image request (§2.2)', () => {
    expect(qrContentUrl('gbyKnbsmqQ==', DEFAULT_HOSTS)).toBe('https://login.weixin.qq.com/l/gbyKnbsmqQ==');
    expect(buildQrImageRequest('gbyKnbsmqQ==', DEFAULT_HOSTS)).toEqual({
      endpoint: 'qrcode',
      method: 'GET',
      url: 'https://login.weixin.qq.com/qrcode/gbyKnbsmqQ==',
    });
  });
});

describe('login poll', () => {
  it('builds the poll of the capture', () => {
    const spec = buildLoginPollRequest({
      hosts: DEFAULT_HOSTS,
      uuid: 'gbyKnbsmqQ==',
      tip: 1,
      nowMs: 1546211298740,
    });
    expect(spec.endpoint).toBe('login');
    expect(spec.method).toBe('GET');
    expect(spec.timeoutMs).toBe(35_000);
    const url = new URL(spec.url);
    expect(url.origin + url.pathname).toBe('https://login.wx.qq.com/cgi-bin/mmwebwx-bin/login');
    expect([...url.searchParams.keys()]).toEqual(['loginicon', 'uuid', 'tip', 'r', '_']);
    expect(url.searchParams.get('loginicon')).toBe('true');
    expect(url.searchParams.get('uuid')).toBe('gbyKnbsmqQ==');
    expect(url.searchParams.get('tip')).toBe('1');
    expect(url.searchParams.get('r')).toBe(String(~1546211298740));
    expect(url.searchParams.get('_')).toBe('1546211298740');
    expect(
      buildLoginPollRequest({ hosts: DEFAULT_HOSTS, uuid: 'u', tip: 0, nowMs: 1, timeoutMs: 60_000 })
        .timeoutMs,
    ).toBe(60_000);
  });

  it('parses each state of the capture and §2.3', () => {
    expect(parseLoginPollReply('window.code=408;')).toEqual({ state: 'waiting' });
    expect(
      parseLoginPollReply(
        "window.code=201;window.userAvatar = 'data:img/jpg;base64,/9j/4AAQSkZJRgABAQEASABIAAD......';",
      ),
    ).toEqual({
      state: 'scanned',
      avatar: 'data:img/jpg;base64,/9j/4AAQSkZJRgABAQEASABIAAD......',
    });
    expect(parseLoginPollReply('window.code=201;')).toEqual({ state: 'scanned' });
    expect(parseLoginPollReply(`window.code=200;window.redirect_uri="${REDIRECT}";`)).toEqual({
      state: 'confirmed',
      redirectUri: REDIRECT,
    });
    expect(parseLoginPollReply('window.code=202;')).toEqual({ state: 'cancelled' });
    expect(parseLoginPollReply('window.code=400;')).toEqual({ state: 'expired', code: 400 });
    expect(parseLoginPollReply('window.code=500;')).toEqual({ state: 'expired', code: 500 });
    expect(parseLoginPollReply('window.code=0;')).toEqual({ state: 'expired', code: 0 });
    expect(parseLoginPollReply('window.code=999')).toEqual({ state: 'expired', code: 999 });
  });

  it('parses every login reply in the 2018 capture', () => {
    const lines = readFixtureText('captures', 'full-http-capture-2018.md')
      .split('\n')
      .filter((l) => l.startsWith('window.code='));
    expect(lines.map((l) => parseLoginPollReply(l).state)).toEqual(['waiting', 'scanned', 'confirmed']);
  });

  it('throws ParseError on 200 without a usable redirect_uri, and on garbage', () => {
    for (const text of [
      'window.code=200;',
      'window.code=200;window.redirect_uri="";',
      'window.code=200;window.redirect_uri="not a url";',
      'window.code=200;window.redirect_uri="javascript:alert(1)";',
      'window.code=200;window.redirect_uri=5;',
      'window.userAvatar="x";',
      'window.code="abc";',
      'HTTP/1.1 502',
    ]) {
      const e = catchError(() => parseLoginPollReply(text));
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).endpoint).toBe('login');
    }
  });
});

describe('deriveHosts', () => {
  it('derives the wx.qq.com family from the capture redirect', () => {
    expect(deriveHosts(REDIRECT)).toEqual(DEFAULT_HOSTS);
  });

  it('follows the official substring table', () => {
    expect(deriveHosts('https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=x')).toEqual({
      login: 'https://login.wx2.qq.com',
      qr: 'https://login.weixin.qq.com',
      main: 'https://wx2.qq.com',
      file: 'https://file.wx2.qq.com',
      push: 'https://webpush.wx2.qq.com',
    });
    expect(deriveHosts('https://wx8.qq.com/x').push).toBe('https://webpush.wx8.qq.com');
    expect(deriveHosts('https://web2.wechat.com/x')).toMatchObject({
      main: 'https://web2.wechat.com',
      login: 'https://login.web2.wechat.com',
      file: 'https://file.web2.wechat.com',
      push: 'https://webpush.web2.wechat.com',
    });
    expect(deriveHosts('https://web.wechat.com/x')).toMatchObject({
      main: 'https://web.wechat.com',
      login: 'https://login.web.wechat.com',
      file: 'https://file.web.wechat.com',
      push: 'https://webpush.web.wechat.com',
    });
    expect(deriveHosts('https://weixin.qq.com/x').push).toBe('https://webpush.wx.qq.com');
    expect(deriveHosts('https://wx.qq.com/x', 'https://qr.example').qr).toBe('https://qr.example');
  });

  it('uses the redirect origin (scheme, host and port) for every host of an unknown server', () => {
    const origin = 'http://127.0.0.1:43117';
    expect(deriveHosts(`${origin}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=t&uuid=u`)).toEqual({
      login: origin,
      qr: origin,
      main: origin,
      file: origin,
      push: origin,
    });
    expect(deriveHosts('http://localhost:8080/x', 'https://ignored').qr).toBe('http://localhost:8080');
  });

  it('throws ParseError on a non-URL', () => {
    for (const bad of ['', 'wx.qq.com/x', 'ftp://wx.qq.com/x', 'javascript:1']) {
      expect(catchError(() => deriveHosts(bad))).toBeInstanceOf(ParseError);
    }
  });
});

describe('push login', () => {
  it('builds the request on the main host (§2.6)', () => {
    expect(buildPushLoginRequest({ hosts: DEFAULT_HOSTS, uin: '176666155', desktop: false })).toEqual({
      endpoint: 'webwxpushloginurl',
      method: 'GET',
      url: 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxpushloginurl?uin=176666155',
    });
    expect(buildPushLoginRequest({ hosts: DEFAULT_HOSTS, uin: '1', desktop: true }).url).toBe(
      'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxpushloginurl?uin=1&mod=desktop',
    );
  });

  it('parses ret as a string or a number', () => {
    expect(parsePushLoginReply('{"ret":"0","msg":"all ok","uuid":"4ZiSC9I6Ig=="}')).toEqual({
      uuid: '4ZiSC9I6Ig==',
    });
    expect(parsePushLoginReply('{"ret":0,"msg":"all ok","uuid":"abc"}')).toEqual({ uuid: 'abc' });
  });

  it('throws ProtocolError on ret != 0 and ParseError on a malformed reply', () => {
    const e = catchError(() => parsePushLoginReply('{"ret":"1","msg":"not allowed"}')) as ProtocolError;
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.endpoint).toBe('webwxpushloginurl');
    expect(e.ret).toBe(1);
    expect(e.errMsg).toBe('not allowed');
    for (const text of ['{"ret":"0","msg":"all ok"}', '{"msg":"x"}', '{"ret":"x"}', 'nope', '[]']) {
      expect(catchError(() => parsePushLoginReply(text))).toBeInstanceOf(ParseError);
    }
  });
});

describe('logout', () => {
  it('posts sid and uin as a form to webwxlogout (§2.7)', () => {
    const ctx: SessionContext = {
      hosts: DEFAULT_HOSTS,
      credentials: { skey: '@crypt_1', sid: 'sid1', uin: '176666155', passTicket: 'p%2B' },
      lang: 'zh_CN',
      desktop: false,
    };
    expect(buildLogoutRequest(ctx, 1)).toEqual({
      endpoint: 'webwxlogout',
      method: 'POST',
      url: 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxlogout?redirect=1&type=1&skey=%40crypt_1',
      body: { kind: 'form', value: { sid: 'sid1', uin: '176666155' } },
      followRedirects: false,
    });
  });
});
