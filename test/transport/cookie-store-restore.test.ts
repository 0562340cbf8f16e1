/**
 * A CookieStore restored with fromJSON(): served from the headers and last stores its saved form
 * carries, the jar (tough-cookie) rebuilt only when something needs it (src/transport/cookie-store.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidStateError } from '../../src/errors.js';
import { CookieStore } from '../../src/transport/index.js';
import { cookieJarClass } from '../../src/transport/tough-cookie.js';

const ORIGIN = 'http://127.0.0.1:8080';
const MM = `${ORIGIN}/cgi-bin/mmwebwx-bin`;
const LOGIN_PAGE = `${MM}/webwxnewloginpage`;
const INIT = `${MM}/webwxinit`;
const SYNC = `${MM}/webwxsync`;
const SEND = `${MM}/webwxsendmsg`;

const inHours = (h: number): string => new Date(Date.now() + h * 3_600_000).toUTCString();
const loginCookies = (): string[] =>
  ['wxuin=1', 'wxsid=s', 'webwx_data_ticket=t', 'webwx_auth_ticket=a'].map(
    (nv) => `${nv}; Path=/; Expires=${inHours(12)}`,
  );
const syncCookies = (pluginKey = '77'): string[] =>
  ['wxloadtime=1_expired', `wxpluginkey=${pluginKey}`, 'wxuin=1', 'wxsid=s', 'webwx_data_ticket=t'].map(
    (nv) => `${nv}; Path=/; Expires=${inHours(12)}`,
  );

/** A session's jar as it is saved: logged in, one sync round, the init and sync headers asked. */
function savedJar(extra: (jar: CookieStore) => void = () => {}): string {
  const jar = new CookieStore();
  jar.store(LOGIN_PAGE, loginCookies());
  jar.getCookieHeader(INIT);
  jar.store(SYNC, syncCookies());
  jar.getCookieHeader(SYNC);
  extra(jar);
  return JSON.stringify(jar.toJSON());
}

