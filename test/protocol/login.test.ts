import { describe, expect, it } from 'vitest';
import { LoginRefusedError, ParseError, ProtocolError } from '../../src/errors.js';
import type { HttpReply } from '../../src/protocol/http-request.js';
import {
  APP_ID,
  buildJsLoginRequest,
  buildLoginPollRequest,
  buildLogoutRequest,
  buildNewLoginPageRequest,
  buildPushLoginRequest,
  buildQrImageRequest,
  cookiesFromSetCookie,
  DEFAULT_HOSTS,
  DEFAULT_SYNCCHECK_FALLBACKS,
  deriveHosts,
  parseJsLoginReply,
  parseLoginPollReply,
  parseNewLoginPageReply,
  parsePushLoginReply,
  qrContentUrl,
  UOS_CLIENT_VERSION,
  UOS_EXTSPAM,
} from '../../src/protocol/login.js';
import type { SessionContext } from '../../src/protocol/session-context.js';
import { readFixtureText } from '../fixtures.js';
import { catchError } from './helpers.js';

const REDIRECT =
  'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=AaXdHpmbWGYo_ZOk7ylAnnCY@qrticket_0&uuid=gbyKnbsmqQ==&lang=zh_CN&scan=1546211468';

const CAPTURE_XML =
  '<error><ret>0</ret><message></message><skey>@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50</skey><wxsid>5YpLHmVgWwH5LxN1</wxsid><wxuin>176666155</wxuin><pass_ticket>kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D</pass_ticket><isgrayscale>1</isgrayscale></error>';

const CAPTURE_COOKIES = [
  'wxuin=176666155; Domain=wx.qq.com; Path=/; Expires=Mon, 31-Dec-2018 11:12:21 GMT; Secure',
  'wxsid=5YpLHmVgWwH5LxN1; Domain=wx.qq.com; Path=/; Expires=Mon, 31-Dec-2018 11:12:21 GMT; Secure',
  'wxloadtime=1546211541; Domain=wx.qq.com; Path=/; Expires=Mon, 31-Dec-2018 11:12:21 GMT; Secure',
  'webwx_data_ticket=gSehWtnDWTMh38gmz0IjaFv0; Domain=.qq.com; Path=/; Expires=Mon, 31-Dec-2018 11:12:21 GMT; Secure',
];

const REFUSAL_1203 =
  '<error><ret>1203</ret><message>为了你的帐号安全，此微信号不能登录网页微信。你可以使用Windows微信或Mac微信在电脑端登录。Windows微信下载地址：https://pc.weixin.qq.com  Mac微信下载地址：https://mac.weixin.qq.com</message></error>';

function reply(text: string, status = 200, headers: HttpReply['headers'] = {}): HttpReply {
  return { status, headers, text };
}

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

describe('webwxnewloginpage request', () => {
  it('appends fun=new&version=v2 like the official client', () => {
    expect(buildNewLoginPageRequest({ redirectUri: REDIRECT, desktop: false })).toEqual({
      endpoint: 'webwxnewloginpage',
      method: 'GET',
      url: `${REDIRECT}&fun=new&version=v2`,
      followRedirects: false,
    });
  });

  it('adds mod=desktop and the three UOS headers (§2.5)', () => {
    const spec = buildNewLoginPageRequest({
      redirectUri: REDIRECT,
      desktop: true,
      uos: { extspam: UOS_EXTSPAM },
    });
    expect(spec.url).toBe(`${REDIRECT}&fun=new&version=v2&mod=desktop`);
    expect(spec.headers).toEqual({
      'client-version': '2.0.0',
      extspam: UOS_EXTSPAM,
      referer: 'https://wx.qq.com/?&lang=zh_CN&target=t',
    });
    expect(spec.followRedirects).toBe(false);
  });

  it('does not repeat parameters already present', () => {
    const uri = 'http://127.0.0.1:9/cgi-bin/mmwebwx-bin/webwxnewloginpage?mod=desktop&ticket=t&fun=new';
    expect(buildNewLoginPageRequest({ redirectUri: uri, desktop: true }).url).toBe(`${uri}&version=v2`);
    const all = `${uri}&version=v2`;
    expect(buildNewLoginPageRequest({ redirectUri: all, desktop: true }).url).toBe(all);
    expect(buildNewLoginPageRequest({ redirectUri: 'http://h/p', desktop: false }).url).toBe(
      'http://h/p?fun=new&version=v2',
    );
  });

  it('refuses a redirect that is not an http(s) URL', () => {
    expect(
      catchError(() => buildNewLoginPageRequest({ redirectUri: 'file:///etc/passwd', desktop: false })),
    ).toBeInstanceOf(ParseError);
  });
});

