/**
 * A cookie jar as it is saved (CookieStore.toJSON, cookie-store.ts): tough-cookie's serialisation,
 * checked before tough-cookie gets it, and what the store adds to it, the cache snapshot: the Cookie
 * headers the store last sent and its last real store of each cookie, so that a resumed session sends
 * its first requests and reads its first replies without loading tough-cookie. The snapshot is
 * derived from the jar saved beside it, at the moment it was saved.
 *
 * Read defensively: the saved form comes from a store. A malformed jar is refused; a malformed (or too
 * large) snapshot is dropped as a whole, and the jar then works as if it had none.
 */
import type { SerializedCookieJar } from 'tough-cookie';

/** The property of a serialised jar that holds the snapshot. */
export const CACHE_SNAPSHOT_KEY = 'webwxCache';

/** `[request target, Cookie header, valid until (epoch ms; null: no cookie in it expires)]`. */
export type HeaderEntry = [target: string, header: string, validUntil: number | null];

/**
 * `[request target, cookie name, the Set-Cookie header without its expiry, that header's expiry
 * (epoch ms; null: none), when it reached the jar (epoch ms)]`.
 */
export type StoreEntry = [
  target: string,
  name: string,
  rest: string,
  expiresAt: number | null,
  storedAt: number,
];

export interface CookieCacheSnapshot {
  headers: HeaderEntry[];
  stores: StoreEntry[];
}

/** The jar as plain JSON, for persisting a session. Treat as opaque. */
export type SerializedCookies = SerializedCookieJar & { [CACHE_SNAPSHOT_KEY]?: CookieCacheSnapshot };

/** Infinity as JSON can hold it (null), and back. */
export const toJsonNumber = (n: number): number | null => (n === Number.POSITIVE_INFINITY ? null : n);
export const fromJsonNumber = (n: number | null): number => (n === null ? Number.POSITIVE_INFINITY : n);

const isString = (v: unknown): v is string => typeof v === 'string';
const isTime = (v: unknown): v is number | null =>
  v === null || (typeof v === 'number' && Number.isFinite(v));

function isHeaderEntry(v: unknown): v is HeaderEntry {
  return Array.isArray(v) && v.length === 3 && isString(v[0]) && isString(v[1]) && isTime(v[2]);
}

function isStoreEntry(v: unknown): v is StoreEntry {
  return (
    Array.isArray(v) &&
    v.length === 5 &&
    isString(v[0]) &&
    isString(v[1]) &&
    isString(v[2]) &&
    isTime(v[3]) &&
    typeof v[4] === 'number' &&
    Number.isFinite(v[4])
  );
}

/** The snapshot of a serialised jar, or undefined when it has none or it is malformed. */
export function readCacheSnapshot(jar: unknown, maxEntries: number): CookieCacheSnapshot | undefined {
  if (typeof jar !== 'object' || jar === null) return undefined;
  const value = (jar as Record<string, unknown>)[CACHE_SNAPSHOT_KEY];
  if (typeof value !== 'object' || value === null) return undefined;
  const { headers, stores } = value as Record<string, unknown>;
  if (!Array.isArray(headers) || !Array.isArray(stores)) return undefined;
  if (headers.length > maxEntries || stores.length > maxEntries) return undefined;
  if (!headers.every(isHeaderEntry) || !stores.every(isStoreEntry)) return undefined;
  return { headers, stores };
}

/**
 * The shape tough-cookie's deserialisation needs: a list of cookies as objects whose dates can be
 * read. tough-cookie takes a date it cannot read, and its serialisation then throws out of a callback,
 * which no caller can catch: the process would die on a corrupt saved session.
 */
export function isSerializedJar(v: unknown): v is SerializedCookieJar {
  if (typeof v !== 'object' || v === null) return false;
  const cookies = (v as { cookies?: unknown }).cookies;
  return Array.isArray(cookies) && cookies.every(isSerializedCookie);
}

/**
 * Every cookie of the jar has Path=/ (the real server's and the emulator's): a Cookie header then
 * depends on the scheme and host only, so one header serves a whole origin (cookie-store.ts).
 */
export function rootPathsOnly(jar: SerializedCookieJar): boolean {
  return jar.cookies.every((c) => c.path === '/');
}

const DATE_FIELDS = ['expires', 'creation', 'lastAccessed'] as const;

function isSerializedCookie(c: unknown): boolean {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return false;
  const cookie = c as Record<string, unknown>;
  return DATE_FIELDS.every((field) => {
    const value = cookie[field];
    if (value === undefined || value === null || value === 'Infinity') return true;
    return (
      (typeof value === 'string' || typeof value === 'number') && Number.isFinite(new Date(value).getTime())
    );
  });
}

/** The saved form frozen, its cookies and snapshot too: toJSON hands the same object out again. */
export function deepFreeze<T extends SerializedCookies>(data: T): T {
  for (const cookie of data.cookies) Object.freeze(cookie);
  Object.freeze(data.cookies);
  const snapshot = data[CACHE_SNAPSHOT_KEY];
  if (snapshot) {
    for (const entry of [...snapshot.headers, ...snapshot.stores]) Object.freeze(entry);
    Object.freeze(snapshot.headers);
    Object.freeze(snapshot.stores);
    Object.freeze(snapshot);
  }
  return Object.freeze(data);
}
