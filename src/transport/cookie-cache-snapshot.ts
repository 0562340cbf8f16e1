/**
 * The part of a saved cookie jar that is not tough-cookie's: the Cookie headers the store last sent
 * and its last real store of each cookie (cookie-store.ts), so that a resumed session sends its first
 * requests and reads its first replies without loading tough-cookie. Both are derived from the jar
 * saved beside them, at the moment it was saved.
 *
 * Read defensively: the snapshot comes from a store, so anything malformed (or too large) is dropped
 * as a whole, and the jar then works as if it had none.
 */

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
