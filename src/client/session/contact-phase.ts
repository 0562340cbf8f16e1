/**
 * The contact phase of start() (docs/sessions.md, "Hot reload"). After a QR or push login the
 * contact list and every room's members load before 'ready'. After a resume whose contact cache was
 * written by the same login, the sync loop starts right after webwxinit:
 * - with a store that reads the cache by UserName (SqliteStore, PostgresStore, MemoryStore), a sync
 *   reply that names contacts the directory lacks first takes those entries from the cache; the rest
 *   of the cached contacts come after the first round. So a restart's first private message waits
 *   for nothing that grows with the contact list (5,000 contacts: about 100 ms of reading, decoding
 *   and stable ids on the bench machine, in the bench row "restart with a saved session");
 * - with another store, the directory takes the cached contacts before 'ready';
 * - the cached rooms (most of a big account's cache: 12 of 15 MB for 200 rooms of 500) come when a
 *   sync reply first touches a room, after the contacts, or after the first round;
 * - the server's list loads in the background after them.
 */
import { type LoggedOutError, sessionEndOf, WebWxError } from '../../errors.js';
import { isRoomUserName } from '../../model/index.js';
import type { SyncReply, WireContact } from '../../protocol/wire-types.js';
import type { ContactsEvent, LoginStep } from '../client-types.js';
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import { hasContactList } from './app-mode.js';
import {
  type CachedPart,
  fillFromContactCache,
  fillNamedFromContactCache,
  hasNamedContactCache,
} from './cached-contacts.js';
import { loadContacts } from './session-loader.js';
import type { Session } from './session-state.js';

/** What startContactPhase() leaves running. */
export interface ContactPhase {
  /** The contact cache is in use (false: the list was loaded from the server first). */
  fromCache: boolean;
  /**
   * The cache is read by name (a lazy resume): the directory holds what webwxinit named, so only
   * their stable ids are read before 'ready' (the contact service's goLive).
   */
  byName: boolean;
  /** Settles once the server's list is in the directory (already settled when `fromCache` is false). */
  loaded: Promise<ContactsEvent>;
  /** Settles once the directory holds a whole list: the cached contacts and rooms, or the server's. Never rejects. */
  filled: Promise<void>;
  /**
   * With the cache: starts the background load, the cached contacts and rooms not in yet first,
   * then the server's list; later calls do nothing.
   */
  begin?: () => void;
  /**
   * What a sync reply waits for before it is applied: when it touches a room and the cached rooms
   * are not in yet, the cached contacts and rooms; when it names contacts the directory lacks while
   * the cached contacts are not all in, those entries read by name; undefined otherwise, and at
   * once, without looking at the reply, once everything is in (the sync loop asks on every round).
   */
  cachedFor: (sync: SyncTouches) => Promise<void> | undefined;
}

/**
 * The background load waits for the first webwxsync reply (what came in while the process was down
 * goes first: the load's big replies would share the thread and the connection with it), or this
 * long after 'ready' when the first synccheck is a quiet long poll.
 */
const REFRESH_AT_LATEST_MS = 1000;

/**
 * How the phase puts cached entries in and reads the stable ids (the contact service):
 * `fillQuietly` once the directory is live (the quiet fill: they are not changes); on a lazy resume
 * `readStableIds` for the names a reply brings in by name, and `readAllStableIds` before the full
 * fill.
 */
export interface CacheFill {
  fillQuietly(wires: readonly WireContact[]): void;
  readStableIds(userNames: readonly string[]): Promise<void>;
  readAllStableIds(): Promise<void>;
}

/**
 * Resume with a usable cache: returns at once, the cached entries coming as described above
 * (`cachedFor`, `begin`) and the server's list in the background (`loaded`). Otherwise loads the
 * list from the server and returns when it is in. `loaded` never goes unhandled: whoever needs its
 * outcome awaits it. `quiet` puts cached entries in and reads their stable ids (CacheFill);
 * `prefetched` is the cache's contacts read while webwxinit was on the wire (prefetchForResume),
 * for a store that does not read by name.
 */
