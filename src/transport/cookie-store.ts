/**
 * The cookie jar of a session, over tough-cookie. Loose mode, and cookies for IP hosts, localhost and
 * plain http are accepted, so the real server (Domain=.qq.com and host-only wx.qq.com cookies) and an
 * emulator on 127.0.0.1:PORT (host-only cookies over http) both work.
 */
import { CookieJar, type SerializedCookieJar } from 'tough-cookie';

/** The jar as plain JSON, for persisting a session. Treat as opaque. */
export type SerializedCookies = SerializedCookieJar;

const JAR_OPTIONS = {
  looseMode: true,
  rejectPublicSuffixes: true,
  allowSpecialUseDomain: true,
  allowSecureOnLocal: true,
  prefixSecurity: 'silent',
} as const;

export class CookieStore {
  #jar: CookieJar;

  constructor(jar?: CookieJar) {
    this.#jar = jar ?? new CookieJar(undefined, JAR_OPTIONS);
  }

  /** The `Cookie` header value for a request to `url`, or '' when no cookie applies. */
  getCookieHeader(url: string): string {
    try {
      return this.#jar.getCookieStringSync(url);
    } catch {
      return '';
    }
  }

  /** Store every Set-Cookie header of a reply from `url`. Malformed or foreign cookies are ignored. */
  store(url: string, setCookieHeaders: readonly string[]): void {
    for (const header of setCookieHeaders) {
      // A header without name and value would become a nameless empty cookie in loose mode.
      const nameValue = (header.split(';', 1)[0] ?? '').trim();
      if (nameValue === '' || nameValue === '=') continue;
      try {
        this.#jar.setCookieSync(header, url, { ignoreError: true });
      } catch {
        // ignoreError covers the domain checks; a bad URL still throws. Never let a cookie break a reply.
      }
    }
  }

  /** The value of the cookie `name` that would be sent to `url`. */
  get(url: string, name: string): string | undefined {
    try {
      return this.#jar.getCookiesSync(url).find((c) => c.key === name)?.value;
    } catch {
      return undefined;
    }
  }

  /** Every cookie as `name → value` that would be sent to `url` (for diagnostics; do not log it). */
  entries(url: string): Array<[string, string]> {
    try {
      return this.#jar.getCookiesSync(url).map((c) => [c.key, c.value]);
    } catch {
      return [];
    }
  }

  clear(): void {
    this.#jar.removeAllCookiesSync();
  }

  toJSON(): SerializedCookies {
    const data = this.#jar.serializeSync();
    if (!data) throw new Error('cookie jar cannot be serialised synchronously');
    return data;
  }

  static fromJSON(data: SerializedCookies | string): CookieStore {
    const parsed: SerializedCookieJar = typeof data === 'string' ? JSON.parse(data) : data;
    // Re-apply our options: a jar serialised elsewhere must not tighten the rules.
    const jar = CookieJar.deserializeSync({
      ...parsed,
      enableLooseMode: JAR_OPTIONS.looseMode,
      rejectPublicSuffixes: JAR_OPTIONS.rejectPublicSuffixes,
      allowSpecialUseDomain: JAR_OPTIONS.allowSpecialUseDomain,
      prefixSecurity: JAR_OPTIONS.prefixSecurity,
    });
    return new CookieStore(jar);
  }
}
