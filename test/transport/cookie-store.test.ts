import { afterEach, describe, expect, it, vi } from 'vitest';
import { CookieStore } from '../../src/transport/index.js';
import { cookieJarClass } from '../../src/transport/tough-cookie.js';

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

describe('CookieStore header cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const SYNC = 'http://127.0.0.1:8080/cgi-bin/mmwebwx-bin/webwxsync';
  const inHours = (h: number): string => new Date(Date.now() + h * 3_600_000).toUTCString();

  it('stops sending a cookie once it expires, though the header was cached', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-01-01T00:00:00Z') });
    const jar = new CookieStore();
    jar.store(SYNC, [`short=1; Path=/; Expires=${inHours(1)}`, `long=2; Path=/; Expires=${inHours(12)}`]);
    expect(jar.getCookieHeader(`${SYNC}?sid=a`)).toBe('short=1; long=2');
    expect(jar.getCookieHeader(`${SYNC}?sid=b`)).toBe('short=1; long=2');
    vi.setSystemTime(Date.now() + 3_600_000 + 1);
    expect(jar.getCookieHeader(`${SYNC}?sid=c`)).toBe('long=2');
    vi.setSystemTime(Date.now() + 11 * 3_600_000);
    expect(jar.getCookieHeader(SYNC)).toBe('');
  });

  it('sends a changed value at once, and nothing after clear()', () => {
    const jar = new CookieStore();
    jar.store(SYNC, [`wxsid=a; Path=/; Expires=${inHours(12)}`]);
    expect(jar.getCookieHeader(SYNC)).toBe('wxsid=a');
    jar.store(SYNC, [`wxsid=b; Path=/; Expires=${inHours(12)}`]);
    expect(jar.getCookieHeader(SYNC)).toBe('wxsid=b');
    jar.store(SYNC, ['wxsid=b; Path=/; Max-Age=0']);
    expect(jar.getCookieHeader(SYNC)).toBe('');
    jar.store(SYNC, [`wxsid=c; Path=/; Expires=${inHours(12)}`]);
    expect(jar.getCookieHeader(SYNC)).toBe('wxsid=c');
    jar.clear();
    expect(jar.getCookieHeader(SYNC)).toBe('');
  });

  it('keeps path and host scoping per request target', () => {
    const jar = new CookieStore();
    jar.store('http://127.0.0.1:8080/a/page', ['scoped=1; Path=/a', 'all=2; Path=/']);
    expect(jar.getCookieHeader('http://127.0.0.1:8080/a/x?q=1')).toBe('scoped=1; all=2');
    expect(jar.getCookieHeader('http://127.0.0.1:8080/b/x?q=1')).toBe('all=2');
    expect(jar.getCookieHeader('http://127.0.0.1:8080/a/x#frag')).toBe('scoped=1; all=2');
    expect(jar.getCookieHeader('http://localhost:8080/a/x')).toBe('');
    expect(jar.getCookieHeader('http://127.0.0.1:8080/b/x?q=2')).toBe('all=2');
  });

  it('a restored store (fromJSON) has its own cache', () => {
    const jar = new CookieStore();
    jar.store(SYNC, [`wxsid=a; Path=/; Expires=${inHours(12)}`]);
    expect(jar.getCookieHeader(SYNC)).toBe('wxsid=a');
    const copy = CookieStore.fromJSON(jar.toJSON());
    copy.store(SYNC, [`wxsid=b; Path=/; Expires=${inHours(12)}`]);
    expect(copy.getCookieHeader(SYNC)).toBe('wxsid=b');
    expect(jar.getCookieHeader(SYNC)).toBe('wxsid=a');
  });
});