describe('webwxnewloginpage reply', () => {
  it('reads the capture XML exactly, pass_ticket still percent-encoded', () => {
    expect(parseNewLoginPageReply(reply(CAPTURE_XML, 200, { 'set-cookie': CAPTURE_COOKIES }))).toEqual({
      credentials: {
        skey: '@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50',
        sid: '5YpLHmVgWwH5LxN1',
        uin: '176666155',
        passTicket: 'kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
      },
      isGrayscale: true,
    });
  });

  it('reads the fixture XML of misc-content-fragments.json, and accepts status 301 (UOS)', () => {
    const fragments = JSON.parse(readFixtureText('content-samples', 'misc-content-fragments.json')) as {
      type: string;
      fragment: unknown;
    }[];
    const xml = fragments.find((f) => f.type.startsWith('webwxnewloginpage'))!.fragment as string;
    const out = parseNewLoginPageReply(reply(xml, 301));
    expect(out.credentials).toEqual({
      skey: '@crypt_bac2c1e5_b960267a9a77b6012ec6207e195297a4',
      sid: 'ie/1f66Oxv5UpbOh',
      uin: '2460137520',
      passTicket: '6UEuW2072oqy%2Bk%2FFCUErTDXRlTdGglClbpTlV2pQjVDa1IDx997UDfX2CA4Rf7AN',
    });
    expect(out.isGrayscale).toBe(true);
  });

  it('keeps values as strings exactly: leading zeros, numeric-looking tickets', () => {
    const xml =
      '<error><ret>0</ret><message>OK</message><skey>00123</skey><wxsid>1e5</wxsid><wxuin>0042</wxuin><pass_ticket>0x1F</pass_ticket></error>';
    expect(parseNewLoginPageReply(reply(xml)).credentials).toEqual({
      skey: '00123',
      sid: '1e5',
      uin: '0042',
      passTicket: '0x1F',
    });
    expect(parseNewLoginPageReply(reply(xml)).isGrayscale).toBe(false);
  });

  it('falls back to the Set-Cookie headers for wxsid and wxuin (UOS)', () => {
    const xml =
      '<error><ret>0</ret><message></message><skey>@crypt_1</skey><pass_ticket>pt%2B</pass_ticket><isgrayscale>1</isgrayscale></error>';
    expect(parseNewLoginPageReply(reply(xml, 301, { 'Set-Cookie': CAPTURE_COOKIES })).credentials).toEqual({
      skey: '@crypt_1',
      sid: '5YpLHmVgWwH5LxN1',
      uin: '176666155',
      passTicket: 'pt%2B',
    });
    // one combined header, as some transports give it
    expect(
      parseNewLoginPageReply(reply(xml, 200, { 'set-cookie': CAPTURE_COOKIES.join(', ') })).credentials.sid,
    ).toBe('5YpLHmVgWwH5LxN1');
  });

  it('refuses with the server message on 1203 (§2.4)', () => {
    const e = catchError(() => parseNewLoginPageReply(reply(REFUSAL_1203))) as LoginRefusedError;
    expect(e).toBeInstanceOf(LoginRefusedError);
    expect(e.ret).toBe(1203);
    expect(e.serverMessage).toBe(
      '为了你的帐号安全，此微信号不能登录网页微信。你可以使用Windows微信或Mac微信在电脑端登录。Windows微信下载地址：https://pc.weixin.qq.com  Mac微信下载地址：https://mac.weixin.qq.com',
    );
    expect(e.message).toContain('此微信号不能登录网页微信');
  });

  it('refuses a 301 with ret 0 but no credentials', () => {
    const e = catchError(() =>
      parseNewLoginPageReply(reply('<error><ret>0</ret><message></message></error>', 301)),
    ) as LoginRefusedError;
    expect(e).toBeInstanceOf(LoginRefusedError);
    expect(e.ret).toBe(0);
    expect(e.serverMessage).toMatch(/no credentials/);
    expect(e.serverMessage).toContain('skey');
  });

  it('decodes entities in the message but expands no DTD entity', () => {
    const e = catchError(() =>
      parseNewLoginPageReply(
        reply('<error><ret>1</ret><message>a &amp; b &lt;c&gt; &#20320;</message></error>'),
      ),
    ) as LoginRefusedError;
    expect(e.serverMessage).toBe('a & b <c> 你');
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><error><ret>1</ret><message>&b;&b;&b;</message></error>';
    const refused = catchError(() => parseNewLoginPageReply(reply(bomb)));
    if (refused instanceof LoginRefusedError) expect(refused.serverMessage).toBe('&b;&b;&b;');
    else expect(refused).toBeInstanceOf(ParseError);
  });

  it('throws ParseError on malformed, unexpected or oversized replies', () => {
    const cases: HttpReply[] = [
      reply(''),
      reply('<html><body>Bad Gateway</body></html>'),
      reply('<error><ret>0</ret>'),
      reply('<error><ret>zero</ret></error>'),
      reply('<error><message>x</message></error>'),
      reply('<error><ret>0</ret><ret>1</ret></error>'),
      reply(
        '<error><ret>0</ret><skey><b>1</b></skey><wxsid>s</wxsid><wxuin>1</wxuin><pass_ticket>p</pass_ticket></error>',
      ),
      reply('<error>text</error>'),
      reply('{"ret":0}'),
      reply(CAPTURE_XML, 500),
      reply(CAPTURE_XML, 302),
      reply(`<error><ret>0</ret><message>${'x'.repeat(70_000)}</message></error>`),
      reply(`${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`),
    ];
    for (const r of cases) {
      const e = catchError(() => parseNewLoginPageReply(r));
      expect(e, r.text.slice(0, 80)).toBeInstanceOf(ParseError);
      expect((e as ParseError).endpoint).toBe('webwxnewloginpage');
    }
  });

  it('reads cookies from Set-Cookie headers', () => {
    const jar = cookiesFromSetCookie({ 'set-cookie': CAPTURE_COOKIES });
    expect(jar.get('webwx_data_ticket')).toBe('gSehWtnDWTMh38gmz0IjaFv0');
    expect(jar.get('wxloadtime')).toBe('1546211541');
    expect(cookiesFromSetCookie({}).size).toBe(0);
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
