/**
 * The world's types: `WorldSpec` and its parts, the JSON file format (docs/emulator.md "Worlds"), and
 * `World`, what buildWorld (world.ts) makes of a spec: the logged-in account, its contacts (with
 * permanent stable ids), rooms and their members, indexed.
 */

/**
 * What a person in a world is: a friend, an official account ('gh_…'), a special account
 * ('filehelper'…), or a stranger (not a contact: a room member only).
 */
export type ContactKind = 'friend' | 'official' | 'special' | 'stranger';

/** A person, official account or special account as written in a world file. */
export interface ContactSpec {
  /** Permanent id: 'wxid_…', a custom WeChat id, 'gh_…' for official accounts, 'filehelper'… */
  id: string;
  nickName: string;
  /** Default 'friend'. 'stranger' = not a contact (a room member only). */
  kind?: ContactKind;
  remarkName?: string;
  alias?: string;
  /** 0 unknown, 1 male, 2 female. */
  sex?: 0 | 1 | 2;
  signature?: string;
  province?: string;
  city?: string;
  /** Default 24 for official accounts, else 0. */
  verifyFlag?: number;
  starred?: boolean;
  /** Pinyin of the nickname, syllables separated by spaces ('zhang wei'); derived for ASCII names. */
  pinyin?: string;
  /** Pinyin of the remark name. */
  remarkPinyin?: string;
}

/** The logged-in account as written in a world file. */
export interface SelfSpec {
  /** Its permanent id, e.g. 'wxid_me'. */
  id: string;
  nickName: string;
  sex?: 0 | 1 | 2;
  signature?: string;
  alias?: string;
  /** The account's wxuin; derived from id when absent. */
  uin?: number;
  pinyin?: string;
}

/** A member: a stable id, or an object with the member's in-group display name. */
export type RoomMemberSpec = string | { id: string; displayName?: string };

/** A room (group) as written in a world file. */
export interface RoomSpec {
  /** '<digits>@chatroom' */
  id: string;
  topic: string;
  /** Stable id of the owner (a member). */
  owner: string;
  /** Stable ids (the self is added when missing). */
  members: RoomMemberSpec[];
  /** Saved to contacts: listed by webwxgetcontact. Default true. */
  saved?: boolean;
  pinyin?: string;
}

/** A world as written in a world file (docs/emulator.md "Worlds"): validated by {@link buildWorld}. */
export interface WorldSpec {
  self: SelfSpec;
  contacts: ContactSpec[];
  rooms?: RoomSpec[];
  /** Stable ids of the recent chats webwxinit lists (default: a few friends, rooms and filehelper). */
  recent?: string[];
}

/** A person of a built world, with every field filled in. */
export interface WorldPerson {
  id: string;
  nickName: string;
  kind: ContactKind;
  remarkName: string;
  alias: string;
  sex: 0 | 1 | 2;
  signature: string;
  province: string;
  city: string;
  verifyFlag: number;
  starred: boolean;
  pinyin: string;
  remarkPinyin: string;
  /** Pinned to the top of the chat list (ContactFlag 2048); changed by webwxoplog (world-changes.ts). */
  pinned?: boolean;
}

/** The logged-in account of a built world. */
export interface WorldSelf {
  id: string;
  nickName: string;
  sex: 0 | 1 | 2;
  signature: string;
  alias: string;
  uin: number;
  pinyin: string;
}

/** A room of a built world. */
export interface WorldRoom {
  id: string;
  topic: string;
  owner: string;
  /** Stable ids, self included. */
  memberIds: readonly string[];
  /** In-group display names by member id. */
  displayNames: ReadonlyMap<string, string>;
  saved: boolean;
  pinyin: string;
  /** Pinned to the top of the chat list (ContactFlag 2048). */
  pinned?: boolean;
}

/**
 * The world the emulator serves, validated and indexed by stable id ({@link buildWorld}): the account,
 * its contacts and rooms. `emu.world` is it; the phone changes it at run time.
 */
export interface World {
  readonly self: WorldSelf;
  /** Every person (friends, official and special accounts, strangers). */
  readonly contacts: readonly WorldPerson[];
  readonly rooms: readonly WorldRoom[];
  /** Stable ids of the recent chats webwxinit lists. */
  readonly recent: readonly string[];
  /** A person by stable id. */
  person(id: string): WorldPerson | undefined;
  /** A room by stable id. */
  room(id: string): WorldRoom | undefined;
  /** By stable id, then nickname, then remark name. */
  findPerson(idOrName: string): WorldPerson | undefined;
  /** By stable id, then topic. */
  findRoom(idOrTopic: string): WorldRoom | undefined;
  /** What webwxgetcontact lists: friends, official and special accounts (not strangers). */
  listedContacts(): WorldPerson[];
  /** Adds a room or a person made at run time (world-changes.ts); ids must be new. */
  addRoom(room: WorldRoom): void;
  /** Adds a person made at run time; the id must be new. */
  addPerson(person: WorldPerson): void;
}
