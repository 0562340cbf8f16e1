/**
 * The public shape of `client.contacts` and `client.rooms` (docs/contacts.md), and the payloads of the
 * contact events. The implementations are contact-service.ts and room-service.ts.
 */
import type { Contact, ContactKind, FriendRequestMessage, Room, RoomMember } from '../../model/index.js';
import type { ContactDirectory } from './contact-directory.js';

/** Narrows {@link ContactService.find}. */
export interface FindOptions {
  /** Only these kinds ('room' for groups). Default: all. */
  kinds?: readonly ContactKind[];
  /** Only exact matches (after case and width folding). Default false. */
  exact?: boolean;
  /** At most this many results. */
  limit?: number;
}

/** A room member with what the room says about them and what the address book adds. */
export interface RoomMemberView extends RoomMember {
  /** The member's group display name, else their remark name, else their nickname. */
  name: string;
  /** The member's contact entry when they are in the address book (or otherwise known). */
  contact?: Contact;
  /** True for the logged-in user. */
  isSelf: boolean;
}

/**
 * What acceptFriendRequest takes: `{ userName, ticket }` (RecommendInfo.UserName and .Ticket of a
 * MsgType 37 message), or the 'friend-request' message itself (`contact.userName` and `ticket`).
 * Objects that carry the pair under `request`, `friendRequest`, `recommendInfo` or a raw
 * `RecommendInfo` work too; anything else is an InvalidArgumentError.
 */
export type FriendRequestInput = { userName: string; ticket: string } | FriendRequestMessage | object;

/**
 * `client.contacts`: lookup, search and stable ids over the session's contacts and rooms, and the
 * contact operations (remark, pin, friend requests, mark read). Operations throw InvalidArgumentError on bad
 * arguments and ProtocolError when the server refuses; they are never retried.
 */
export interface ContactService extends ContactDirectory {
  /**
   * Contacts and rooms matching `query`, case- and width-insensitive, on remark name, nickname,
   * alias, room topic, group display names, and the pinyin the wire carries (PYQuanPin, PYInitial,
   * RemarkPYQuanPin, RemarkPYInitial): exact matches first, then prefixes, then partial ones.
   */
  find(query: string, options?: FindOptions): (Contact | Room)[];
  /**
   * Asks the server (webwxsearchcontact, PROTOCOL.md §7.5) for contacts matching `keyword`: known
   * ones come back as their entries, others decoded from the reply. What the real server matches on
   * is not captured (docs/contacts.md); `find` searches locally. InvalidArgumentError on an empty keyword;
   * NotAvailableError in a File Transfer session.
   */
  searchServer(keyword: string): Promise<Contact[]>;
  /** The members of a room with their group display names ([] for an unknown room). */
  members(roomUserName: string): RoomMemberView[];
  /**
   * Resolves with the counts once the client's first contact load from the server is in the
   * directory. After a QR or push login that is before `start()` resolves. After a resume with the
   * store's contact cache, `start()` resolves first (the cached list comes in meanwhile, and messages
   * already flow; docs/sessions.md "Contacts on a resume") and this resolves when the refresh lands.
   * Rejects when that load fails, the session ends or the client stops first.
   */
  loaded(): Promise<{ contacts: number; rooms: number; members: number }>;
  /**
   * Resolves once the directory holds a whole contact list with its rooms: when `start()` resolves
   * after a QR or push login; after a resume with the store's contact cache, once the cached
   * contacts and rooms are in (shortly after the first sync round), before the server's refresh
   * that `loaded()` waits for. Never rejects: a cache that cannot be read is logged, and the list
   * then comes with the refresh.
   */
  filled(): Promise<void>;
  /** The stable id of a contact or room of this session (undefined when unknown or in collision). */
  stableIdOf(userName: string): string | undefined;
  /** The contact or room that holds a stable id in this session. */
  byStableId(id: string): Contact | Room | undefined;
  /** webwxoplog CmdId 2. Updates the local view at once. */
  setRemark(userName: string, remark: string): Promise<void>;
  /** webwxoplog CmdId 3, OP 1 (sends the current remark, which is otherwise cleared). */
  pin(userName: string): Promise<void>;
  /** webwxoplog CmdId 3, OP 0. */
  unpin(userName: string): Promise<void>;
  /** webwxverifyuser Opcode 3. */
  acceptFriendRequest(request: FriendRequestInput): Promise<void>;
  /** webwxverifyuser Opcode 2; the greeting defaults to "我是<own nickname>". */
  sendFriendRequest(userName: string, greeting?: string): Promise<void>;
  /** webwxstatusnotify Code 1 (READED) for a chat. */
  markRead(chatUserName: string): Promise<void>;
}

/** How {@link RoomService.add} added the members. */
export interface RoomAddResult {
  /** 'invitemember' once the room is larger than InviteStartCount (the members get an invitation). */
  method: 'addmember' | 'invitemember';
}

/** `client.rooms`: group operations (create, add, remove, rename, quit) and member lists. */
export interface RoomService {
  /** webwxcreatechatroom; resolves with the new room (also put in client.contacts). */
  create(members: readonly string[], topic?: string): Promise<Room>;
  /** webwxupdatechatroom addmember, or invitemember above InviteStartCount. */
  add(room: string, members: readonly string[]): Promise<RoomAddResult>;
  /** webwxupdatechatroom delmember (owner only: the server answers a ProtocolError otherwise). */
  remove(room: string, members: readonly string[]): Promise<void>;
  /** webwxupdatechatroom modtopic. */
  rename(room: string, topic: string): Promise<void>;
  /** webwxupdatechatroom quitchatroom. */
  quit(room: string): Promise<void>;
  /** Same as client.contacts.members(room). */
  members(room: string): RoomMemberView[];
}

/** The payload of the 'contact-added' and 'contact-updated' events. */
export interface ContactChange {
  contact: Contact;
  /** The entry before the change ('contact-updated' only). */
  previous?: Contact;
}

/** The payload of the 'contact-removed' event: a contact or room left the session's view. */
export interface ContactRemoved {
  userName: string;
  /** The entry as it was, when it was known. */
  contact?: Contact | Room;
}

/** The payload of the 'room-updated' event: a new room, or one whose members, topic or flags changed. */
export interface RoomChange {
  room: Room;
  /** The room before the change (absent when it is new). */
  previous?: Room;
  /** Members who were not there before. */
  joined: RoomMember[];
  /** Members who are gone. */
  left: RoomMember[];
  /** The topic changed. */
  renamed: boolean;
}
