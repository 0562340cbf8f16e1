/**
 * Changing the emulator's world at run time: rooms created, members added, invited and removed,
 * topics renamed, remarks and pins set, friend requests sent and accepted. Each change
 *  - applies the real rules (only the owner removes; addmember only up to the invite threshold),
 *  - sends the §9.6 system messages (MsgType 10000) to every active session that should see them,
 *  - and queues the changed contact or room for the next webwxsync's ModContactList (or
 *    DelContactList) of every active session (takeContactChanges).
 * Used by the client-facing routes (chatroom-routes.ts, contact-op-routes.ts) and the phone
 * (phone-world.ts). Actors and members are stable ids.
 */

import type { WireContact } from '../protocol/wire-types.js';
import { ContactChangeQueue } from './contact-change-queue.js';
import { hex, type MsgIdSource } from './ids.js';
import type { Session, SessionStore } from './login-session.js';
import { type SystemTextEvent, type SystemTextLang, systemText } from './system-texts.js';
import { encodeMessageText } from './wire-format.js';
import { wireMessage } from './wire-objects.js';
import {
  type FriendChange,
  type FriendRequestRecord,
  friendRequestFields,
  type RoomChange,
  type RoomInvitation,
  WorldChangeError,
} from './world-change-records.js';
import type { World, WorldPerson, WorldRoom } from './world-types.js';

/** webwxinit's InviteStartCount: above this many members, addmember is refused (invitemember instead). */
export const INVITE_START_COUNT = 40;

/** What WorldChanges reads of the emulator (a part of EmulatorContext, which holds the WorldChanges). */
export interface WorldChangesDeps {
  readonly world: World;
  readonly sessions: SessionStore;
  readonly msgIds: MsgIdSource;
}

/** The changes of one world, shared by routes and phone (`ctx.changes`). */
export class WorldChanges {
  /** Language of the system texts. */
  lang: SystemTextLang = 'zh';
  readonly friendRequests: FriendRequestRecord[] = [];
  readonly invitations: RoomInvitation[] = [];
  readonly #queue: ContactChangeQueue;
  /** Told of every room change (shared-rooms.ts mirrors it into the other accounts' worlds). */
  onRoomChange: ((change: RoomChange) => void) | undefined;
  /** Told when the self asks someone or accepts someone (account-friendships.ts tells that account). */
  onFriendChange: ((change: FriendChange) => void) | undefined;
  #roomCounter = 0;

  constructor(private readonly ctx: WorldChangesDeps) {
    this.#queue = new ContactChangeQueue(ctx);
  }

  get world(): World {
    return this.ctx.world;
  }

  // ---- lookups -------------------------------------------------------------------------------

  requireRoom(id: string): WorldRoom {
    const room = this.world.findRoom(id);
    if (!room) throw new WorldChangeError(1, `unknown room "${id}"`);
    return room;
  }

  /** A person or the self, by stable id (or nickname/remark for persons). */
  requireActor(idOrName: string): string {
    if (idOrName === this.world.self.id) return idOrName;
    const p = this.world.findPerson(idOrName);
    if (!p) throw new WorldChangeError(1, `unknown contact "${idOrName}"`);
    return p.id;
  }

  nameOf(id: string, room?: WorldRoom): string {
    const dn = room?.displayNames.get(id);
    if (dn) return dn;
    if (id === this.world.self.id) return this.world.self.nickName;
    const p = this.world.person(id);
    return p ? p.remarkName || p.nickName : id;
  }

  // ---- delivery ------------------------------------------------------------------------------

  /** Queue contacts/rooms (stable ids) for every active session's next ModContactList. */
  markChanged(ids: readonly string[]): void {
    this.#queue.markChanged(ids);
  }

  /** Queue contacts/rooms for every active session's next DelContactList. */
  markDeleted(ids: readonly string[]): void {
    this.#queue.markDeleted(ids);
  }

  hasContactChanges(s: Session): boolean {
    return this.#queue.has(s);
  }

  /** The ModContactList/DelContactList for one webwxsync of `s` (and forget them). */
  takeContactChanges(s: Session): { mod: WireContact[]; del: WireContact[] } {
    return this.#queue.take(s);
  }