describe('CookieStore Set-Cookie skip', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  /** Counts the Set-Cookie headers that reach the jar. */
  const jarStores = () => vi.spyOn(cookieJarClass().prototype, 'setCookieSync');

  const SYNC = 'http://127.0.0.1:8080/cgi-bin/mmwebwx-bin/webwxsync';
  const syncCookies = (): string[] => {
    const expires = new Date(Date.now() + 12 * 3_600_000).toUTCString();
    return ['wxloadtime=1_expired', 'wxpluginkey=77', 'wxuin=1', 'wxsid=s', 'webwx_data_ticket=t'].map(
      (nv) => `${nv}; Path=/; Expires=${expires}`,
    );
  };

  it('skips the jar for a Set-Cookie that only has a fresh Expires, for up to 60 s', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-01-01T00:00:00Z') });
    const jar = new CookieStore();
    jar.store(SYNC, syncCookies());
    const header = jar.getCookieHeader(SYNC);
    const stores = jarStores();
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(Date.now() + 10_000);
      jar.store(SYNC, syncCookies());
    }
    expect(stores).toHaveBeenCalledTimes(0);
    expect(jar.getCookieHeader(SYNC)).toBe(header);
    vi.setSystemTime(Date.now() + 10_001); // 60.001 s after the real store
    jar.store(SYNC, syncCookies());
    expect(stores).toHaveBeenCalledTimes(5);
    expect(jar.getCookieHeader(SYNC)).toBe(header);
  });

  it('stores any other difference at once', () => {
    const jar = new CookieStore();
    jar.store(SYNC, syncCookies());
    const stores = jarStores();
    const changed = syncCookies().map((c) => c.replace('wxpluginkey=77', 'wxpluginkey=78'));
    jar.store(SYNC, changed);
    expect(stores).toHaveBeenCalledTimes(1);
    expect(jar.get(SYNC, 'wxpluginkey')).toBe('78');
    expect(jar.getCookieHeader(SYNC)).toContain('wxpluginkey=78');
    // An attribute other than the expiry.
    jar.store(SYNC, ['wxuin=1; Path=/cgi-bin; Expires=Fri, 01-Jan-2100 00:00:00 GMT']);
    expect(stores).toHaveBeenCalledTimes(2);
    // A deletion with the same value is never skipped.
    jar.store(SYNC, ['wxsid=s; Path=/; Max-Age=0']);
    expect(jar.get(SYNC, 'wxsid')).toBeUndefined();
    // Nor a short-lived cookie, nor an unreadable expiry.
    jar.store(SYNC, ['x=1; Path=/; Max-Age=30']);
    jar.store(SYNC, ['x=1; Path=/; Max-Age=30']);
    jar.store(SYNC, ['y=1; Path=/; Expires=soon']);
    jar.store(SYNC, ['y=1; Path=/; Expires=soon']);
    expect(stores).toHaveBeenCalledTimes(7);
  });

  it('does not skip when another target stored that cookie name in between', () => {
    const jar = new CookieStore();
    const a = 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxsync';
    const b = 'https://file.wx.qq.com/cgi-bin/mmwebwx-bin/webwxuploadmedia';
    const ticket = (v: string): string =>
      `webwx_data_ticket=${v}; Domain=.qq.com; Path=/; Expires=Fri, 01-Jan-2100 00:00:00 GMT; Secure`;
    jar.store(a, [ticket('one')]);
    jar.store(b, [ticket('two')]);
    expect(jar.get(a, 'webwx_data_ticket')).toBe('two');
    jar.store(a, [ticket('one')]);
    expect(jar.get(a, 'webwx_data_ticket')).toBe('one');
    expect(jar.getCookieHeader(a)).toBe('webwx_data_ticket=one');
  });

  it('serialises the jar once until it changes: the same frozen object, then a fresh one', () => {
    const jar = new CookieStore();
    jar.store('https://wx.qq.com/', LOGIN_COOKIES);
    const first = jar.toJSON();
    expect(jar.toJSON()).toBe(first);
    expect(
      Object.isFrozen(first) && Object.isFrozen(first.cookies) && Object.isFrozen(first.cookies[0]),
    ).toBe(true);
    expect(first.cookies.map((c) => c.key)).toContain('wxsid');
    // A changed cookie: a new serialisation that has it, and a jar rebuilt from it sends it.
    jar.store('https://wx.qq.com/', [
      'wxsid=NEW; Domain=wx.qq.com; Path=/; Expires=Fri, 01-Jan-2100 00:00:00 GMT; Secure',
    ]);
    const second = jar.toJSON();
    expect(second).not.toBe(first);
    expect(CookieStore.fromJSON(second).get('https://wx.qq.com/', 'wxsid')).toBe('NEW');
    jar.clear();
    expect(jar.toJSON().cookies).toEqual([]);
  });
});
