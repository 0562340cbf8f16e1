/**
 * The contacts and rooms of a session, by UserName. The public, read-only view is ContactDirectory;
 * the client updates it through MutableContactDirectory (from getcontact, batchgetcontact and the
 * Mod/DelContactList of webwxsync).
 */
import type { Contact, Room, RoomMember } from '../../model/index.js';
import { isRoomUserName, toContact, toRoom } from '../../model/index.js';
import { wireNameToPlain } from '../../model/message-text.js';
import { type MemberPool, newMember } from '../../model/room.js';
import type { WireContact } from '../../protocol/wire-types.js';

/** One change of the directory, as the contact service turns it into events. */
export type DirectoryChange =
  | { type: 'contact-added'; contact: Contact }
  | { type: 'contact-updated'; contact: Contact; previous: Contact }
  | { type: 'contact-removed'; userName: string; contact?: Contact | Room }
  | {
      type: 'room-updated';
      room: Room;
      previous?: Room;
      joined: RoomMember[];
      left: RoomMember[];
      renamed: boolean;
    };

/** The contacts and rooms of the session, by UserName: the read-only lookup part of `client.contacts`. */
export interface ContactDirectory {
  /** A contact (friend, official or special account) by UserName. */
  get(userName: string): Contact | undefined;
  /** A room (group chat) by UserName ('@@…'). */
  room(userName: string): Room | undefined;
  /** Every contact the session knows (rooms are in {@link ContactDirectory.rooms}). */
  list(): Contact[];
  /** Every room (group chat) the session knows. */
  rooms(): Room[];
  /**
   * Contacts and rooms whose remark name, nickname, alias or topic matches `query`, case-insensitive:
   * exact matches first, then partial ones.
   */
  find(query: string): (Contact | Room)[];
}

const fold = (s: string): string => s.normalize('NFKC').toLocaleLowerCase();

/** The member pool is dropped when it grows past this (it only saves memory; nothing depends on it). */
const MAX_POOLED = 200_000;

export function namesOf(entry: Contact | Room): string[] {
  if ('topic' in entry) return [entry.topic].filter((n) => n);
  return [entry.remarkName, entry.nickName, entry.alias].filter((n) => n);
}

export class MutableContactDirectory implements ContactDirectory {
  readonly #contacts = new Map<string, Contact>();
  readonly #rooms = new Map<string, Room>();
  /** Room UserName → member UserName → member, for O(1) sender lookups; built on a room's first lookup. */
  readonly #members = new Map<string, Map<string, RoomMember>>();
  /**
   * Room members by UserName, with the wire NickName they were made from: a member listed again with
   * the same nickname and no group display name (most of them: a big account's rooms share about half
   * their members) is the same object, and every member's UserName one string.
   */
  #pooled = new Map<string, { wireNickName: string; member: RoomMember }>();
  readonly #pool: MemberPool = {
    member: (userName, wireNickName, wireDisplayName) => {
      const known = this.#pooled.get(userName);
      let plain: RoomMember;
      if (known !== undefined && known.wireNickName === wireNickName) plain = known.member;
      else {
        plain = newMember(known?.member.userName ?? userName, wireNickName, '');
        if (known === undefined && this.#pooled.size >= MAX_POOLED) this.#pooled = new Map();
        this.#pooled.set(plain.userName, { wireNickName, member: plain });
      }
      if (wireDisplayName === '') return plain;
      return {
        userName: plain.userName,
        nickName: plain.nickName,
        displayName: wireNameToPlain(wireDisplayName),
      };
    },
  };
  #selfUserName = '';
  #listener: ((changes: DirectoryChange[]) => void) | undefined;

  /** Receives the changes of every later upsert/remove (one call per batch). */
  onChange(listener: ((changes: DirectoryChange[]) => void) | undefined): void {
    this.#listener = listener;
  }

  get selfUserName(): string {
    return this.#selfUserName;
  }

