/**
 * Session start after login (§4.1–§4.4): webwxinit, then webwxstatusnotify (Code 3, self to self),
 * every webwxgetcontact page and every room's members through webwxbatchgetcontact, overlapped: each
 * page's rooms are asked for while the next page loads.
 */
import { sessionEndOf } from '../../errors.js';
import { type Contact, isRoomUserName, selfToContact } from '../../model/index.js';
import {
  BATCH_LIMIT,
  buildBatchGetContactRequests,
  buildGetContactRequest,
  buildInitRequest,
  buildStatusNotifyRequest,
  parseBatchGetContactReply,
  parseGetContactReply,
  parseInitReply,
  parseStatusNotifyReply,
} from '../../protocol/index.js';
import type { WireContact } from '../../protocol/wire-types.js';
import { isContactCache } from '../../store/index.js';
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import { hasContactList, initialContactsOf } from './app-mode.js';
import { saveContactCache } from './cached-contacts.js';
import type { Session } from './session-state.js';

/** The official client stops after 16 pages; we allow far more but never loop for ever. */
const MAX_CONTACT_PAGES = 1000;
/** batchgetcontact calls in flight at once while loading rooms. */
const BATCH_CONCURRENCY = 2;
/**
 * Rooms are asked for in calls of at most this many members (by the rooms' known or estimated member
 * counts; still at most BATCH_LIMIT names a call), so that a reply stays near 600 kB: 50 rooms of
 * 500 members are 6 MB of JSON, held as bytes, text and parsed objects at once.
 */
const MEMBERS_PER_CALL = 2500;
/** Members assumed for a room whose count is unknown (getcontact lists rooms with MemberCount 0) before any reply tells the average. A group holds at most 500. */
const ASSUMED_ROOM_MEMBERS = 500;

/** webwxinit: credentials, SyncKey, self, the first contacts. Returns self. */
export async function initSession(
  rt: Runtime,
  session: Session,
  directory: MutableContactDirectory,
): Promise<Contact> {
  const reply = await rt.send(
    buildInitRequest(session.context(), { deviceId: session.deviceId, nowMs: rt.options.now() }),
    { retry: true },
  );
  const init = parseInitReply(reply.text);
  session.updateSkey(init.SKey);
  session.updateKeys(init.SyncKey, init.SyncKey);
  session.selfUser = init.User;
  session.inviteStartCount = init.InviteStartCount;
  const self = selfToContact(init.User);
  session.self = self;
  directory.setSelf(init.User.UserName);
  // The File Transfer web: the account and filehelper alone (made up when init does not list it).
  directory.upsert(initialContactsOf(session.app, init));
  return self;
}

/** Status notify Code 3 (INITED). Its failure does not end the session; a logout Ret does. */
export async function notifyInited(rt: Runtime, session: Session): Promise<void> {
  const self = session.selfUserName;
  try {
    const reply = await rt.send(
      buildStatusNotifyRequest(session.context(), {
        deviceId: session.deviceId,
        code: 3,
        from: self,
        to: self,
        nowMs: rt.options.now(),
      }),
      { retry: true },
    );
    parseStatusNotifyReply(reply.text);
  } catch (error) {
    const ended = sessionEndOf(error);
    if (ended || rt.signal.aborted) throw ended ?? error;
    rt.logger.warn({ error: errorText(error) }, 'webwxstatusnotify failed; going on');
  }
}

/** Every getcontact page, while Seq ≠ 0. `onPage` sees each page's contacts once they are in the directory. */
export async function loadContactPages(
  rt: Runtime,
  session: Session,
  directory: MutableContactDirectory,
  collect?: WireContact[],
  onPage?: (contacts: readonly WireContact[]) => void,
): Promise<void> {
  let seq = 0;
  const seen = new Set<number>();
  for (let page = 1; ; page++) {
    const reply = await rt.send(buildGetContactRequest(session.context(), { seq, nowMs: rt.options.now() }), {
      retry: true,
    });
    const contacts = parseGetContactReply(reply.text);
    directory.upsert(contacts.MemberList);
    collect?.push(...contacts.MemberList);
    onPage?.(contacts.MemberList);
    rt.logger.debug({ page, count: contacts.MemberList.length, seq: contacts.Seq }, 'contact page');
    seen.add(seq);
    seq = contacts.Seq;
    if (!seq) return;
    if (seen.has(seq) || page >= MAX_CONTACT_PAGES) {
      rt.logger.warn({ page, seq }, 'webwxgetcontact paging does not end; stopping');
      return;
    }
  }
}

/**
 * batchgetcontact for UserNames (rooms or people) that may still be arriving: `add()` names while the
 * calls run (the rooms of each getcontact page, so member loading overlaps paging), `close()` when no
 * more will come, and `done` settles once every call has been answered (rejecting with the first
 * failure). A call holds at most BATCH_LIMIT names and, for rooms, about MEMBERS_PER_CALL members: a
 * room counts for its known member count, else for the average of the rooms answered so far
 * (ASSUMED_ROOM_MEMBERS before any). Each name is asked for once.
 */