export async function startContactPhase(
  rt: Runtime,
  session: Session,
  directory: MutableContactDirectory,
  step: LoginStep,
  quiet: CacheFill,
  prefetched?: Promise<CachedPart | undefined>,
): Promise<ContactPhase> {
  const self = session.selfUserName;
  const resumed = step === 'resume' && hasContactList(session.app);
  const lazy = resumed && (await hasNamedContactCache(rt, self));
  const cached =
    resumed && !lazy
      ? await fillFromContactCache(rt, self, directory, 'contacts', prefetched ? { read: prefetched } : {})
      : 0;
  if (!lazy && cached === 0) {
    const counts = await loadContacts(rt, session, directory);
    return {
      fromCache: false,
      byName: false,
      loaded: Promise.resolve(counts),
      filled: Promise.resolve(),
      cachedFor: () => undefined,
    };
  }
  rt.logger.info(
    lazy ? {} : { cached },
    'resumed with the cached contacts; the list refreshing in the background',
  );
  // Filled by the cache of this login only: once a new login starts (autoRelogin: 'relogin', then the
  // directory is emptied) the cache means nothing, even to a read already under way.
  let relogin = false;
  const off = rt.events.on('relogin', () => {
    relogin = true;
    off();
  });
  const sameLogin = (): boolean => !relogin && session.selfUserName === self;
  const fill = (wires: readonly WireContact[]): void => {
    if (sameLogin()) quiet.fillQuietly(wires);
  };
  /** UserNames read by name: the full fill leaves them out (one removed since stays removed). */
  const readByName = new Set<string>();
  const filling = (what: string, read: () => Promise<unknown>) => {
    let done: Promise<void> | undefined;
    let isIn = false;
    return {
      get in() {
        return isIn;
      },
      run: (): Promise<void> =>
        (done ??= (sameLogin() ? read() : Promise.resolve())
          .then(
            () => {},
            (error: unknown) =>
              rt.logger.warn({ error: errorText(error) }, `filling the cached ${what} failed`),
          )
          .finally(() => {
            isIn = true;
          })),
    };
  };
  const contacts = lazy
    ? filling('contacts', () =>
        // Every stable-id record first: the fill gives 5,000 entries their ids in one go.
        quiet
          .readAllStableIds()
          .then(() =>
            fillFromContactCache(rt, self, directory, 'contacts', { upsert: fill, skip: readByName }),
          ),
      )
    : { in: true, run: () => Promise.resolve() };
  const rooms = filling('rooms', () => fillFromContactCache(rt, self, directory, 'rooms', { upsert: fill }));
  let markFilled: () => void = () => {};
  const filled = new Promise<void>((resolve) => {
    markFilled = resolve;
  });
  const contactsThenRooms = (): Promise<void> =>
    contacts
      .run()
      .then(() => rooms.run())
      .then(() => markFilled());
  const byName = (names: string[]): Promise<void> | undefined => {
    const wanted = names.filter((name) => name !== self && !readByName.has(name) && !directory.has(name));
    if (wanted.length === 0 || !sameLogin()) return undefined;
    for (const name of wanted) readByName.add(name);
    // Their stable-id records before their entries, so that each entry takes its id as it comes in.
    return quiet
      .readStableIds(wanted)
      .then(() => fillNamedFromContactCache(rt, directory, wanted, fill))
      .then(() => {});
  };
  const cachedFor = (sync: SyncTouches): Promise<void> | undefined => {
    if (rooms.in) return undefined;
    if (touchesRooms(sync)) return contactsThenRooms();
    return contacts.in ? undefined : byName(contactNamesIn(sync));
  };
  let begin: () => void = () => {};
  const loaded = new Promise<ContactsEvent>((resolve) => {
    begin = () => {
      begin = () => {};
      resolve(contactsThenRooms().then(() => loadContacts(rt, session, directory)));
    };
  });
  loaded.catch(() => {});
  return { fromCache: true, byName: lazy, loaded, filled, begin: () => begin(), cachedFor };
}

/** The parts of a webwxsync reply that can name a room or a contact. */
export type SyncTouches = Pick<
  SyncReply,
  'AddMsgList' | 'ModContactList' | 'DelContactList' | 'ModChatRoomMemberList'
>;

/**
 * Whether a webwxsync reply touches a room (a message in or to one, a room in its contact lists):
 * such a reply waits for the cached rooms, so that nothing of a room is decoded or changed before the
 * room is in the directory.
 */
function touchesRooms(sync: SyncTouches): boolean {
  const isRoom = (name: unknown): boolean => typeof name === 'string' && isRoomUserName(name);
  return (
    sync.AddMsgList.some((m) => isRoom(m?.FromUserName) || isRoom(m?.ToUserName)) ||
    sync.ModContactList.some((c) => isRoom(c?.UserName)) ||
    sync.DelContactList.some((c) => isRoom(c?.UserName)) ||
    sync.ModChatRoomMemberList.length > 0
  );
}

/** The contacts (not rooms) a webwxsync reply names: its messages' ends and its contact lists. */
function contactNamesIn(sync: SyncTouches): string[] {
  const names = new Set<string>();
  const add = (name: unknown): void => {
    if (typeof name === 'string' && name !== '' && !isRoomUserName(name)) names.add(name);
  };
  for (const m of sync.AddMsgList) {
    add(m?.FromUserName);
    add(m?.ToUserName);
  }
  for (const c of sync.ModContactList) add(c?.UserName);
  for (const c of sync.DelContactList) add(c?.UserName);
  return [...names];
}

/**
 * Once 'ready': `client.contacts.loaded()` follows `phase.loaded`, and on the background path
 * 'contacts' is emitted when the refresh lands. A refresh that fails keeps the cached list: a session
 * end goes to `endSession`, anything else is logged and an 'error' event.
 */
export function followContactPhase(
  rt: Runtime,
  phase: ContactPhase,
  contacts: {
    settleLoaded(outcome: Promise<ContactsEvent>): void;
    settleFilled(filled: Promise<void>): void;
  },
  endSession: (error: LoggedOutError) => void,
): void {
  contacts.settleLoaded(phase.loaded);
  contacts.settleFilled(phase.filled);
  if (!phase.begin) return;
  const begin = phase.begin;
  const go = (): void => {
    off();
    clearTimeout(timer);
    rt.signal.removeEventListener('abort', go);
    begin(); // after a stop: fails at once, and `loaded` rejects
  };
  // Once the first round's messages are handed over (the event comes before them: one turn later).
  const off = rt.events.on('sync-round', () => setTimeout(go, 0));
  const timer = setTimeout(go, REFRESH_AT_LATEST_MS);
  rt.signal.addEventListener('abort', go);
  phase.loaded.then(
    (counts) => rt.events.emit('contacts', counts),
    (error: unknown) => {
      if (rt.signal.aborted) return;
      const ended = sessionEndOf(error);
      if (ended) return endSession(ended);
      rt.logger.warn({ error: errorText(error) }, 'refreshing the contacts failed; the cached ones stay');
      if (error instanceof WebWxError) rt.events.emit('error', error);
    },
  );
}