  /** Every member of a room ([] for an unknown room). */
  membersOf(roomUserName: string): RoomMember[] {
    return this.#rooms.get(roomUserName)?.members ?? [];
  }

  setSelf(userName: string): void {
    this.#selfUserName = userName;
  }

  get(userName: string): Contact | undefined {
    return this.#contacts.get(userName);
  }

  room(userName: string): Room | undefined {
    return this.#rooms.get(userName);
  }

  list(): Contact[] {
    return [...this.#contacts.values()];
  }

  rooms(): Room[] {
    return [...this.#rooms.values()];
  }

  find(query: string): (Contact | Room)[] {
    const q = fold(query.trim());
    if (!q) return [];
    const exact: (Contact | Room)[] = [];
    const partial: (Contact | Room)[] = [];
    for (const entry of [...this.#contacts.values(), ...this.#rooms.values()]) {
      const names = namesOf(entry).map(fold);
      if (names.some((n) => n === q)) exact.push(entry);
      else if (names.some((n) => n.includes(q))) partial.push(entry);
    }
    return [...exact, ...partial];
  }

  /** Whether the UserName is known as a contact or a room. */
  has(userName: string): boolean {
    return this.#contacts.has(userName) || this.#rooms.has(userName);
  }

  member(roomUserName: string, userName: string): RoomMember | undefined {
    let index = this.#members.get(roomUserName);
    if (index === undefined) {
      const room = this.#rooms.get(roomUserName);
      if (room === undefined) return undefined;
      index = new Map();
      for (const m of room.members) index.set(m.userName, m);
      this.#members.set(roomUserName, index);
    }
    return index.get(userName);
  }

  /**
   * Adds or replaces contacts and rooms. A room entry without members (getcontact lists saved rooms
   * that way; a rename in ModContactList may too) keeps the members already known.
   */
  upsert(wires: readonly WireContact[]): void {
    const changes: DirectoryChange[] | undefined = this.#listener ? [] : undefined;
    for (const wire of wires) {
      if (!wire?.UserName) continue;
      if (isRoomUserName(wire.UserName)) {
        const previous = this.#rooms.get(wire.UserName);
        const room = this.#upsertRoom(wire);
        if (changes) pushRoomChange(changes, room, previous);
      } else {
        const previous = this.#contacts.get(wire.UserName);
        const contact = toContact(wire, this.#selfUserName);
        this.#contacts.set(wire.UserName, contact);
        if (!changes) continue;
        if (!previous) changes.push({ type: 'contact-added', contact });
        else if (!sameContact(previous, contact))
          changes.push({ type: 'contact-updated', contact, previous });
      }
    }
    if (changes && changes.length > 0) this.#listener?.(changes);
  }

  /** Replaces one contact by a locally changed copy (remark, pin), reporting the change. */
  patchContact(userName: string, patch: Partial<Contact>): void {
    const previous = this.#contacts.get(userName);
    if (!previous) return;
    const contact = { ...previous, ...patch };
    this.#contacts.set(userName, contact);
    if (!sameContact(previous, contact)) this.#listener?.([{ type: 'contact-updated', contact, previous }]);
  }

  /** Replaces a room's topic and/or members locally, reporting the change. */
  patchRoom(userName: string, patch: Partial<Pick<Room, 'topic' | 'members'>>): void {
    const previous = this.#rooms.get(userName);
    if (!previous) return;
    const room: Room = { ...previous, ...patch };
    if (patch.members) room.memberCount = patch.members.length;
    this.#rooms.set(userName, room);
    this.#members.delete(userName);
    const changes: DirectoryChange[] = [];
    pushRoomChange(changes, room, previous);
    if (changes.length > 0) this.#listener?.(changes);
  }

  /**
   * ModChatRoomMemberList entries (`{UserName: '@@room', MemberList: [...]}`): the members of known
   * rooms are replaced, nothing else of the room changes. Entries of any other shape are ignored.
   */
  applyMemberLists(entries: readonly unknown[]): void {
    for (const entry of entries) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { UserName, MemberList } = entry as { UserName?: unknown; MemberList?: unknown };
      if (typeof UserName !== 'string' || !Array.isArray(MemberList) || !this.#rooms.has(UserName)) continue;
      const members = toRoom({ UserName, MemberList } as WireContact, this.#pool).members;
      this.patchRoom(UserName, { members });
    }
  }

  remove(userNames: readonly string[]): void {
    const changes: DirectoryChange[] = [];
    for (const userName of userNames) {
      const contact = this.#contacts.get(userName) ?? this.#rooms.get(userName);
      const known = this.#contacts.delete(userName) || this.#rooms.delete(userName);
      this.#members.delete(userName);
      if (known) changes.push({ type: 'contact-removed', userName, ...(contact ? { contact } : {}) });
    }
    if (changes.length > 0) this.#listener?.(changes);
  }

  /** Rooms whose members were never loaded (memberCount unknown or members missing). */
  roomsWithoutMembers(): string[] {
    return [...this.#rooms.values()].filter((r) => r.members.length === 0).map((r) => r.userName);
  }

  counts(): { contacts: number; rooms: number; members: number } {
    let members = 0;
    for (const room of this.#rooms.values()) members += room.members.length;
    return { contacts: this.#contacts.size, rooms: this.#rooms.size, members };
  }

  /** The name to show for `userName`: in a room the member's group alias first, then remark name, nickname. */
  displayNameOf(userName: string, roomUserName?: string): string | undefined {
    const member = roomUserName ? this.member(roomUserName, userName) : undefined;
    const contact = this.#contacts.get(userName);
    const room = this.#rooms.get(userName);
    return (
      nonEmpty(member?.displayName) ??
      nonEmpty(contact?.remarkName) ??
      nonEmpty(contact?.nickName) ??
      nonEmpty(member?.nickName) ??
      nonEmpty(room?.topic)
    );
  }

  #upsertRoom(wire: WireContact): Room {
    const previous = this.#rooms.get(wire.UserName);
    let room = toRoom(wire, this.#pool);
    if (room.members.length === 0 && previous && previous.members.length > 0) {
      room = { ...room, members: previous.members, memberCount: previous.memberCount };
    }
    this.#rooms.set(wire.UserName, room);
    if (room.members !== previous?.members) this.#members.delete(wire.UserName);
    return room;
  }
}

function sameContact(a: Contact, b: Contact): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Adds a 'room-updated' change when the room is new or its topic, members or flags changed. */
function pushRoomChange(changes: DirectoryChange[], room: Room, previous: Room | undefined): void {
  const before = new Map((previous?.members ?? []).map((m) => [m.userName, m]));
  const after = new Set(room.members.map((m) => m.userName));
  const joined = previous ? room.members.filter((m) => !before.has(m.userName)) : room.members;
  const left = previous ? previous.members.filter((m) => !after.has(m.userName)) : [];
  const renamed = previous !== undefined && previous.topic !== room.topic;
  if (previous && joined.length === 0 && left.length === 0 && sameRoom(previous, room)) return;
  changes.push({ type: 'room-updated', room, ...(previous ? { previous } : {}), joined, left, renamed });
}

/** Equal rooms: every field, and the members one by one (no JSON of 500-member rooms on every reload). */
function sameRoom(a: Room, b: Room): boolean {
  if (a.members !== b.members) {
    if (a.members.length !== b.members.length) return false;
    for (let i = 0; i < a.members.length; i++) {
      if (!shallowEqual(a.members[i] as RoomMember, b.members[i] as RoomMember)) return false;
    }
  }
  return JSON.stringify({ ...a, members: 0 }) === JSON.stringify({ ...b, members: 0 });
}

function shallowEqual(a: object, b: object): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if ((a as Record<string, unknown>)[key] !== (b as Record<string, unknown>)[key]) return false;
  }
  return true;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value ? value : undefined;
}
