/**
 * Wechaty ids ↔ webwx UserNames. A contact's or room's Wechaty id is its webwx stable id
 * (docs/contacts.md), which survives re-logins, so ids a bot saved keep working; UserNames change with
 * every login. An entry without a stable id (a collision, a room member who is no contact of ours, a
 * friend request's stranger) keeps its session UserName as its id.
 */

import { stableIdEntryOf } from '../client/contacts/stable-id-entries.js';
import type { WebWxClient } from '../client/index.js';
import { InvalidArgumentError } from '../errors.js';
import {
  type CardInfo,
  type Contact,
  type Room,
  type RoomMember,
  strangerFromMember,
} from '../model/index.js';

/** Stable ids are 'p:…', 'a:…' or 'f:…'; UserNames never contain a colon in the second place. */
const STABLE_ID = /^[paf]:/;

/** People met outside the address book (room members, cards, friend requests), kept for their payloads. */
const MAX_STRANGERS = 5000;

/** A person known from a card or a friend request (RecommendInfo), as a stranger contact. */
export function contactFromCard(card: CardInfo): Contact {
  const contact = strangerFromMember({ userName: card.userName, nickName: card.nickName, displayName: '' });
  contact.alias = card.alias;
  contact.sex = card.sex === 1 || card.sex === 2 ? card.sex : 0;
  contact.signature = card.signature;
  contact.province = card.province;
  contact.city = card.city;
  contact.headImgUrl = card.headImgUrl;
  if (card.isOfficial) contact.kind = 'official';
  return contact;
}

/**
 * The logged-in user's id when the session's contact list does not carry the user (then webwx gives
 * no stable id): the one webwx would give, the alias or the fingerprint.
 */
function selfIdOf(self: Contact): string {
  return self.alias ? `a:${self.alias}` : `f:${stableIdEntryOf(self).fingerprint}`;
}

export class ContactIds {
  readonly #client: () => WebWxClient | undefined;
  readonly #strangers = new Map<string, Contact>();

  constructor(client: () => WebWxClient | undefined) {
    this.#client = client;
  }

  /** The Wechaty id of a UserName: its stable id, else the UserName itself. */
  idOf(userName: string): string {
    if (userName === '') return '';
    const client = this.#client();
    const stable = client?.contacts.stableIdOf(userName);
    if (stable) return stable;
    const self = client?.self;
    return self && self.userName === userName ? selfIdOf(self) : userName;
  }

  /**
   * The UserName behind a Wechaty id in the current session. Throws TypeError for a stable id the
   * session does not know, StableIdCollisionError when several contacts claim it.
   */
  userNameOf(id: string): string {
    if (typeof id !== 'string' || id === '')
      throw new InvalidArgumentError('PuppetWebwx', 'PuppetWebwx: an id must be a non-empty string');
    if (!STABLE_ID.test(id)) return id;
    const client = this.#client();
    const entry = client?.contacts.byStableId(id);
    if (!entry && client?.self && selfIdOf(client.self) === id) return client.self.userName;
    if (!entry)
      throw new InvalidArgumentError(
        'PuppetWebwx',
        `PuppetWebwx: no contact or room with id ${id} in this session`,
      );
    return entry.userName;
  }

  /** Remembers a person met outside the address book (their payload is asked for later). */
  remember(contact: Contact): void {
    if (contact.userName === '') return;
    this.#strangers.delete(contact.userName);
    this.#strangers.set(contact.userName, contact);
    if (this.#strangers.size > MAX_STRANGERS) {
      const oldest = this.#strangers.keys().next().value;
      if (oldest !== undefined) this.#strangers.delete(oldest);
    }
  }

  /** The contact behind an id: the address book, the logged-in user, a room member, or a remembered stranger. */
  contactOf(id: string): Contact | undefined {
    const client = this.#client();
    if (!client) return undefined;
    const userName = this.userNameOf(id);
    const known = client.contacts.get(userName);
    if (known) return known;
    if (client.self?.userName === userName) return client.self;
    const member = this.memberOf(userName);
    if (member) return strangerFromMember(member);
    // Wechaty asks for a room's id as a contact when a room's members are marked dirty.
    const room = client.contacts.room(userName);
    if (room)
      return { ...strangerFromMember({ userName, nickName: room.topic, displayName: '' }), kind: 'room' };
    return this.#strangers.get(userName);
  }

  /** The room behind an id. */
  roomOf(id: string): Room | undefined {
    return this.#client()?.contacts.room(this.userNameOf(id));
  }

  /** A room member with this UserName in any room (for people who are no contact of ours). */
  memberOf(userName: string): RoomMember | undefined {
    for (const room of this.#client()?.contacts.rooms() ?? []) {
      const member = room.members.find((m) => m.userName === userName);
      if (member) return member;
    }
    return undefined;
  }
}
