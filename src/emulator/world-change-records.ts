/**
 * What world changes (world-changes.ts) refuse with and keep: the WorldChangeError a route answers
 * with its Ret, the friend requests and room invitations the phone lists, and the webwxsync fields of
 * the contact changes a session takes.
 */
import { InvalidArgumentError } from '../errors.js';
import { emptyRecommendInfo } from '../protocol/wire-defaults.js';
import type { WireContact, WireMessage } from '../protocol/wire-types.js';
import { hex } from './ids.js';
import { encodeMessageText } from './wire-format.js';
import type { WorldPerson, WorldRoom } from './world-types.js';

/** A world rule was broken: the route answers `ret` (1 bad parameter, -2 logic error, -14 ticket). */
export class WorldChangeError extends InvalidArgumentError {
  readonly ret: number;
  constructor(ret: number, message: string) {
    super('', message);
    this.ret = ret;
  }
}

/** A friend request in either direction, as the phone's `friendRequests()` lists it. */
export interface FriendRequestRecord {
  /** Stable id of the person who asked. */
  from: string;
  /** Stable id of the person asked. */
  to: string;
  greeting: string;
  /** What webwxverifyuser presents to accept it. */
  ticket: string;
  state: 'pending' | 'accepted';
  /** ms since the epoch. */
  time: number;
}

/**
 * An invitation to a room (invitemember: a client's rooms.add above the threshold); the member joins
 * when the phone accepts it.
 */
export interface RoomInvitation {
  /** Stable id of the room. */
  room: string;
  /** Stable id of who invited. */
  inviter: string;
  /** Stable id of who is invited. */
  member: string;
  state: 'pending' | 'joined';
}

/**
 * A change of a room in one account's world, after it was made: a rename, members who joined (a room
 * created: its members joined its creator), members removed by `actor`, or `actor` quitting.
 */
export type RoomChange =
  | { kind: 'rename'; actor: string; room: WorldRoom; topic: string }
  | { kind: 'join'; actor: string; room: WorldRoom; members: string[] }
  | { kind: 'remove'; actor: string; room: WorldRoom; members: string[] }
  | { kind: 'quit'; actor: string; room: WorldRoom };

/** The self of a world asked `to` to be friends, or accepted `of`'s request. */
export type FriendChange = { kind: 'request'; to: string; greeting: string } | { kind: 'accept'; of: string };

/** The webwxsync fields of one takeContactChanges. */
export function syncContactFields(changes: { mod: WireContact[]; del: WireContact[] }): {
  ModContactCount: number;
  ModContactList: WireContact[];
  DelContactCount: number;
  DelContactList: WireContact[];
} {
  return {
    ModContactCount: changes.mod.length,
    ModContactList: changes.mod,
    DelContactCount: changes.del.length,
    DelContactList: changes.del,
  };
}

/**
 * The Content and RecommendInfo of a friend request from `p` (MsgType 37 from fmessage, §9.7), for a
 * session that names `p` `userName`.
 */
export function friendRequestFields(
  p: WorldPerson,
  greeting: string,
  ticket: string,
  userName: string,
): Partial<WireMessage> {
  const esc = (v: string) => encodeMessageText(v).replace(/"/g, '&quot;');
  return {
    Content:
      `&lt;msg fromusername="${p.id}" encryptusername="v1_${hex(16)}@stranger" fromnickname="${esc(p.nickName)}" ` +
      `content="${esc(greeting)}" scene="14" sex="${p.sex}" alias="${p.alias}" ticket="${ticket}" opcode="2"&gt;` +
      `&lt;brandlist count="0" ver="0"&gt;&lt;/brandlist&gt;&lt;/msg&gt;`,
    RecommendInfo: {
      ...emptyRecommendInfo(),
      UserName: userName,
      NickName: p.nickName,
      Content: greeting,
      Alias: p.alias,
      Sex: p.sex,
      Province: p.province,
      City: p.city,
      Scene: 14,
      Ticket: ticket,
      OpCode: 2,
    },
  };
}
