/**
 * The contact phase of start() (docs/sessions.md, "Hot reload"). After a QR or push login the
 * contact list and every room's members load before 'ready'. After a resume whose contact cache was
 * written by the same login, the directory takes the cached contacts at once, the cached rooms (most
 * of a big account's cache: 12 of 15 MB for 200 rooms of 500) when a sync reply first touches a room
 * or after the first round, and the server's list loads in the background after them. So the sync
 * loop starts right after webwxinit, and a restart's first private message waits for neither a big
 * account's rooms nor its server list.
 */
import { type LoggedOutError, sessionEndOf, WebWxError } from '../../errors.js';
import { isRoomUserName } from '../../model/index.js';
import type { SyncReply, WireContact } from '../../protocol/wire-types.js';
import type { ContactsEvent, LoginStep } from '../client-types.js';
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import { hasContactList } from './app-mode.js';
import { type CachedPart, fillFromContactCache } from './cached-contacts.js';
import { loadContacts } from './session-loader.js';
import type { Session } from './session-state.js';

/** What startContactPhase() leaves running. */
export interface ContactPhase {
  /** Entries the directory took from the contact cache (0: the list was loaded from the server first). */
  fromCache: number;
  /** Settles once the server's list is in the directory (already settled when `fromCache` is 0). */
  loaded: Promise<ContactsEvent>;
  /** Starts the background load (`fromCache` > 0): the cached rooms first; later calls do nothing. */
  begin?: () => void;
  /**
   * Settles once the cached rooms are in the directory, starting that fill on the first call (at once
   * when the rooms came from the server). Never rejects: a cache that cannot be read is logged.
   */
  rooms: () => Promise<void>;
  /**
   * What a sync reply waits for before it is applied: the cached rooms' fill when the reply touches
   * a room and they are not in yet; undefined otherwise, and at once, without looking at the reply,
   * once they are in (the sync loop asks on every round).
   */
  roomsFor: (sync: RoomTouches) => Promise<void> | undefined;
}

/**
 * The background load waits for the first webwxsync reply (what came in while the process was down
 * goes first: the load's big replies would share the thread and the connection with it), or this
 * long after 'ready' when the first synccheck is a quiet long poll.
 */
const REFRESH_AT_LATEST_MS = 1000;

/**
 * Resume with a usable cache: fills the directory with its contacts and returns at once, the cached
 * rooms coming on demand (`rooms`) and the server's list in the background (`loaded`). Otherwise
 * loads the list from the server and returns when it is in. `loaded` never goes unhandled: whoever
 * needs its outcome awaits it. `upsertRooms` puts the cached rooms in (the contact service's quiet
 * fill: they are not changes); `prefetched` is the cache's contacts read while webwxinit was on the
 * wire (prefetchContactCache).
 */
export async function startContactPhase(
  rt: Runtime,
  session: Session,
  directory: MutableContactDirectory,
  step: LoginStep,
  upsertRooms: (wires: readonly WireContact[]) => void = (wires) => directory.upsert(wires),
  prefetched?: Promise<CachedPart | undefined>,
): Promise<ContactPhase> {
  const cached =
    step === 'resume' && hasContactList(session.app)
      ? await fillFromContactCache(rt, session.selfUserName, directory, 'contacts', undefined, prefetched)
      : 0;
  if (cached === 0) {
    const counts = await loadContacts(rt, session, directory);
    return {
      fromCache: 0,
      loaded: Promise.resolve(counts),
      rooms: () => Promise.resolve(),
      roomsFor: () => undefined,
    };
  }
  rt.logger.info(
    { cached },
    'resumed with the cached contacts; rooms on demand, the list refreshing in the background',
  );
  let roomsFilled: Promise<void> | undefined;
  let roomsIn = false;
  const rooms = (): Promise<void> =>
    (roomsFilled ??= fillFromContactCache(rt, session.selfUserName, directory, 'rooms', upsertRooms)
      .then(
        () => {},
        (error: unknown) => rt.logger.warn({ error: errorText(error) }, 'filling the cached rooms failed'),
      )
      .finally(() => {
        roomsIn = true;
      }));
  const roomsFor = (sync: RoomTouches): Promise<void> | undefined =>
    roomsIn || !touchesRooms(sync) ? undefined : rooms();
  let begin: () => void = () => {};
  const loaded = new Promise<ContactsEvent>((resolve) => {
    begin = () => {
      begin = () => {};
      resolve(rooms().then(() => loadContacts(rt, session, directory)));
    };
  });
  loaded.catch(() => {});
  return { fromCache: cached, loaded, begin: () => begin(), rooms, roomsFor };
}

/** The parts of a webwxsync reply that can name a room. */
export type RoomTouches = Pick<
  SyncReply,
  'AddMsgList' | 'ModContactList' | 'DelContactList' | 'ModChatRoomMemberList'
>;

/**
 * Whether a webwxsync reply touches a room (a message in or to one, a room in its contact lists):
 * such a reply waits for the cached rooms, so that nothing of a room is decoded or changed before the
 * room is in the directory.
 */
function touchesRooms(sync: RoomTouches): boolean {
  const isRoom = (name: unknown): boolean => typeof name === 'string' && isRoomUserName(name);
  return (
    sync.AddMsgList.some((m) => isRoom(m?.FromUserName) || isRoom(m?.ToUserName)) ||
    sync.ModContactList.some((c) => isRoom(c?.UserName)) ||
    sync.DelContactList.some((c) => isRoom(c?.UserName)) ||
    sync.ModChatRoomMemberList.length > 0
  );
}

/**
 * Once 'ready': `client.contacts.loaded()` follows `phase.loaded`, and on the background path
 * 'contacts' is emitted when the refresh lands. A refresh that fails keeps the cached list: a session
 * end goes to `endSession`, anything else is logged and an 'error' event.
 */
export function followContactPhase(
  rt: Runtime,
  phase: ContactPhase,
  contacts: { settleLoaded(outcome: Promise<ContactsEvent>): void },
  endSession: (error: LoggedOutError) => void,
): void {
  contacts.settleLoaded(phase.loaded);
  if (phase.fromCache === 0 || !phase.begin) return;
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
