/**
 * The cookie jar of a session, over tough-cookie. Loose mode, and cookies for IP hosts, localhost and
 * plain http are accepted, so the real server (Domain=.qq.com and host-only wx.qq.com cookies) and an
 * emulator on 127.0.0.1:PORT (host-only cookies over http) both work.
 *
 * Two caches keep tough-cookie off the per-request path (it was the largest client-side cost in the
 * echo benchmark):
 *
 * - The Cookie header is cached per request target (scheme, host and path; the query is ignored). An
 *   entry is valid until the earliest expiry of the cookies it contains, and every store that reaches
 *   the jar, `clear()` and `fromJSON()` (a new store) drop all entries. Path and domain scoping do not
 *   change with time, so only an expiry can change the header between two stores.
 * - webwxsync answers every call with the same five Set-Cookie headers (PROTOCOL.md §4.6, §11), only
 *   their Expires fresh. A Set-Cookie for the same request target that differs from the last one
 *   stored for that cookie name only in Expires/Max-Age, less than 60 s after that real store, is
 *   skipped: the jar keeps the earlier expiry, so it lags the server's by less than 60 s, which is
 *   harmless for the 12-hour session cookies. It is skipped only when both the old and the new expiry
 *   are more than an hour away (a deletion or a short-lived cookie always reaches the jar), and only
 *   when no other target stored a cookie of that name since (e.g. a Domain=.qq.com cookie set from
 *   another host). Any other difference is stored normally and invalidates the header cache.
 *
 * A jar handed to the constructor must from then on be changed only through this store.
 */
import type { CookieJar as Jar, SerializedCookieJar } from 'tough-cookie';
import { InvalidStateError } from '../errors.js';
import { CookieJar } from './tough-cookie.js';

/** The jar as plain JSON, for persisting a session. Treat as opaque. */
export type SerializedCookies = SerializedCookieJar;

const JAR_OPTIONS = {
  looseMode: true,
  rejectPublicSuffixes: true,
  allowSpecialUseDomain: true,
  allowSecureOnLocal: true,
  prefixSecurity: 'silent',
} as const;

/** A Set-Cookie identical but for its expiry is skipped for this long after the last real store. */
const SKIP_WINDOW_MS = 60_000;
/** ...and only when both expiries are further away than this. */
const SKIP_MIN_LIFETIME_MS = 3_600_000;
/** Bounds both caches (targets with ids in their path would otherwise grow them without end). */
const MAX_CACHED_TARGETS = 256;

interface CachedHeader {
  header: string;
  /** The earliest expiry (epoch ms) of the cookies in `header`; Infinity for session cookies only. */
  validUntil: number;
}

interface LastStore {
  /** The Set-Cookie header without its Expires and Max-Age attributes. */
  rest: string;
  /** Absolute expiry (epoch ms) of the stored header; Infinity for a session cookie. */
  expiresAt: number;
  storedAt: number;
  /** `#nameGeneration` of this cookie name when it was stored. */
  generation: number;
}

export class CookieStore {
  #jar: Jar;
  #headers = new Map<string, CachedHeader>();
  /** Keyed by request target, then cookie name. */
  #lastStores = new Map<string, Map<string, LastStore>>();
  /** Counts real stores per cookie name, across targets. */
  #nameGeneration = new Map<string, number>();
  /**
   * toJSON()'s last answer, until the jar changes (a cookie stored, or clear()). The session is saved
   * after every sync round, and tough-cookie's serialisation of the jar was the largest single cost of
   * that save: about 5 % of a host's CPU in the bench row "scale: echo across 200 accounts …" (a CPU
   * profile of its 200 msg/s: 209 of 4,000 ms busy).
   */
  #serialized: SerializedCookies | undefined;

  constructor(jar?: Jar) {
    this.#jar = jar ?? new CookieJar(undefined, JAR_OPTIONS);
  }

