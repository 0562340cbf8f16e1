/**
 * The store's contact cache (docs/sessions.md, "Hot reload"): the last full contact list of a login,
 * rooms with their members, saved after every full load and read back when a restart resumes that
 * same login, in two parts: the contacts before the first message, the rooms when first needed. UserNames belong to one login (PROTOCOL.md §10.3), so the cache is tagged with the self
 * UserName of the login that wrote it (a store setting) and only a resume whose webwxinit names the
 * same self uses it; any other cache is ignored. A store that reads entries by UserName
 * (`loadContactsNamed`: SqliteStore, PostgresStore, MemoryStore) lets a resume read only what its
 * first messages name before it answers them (contact-phase.ts).
 */
import { isRoomUserName } from '../../model/index.js';
import type { WireContact } from '../../protocol/wire-types.js';
import {
  type ContactCache,
  type ContactCachePart,
  hasStoreSettings,
  isContactCache,
} from '../../store/index.js';
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';

/** The store setting naming the login (its self UserName) whose contacts the cache holds. */
export const CONTACT_CACHE_OWNER_KEY = 'contact-cache.self';

/** Saves the cache and tags it with `selfUserName`; a failing store is logged, never thrown. */
export async function saveContactCache(
  rt: Pick<Runtime, 'options' | 'logger'>,
  selfUserName: string,
  wires: readonly WireContact[],
): Promise<void> {
  const store = rt.options.store;
  if (!isContactCache(store)) return;
  try {
    const byName = new Map(wires.map((w) => [w.UserName, cacheEntryOf(w)]));
    await store.saveContacts([...byName.values()]);
    if (hasStoreSettings(store)) await store.setSetting(CONTACT_CACHE_OWNER_KEY, selfUserName);
  } catch (error) {
    rt.logger.warn({ error: errorText(error) }, 'saving the contact cache failed');
  }
}

/**
 * The session's skey out of an avatar URL (`…webwxgeticon?seq=…&username=…&skey=@crypt_…`): the cache
 * is not sealed by the store key, and an avatar is fetched with the current skey anyway (download.ts).
 */
