/**
 * The phone changes the world: rename a room, add or remove members, create a room, send or accept
 * friend requests, set remarks and pins, delete a contact. Every change reaches the logged-in
 * clients as a system message and/or a ModContactList/DelContactList (world-changes.ts).
 * People are named by stable id, nickname or remark name; rooms by stable id or topic.
 */
import { InvalidArgumentError } from '../errors.js';
import type { EmulatorContext } from './route-context.js';
import type { SystemTextLang } from './system-texts.js';
import type { FriendRequestRecord, RoomInvitation } from './world-change-records.js';
import type { WorldRoom } from './world-types.js';

/** Options of the phone's room changes. */
export interface PhoneRoomOptions {
  /** Who does it (stable id or name). Default: the room's owner. */
  by?: string;
}

export interface PhoneWorld {
  /** Renames a room; the clients get `"<by>"修改群名为“<topic>”` (or `你修改群名为…` when by is the self). */
  renameRoom(room: string, topic: string, options?: PhoneRoomOptions): WorldRoom;
  /** Adds members (addmember: refused above the invite threshold of 40). */
  addToRoom(room: string, members: readonly string[], options?: PhoneRoomOptions): WorldRoom;
  /** Removes members; only the owner may (the default `by`). */
  removeFromRoom(room: string, members: readonly string[], options?: PhoneRoomOptions): WorldRoom;
  /** Someone creates a room with the self in it (`by` defaults to the first member). */
  createRoom(input: { members: readonly string[]; topic?: string; by?: string }): WorldRoom;
  /** A member leaves a room. */
  leaveRoom(room: string, member: string): void;
  /** An invited member (rooms.add above the threshold) accepts and joins. */
  acceptRoomInvitation(room: string, member: string): WorldRoom;
  /** Every room invitation (the client's rooms.add above the threshold), in order. */
  roomInvitations(): RoomInvitation[];
  /** A stranger asks the self to be friends: a MsgType 37 from fmessage reaches the clients. */
  sendFriendRequest(input: { from: string; greeting?: string }): FriendRequestRecord;
  /** A person accepts the request the self sent them (client's sendFriendRequest). */
  acceptFriendRequest(person: string): void;
  /** Every friend request, both directions, in order. */
  friendRequests(): FriendRequestRecord[];
  /** Sets a person's remark name, as if done on the phone. */
  setRemark(person: string, remark: string): void;
  /** Pins a contact or room to the top of the chat list (ContactFlag 2048). */
  pin(contactOrRoom: string): void;
  /** Unpins a contact or room. */
  unpin(contactOrRoom: string): void;
  /** The person leaves the self's address book (DelContactList). */
  deleteContact(person: string): void;
  /** Language of the system texts the world sends (default 'zh'). */
  setSystemLanguage(lang: SystemTextLang): void;
}

export function createPhoneWorld(ctx: EmulatorContext): PhoneWorld {
  const changes = ctx.changes;
  const actor = (room: WorldRoom, by: string | undefined) =>
    by === undefined ? room.owner : changes.requireActor(by);
  const ids = (names: readonly string[]) => names.map((n) => changes.requireActor(n));
  const roomOrPerson = (name: string) => ctx.world.findRoom(name)?.id ?? changes.requireActor(name);
  return {
    renameRoom(room, topic, options = {}) {
      const r = changes.requireRoom(room);
      return changes.renameRoom(actor(r, options.by), r.id, topic);
    },
    addToRoom(room, members, options = {}) {
      const r = changes.requireRoom(room);
      return changes.addMembers(actor(r, options.by), r.id, ids(members));
    },
    removeFromRoom(room, members, options = {}) {
      const r = changes.requireRoom(room);
      return changes.removeMembers(actor(r, options.by), r.id, ids(members));
    },
    createRoom(input) {
      const members = ids(input.members);
      const by = input.by === undefined ? members[0] : changes.requireActor(input.by);
      if (by === undefined) throw new InvalidArgumentError('', 'emulator phone: createRoom needs members');
      return changes.createRoom(by, members, input.topic ?? '');
    },
    leaveRoom(room, member) {
      changes.quit(changes.requireActor(member), changes.requireRoom(room).id);
    },
    acceptRoomInvitation(room, member) {
      return changes.acceptInvitation(changes.requireRoom(room).id, changes.requireActor(member));
    },
    roomInvitations: () => changes.invitations.map((i) => ({ ...i })),
    sendFriendRequest(input) {
      return { ...changes.receiveFriendRequest(changes.requireActor(input.from), input.greeting ?? '') };
    },
    acceptFriendRequest(person) {
      changes.acceptedBy(changes.requireActor(person));
    },
    friendRequests: () => changes.friendRequests.map((r) => ({ ...r })),
    setRemark(person, remark) {
      changes.setRemark(changes.requireActor(person), remark);
    },
    pin(name) {
      changes.setPinned(roomOrPerson(name), true);
    },
    unpin(name) {
      changes.setPinned(roomOrPerson(name), false);
    },
    deleteContact(person) {
      changes.deleteContact(changes.requireActor(person));
    },
    setSystemLanguage(lang) {
      changes.lang = lang;
    },
  };
}