  /** A system message in a room (or a 1:1 chat with `chatId`) for every active session. */
  systemMessage(chatId: string, event: SystemTextEvent): void {
    const text = encodeMessageText(systemText(event, this.lang));
    this.#enqueue(chatId, 10000, text);
  }

  #enqueue(
    chatId: string,
    type: number,
    content: string,
    extra?: (s: Session) => Record<string, unknown>,
  ): string {
    const msgId = this.ctx.msgIds.take();
    const createTime = Math.floor(Date.now() / 1000);
    for (const s of this.ctx.sessions.active()) {
      const msg = wireMessage({
        msgId,
        from: s.names.userName(chatId),
        to: s.selfUserName,
        type,
        content,
        createTime,
      });
      s.enqueue(extra ? { ...msg, ...extra(s) } : msg);
    }
    return msgId;
  }

  // ---- rooms ---------------------------------------------------------------------------------

  /** `creator` makes a room with `members` (stable ids, creator and self added when missing). */
  createRoom(creator: string, members: readonly string[], topic = ''): WorldRoom {
    const self = this.world.self.id;
    const ids = [...new Set(members)].filter((id) => id !== creator);
    if (ids.length < 2 && !(creator !== self && ids.length >= 1))
      throw new WorldChangeError(1, 'a group needs at least two other members');
    for (const id of ids) this.#requireFriendOf(creator, id);
    this.#roomCounter += 1;
    const id = `${Date.now()}${String(this.#roomCounter).padStart(4, '0')}@chatroom`;
    const memberIds = [creator, ...ids];
    if (!memberIds.includes(self)) memberIds.unshift(self);
    const room: WorldRoom = {
      id,
      topic,
      owner: creator,
      memberIds,
      displayNames: new Map(),
      saved: false,
      pinyin: '',
    };
    this.world.addRoom(room);
    const others = ids.filter((m) => m !== self);
    if (creator === self)
      this.systemMessage(id, { kind: 'you-invited', names: others.map((m) => this.nameOf(m)) });
    else
      this.systemMessage(id, {
        kind: 'x-invited-you',
        inviter: this.nameOf(creator),
        others: others.map((m) => this.nameOf(m)),
      });
    this.markChanged([id]);
    this.onRoomChange?.({ kind: 'join', actor: creator, room, members: ids });
    return room;
  }

  /**
   * `actor` adds `members` to a room. With `invite` false (addmember) the room must not be larger
   * than INVITE_START_COUNT; with `invite` the members get an invitation and join when they accept
   * (acceptInvitation).
   */
  addMembers(actor: string, roomId: string, members: readonly string[], invite = false): WorldRoom {
    const room = this.requireRoom(roomId);
    this.#requireMember(room, actor);
    const ids = [...new Set(members)];
    if (ids.length === 0) throw new WorldChangeError(1, 'no members to add');
    for (const id of ids) {
      if (room.memberIds.includes(id))
        throw new WorldChangeError(1, `"${id}" is already a member of ${room.id}`);
      this.#requireFriendOf(actor, id);
    }
    if (invite) {
      for (const member of ids)
        this.invitations.push({ room: room.id, inviter: actor, member, state: 'pending' });
      return room;
    }
    if (room.memberIds.length > INVITE_START_COUNT)
      throw new WorldChangeError(
        -2,
        `the room has more than ${INVITE_START_COUNT} members: use invitemember`,
      );
    this.#join(room, actor, ids);
    return room;
  }

  /** A pending invitation is accepted: the member joins (the inviter is named in the notice). */
  acceptInvitation(roomId: string, member: string): WorldRoom {
    const room = this.requireRoom(roomId);
    const inv = this.invitations.find(
      (i) => i.room === room.id && i.member === member && i.state === 'pending',
    );
    if (!inv) throw new WorldChangeError(1, `"${member}" has no pending invitation to ${room.id}`);
    inv.state = 'joined';
    this.#join(room, inv.inviter, [member]);
    return room;
  }

  #join(room: WorldRoom, actor: string, ids: string[]): void {
    const self = this.world.self.id;
    const wasMember = room.memberIds.includes(self);
    room.memberIds = [...room.memberIds, ...ids];
    const names = ids.filter((m) => m !== self).map((m) => this.nameOf(m, room));
    if (actor === self) this.systemMessage(room.id, { kind: 'you-invited', names });
    else if (ids.includes(self) && !wasMember) {
      const others = room.memberIds.filter((m) => m !== self && m !== actor).map((m) => this.nameOf(m, room));
      this.systemMessage(
        room.id,
        names.length > 0
          ? { kind: 'x-invited-you-and', inviter: this.nameOf(actor, room), names }
          : { kind: 'x-invited-you', inviter: this.nameOf(actor, room), others },
      );
    } else this.systemMessage(room.id, { kind: 'x-invited', inviter: this.nameOf(actor, room), names });
    this.markChanged([room.id]);
    this.onRoomChange?.({ kind: 'join', actor, room, members: ids });
  }

  /** Members joined the room in another account's world (shared-rooms.ts): the notices and changes. */
  applyJoin(roomId: string, actor: string, ids: string[]): void {
    this.#join(this.requireRoom(roomId), actor, ids);
  }

  /** The owner removes members; each removal gets its own notice (to the remover, and to the removed self). */
  removeMembers(actor: string, roomId: string, members: readonly string[]): WorldRoom {
    const room = this.requireRoom(roomId);
    if (room.owner !== actor) throw new WorldChangeError(1, 'only the owner removes members');
    const ids = [...new Set(members)];
    if (ids.length === 0) throw new WorldChangeError(1, 'no members to remove');
    for (const id of ids) {
      if (!room.memberIds.includes(id))
        throw new WorldChangeError(1, `"${id}" is not a member of ${room.id}`);
      if (id === actor) throw new WorldChangeError(1, 'the owner cannot remove themselves');
    }
    const self = this.world.self.id;
    for (const id of ids) {
      const name = this.nameOf(id, room);
      if (actor === self) this.systemMessage(room.id, { kind: 'you-removed', name });
      else if (id === self)
        this.systemMessage(room.id, { kind: 'you-were-removed', by: this.nameOf(actor, room) });
    }
    room.memberIds = room.memberIds.filter((m) => !ids.includes(m));
    const displayNames = new Map(room.displayNames);
    for (const id of ids) displayNames.delete(id);
    room.displayNames = displayNames;
    if (ids.includes(self)) this.markDeleted([room.id]);
    else this.markChanged([room.id]);
    this.onRoomChange?.({ kind: 'remove', actor, room, members: ids });
    return room;
  }

  /** A member leaves (quitchatroom). The room leaves the self's view when the self quits. */
  quit(member: string, roomId: string): void {
    const room = this.requireRoom(roomId);
    this.#requireMember(room, member);
    room.memberIds = room.memberIds.filter((m) => m !== member);
    if (room.owner === member && room.memberIds.length > 0) room.owner = room.memberIds[0] as string;
    if (member === this.world.self.id) this.markDeleted([room.id]);
    else this.markChanged([room.id]);
    this.onRoomChange?.({ kind: 'quit', actor: member, room });
  }

  renameRoom(actor: string, roomId: string, topic: string): WorldRoom {
    const room = this.requireRoom(roomId);
    this.#requireMember(room, actor);
    if (typeof topic !== 'string' || topic.trim() === '')
      throw new WorldChangeError(1, 'the topic must not be empty');
    room.topic = topic;
    room.pinyin = '';
    if (actor === this.world.self.id) this.systemMessage(room.id, { kind: 'you-renamed', topic });
    else this.systemMessage(room.id, { kind: 'x-renamed', by: this.nameOf(actor, room), topic });
    this.markChanged([room.id]);
    this.onRoomChange?.({ kind: 'rename', actor, room, topic });
    return room;
  }

  // ---- contacts ------------------------------------------------------------------------------

  setRemark(personId: string, remark: string): WorldPerson {
    const p = this.#requirePerson(personId);
    p.remarkName = remark;
    p.remarkPinyin = '';
    this.markChanged([p.id]);
    return p;
  }

  setPinned(id: string, pinned: boolean): void {
    const room = this.world.room(id);
    if (room) room.pinned = pinned;
    else this.#requirePerson(id).pinned = pinned;
    this.markChanged([id]);
  }

  /** `from` (a stranger) asks the self to be friends: a MsgType 37 from fmessage in every session. */
  receiveFriendRequest(from: string, greeting: string): FriendRequestRecord {
    const p = this.#requirePerson(from);
    if (p.kind !== 'stranger') throw new WorldChangeError(1, `"${p.id}" is already a contact`);
    const ticket = `v2_${hex(32)}@stranger`;
    const record: FriendRequestRecord = {
      from: p.id,
      to: this.world.self.id,
      greeting,
      ticket,
      state: 'pending',
      time: Date.now(),
    };
    this.friendRequests.push(record);
    this.#enqueue('fmessage', 37, '', (s) =>
      friendRequestFields(p, greeting, ticket, s.names.userName(p.id)),
    );
    return record;
  }

  /** The self accepts a request (webwxverifyuser Opcode 3): the ticket must be the request's. */
  acceptFromSelf(personId: string, ticket: string): WorldPerson {
    const record = this.friendRequests.find(
      (r) => r.from === personId && r.to === this.world.self.id && r.state === 'pending',
    );
    if (!record || record.ticket !== ticket)
      throw new WorldChangeError(-14, 'no pending request with this ticket');
    record.state = 'accepted';
    const p = this.#befriend(personId);
    this.systemMessage(p.id, { kind: 'you-accepted', name: p.nickName });
    this.onFriendChange?.({ kind: 'accept', of: p.id });
    return p;
  }

  /** The self asks `personId` to be friends (webwxverifyuser Opcode 2). */
  sendFromSelf(personId: string, greeting: string): FriendRequestRecord {
    const p = this.#requirePerson(personId);
    if (p.kind !== 'stranger') throw new WorldChangeError(1, `"${p.id}" is already a contact`);
    const record: FriendRequestRecord = {
      from: this.world.self.id,
      to: p.id,
      greeting,
      ticket: '',
      state: 'pending',
      time: Date.now(),
    };
    this.friendRequests.push(record);
    this.onFriendChange?.({ kind: 'request', to: p.id, greeting });
    return record;
  }

  /** `personId` accepts the self's request (phone side). */
  acceptedBy(personId: string): WorldPerson {
    const record = this.friendRequests.find(
      (r) => r.from === this.world.self.id && r.to === personId && r.state === 'pending',
    );
    if (!record) throw new WorldChangeError(1, `no pending request to "${personId}"`);
    record.state = 'accepted';
    const p = this.#befriend(personId);
    this.systemMessage(p.id, { kind: 'they-accepted', name: p.nickName });
    return p;
  }

  /** `personId` leaves the address book (DelContactList). */
  deleteContact(personId: string): void {
    const p = this.#requirePerson(personId);
    p.kind = 'stranger';
    this.markDeleted([p.id]);
  }

  #befriend(personId: string): WorldPerson {
    const p = this.#requirePerson(personId);
    p.kind = 'friend';
    this.markChanged([p.id]);
    return p;
  }

  #requirePerson(id: string): WorldPerson {
    const p = this.world.findPerson(id);
    if (!p) throw new WorldChangeError(1, `unknown contact "${id}"`);
    return p;
  }

  #requireMember(room: WorldRoom, id: string): void {
    if (!room.memberIds.includes(id)) throw new WorldChangeError(1, `"${id}" is not a member of ${room.id}`);
  }

  /** The self can add its friends; others are not checked (the phone side scripts them). */
  #requireFriendOf(actor: string, id: string): void {
    if (id === this.world.self.id) return;
    const p = this.world.person(id);
    if (!p) throw new WorldChangeError(1, `unknown contact "${id}"`);
    if (actor === this.world.self.id && p.kind !== 'friend')
      throw new WorldChangeError(1, `"${id}" is not a friend`);
  }
}
