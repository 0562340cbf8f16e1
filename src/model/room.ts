/** Groups (chat rooms) in camelCase, mapped from a WireContact whose UserName starts with `@@`. */
import type { WireContact, WireMember } from '../protocol/wire-types.js';
import type { Contact } from './contact-decoder.js';
import { wireNameToPlain } from './message-text.js';
import { num, str } from './wire-values.js';

/** One member of a group, as the group's member list gives it. */
export interface RoomMember {
  userName: string;
  nickName: string;
  /** The member's display name in this group ('' when unset). */
  displayName: string;
}

/** A group (chat room): its topic, members and settings, mapped from a contact whose UserName starts `@@`. */
export interface Room {
  userName: string;
  /** The group name ('' for unnamed groups, which the page labels by members). */
  topic: string;
  memberCount: number;
  members: RoomMember[];
  ownerUin: number;
  encryChatRoomId: string;
  isOwner: boolean;
  /** Statues 0: notifications off. */
  muted: boolean;
  headImgUrl: string;
}

/**
 * Hands out the members of rooms being mapped, from a member entry's wire UserName, NickName and
 * DisplayName (as sent: emoji spans not yet turned into text). A pool may return one object for equal
 * members of several rooms (members repeat across rooms; RoomMember objects are never changed in
 * place, so sharing them is safe).
 */
export interface MemberPool {
  member(userName: string, wireNickName: string, wireDisplayName: string): RoomMember;
}

export function toRoomMember(wire: WireMember): RoomMember {
  const w = (wire ?? {}) as Partial<Record<keyof WireMember, unknown>>;
  return newMember(str(w.UserName), str(w.NickName), str(w.DisplayName));
}

/** A member object (always this key order: userName, nickName, displayName). */
export function newMember(userName: string, wireNickName: string, wireDisplayName: string): RoomMember {
  return {
    userName,
    nickName: wireNameToPlain(wireNickName),
    displayName: wireNameToPlain(wireDisplayName),
  };
}

/** A room; its members come from `pool` when given (sharing equal members across rooms). */
export function toRoom(wire: WireContact, pool?: MemberPool): Room {
  const w = (wire ?? {}) as Partial<Record<keyof WireContact, unknown>>;
  const list = Array.isArray(w.MemberList) ? (w.MemberList as unknown[]) : [];
  const members: RoomMember[] = [];
  for (const m of list) {
    if (typeof m !== 'object' || m === null) continue;
    const e = m as Partial<Record<keyof WireMember, unknown>>;
    const userName = str(e.UserName);
    if (userName === '') continue;
    const nick = str(e.NickName);
    const display = str(e.DisplayName);
    members.push(pool ? pool.member(userName, nick, display) : newMember(userName, nick, display));
  }
  const declared = num(w.MemberCount);
  return {
    userName: str(w.UserName),
    topic: wireNameToPlain(str(w.NickName)),
    memberCount: declared > 0 ? declared : members.length,
    members,
    ownerUin: num(w.OwnerUin),
    encryChatRoomId: str(w.EncryChatRoomId),
    isOwner: num(w.IsOwner) === 1,
    muted: num(w.Statues) === 0,
    headImgUrl: str(w.HeadImgUrl),
  };
}

/** How a member appears in the group: their group display name, else their nickname. */
export function memberDisplayName(member: Pick<RoomMember, 'displayName' | 'nickName'>): string {
  return member.displayName || member.nickName;
}

/** A room member who is in no list of ours, as a 'stranger' contact. */
export function strangerFromMember(member: RoomMember): Contact {
  return {
    userName: member.userName,
    nickName: member.nickName,
    remarkName: '',
    alias: '',
    kind: 'stranger',
    sex: 0,
    signature: '',
    province: '',
    city: '',
    headImgUrl: '',
    verifyFlag: 0,
    contactFlag: 0,
    starred: false,
    pinned: false,
    muted: false,
    pinyin: { nick: '', nickInitials: '', remark: '', remarkInitials: '' },
  };
}
