/**
 * Session start after login (§4.1–§4.4): webwxinit → webwxstatusnotify (Code 3, self to self) →
 * every webwxgetcontact page → every room's members through webwxbatchgetcontact (50 per call).
 */
import { LoggedOutError, logoutReasonFor, ProtocolError } from '../errors.js';
import { type Contact, isRoomUserName, selfToContact } from '../model/index.js';
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
} from '../protocol/index.js';
import type { WireContact } from '../protocol/wire-types.js';
import { isContactCache } from '../store/index.js';
import type { MutableContactDirectory } from './contact-directory.js';
import { errorText } from './error-text.js';
import type { Runtime } from './runtime.js';
import type { Session } from './session.js';

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

/** Turns a session-ending Ret (1100–1102) into LoggedOutError; other errors pass through. */
export function asLoggedOut(error: unknown): unknown {
  if (error instanceof ProtocolError) {
    const reason = logoutReasonFor(error.ret);
    if (reason) return new LoggedOutError(reason, error.ret);
  }
  return error;
}

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
  directory.upsert(init.ContactList);
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
    const mapped = asLoggedOut(error);
    if (mapped instanceof LoggedOutError || rt.signal.aborted) throw mapped;
    rt.logger.warn({ error: errorText(error) }, 'webwxstatusnotify failed; going on');
  }
}

/** Every getcontact page, while Seq ≠ 0. */
export async function loadContactPages(
  rt: Runtime,
  session: Session,
  directory: MutableContactDirectory,
  collect?: WireContact[],
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
 * batchgetcontact for the given UserNames (rooms or people), a few calls at a time, and puts every
 * returned entry in the directory. Returns how many entries came back. A call holds at most
 * BATCH_LIMIT names and, for rooms, about MEMBERS_PER_CALL members: a room counts for its known
 * member count, else for the average of the rooms answered so far (ASSUMED_ROOM_MEMBERS before any).
 */
export async function batchGetContacts(
  rt: Runtime,
  session: Session,
  directory: MutableContactDirectory,
  userNames: readonly string[],
  collect?: WireContact[],
): Promise<number> {
  if (userNames.length === 0) return 0;
  let next = 0;
  let roomsSeen = 0;
  let membersSeen = 0;
  const weight = (userName: string): number => {
    if (!isRoomUserName(userName)) return 1;
    const known = directory.room(userName)?.memberCount ?? 0;
    if (known > 0) return known;
    return roomsSeen > 0 ? Math.max(1, membersSeen / roomsSeen) : ASSUMED_ROOM_MEMBERS;
  };
  /** The next call's names, sized when it starts (so later calls use what earlier replies told). */
  const takeCall = (): string[] => {
    const names: string[] = [];
    let members = 0;
    while (next < userNames.length && names.length < BATCH_LIMIT) {
      const userName = userNames[next] as string;
      const w = weight(userName);
      if (names.length > 0 && members + w > MEMBERS_PER_CALL) break;
      names.push(userName);
      members += w;
      next++;
    }
    return names;
  };
  let received = 0;
  const worker = async (): Promise<void> => {
    while (next < userNames.length) {
      const names = takeCall();
      const [spec] = buildBatchGetContactRequests(session.context(), {
        deviceId: session.deviceId,
        items: names.map((userName) => ({ UserName: userName, EncryChatRoomId: '' })),
        nowMs: rt.options.now(),
      });
      if (spec === undefined) continue;
      const reply = await rt.send(spec, { retry: true });
      const batch = parseBatchGetContactReply(reply.text);
      for (const entry of batch.ContactList) {
        if (!isRoomUserName(entry.UserName)) continue;
        roomsSeen++;
        membersSeen += entry.MemberList.length;
      }
      directory.upsert(batch.ContactList);
      collect?.push(...batch.ContactList);
      received += batch.ContactList.length;
    }
  };
  const workers = Math.min(BATCH_CONCURRENCY, userNames.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return received;
}

/** Init has run: status notify, contact pages, then every room's members. */
export async function loadContacts(
  rt: Runtime,
  session: Session,
  directory: MutableContactDirectory,
): Promise<{ contacts: number; rooms: number; members: number }> {
  await notifyInited(rt, session);
  const cache = isContactCache(rt.options.store) ? rt.options.store : undefined;
  const wires: WireContact[] = [];
  await loadContactPages(rt, session, directory, cache ? wires : undefined);
  const rooms = directory.rooms().map((r) => r.userName);
  await batchGetContacts(rt, session, directory, rooms, cache ? wires : undefined);
  if (cache) {
    // The contact cache (docs/sessions.md): the last full list, rooms with their members.
    const byName = new Map(wires.map((w) => [w.UserName, w]));
    await cache.saveContacts([...byName.values()]).catch((error: unknown) => {
      rt.logger.warn({ error: errorText(error) }, 'saving the contact cache failed');
    });
  }
  const counts = directory.counts();
  rt.logger.info(counts, 'contacts loaded');
  return counts;
}