  /** The `Cookie` header value for a request to `url`, or '' when no cookie applies. */
  getCookieHeader(url: string): string {
    const key = targetOf(url);
    const now = Date.now();
    const cached = this.#headers.get(key);
    if (cached !== undefined && now < cached.validUntil) return cached.header;
    let header = '';
    let validUntil = Number.POSITIVE_INFINITY;
    try {
      // What getCookieStringSync does, keeping the Cookie objects for their expiry.
      const cookies = this.#jar.getCookiesSync(url, { sort: true });
      const parts: string[] = [];
      for (const cookie of cookies) {
        parts.push(cookie.cookieString());
        const expiry = cookie.expiryTime();
        if (expiry !== undefined && expiry < validUntil) validUntil = expiry;
      }
      header = parts.join('; ');
    } catch {
      return '';
    }
    if (this.#headers.size >= MAX_CACHED_TARGETS) this.#headers.clear();
    this.#headers.set(key, { header, validUntil });
    return header;
  }

  /** Store every Set-Cookie header of a reply from `url`. Malformed or foreign cookies are ignored. */
  store(url: string, setCookieHeaders: readonly string[]): void {
    let target: string | undefined;
    const now = Date.now();
    for (const header of setCookieHeaders) {
      // A header without name and value would become a nameless empty cookie in loose mode.
      const semicolon = header.indexOf(';');
      const nameValue = (semicolon < 0 ? header : header.slice(0, semicolon)).trim();
      if (nameValue === '' || nameValue === '=') continue;
      target ??= targetOf(url);
      const equals = nameValue.indexOf('=');
      const name = equals < 0 ? '' : nameValue.slice(0, equals).trim();
      const { rest, expiresAt } = withoutExpiry(header, now);
      const last = this.#lastStores.get(target)?.get(name);
      if (
        last !== undefined &&
        last.rest === rest &&
        now - last.storedAt < SKIP_WINDOW_MS &&
        last.generation === (this.#nameGeneration.get(name) ?? 0) &&
        expiresAt - now > SKIP_MIN_LIFETIME_MS &&
        last.expiresAt - now > SKIP_MIN_LIFETIME_MS &&
        (expiresAt === Number.POSITIVE_INFINITY) === (last.expiresAt === Number.POSITIVE_INFINITY)
      ) {
        continue;
      }
      this.#headers.clear();
      this.#serialized = undefined;
      try {
        this.#jar.setCookieSync(header, url, { ignoreError: true });
      } catch {
        // ignoreError covers the domain checks; a bad URL still throws. Never let a cookie break a reply.
      }
      const generation = (this.#nameGeneration.get(name) ?? 0) + 1;
      this.#nameGeneration.set(name, generation);
      let byName = this.#lastStores.get(target);
      if (byName === undefined) {
        if (this.#lastStores.size >= MAX_CACHED_TARGETS) this.#lastStores.clear();
        byName = new Map();
        this.#lastStores.set(target, byName);
      }
      byName.set(name, { rest, expiresAt, storedAt: now, generation });
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
    this.#serialized = undefined;
    this.#jar.removeAllCookiesSync();
    this.#headers.clear();
    this.#lastStores.clear();
    this.#nameGeneration.clear();
  }

  /**
   * The jar as plain JSON (for a saved session). The same frozen object comes back until the jar
   * changes; only the cookies' last-access times may be older than the jar's.
   */
  toJSON(): SerializedCookies {
    if (this.#serialized) return this.#serialized;
    const data = this.#jar.serializeSync();
    if (!data) throw new InvalidStateError('cookie jar cannot be serialised synchronously');
    for (const cookie of data.cookies) Object.freeze(cookie);
    Object.freeze(data.cookies);
    this.#serialized = Object.freeze(data);
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

/** Scheme, host and path of a URL: the query and fragment are cut off, nothing is parsed. */
function targetOf(url: string): string {
  let end = url.length;
  const query = url.indexOf('?');
  if (query >= 0) end = query;
  const hash = url.indexOf('#');
  if (hash >= 0 && hash < end) end = hash;
  return end === url.length ? url : url.slice(0, end);
}

const EXPIRY_ATTRIBUTE = /^\s*(expires|max-age)\s*=/i;

interface ParsedExpiry {
  /** The header without its Expires and Max-Age attributes. */
  rest: string;
  /** Max-Age in ms (NaN when unreadable), when the header has one: it wins over Expires. */
  maxAgeMs: number | undefined;
  /** Expires as epoch ms; Infinity without it, NaN when unreadable. */
  expires: number;
}

/** webwxsync repeats the same headers within a second (Expires has second resolution). */
const parsedHeaders = new Map<string, ParsedExpiry>();
const MAX_PARSED_HEADERS = 64;

/**
 * A Set-Cookie header without its Expires and Max-Age attributes, and the absolute expiry those give
 * (Max-Age wins, as in RFC 6265). Infinity without either; NaN when they cannot be read, so that the
 * header is never skipped. A cheap pre-check only: tough-cookie still parses every header it stores.
 */
function withoutExpiry(header: string, now: number): { rest: string; expiresAt: number } {
  let parsed = parsedHeaders.get(header);
  if (parsed === undefined) {
    parsed = parseExpiry(header);
    if (parsedHeaders.size >= MAX_PARSED_HEADERS) parsedHeaders.clear();
    parsedHeaders.set(header, parsed);
  }
  return {
    rest: parsed.rest,
    expiresAt: parsed.maxAgeMs === undefined ? parsed.expires : now + parsed.maxAgeMs,
  };
}

function parseExpiry(header: string): ParsedExpiry {
  const parts = header.split(';');
  const kept: string[] = [];
  let maxAge: string | undefined;
  let expires: string | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const match = i > 0 ? EXPIRY_ATTRIBUTE.exec(part) : null;
    if (match === null) {
      kept.push(part.trim());
      continue;
    }
    const value = part.slice(part.indexOf('=') + 1).trim();
    if (match[1]?.toLowerCase() === 'max-age') maxAge = value;
    else expires = value;
  }
  return {
    rest: kept.join(';'),
    maxAgeMs: maxAge === undefined ? undefined : /^-?\d+$/.test(maxAge) ? Number(maxAge) * 1000 : Number.NaN,
    expires: expires === undefined ? Number.POSITIVE_INFINITY : Date.parse(expires),
  };
}
