/**
 * What PuppetWebwx keeps of what arrives, for the payloads Wechaty asks for later: the messages, the
 * friend requests and confirmations, the group invitations, each in a bounded map; and which Wechaty
 * event a decoded message becomes (a friendship, a room invitation, a message, or none: room notices
 * come as room-join, room-leave and room-topic instead).
 */
import type { Message } from '../model/index.js';
import { type ContactIds, contactFromCard } from './contact-ids.js';
import type { RawMessage } from './message-payloads.js';

/** A friend request received, or a friendship confirmed. */
export type FriendshipRecord =
  | { type: 'receive'; message: Message & { kind: 'friend-request' } }
  | { type: 'confirm'; id: string; userName: string; timestamp: number };

/** A bounded map: the oldest entry goes when it is full. */
export class RecentMap<V> extends Map<string, V> {
  readonly #capacity: number;
  constructor(capacity: number) {
    super();
    this.#capacity = capacity;
  }
  override set(key: string, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.#capacity) {
      const oldest = this.keys().next().value;
      if (oldest !== undefined) this.delete(oldest);
    }
    return this;
  }
}

/** Where {@link recordIncoming} keeps what it records. */
export interface IncomingRecords {
  ids: ContactIds;
  messages: RecentMap<RawMessage>;
  friendships: RecentMap<FriendshipRecord>;
  invitations: RecentMap<Message & { kind: 'link' }>;
  /** The UserName is in the client's contact directory. */
  isContact(userName: string): boolean;
}

/** The Wechaty event a message becomes, with its payload. */
export type IncomingEvent = { friendshipId: string } | { roomInvitationId: string } | { messageId: string };

/**
 * Records a received message where its payload will be looked up (and the people it introduces in
 * the id mapping), and says which Wechaty event it becomes: undefined for a room notice.
 */
export function recordIncoming(message: Message, records: IncomingRecords): IncomingEvent | undefined {
  switch (message.kind) {
    case 'friend-request':
      records.ids.remember(contactFromCard(message.contact));
      records.friendships.set(message.id, { type: 'receive', message });
      return { friendshipId: message.id };
    case 'system':
      // Room notices come as room-join, room-leave and room-topic events.
      if (message.chat.isRoom && ['room-join', 'room-leave', 'room-topic'].includes(message.event.type))
        return undefined;
      if (message.event.type === 'friend-confirmed') {
        records.friendships.set(message.id, {
          type: 'confirm',
          id: message.id,
          userName: message.chat.userName,
          timestamp: message.createTime * 1000,
        });
        return { friendshipId: message.id };
      }
      break;
    case 'link':
      if (message.roomInvitation) {
        records.invitations.set(message.id, message);
        return { roomInvitationId: message.id };
      }
      break;
    case 'card':
      if (message.card.userName && !records.isContact(message.card.userName)) {
        records.ids.remember(contactFromCard(message.card));
      }
      break;
    default:
      break;
  }
  records.messages.set(message.id, { source: 'in', message });
  return { messageId: message.id };
}