/** Counts what reaches tough-cookie: jars rebuilt, lookups and stores. */
function jarCalls() {
  const CookieJar = cookieJarClass();
  return {
    rebuilt: vi.spyOn(CookieJar, 'deserializeSync'),
    lookups: vi.spyOn(CookieJar.prototype, 'getCookiesSync'),
    stores: vi.spyOn(CookieJar.prototype, 'setCookieSync'),
  };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('CookieStore restored from its saved form', () => {
  it('sends the saved headers, for any path of their origin, without rebuilding the jar', () => {
    const saved = savedJar();
    const live = CookieStore.fromJSON(saved);
    const expected = live.getCookieHeader(`${SEND}?x`); // a path the saved jar was never asked for
    expect(expected).toBe(
      'wxuin=1; wxsid=s; webwx_data_ticket=t; webwx_auth_ticket=a; wxloadtime=1_expired; wxpluginkey=77',
    );
    vi.restoreAllMocks();
    const calls = jarCalls();
    const restored = CookieStore.fromJSON(saved);
    expect(restored.getCookieHeader(`${INIT}?r=1`)).toBe(expected);
    expect(restored.getCookieHeader(`${SYNC}?sid=s`)).toBe(expected);
    expect(restored.getCookieHeader(`${SEND}?lang=en`)).toBe(expected);
    expect(restored.getCookieHeader(`${ORIGIN}/other/path`)).toBe(expected);
    // Another origin is not covered: that one is looked up in the jar.
    expect(calls.rebuilt).not.toHaveBeenCalled();
    expect(calls.lookups).not.toHaveBeenCalled();
    expect(restored.getCookieHeader('http://127.0.0.2:8080/')).toBe('');
    expect(calls.rebuilt).toHaveBeenCalledTimes(1);
  });

  it('skips the next refresh within 60 s of the saved store, and holds a later one until a moment after', () => {
    vi.useFakeTimers({
      toFake: ['Date', 'setTimeout', 'clearTimeout'],
      now: new Date('2026-01-01T00:00:00Z'),
    });
    const saved = savedJar();
    const calls = jarCalls();
    const restored = CookieStore.fromJSON(saved);
    const header = restored.getCookieHeader(SYNC);
    const before = restored.toJSON();
    vi.setSystemTime(Date.now() + 30_000);
    restored.store(SYNC, syncCookies());
    vi.setSystemTime(Date.now() + 31_000);
    restored.store(SYNC, syncCookies()); // 61 s after the saved store: a refresh to hold
    expect(calls.rebuilt).not.toHaveBeenCalled();
    expect(calls.stores).not.toHaveBeenCalled();
    expect(restored.getCookieHeader(`${SEND}?x`)).toBe(header);
    expect(restored.toJSON()).toBe(before); // the held expiries are not saved yet
    vi.advanceTimersByTime(1000);
    expect(calls.rebuilt).toHaveBeenCalledTimes(1);
    expect(calls.stores).toHaveBeenCalledTimes(5);
    const after = restored.toJSON();
    expect(after).not.toBe(before);
    const expiryOf = (data: typeof after, key: string) => data.cookies.find((c) => c.key === key)?.expires;
    expect(Date.parse(String(expiryOf(after, 'wxsid')))).toBeGreaterThan(
      Date.parse(String(expiryOf(before, 'wxsid'))),
    );
    expect(restored.getCookieHeader(SYNC)).toBe(header);
    // Within 60 s of that store, the next refresh is skipped again.
    restored.store(SYNC, syncCookies());
    expect(calls.stores).toHaveBeenCalledTimes(5);
  });

  it('a changed cookie rebuilds the jar, the held refreshes applied first, and the header follows it', () => {
    vi.useFakeTimers({
      toFake: ['Date', 'setTimeout', 'clearTimeout'],
      now: new Date('2026-01-01T00:00:00Z'),
    });
    const restored = CookieStore.fromJSON(savedJar());
    vi.setSystemTime(Date.now() + 61_000);
    restored.store(SYNC, syncCookies());
    const calls = jarCalls();
    restored.store(SYNC, syncCookies('78'));
    expect(calls.rebuilt).toHaveBeenCalledTimes(1);
    // the four held refreshes (wxpluginkey's counts as a change), then the changed cookie
    expect(calls.stores.mock.calls.map((c) => String(c[0]).split('=')[0])).toEqual([
      'wxloadtime',
      'wxpluginkey',
      'wxuin',
      'wxsid',
      'webwx_data_ticket',
      'wxpluginkey',
    ]);
    expect(restored.getCookieHeader(SEND)).toContain('wxpluginkey=78');
    expect(restored.get(SYNC, 'wxpluginkey')).toBe('78');
    vi.advanceTimersByTime(5000); // nothing is applied twice
    expect(calls.stores).toHaveBeenCalledTimes(6);
  });

  it('computes a saved header again once a cookie in it has expired', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-01-01T00:00:00Z') });
    const restored = CookieStore.fromJSON(
      savedJar((jar) => {
        jar.store(SYNC, [`short=1; Path=/; Expires=${inHours(2)}`]);
        jar.getCookieHeader(SYNC);
      }),
    );
    expect(restored.getCookieHeader(SYNC)).toContain('short=1');
    vi.setSystemTime(Date.now() + 2 * 3_600_000 + 1000);
    const calls = jarCalls();
    expect(restored.getCookieHeader(SYNC)).not.toContain('short=1');
    expect(restored.getCookieHeader(SEND)).not.toContain('short=1');
    expect(calls.rebuilt).toHaveBeenCalledTimes(1);
  });

  it('a jar with a cookie scoped to a path answers a path it was not asked for from the jar', () => {
    const jar = new CookieStore();
    jar.store(LOGIN_PAGE, loginCookies());
    jar.store(SYNC, [`scoped=1; Path=/cgi-bin/mmwebwx-bin/webwxsync; Expires=${inHours(12)}`]);
    expect(jar.getCookieHeader(SYNC)).toContain('scoped=1'); // the only path asked
    const calls = jarCalls();
    const restored = CookieStore.fromJSON(JSON.stringify(jar.toJSON()));
    expect(restored.getCookieHeader(SYNC)).toContain('scoped=1');
    expect(calls.rebuilt).not.toHaveBeenCalled();
    expect(restored.getCookieHeader(SEND)).not.toContain('scoped=1');
    expect(restored.getCookieHeader(SEND)).toContain('wxsid=s');
    expect(calls.rebuilt).toHaveBeenCalledTimes(1);
  });

  it('two paths of one origin saved with different headers: a third path is answered from the jar', () => {
    // Every cookie has Path=/, so the two cannot differ but through a cache edited or gone stale.
    const saved = JSON.parse(savedJar());
    const [target, , validUntil] = saved.webwxCache.headers.find((h: unknown[]) => h[0] === SYNC);
    saved.webwxCache.headers.push([`${MM}/webwxstatusnotify`, 'wxsid=stale', validUntil]);
    expect(target).toBe(SYNC);
    const calls = jarCalls();
    const restored = CookieStore.fromJSON(saved);
    expect(restored.getCookieHeader(`${MM}/webwxstatusnotify`)).toBe('wxsid=stale');
    expect(calls.rebuilt).not.toHaveBeenCalled();
    expect(restored.getCookieHeader(SEND)).toContain('wxsid=s;');
    expect(calls.rebuilt).toHaveBeenCalledTimes(1);
  });

  it('saves one header an origin when every cookie has Path=/, else one a path asked, and the last store of each cookie', () => {
    const first = JSON.parse(savedJar((jar) => jar.getCookieHeader('http://127.0.0.2:8080/x')));
    expect(first.webwxCache.headers.map((h: unknown[]) => h[0])).toEqual([SYNC, 'http://127.0.0.2:8080/x']);
    const stores = first.webwxCache.stores.map((s: unknown[]) => `${s[0]} ${s[1]}`);
    expect(stores).toContain(`${SYNC} wxsid`);
    expect(stores).not.toContain(`${LOGIN_PAGE} wxsid`); // stored again by the sync since
    const restored = CookieStore.fromJSON(first);
    restored.store(SYNC, syncCookies('99')); // a change: the jar is saved afresh
    const calls = jarCalls();
    const second = restored.toJSON();
    expect(calls.lookups).toHaveBeenCalledTimes(2); // one an origin, none cached since the change
    expect(second.webwxCache?.headers.map((h) => h[0])).toEqual([SYNC, 'http://127.0.0.2:8080/x']);
    expect(CookieStore.fromJSON(JSON.stringify(second)).getCookieHeader(SEND)).toContain('wxpluginkey=99');
    expect(calls.rebuilt).not.toHaveBeenCalled();
    // A cookie scoped to a path: every path asked is saved.
    restored.getCookieHeader(SEND);
    restored.store(SYNC, [`scoped=1; Path=/cgi-bin/mmwebwx-bin/webwxsync; Expires=${inHours(12)}`]);
    const third = restored.toJSON().webwxCache?.headers.map((h) => h[0]);
    expect(third?.sort()).toEqual([SYNC, SEND, 'http://127.0.0.2:8080/x'].sort());
  });

  it('ignores a malformed cache (the jar answers), and refuses a malformed jar', () => {
    const saved = JSON.parse(savedJar());
    const expected = CookieStore.fromJSON(saved).getCookieHeader(SYNC);
    for (const webwxCache of [
      { headers: [[SYNC, 'evil=1', 'never']], stores: [] },
      { headers: 'x', stores: [] },
      null,
      { headers: [[SYNC, 'evil=1', null]], stores: [[SYNC, 'wxsid']] },
    ]) {
      const restored = CookieStore.fromJSON({ ...saved, webwxCache });
      expect(restored.getCookieHeader(SEND)).toBe(expected);
      expect(restored.getCookieHeader(SYNC)).toBe(expected);
    }
    const cookie = { key: 'wxsid', value: 's', domain: '127.0.0.1', path: '/', hostOnly: true };
    for (const bad of [
      {},
      { cookies: 'x' },
      { cookies: [1] },
      [],
      'null',
      '{"cookies":[null]}',
      // Dates tough-cookie takes but then cannot serialise (it throws where nothing can catch it).
      { cookies: [{ ...cookie, creation: 'not a date' }] },
      { cookies: [{ ...cookie, expires: {} }] },
      { cookies: [{ ...cookie, lastAccessed: Number.NaN }] },
    ])
      expect(() => CookieStore.fromJSON(bad as never), JSON.stringify(bad)).toThrow(InvalidStateError);
  });

  it('a new store asks tough-cookie nothing before its first cookie, and clear() forgets the saved headers', () => {
    const calls = jarCalls();
    const fresh = new CookieStore();
    expect(fresh.getCookieHeader(`${ORIGIN}/jslogin?appid=x`)).toBe('');
    expect(calls.lookups).not.toHaveBeenCalled();
    const restored = CookieStore.fromJSON(savedJar());
    restored.clear();
    expect(restored.getCookieHeader(SYNC)).toBe('');
    expect(restored.toJSON().cookies).toEqual([]);
  });
});
