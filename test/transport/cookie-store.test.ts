import { describe, expect, it } from 'vitest';
import { CookieStore } from '../../src/transport/index.js';

/** The cookies webwxnewloginpage sets (PROTOCOL.md §11), shaped as the real server sends them. */
const LOGIN_COOKIES = [
  'wxuin=176666155; Domain=wx.qq.com; Path=/; Expires=Fri, 01-Jan-2100 00:00:00 GMT; Secure',
  'wxsid=5YpLHmVgWwH5LxN1; Domain=wx.qq.com; Path=/; Expires=Fri, 01-Jan-2100 00:00:00 GMT; Secure',
  'webwx_data_ticket=gSeBcXYZ; Domain=.qq.com; Path=/; Expires=Fri, 01-Jan-2100 00:00:00 GMT; Secure',
  'webwxuvid=abc123; Domain=wx.qq.com; Path=/; Expires=Fri, 01-Jan-2100 00:00:00 GMT; Secure',
  'webwx_auth_ticket=CIsBEP; Domain=wx.qq.com; Path=/; Expires=Fri, 01-Jan-2100 00:00:00 GMT; Secure',
];

describe('CookieStore', () => {
  it('makes a Domain=.qq.com cookie set by wx.qq.com visible on every qq.com host', () => {
    const jar = new CookieStore();
    jar.store('https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage', LOGIN_COOKIES);
    for (const host of ['https://wx.qq.com', 'https://file.wx.qq.com', 'https://webpush.wx.qq.com']) {
      expect(jar.get(`${host}/cgi-bin/mmwebwx-bin/synccheck`, 'webwx_data_ticket'), host).toBe('gSeBcXYZ');
      expect(jar.get(`${host}/`, 'wxsid'), host).toBe('5YpLHmVgWwH5LxN1');
    }
    // weixin.qq.com is outside wx.qq.com: only the .qq.com ticket goes there.
    expect(jar.getCookieHeader('https://webpush.weixin.qq.com/cgi-bin/mmwebwx-bin/synccheck')).toBe(
      'webwx_data_ticket=gSeBcXYZ',
    );
    expect(jar.get('https://webpush.weixin.qq.com/', 'wxsid')).toBeUndefined();
    // Secure cookies do not travel over plain http to a remote host.
    expect(jar.getCookieHeader('http://wx.qq.com/')).toBe('');
  });

  it('keeps host-only cookies on their host', () => {
    const jar = new CookieStore();
    jar.store('https://wx.qq.com/', ['mm_lang=zh_CN; Path=/', 'wxloadtime=1546217453; Path=/']);
    expect(jar.getCookieHeader('https://wx.qq.com/cgi-bin/x')).toBe('mm_lang=zh_CN; wxloadtime=1546217453');
    expect(jar.getCookieHeader('https://file.wx.qq.com/')).toBe('');
    expect(jar.getCookieHeader('https://webpush.weixin.qq.com/')).toBe('');
  });

  it('accepts host-only cookies from an emulator on 127.0.0.1 and localhost over http, Secure ones too', () => {
    const jar = new CookieStore();
    jar.store('http://127.0.0.1:43210/cgi-bin/mmwebwx-bin/webwxnewloginpage', [
      'wxuin=1; Path=/',
      'wxsid=s; Path=/; Secure',
      'webwx_data_ticket=t; Path=/; HttpOnly',
    ]);
    expect(jar.getCookieHeader('http://127.0.0.1:43210/cgi-bin/mmwebwx-bin/webwxinit')).toBe(
      'wxuin=1; wxsid=s; webwx_data_ticket=t',
    );
    // cookies do not isolate ports (RFC 6265)
    expect(jar.get('http://127.0.0.1:9/', 'wxuin')).toBe('1');
    expect(jar.getCookieHeader('http://127.0.0.2:43210/')).toBe('');
    jar.store('http://localhost:8080/', ['a=b; Path=/']);
    expect(jar.get('http://localhost:8080/x', 'a')).toBe('b');
  });

  it('replaces a cookie with a newer value and forgets an expired one', () => {
    const jar = new CookieStore();
    jar.store('https://wx.qq.com/', ['wxloadtime=1; Path=/']);
    jar.store('https://wx.qq.com/', ['wxloadtime=1_expired; Path=/']);
    expect(jar.get('https://wx.qq.com/', 'wxloadtime')).toBe('1_expired');
    jar.store('https://wx.qq.com/', ['wxloadtime=gone; Path=/; Max-Age=0']);
    expect(jar.get('https://wx.qq.com/', 'wxloadtime')).toBeUndefined();
  });

  it('ignores malformed, foreign and public-suffix cookies without throwing', () => {
    const jar = new CookieStore();
    jar.store('https://wx.qq.com/', ['', ';;;', 'evil=1; Domain=example.com', 'tld=1; Domain=.com', 'ok=1']);
    expect(jar.getCookieHeader('https://wx.qq.com/')).toBe('ok=1');
    expect(jar.getCookieHeader('https://example.com/')).toBe('');
    jar.store('not a url', ['x=1']);
    expect(jar.getCookieHeader('not a url')).toBe('');
    expect(jar.get('not a url', 'x')).toBeUndefined();
  });

  it('round-trips through toJSON / fromJSON, also as a JSON string', () => {
    const jar = new CookieStore();
    jar.store('https://wx.qq.com/', LOGIN_COOKIES);
    jar.store('http://127.0.0.1:5000/', ['local=1']);
    const data = jar.toJSON();
    for (const restored of [CookieStore.fromJSON(data), CookieStore.fromJSON(JSON.stringify(data))]) {
      expect(restored.getCookieHeader('https://file.wx.qq.com/')).toBe(
        jar.getCookieHeader('https://file.wx.qq.com/'),
      );
      expect(restored.get('https://webpush.weixin.qq.com/', 'webwx_data_ticket')).toBe('gSeBcXYZ');
      expect(restored.get('http://127.0.0.1:5000/', 'local')).toBe('1');
      // the restored jar still accepts loose cookies
      restored.store('https://wx.qq.com/', ['=bare']);
      expect(restored.getCookieHeader('https://wx.qq.com/')).toContain('bare');
    }
  });

  it('clear() empties the jar', () => {
    const jar = new CookieStore();
    jar.store('https://wx.qq.com/', LOGIN_COOKIES);
    jar.clear();
    expect(jar.getCookieHeader('https://wx.qq.com/')).toBe('');
    expect(jar.toJSON().cookies).toEqual([]);
  });
});
