/**
 * The store's contact cache (docs/sessions.md, "Hot reload"): the last full contact list of a login,
 * rooms with their members, saved after every full load and read back when a restart resumes that
 * same login. UserNames belong to one login (PROTOCOL.md §10.3), so the cache is tagged with the self
 * UserName of the login that wrote it (a store setting) and only a resume whose webwxinit names the
 * same self uses it; any other cache is ignored.
 */
import { isRoomUserName } from '../../model/index.js';
import type { WireContact } from '../../protocol/wire-types.js';
import { hasStoreSettings, isContactCache } from '../../store/index.js';
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
    const byName = new Map(wires.map((w) => [w.UserName, slim(w)]));
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
 * A room's members keep only what the directory reads of them (UserName, NickName, DisplayName): the
 * other eight fields of each member are most of a big account's cache (28 MB → 9 MB for 200 rooms of
 * 500), and reading it back is what a resume waits for. Contacts are kept whole.
 */
function slim(entry: WireContact): WireContact {
  const wire = withoutSkey(entry);
  if (!isRoomUserName(wire.UserName) || !Array.isArray(wire.MemberList)) return wire;
  const members = wire.MemberList.map((m) => ({
    UserName: m?.UserName,
    NickName: m?.NickName,
    DisplayName: m?.DisplayName,
  }));
  // Partial members on purpose: toRoom() reads these three and defaults the rest.
  return { ...wire, MemberList: members as WireContact['MemberList'] };
}

/**
 * Fills the directory from the cache when it was written by this login (`selfUserName`), and returns
 * how many entries it held (0: no usable cache). What webwxinit already put in the directory is
 * fresher and stays, except rooms init listed with fewer members than the cache holds (init may list
 * only a few of a room's members): those take the cached entry until the refresh lands.
 */
export async function fillFromContactCache(
  rt: Pick<Runtime, 'options' | 'logger'>,
  selfUserName: string,
  directory: MutableContactDirectory,
): Promise<number> {
  const store = rt.options.store;
  if (!isContactCache(store) || !hasStoreSettings(store) || !selfUserName) return 0;
  let wires: WireContact[];
  try {
    if ((await store.getSetting(CONTACT_CACHE_OWNER_KEY)) !== selfUserName) return 0;
    wires = await store.loadContacts();
  } catch (error) {
    rt.logger.warn({ error: errorText(error) }, 'the contact cache cannot be read; loading the contacts');
    return 0;
  }
  if (!Array.isArray(wires)) return 0;
  const fresh = wires.filter((w) => {
    const name = w?.UserName;
    if (typeof name !== 'string' || !name) return false;
    if (!isRoomUserName(name)) return !directory.has(name);
    const known = directory.room(name);
    return !known || (Array.isArray(w.MemberList) && w.MemberList.length > known.members.length);
  });
  directory.upsert(fresh);
  rt.logger.debug({ cached: wires.length, used: fresh.length }, 'contacts from the cache');
  return wires.length;
}
