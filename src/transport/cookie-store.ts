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
 *   the jar with a change, `clear()` and `fromJSON()` (a new store) drop all entries. Path and domain
 *   scoping do not change with time, so only an expiry can change the header between two stores.
 * - webwxsync answers every call with the same five Set-Cookie headers (PROTOCOL.md §4.6, §11), only
 *   their Expires fresh. A Set-Cookie for the same request target that differs from the last one
 *   stored for that cookie name only in Expires/Max-Age (a *refresh*), less than 60 s after that real
 *   store, is skipped: the jar keeps the earlier expiry, so it lags the server's by less than 60 s,
 *   which is harmless for the 12-hour session cookies. It is a refresh only when both the old and the
 *   new expiry are more than an hour away (a deletion or a short-lived cookie always reaches the jar),
 *   and only when no other target stored a cookie of that name since (e.g. a Domain=.qq.com cookie
 *   set from another host). Any other difference is stored normally and invalidates the header cache.
 *
 * tough-cookie itself is loaded on first need (tough-cookie.ts: 20–40 ms of a process's start). A jar
 * restored with `fromJSON()` is rebuilt only then: its saved form carries the Cookie headers the
 * store last computed and its last real store of each cookie (saved-cookie-jar.ts), so a resumed
 * session's first requests are served from those headers, and a refresh in their replies is held
 * (it changes no header) and applied to the jar a moment later, off the reply's path. Gain: the
 * restart row of `npm run bench -- --only restart` (docs/benchmarks.md, "The cookie jar on first use").
 *
 * A jar handed to the constructor must from then on be changed only through this store.
 */
import type { CookieJar as Jar, SerializedCookieJar } from 'tough-cookie';
import { InvalidStateError } from '../errors.js';
import {
  CACHE_SNAPSHOT_KEY,
  type CookieCacheSnapshot,
  deepFreeze,
  fromJsonNumber,
  isSerializedJar,
  readCacheSnapshot,
  rootPathsOnly,
  type SerializedCookies,
  toJsonNumber,
} from './saved-cookie-jar.js';
import { originOf, targetOf, withoutExpiry } from './set-cookie-expiry.js';
import { cookieJarClass } from './tough-cookie.js';

export type { SerializedCookies };

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
/** The request targets whose headers a saved jar carries (the most used first come, first kept). */
const MAX_SAVED_TARGETS = 32;
/** How long a held refresh of a restored, not yet rebuilt jar waits before it is applied. */
const HELD_REFRESH_MS = 1000;

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
  /** The jar, once built (tough-cookie loaded): at once when handed one, else on first need. */
  #jar: Jar | undefined;
  /** A restored jar's saved form, until the jar is built from it. */
  #restored: SerializedCookieJar | undefined;
  /** Refreshes held while the restored jar is not built, in order (see the header comment). */
  #held: Array<[url: string, header: string]> = [];
  #heldTimer: ReturnType<typeof setTimeout> | undefined;
  #headers = new Map<string, CachedHeader>();
  /**
   * A restored jar whose cookies all have Path=/ (the real server's and the emulator's): its Cookie
   * header depends on the scheme and host only, so a saved header serves every path of its origin
   * until the jar is built.
   */
  #originHeaders = new Map<string, CachedHeader>();
  /** Request targets asked for a header, kept across clears of #headers: what a saved jar carries. */
  #targets = new Set<string>();
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
    this.#jar = jar;
  }

  /** The jar, built now if need be: from the restored form (held refreshes applied), or empty. */
  #built(): Jar {
    if (this.#jar) return this.#jar;
    const CookieJar = cookieJarClass();
    const restored = this.#restored;
    this.#restored = undefined;
    this.#originHeaders.clear();
    let jar: Jar | undefined;
    if (restored) {
      try {
        jar = CookieJar.deserializeSync({ ...restored, ...DESERIALIZE_OPTIONS });
      } catch {
        // fromJSON checked the shape; should tough-cookie still refuse it, nothing of it stays.
        this.#forgetCaches();
        this.#serialized = undefined;
      }
    }
    this.#jar = jar ?? new CookieJar(undefined, JAR_OPTIONS);
    this.#applyHeld();
    return this.#jar;
  }

  #applyHeld(): void {
    if (this.#heldTimer) clearTimeout(this.#heldTimer);
    this.#heldTimer = undefined;
    const held = this.#held;
    if (held.length === 0) return;
    this.#held = [];
    const jar = this.#built();
    // Refreshes only: no Cookie header changes, so the header cache stays; the saved form does not.
    this.#serialized = undefined;
    for (const [url, header] of held) setCookie(jar, url, header);
  }

  /** The `Cookie` header value for a request to `url`, or '' when no cookie applies. */
  getCookieHeader(url: string): string {
    const key = targetOf(url);
    const now = Date.now();
    const cached = this.#headers.get(key);
    if (cached !== undefined && now < cached.validUntil) return cached.header;
    if (this.#targets.size < MAX_SAVED_TARGETS) this.#targets.add(key);
    if (!this.#jar) {
      const ofOrigin = this.#originHeaders.get(originOf(key));
      if (ofOrigin !== undefined && now < ofOrigin.validUntil) {
        this.#headers.set(key, ofOrigin);
        return ofOrigin.header;
      }
      // Nothing stored and nothing restored: no cookie applies, and tough-cookie stays unloaded.
      if (!this.#restored && this.#held.length === 0) return '';
    }
    let header = '';
    let validUntil = Number.POSITIVE_INFINITY;
    try {
      // What getCookieStringSync does, keeping the Cookie objects for their expiry.
      const cookies = this.#built().getCookiesSync(url, { sort: true });
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
      const generation = this.#nameGeneration.get(name) ?? 0;
      if (last !== undefined && isRefresh(last, rest, expiresAt, generation, now)) {
        if (now - last.storedAt < SKIP_WINDOW_MS) continue;
        if (!this.#jar) {
          this.#hold(url, header);
          last.expiresAt = expiresAt;
          last.storedAt = now;
          continue;
        }
      }
      this.#headers.clear();
      this.#serialized = undefined;
      setCookie(this.#built(), url, header);
      this.#nameGeneration.set(name, generation + 1);
      let byName = this.#lastStores.get(target);
      if (byName === undefined) {
        if (this.#lastStores.size >= MAX_CACHED_TARGETS) this.#lastStores.clear();
        byName = new Map();
        this.#lastStores.set(target, byName);
      }
      byName.set(name, { rest, expiresAt, storedAt: now, generation: generation + 1 });
    }
  }

  #hold(url: string, header: string): void {
    this.#held.push([url, header]);
    if (this.#held.length > MAX_CACHED_TARGETS) this.#applyHeld();
    else if (!this.#heldTimer) {
      this.#heldTimer = setTimeout(() => this.#applyHeld(), HELD_REFRESH_MS);
      this.#heldTimer.unref?.();
    }
  }

  /** The value of the cookie `name` that would be sent to `url`. */
  get(url: string, name: string): string | undefined {
    try {
      return this.#built()
        .getCookiesSync(url)
        .find((c) => c.key === name)?.value;
    } catch {
      return undefined;
    }
  }

  /** Every cookie as `name → value` that would be sent to `url` (for diagnostics; do not log it). */
  entries(url: string): Array<[string, string]> {
    try {
      return this.#built()
        .getCookiesSync(url)
        .map((c) => [c.key, c.value]);
    } catch {
      return [];
    }
  }

  clear(): void {
    this.#serialized = undefined;
    this.#restored = undefined;
    this.#held = [];
    if (this.#heldTimer) clearTimeout(this.#heldTimer);
    this.#heldTimer = undefined;
    this.#jar?.removeAllCookiesSync();
    this.#forgetCaches();
  }

  #forgetCaches(): void {
    this.#headers.clear();
    this.#originHeaders.clear();
    this.#lastStores.clear();
    this.#nameGeneration.clear();
  }

  /**
   * The jar as plain JSON (for a saved session), with the headers and last stores a resume starts
   * from. The same frozen object comes back until the jar changes; only the cookies' last-access
   * times may be older than the jar's.
   */
  toJSON(): SerializedCookies {
    if (this.#serialized) return this.#serialized;
    const data: SerializedCookies | undefined = this.#built().serializeSync();
    if (!data) throw new InvalidStateError('cookie jar cannot be serialised synchronously');
    data[CACHE_SNAPSHOT_KEY] = this.#cacheSnapshot(rootPathsOnly(data));
    this.#serialized = deepFreeze(data);
    return data;
  }

  /**
   * The headers and last stores to save with the jar. With every cookie at Path=/ one header per origin
   * says it all (fromJSON serves the whole origin from it), taken from a header in the cache when there
   * is one: this runs after every change of the jar, so it costs a lookup or two, not one a target.
   */
  #cacheSnapshot(rootPaths: boolean): CookieCacheSnapshot {
    const headers: CookieCacheSnapshot['headers'] = [];
    const now = Date.now();
    const cached = (target: string): boolean => now < (this.#headers.get(target)?.validUntil ?? 0);
    const targets = [...this.#targets];
    const covered = new Set<string>();
    for (const target of [...targets.filter(cached), ...targets.filter((t) => !cached(t))]) {
      if (rootPaths) {
        if (covered.has(originOf(target))) continue;
        covered.add(originOf(target));
      }
      const header = this.getCookieHeader(target);
      const validUntil = this.#headers.get(target)?.validUntil;
      if (validUntil !== undefined) headers.push([target, header, toJsonNumber(validUntil)]);
    }
    const stores: CookieCacheSnapshot['stores'] = [];
    // Only a name's latest store can make a later header a refresh (isRefresh).
    for (const [target, byName] of this.#lastStores)
      for (const [name, last] of byName)
        if (last.generation === this.#nameGeneration.get(name))
          stores.push([target, name, last.rest, toJsonNumber(last.expiresAt), last.storedAt]);
    return { headers, stores };
  }

  /**
   * A store on a saved jar (from toJSON, or its JSON text). The jar is rebuilt on first need; its shape
   * is checked now, and a malformed form throws.
   */
  static fromJSON(data: SerializedCookies | string): CookieStore {
    const parsed: unknown = typeof data === 'string' ? JSON.parse(data) : data;
    if (!isSerializedJar(parsed)) throw new InvalidStateError('the saved cookie jar is malformed');
    const store = new CookieStore();
    // One copy of its own, frozen: what toJSON hands back until the jar changes, and what it is built from.
    store.#serialized = deepFreeze(structuredClone(parsed));
    store.#restored = store.#serialized;
    const snapshot = readCacheSnapshot(parsed, MAX_CACHED_TARGETS);
    const now = Date.now();
    const rootPaths = rootPathsOnly(parsed);
    const conflicting = new Set<string>();
    for (const [target, header, validUntil] of snapshot?.headers ?? []) {
      store.#targets.add(target);
      const entry = { header, validUntil: fromJsonNumber(validUntil) };
      if (now >= entry.validUntil) continue;
      store.#headers.set(target, entry);
      if (!rootPaths) continue;
      const origin = originOf(target);
      const known = store.#originHeaders.get(origin);
      if (known === undefined) store.#originHeaders.set(origin, entry);
      else if (known.header !== entry.header) conflicting.add(origin);
      else if (entry.validUntil < known.validUntil) store.#originHeaders.set(origin, entry);
    }
    // Two paths of one origin with different headers: the rule above does not hold, so no guess.
    for (const origin of conflicting) store.#originHeaders.delete(origin);
    for (const [target, name, rest, expiresAt, storedAt] of snapshot?.stores ?? []) {
      store.#nameGeneration.set(name, 1);
      const byName = store.#lastStores.get(target) ?? new Map<string, LastStore>();
      store.#lastStores.set(target, byName);
      byName.set(name, { rest, expiresAt: fromJsonNumber(expiresAt), storedAt, generation: 1 });
    }
    return store;
  }
}

/** Our options over a jar's own: a jar serialised elsewhere must not tighten the rules. */
const DESERIALIZE_OPTIONS = {
  enableLooseMode: JAR_OPTIONS.looseMode,
  rejectPublicSuffixes: JAR_OPTIONS.rejectPublicSuffixes,
  allowSpecialUseDomain: JAR_OPTIONS.allowSpecialUseDomain,
  prefixSecurity: JAR_OPTIONS.prefixSecurity,
};

/** Whether a Set-Cookie only refreshes the expiry of `last` (the header comment's rule). */
function isRefresh(
  last: LastStore,
  rest: string,
  expiresAt: number,
  generation: number,
  now: number,
): boolean {
  return (
    last.rest === rest &&
    last.generation === generation &&
    expiresAt - now > SKIP_MIN_LIFETIME_MS &&
    last.expiresAt - now > SKIP_MIN_LIFETIME_MS &&
    (expiresAt === Number.POSITIVE_INFINITY) === (last.expiresAt === Number.POSITIVE_INFINITY)
  );
}

function setCookie(jar: Jar, url: string, header: string): void {
  try {
    jar.setCookieSync(header, url, { ignoreError: true });
  } catch {
    // ignoreError covers the domain checks; a bad URL still throws. Never let a cookie break a reply.
  }
}
