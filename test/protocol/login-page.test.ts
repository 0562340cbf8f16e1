import { describe, expect, it } from 'vitest';
import { LoginRefusedError, ParseError } from '../../src/errors.js';
import type { HttpReply } from '../../src/protocol/http-request.js';
import {
  buildNewLoginPageRequest,
  cookiesFromSetCookie,
  parseNewLoginPageReply,
  UOS_EXTSPAM,
} from '../../src/protocol/login-page.js';
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
