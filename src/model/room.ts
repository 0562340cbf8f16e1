/** Groups (chat rooms) in camelCase, mapped from a WireContact whose UserName starts with `@@`. */
import type { WireContact, WireMember } from '../protocol/wire-types.js';
import { wireNameToPlain } from './message-text.js';
import { num, str } from './wire-values.js';

export interface RoomMember {
  userName: string;
  nickName: string;
  /** The member's display name in this group ('' when unset). */
  displayName: string;
}

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

/** Returns one shared instance for equal strings (members repeat across rooms); identity when absent. */
export type Intern = (s: string) => string;

const same: Intern = (s) => s;

export function toRoomMember(wire: WireMember): RoomMember {
  return memberOf(wire, same);
}

function memberOf(wire: WireMember, intern: Intern): RoomMember {
  const w = (wire ?? {}) as Partial<Record<keyof WireMember, unknown>>;
  return {
    userName: intern(str(w.UserName)),
    nickName: wireNameToPlain(str(w.NickName)),
    displayName: wireNameToPlain(str(w.DisplayName)),
  };
}

/** A room; `intern`, when given, is applied to every member's UserName. */
export function toRoom(wire: WireContact, intern: Intern = same): Room {
  const w = (wire ?? {}) as Partial<Record<keyof WireContact, unknown>>;
  const list = Array.isArray(w.MemberList) ? (w.MemberList as unknown[]) : [];
  const members: RoomMember[] = [];
  for (const m of list) {
    if (typeof m !== 'object' || m === null) continue;
    const member = memberOf(m as WireMember, intern);
    if (member.userName !== '') members.push(member);
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