export function withoutSkey(wire: WireContact): WireContact {
  const url = wire.HeadImgUrl;
  if (typeof url !== 'string' || !/[?&]skey=/.test(url)) return wire;
  const stripped = url.replace(/([?&])skey=[^&#]*&?/, '$1').replace(/[?&]$/, '');
  return { ...wire, HeadImgUrl: stripped };
}

/**
 * What the cache keeps of an entry (exported for its test). A room's members keep only what the directory reads of them (UserName, NickName, DisplayName): the
 * other eight fields of each member are most of a big account's cache (28 MB → 9 MB for 200 rooms of
 * 500), and reading it back is what a resume waits for. A contact keeps every field except those at
 * their wire default ('', 0, []), which the decoders read as missing anyway (3.4 → 1.7 MB for 5,000
 * contacts: the part of the cache a resume reads before its first message).
 */
export function cacheEntryOf(entry: WireContact): WireContact {
  const wire = withoutSkey(entry);
  if (!isRoomUserName(wire.UserName)) return withoutDefaults(wire);
  if (!Array.isArray(wire.MemberList)) return wire;
  const members = wire.MemberList.map((m) => ({
    UserName: m?.UserName,
    NickName: m?.NickName,
    DisplayName: m?.DisplayName,
  }));
  // Partial members on purpose: toRoom() reads these three and defaults the rest.
  return { ...wire, MemberList: members as WireContact['MemberList'] };
}

function withoutDefaults(wire: WireContact): WireContact {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) {
    if (value === '' || value === 0 || (Array.isArray(value) && value.length === 0)) continue;
    kept[key] = value;
  }
  // Partial on purpose: toContact() reads a missing field as its default.
  return kept as unknown as WireContact;
}

/** One part of the cache as read from the store, with the login that wrote it. */
export interface CachedPart {
  /** The self UserName of the login that wrote the cache (CONTACT_CACHE_OWNER_KEY). */
  owner: string;
  wires: unknown;
}

/**
 * Reads one part of the cache when it was written by the login `owner` (undefined otherwise, and
 * when the store has no cache or cannot be read: that is logged). A resume calls it for the
 * contacts while its webwxinit is on the wire, with the saved session's self as `owner`
 * (prefetchContactCache); fillFromContactCache checks the owner again once webwxinit has answered.
 */
export async function readContactCache(
  rt: Pick<Runtime, 'options' | 'logger'>,
  owner: string,
  part: ContactCachePart,
): Promise<CachedPart | undefined> {
  const store = rt.options.store;
  if (!isContactCache(store) || !hasStoreSettings(store) || !owner) return undefined;
  try {
    if ((await store.getSetting(CONTACT_CACHE_OWNER_KEY)) !== owner) return undefined;
    return { owner, wires: await store.loadContacts(part) };
  } catch (error) {
    rt.logger.warn({ error: errorText(error) }, 'the contact cache cannot be read; loading the contacts');
    return undefined;
  }
}

/** A contact cache that reads entries by UserName, so a resume reads it lazily (contact-phase.ts). */
export type NamedContactCache = ContactCache & Required<Pick<ContactCache, 'loadContactsNamed'>>;

/** Whether `store` is a contact cache that reads entries by UserName. */
export function readsContactsByName(store: unknown): store is NamedContactCache {
  return isContactCache(store) && typeof store.loadContactsNamed === 'function';
}

/**
 * Whether the store's cache was written by the login `owner` and reads entries by UserName: a resume
 * then reads it lazily. False (logged) when the store cannot be read.
 */
export async function hasNamedContactCache(
  rt: Pick<Runtime, 'options' | 'logger'>,
  owner: string,
): Promise<boolean> {
  const store = rt.options.store;
  if (!readsContactsByName(store) || !hasStoreSettings(store) || !owner) return false;
  try {
    return (await store.getSetting(CONTACT_CACHE_OWNER_KEY)) === owner;
  } catch (error) {
    rt.logger.warn({ error: errorText(error) }, 'the contact cache cannot be read; loading the contacts');
    return false;
  }
}

/**
 * Runs `read` two turns from now: the first lets the transport connect, the second runs once a
 * request started now (the resume's webwxinit) is written. One turn ran a read before the request
 * went out, and gained nothing.
 */
export function afterRequestWritten<T>(read: () => T | Promise<T>): Promise<T> {
  return new Promise((resolve, reject) =>
    setImmediate(() =>
      setImmediate(() => {
        try {
          resolve(read());
        } catch (error) {
          reject(error);
        }
      }),
    ),
  );
}

/**
 * A store that reads the cache by UserName is not read here: the resume reads what its first
 * messages name, and the rest after its first round (contact-phase.ts). Otherwise:
 * starts reading the cache's contacts once the resume's webwxinit is on the wire: the read (about
 * 70 ms for 5,000 contacts on the bench machine, most of it SQLite's rows and their JSON; the client
 * reads the stable ids right after it) then runs while the server answers, not after. Its gain is
 * the webwxinit round trip, in the bench row "restart: process start → first reply" (about 30 ms of
 * 600: 'resume trying' → first reply 247–291 ms against 253–306 before, in traces with
 * WEBWX_BENCH_TRACE=1). The read is dropped when the resume fails or names another self. When the
 * request is not out yet (a slow connect), the read runs first: the same total, in another order.
 */
export function prefetchContactCache(
  rt: Pick<Runtime, 'options' | 'logger'>,
  owner: string | undefined,
): Promise<CachedPart | undefined> | undefined {
  const store = rt.options.store;
  if (!owner || !isContactCache(store) || readsContactsByName(store)) return undefined;
  return afterRequestWritten(() => readContactCache(rt, owner, 'contacts'));
}

/**
 * A resume's reads while its webwxinit is on the wire (prefetchContactCache): the cache's contacts
 * for a store that does not read them by name, and every stable-id record unless both the cache and
 * the stable-id store read by name (then contact-phase.ts reads what each reply names).
 */
export function prefetchForResume(
  rt: Pick<Runtime, 'options' | 'logger'>,
  owner: string | undefined,
  contacts: { readAllStableIds(): Promise<void>; readonly readsStableIdsByName: boolean },
): Promise<CachedPart | undefined> | undefined {
  const prefetched = prefetchContactCache(rt, owner);
  // PostgresStore's stable-id store, which holds its records from the open, reads none by name.
  if (!readsContactsByName(rt.options.store) || !contacts.readsStableIdsByName)
    void (prefetched ?? afterRequestWritten(() => {})).then(() => contacts.readAllStableIds());
  return prefetched;
}

/** How fillFromContactCache puts entries in. */
export interface CacheFillOptions {
  /** Puts the entries in (by default `directory.upsert`). */
  upsert?: (wires: readonly WireContact[]) => void;
  /** The part already read (prefetchContactCache). */
  read?: Promise<CachedPart | undefined>;
  /** UserNames left out: already read by name, so a later change (a removal) is not undone. */
  skip?: ReadonlySet<string>;
}

/**
 * Fills the directory with one part of the cache (`contacts`: everything but the rooms; `rooms`: the
 * rooms with their members) when it was written by this login (`selfUserName`), and returns how many
 * entries that part held (0: no usable cache). What the directory already holds is fresher and stays,
 * except rooms listed with fewer members than the cache holds (webwxinit may list only a few of a
 * room's members): those take the cached entry until the refresh lands (CacheFillOptions).
 */
export async function fillFromContactCache(
  rt: Pick<Runtime, 'options' | 'logger'>,
  selfUserName: string,
  directory: MutableContactDirectory,
  part: ContactCachePart,
  options: CacheFillOptions = {},
): Promise<number> {
  const { upsert = (wires) => directory.upsert(wires), read, skip } = options;
  const cached = await (read ?? readContactCache(rt, selfUserName, part));
  if (!cached || !selfUserName || cached.owner !== selfUserName) return 0;
  const wires = cached.wires;
  if (!Array.isArray(wires)) return 0;
  const rooms = part === 'rooms';
  // A store that predates `part` returns everything: keep the part asked for.
  const inPart = (wires as WireContact[]).filter(
    (w) => typeof w?.UserName === 'string' && w.UserName && isRoomUserName(w.UserName) === rooms,
  );
  const fresh = inPart.filter((w) => {
    const name = w.UserName;
    if (skip?.has(name)) return false;
    if (!rooms) return !directory.has(name);
    const known = directory.room(name);
    return !known || (Array.isArray(w.MemberList) && w.MemberList.length > known.members.length);
  });
  upsert(fresh);
  rt.logger.debug({ part, cached: inPart.length, used: fresh.length }, 'contacts from the cache');
  return inPart.length;
}

/**
 * Puts in the cached contacts (not rooms) named `userNames` that the directory lacks, and returns
 * how many. The caller checks that the cache is this login's (hasNamedContactCache). Never throws:
 * a failing read is logged, and the names are then looked up on the server like any unknown sender.
 */
export async function fillNamedFromContactCache(
  rt: Pick<Runtime, 'options' | 'logger'>,
  directory: MutableContactDirectory,
  userNames: readonly string[],
  upsert: (wires: readonly WireContact[]) => void,
): Promise<number> {
  const store = rt.options.store;
  if (!readsContactsByName(store) || userNames.length === 0) return 0;
  try {
    const wires = await store.loadContactsNamed(userNames);
    const fresh = (Array.isArray(wires) ? wires : []).filter(
      (w) =>
        typeof w?.UserName === 'string' &&
        w.UserName !== '' &&
        !isRoomUserName(w.UserName) &&
        !directory.has(w.UserName),
    );
    upsert(fresh);
    rt.logger.debug({ asked: userNames.length, used: fresh.length }, 'contacts from the cache by name');
    return fresh.length;
  } catch (error) {
    rt.logger.warn({ error: errorText(error) }, 'reading contacts from the cache failed');
    return 0;
  }
}
