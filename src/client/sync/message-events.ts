/**
 * The typed convenience events derived from decoded messages: 'friend-request', 'room-join',
 * 'room-leave', 'room-topic' and 'revoke' (with the revoked message when this client saw it: a bounded
 * map of recent messages by MsgId). Every 'message' is still emitted as it is; these come after it.
 */
import type {
  FriendRequestMessage,
  Message,
  RevokeMessage,
  RoomMember,
  SystemEvent,
  SystemMessage,
} from '../../model/index.js';
import { AddRing } from './seen-set.js';

/** A room's members as the client knows them, to resolve the names a system notice writes. */
export type RoomMembersOf = (roomUserName: string) => readonly RoomMember[] | undefined;

interface RoomEventBase {
  /** The room's UserName (`@@…`). */
  room: string;
  /** The system message the event was read from. */
  message: SystemMessage;
}

/** The payload of the 'room-join' event: members joined a room, by invitation or by its QR code. */
export interface RoomJoinEvent extends RoomEventBase {
  /** The inviter (or the owner of the QR code) as written; 'You'/'你' when it is the user. */
  inviter: string;
  inviterIsSelf: boolean;
  /** Who joined, as written. */
  members: string[];
  /** Their UserNames where the room's member list names them unambiguously ('' when not). */
  memberUserNames: string[];
  /** The user is one of those who joined. */
  selfJoined: boolean;
  via: 'invite' | 'qrcode';
}

/** The payload of the 'room-leave' event: members left or were removed, or the user was removed. */
export interface RoomLeaveEvent extends RoomEventBase {
  /** Who left, as written. */
  members: string[];
  remover: string;
  by: 'removed' | 'you-removed' | 'you-were-removed';
}

/** The payload of the 'room-topic' event: a room was renamed. */
export interface RoomTopicEvent extends RoomEventBase {
  topic: string;
  /** Who renamed it, as written. */
  by: string;
  byIsSelf: boolean;
}

/** The payload of the 'revoke' event: a message was recalled, with the original when this client saw it. */
export interface RevokeEvent {
  /** The 10002 message. */
  message: RevokeMessage;
  /** The MsgId of the revoked message. */
  revokedId: string;
  /** The revoked message, when this client received it (recently: the last `capacity` messages). */
  original: Message | undefined;
}

/** The events ClientEvents gains from this file. */
export interface MessageEvents {
  /** Someone asks to be added (MsgType 37); accept with the request's `contact.userName` and `ticket`. */
  'friend-request': FriendRequestMessage;
  /** Members joined a room (a MsgType 10000 notice). */
  'room-join': RoomJoinEvent;
  /** Members left or were removed, or the user was removed. */
  'room-leave': RoomLeaveEvent;
  /** A room was renamed. */
  'room-topic': RoomTopicEvent;
  /** A message was recalled (MsgType 10002). */
  revoke: RevokeEvent;
}

/** How many recent messages the client keeps for 'revoke' (their MsgIds and decoded forms). */
export const RECENT_MESSAGES = 2000;

/**
 * A bounded map of the most recent messages by MsgId (oldest dropped first). The adds are kept in an
 * AddRing, so dropping the oldest is one array read, not a scan of a Map's deleted entries.
 */
export class RecentMessages {
  /** Each message held, with the number of the add that put it there. */
  readonly #byId = new Map<string, { message: Message; add: number }>();
  readonly #ring: AddRing;

  constructor(capacity = RECENT_MESSAGES) {
    // Unless it was added again since (then a later slot holds it).
    this.#ring = new AddRing(Math.max(1, Math.floor(capacity)), (oldest, add) => {
      if (this.#byId.get(oldest)?.add === add) this.#byId.delete(oldest);
    });
  }

  add(message: Message): void {
    const id = message.id;
    if (!id) return;
    this.#byId.set(id, { message, add: this.#ring.push(id) });
  }

  get(id: string): Message | undefined {
    return this.#byId.get(id)?.message;
  }

  get size(): number {
    return this.#byId.size;
  }
}

/** Where the events go (the client's TypedEmitter). */
export interface MessageEventSink {
  emit<K extends keyof MessageEvents>(event: K, payload: MessageEvents[K]): void;
}

type Emit = MessageEventSink['emit'];

/** A member's UserName by display name, else nickname, when exactly one member has it. */
function resolveMember(members: readonly RoomMember[] | undefined, name: string): string {
  if (!members || name === '') return '';
  for (const field of ['displayName', 'nickName'] as const) {
    const found = members.filter((m) => m[field] === name);
    if (found.length === 1) return found[0]?.userName ?? '';
    if (found.length > 1) return '';
  }
  return '';
}

function roomEvent(message: SystemMessage, event: SystemEvent, membersOf: RoomMembersOf, emit: Emit): void {
  if (!message.chat.isRoom) return;
  const room = message.chat.userName;
  switch (event.type) {
    case 'room-join': {
      const members = membersOf(room);
      const { type: _t, ...rest } = event;
      emit('room-join', {
        room,
        message,
        ...rest,
        memberUserNames: event.members.map((name) => resolveMember(members, name)),
      });
      return;
    }
    case 'room-leave': {
      const { type: _t, ...rest } = event;
      emit('room-leave', { room, message, ...rest });
      return;
    }
    case 'room-topic': {
      const { type: _t, ...rest } = event;
      emit('room-topic', { room, message, ...rest });
      return;
    }
    default:
      return;
  }
}

/**
 * Derives the typed events of one decoded message (after its 'message' event) and remembers it for
 * later revokes. Never throws: listener errors are the emitter's business.
 */
export class MessageEventDeriver {
  readonly recent: RecentMessages;
  readonly #membersOf: RoomMembersOf;
  readonly #emit: Emit;

  constructor(sink: MessageEventSink, membersOf: RoomMembersOf, capacity = RECENT_MESSAGES) {
    this.#emit = (event, payload) => sink.emit(event, payload);
    this.#membersOf = membersOf;
    this.recent = new RecentMessages(capacity);
  }

  handle(message: Message): void {
    switch (message.kind) {
      case 'friend-request':
        this.#emit('friend-request', message);
        break;
      case 'system':
        roomEvent(message, message.event, this.#membersOf, this.#emit);
        break;
      case 'revoke':
        this.#emit('revoke', {
          message,
          revokedId: message.revokedId,
          original: message.revokedId ? this.recent.get(message.revokedId) : undefined,
        });
        break;
      default:
        break;
    }
    if (message.kind !== 'revoke') this.recent.add(message);
  }
}