class BatchContactLoader {
  readonly done: Promise<void>;
  /** Entries that came back. */
  received = 0;
  readonly #names: string[] = [];
  readonly #added = new Set<string>();
  #next = 0;
  #closed = false;
  #failed = false;
  #waiting: (() => void)[] = [];
  #roomsSeen = 0;
  #membersSeen = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly session: Session,
    private readonly directory: MutableContactDirectory,
    private readonly collect?: WireContact[],
  ) {
    this.done = Promise.all(Array.from({ length: BATCH_CONCURRENCY }, () => this.#worker())).then(
      () => {},
      (error: unknown) => {
        this.#failed = true;
        this.#wakeAll();
        throw error;
      },
    );
    // Settled by whoever awaits `done`; never an unhandled rejection meanwhile.
    this.done.catch(() => {});
  }

  /**
   * Queue names. A name already queued is skipped unless `again` (a later getcontact page listed the
   * room again without members: asking again keeps the members the page entry replaced).
   */
  add(userNames: Iterable<string>, again = false): void {
    for (const userName of userNames) {
      if (!again && this.#added.has(userName)) continue;
      this.#added.add(userName);
      this.#names.push(userName);
    }
    this.#wakeAll();
  }

  close(): void {
    this.#closed = true;
    this.#wakeAll();
  }

  #wakeAll(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }

  #weight(userName: string): number {
    if (!isRoomUserName(userName)) return 1;
    const known = this.directory.room(userName)?.memberCount ?? 0;
    if (known > 0) return known;
    return this.#roomsSeen > 0 ? Math.max(1, this.#membersSeen / this.#roomsSeen) : ASSUMED_ROOM_MEMBERS;
  }

  /** The next call's names, sized when it starts (so later calls use what earlier replies told). */
  #takeCall(): string[] {
    const names: string[] = [];
    let members = 0;
    while (this.#next < this.#names.length && names.length < BATCH_LIMIT) {
      const userName = this.#names[this.#next] as string;
      const w = this.#weight(userName);
      if (names.length > 0 && members + w > MEMBERS_PER_CALL) break;
      names.push(userName);
      members += w;
      this.#next++;
    }
    return names;
  }

  async #worker(): Promise<void> {
    for (;;) {
      if (this.#failed) return;
      if (this.#next >= this.#names.length) {
        if (this.#closed) return;
        await new Promise<void>((resolve) => this.#waiting.push(resolve));
        continue;
      }
      const names = this.#takeCall();
      const [spec] = buildBatchGetContactRequests(this.session.context(), {
        deviceId: this.session.deviceId,
        items: names.map((userName) => ({ UserName: userName, EncryChatRoomId: '' })),
        nowMs: this.rt.options.now(),
      });
      if (spec === undefined) continue;
      const reply = await this.rt.send(spec, { retry: true });
      const batch = parseBatchGetContactReply(reply.text);
      for (const entry of batch.ContactList) {
        if (!isRoomUserName(entry.UserName)) continue;
        this.#roomsSeen++;
        this.#membersSeen += entry.MemberList.length;
      }
      this.directory.upsert(batch.ContactList);
      this.collect?.push(...batch.ContactList);
      this.received += batch.ContactList.length;
    }
  }
}

/**
 * batchgetcontact for the given UserNames (rooms or people), a few calls at a time (BatchContactLoader),
 * and puts every returned entry in the directory. Returns how many entries came back.
 */
export async function batchGetContacts(
  rt: Runtime,
  session: Session,
  directory: MutableContactDirectory,
  userNames: readonly string[],
  collect?: WireContact[],
): Promise<number> {
  // The File Transfer web has no contacts to look up (docs/filehelper.md).
  if (userNames.length === 0 || !hasContactList(session.app)) return 0;
  const loader = new BatchContactLoader(rt, session, directory, collect);
  loader.add(userNames);
  loader.close();
  await loader.done;
  return loader.received;
}

/**
 * Init has run: status notify, contact pages, and every room's members. The three overlap: the
 * status notify goes out with the first page, and each page's rooms are asked for (batchgetcontact)
 * while the next page loads; rooms only init listed are asked for after the last page.
 */
export async function loadContacts(
  rt: Runtime,
  session: Session,
  directory: MutableContactDirectory,
): Promise<{ contacts: number; rooms: number; members: number }> {
  const notified = notifyInited(rt, session);
  notified.catch(() => {});
  if (!hasContactList(session.app)) {
    // The File Transfer web: the account and filehelper (from init) are all there is.
    await notified;
    const counts = directory.counts();
    rt.logger.info(counts, 'contacts loaded');
    return counts;
  }
  const cache = isContactCache(rt.options.store) ? rt.options.store : undefined;
  const wires: WireContact[] = [];
  const loader = new BatchContactLoader(rt, session, directory, cache ? wires : undefined);
  try {
    await loadContactPages(rt, session, directory, cache ? wires : undefined, (contacts) => {
      const rooms: string[] = [];
      for (const c of contacts) if (isRoomUserName(c.UserName)) rooms.push(c.UserName);
      if (rooms.length > 0) loader.add(rooms, true);
    });
    loader.add(directory.rooms().map((r) => r.userName));
  } finally {
    loader.close();
  }
  await notified;
  await loader.done;
  // The contact cache (cached-contacts.ts): the last full list, rooms with their members.
  if (cache) await saveContactCache(rt, session.selfUserName, wires);
  const counts = directory.counts();
  rt.logger.info(counts, 'contacts loaded');
  return counts;
}
