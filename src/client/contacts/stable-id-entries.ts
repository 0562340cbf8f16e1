/**
 * What the stable-id registry (stable-ids.ts) knows of a contact or room: its alias and fingerprints
 * (docs/contacts.md), and the permanent ids a status-notify Code 4 message pairs with session
 * UserNames (PROTOCOL.md §9.4).
 */
import { hash } from 'node:crypto';
import type { Contact, Room } from '../../model/index.js';

/** What the registry needs to know of one contact or room. */
export interface StableIdEntry {
  readonly userName: string;
  readonly kind: 'contact' | 'room';
  readonly alias: string;
  readonly fingerprint: string;
  /** The fingerprint with the avatar seq mixed in ('' when there is no seq). */
  readonly fingerprintWithSeq: string;
  readonly name: string;
}

/** The first 16 hex digits of the sha256 of the parts joined by NUL. */
function hash16(parts: readonly (string | number)[]): string {
  // The hex of the first 8 bytes: a string of its own (a slice of the 64-digit hex would keep it alive).
  return hash('sha256', parts.join('\u0000'), 'buffer').toString('hex', 0, 8);
}

/** What a contact's fingerprint is made of (the seq fingerprint adds the avatar seq). */
function contactBasis(contact: Contact): (string | number)[] {
  return [
    contact.kind === 'self' ? 'self' : 'contact',
    contact.remarkName,
    contact.nickName,
    contact.sex,
    contact.province,
    contact.city,
  ];
}

/**
 * A contact's entry: the fingerprints are hashed only when asked for. A resume that finds each UserName
 * in its record (StableIdRegistry.assign with `sameLogin`) asks for neither, and most contacts of a
 * login never need the one with the avatar seq (a collision, a record to look up, a refresh of a
 * record that holds it).
 */
class ContactEntry implements StableIdEntry {
  readonly userName: string;
  readonly kind = 'contact' as const;
  readonly alias: string;
  readonly name: string;
  /** The contact, until both fingerprints are made. */
  #contact: Contact | undefined;
  #fingerprint: string | undefined;
  #withSeq: string | undefined;

  constructor(contact: Contact) {
    this.userName = contact.userName;
    this.alias = contact.alias;
    this.name = contact.remarkName || contact.nickName;
    this.#contact = contact;
  }

  get fingerprint(): string {
    if (this.#fingerprint === undefined) {
      this.#fingerprint = hash16(contactBasis(this.#contact as Contact));
      if (this.#withSeq !== undefined) this.#contact = undefined;
    }
    return this.#fingerprint;
  }

  get fingerprintWithSeq(): string {
    if (this.#withSeq === undefined) {
      const contact = this.#contact as Contact;
      const seq = avatarSeqOf(contact.headImgUrl);
      this.#withSeq = seq ? hash16([...contactBasis(contact), seq]) : '';
      if (this.#fingerprint !== undefined) this.#contact = undefined;
    }
    return this.#withSeq;
  }
}

/** A room's entry: its fingerprint (topic, or sorted member nicknames) is hashed when asked for. */
class RoomEntry implements StableIdEntry {
  readonly userName: string;
  readonly kind = 'room' as const;
  readonly alias = '';
  readonly fingerprintWithSeq = '';
  readonly name: string;
  #room: Room | undefined;
  #fingerprint: string | undefined;

  constructor(room: Room) {
    this.userName = room.userName;
    this.name = room.topic;
    this.#room = room;
  }

  get fingerprint(): string {
    if (this.#fingerprint === undefined) {
      const room = this.#room as Room;
      this.#fingerprint = hash16(
        room.topic
          ? ['room', 'topic', room.topic]
          : ['room', 'members', ...room.members.map((m) => m.nickName).sort()],
      );
      this.#room = undefined;
    }
    return this.#fingerprint;
  }
}

/** The avatar version in a HeadImgUrl (`seq=<n>`), '' when absent or 0. */
export function avatarSeqOf(headImgUrl: string): string {
  const m = /[?&]seq=(\d+)/.exec(headImgUrl);
  return m && m[1] !== '0' ? (m[1] as string) : '';
}

/** The registry's view of a contact or room. */
export function stableIdEntryOf(entry: Contact | Room): StableIdEntry {
  return 'topic' in entry ? new RoomEntry(entry) : new ContactEntry(entry);
}

/**
 * The pairs (session UserName, permanent id) of a status-notify Code 4 message (§9.4):
 * StatusNotifyUserName and the content's `<username>` list, in the same order. [] when the lists
 * are missing or their lengths differ (then no pairing is trustworthy).
 */
export function syncConvPairs(statusNotifyUserName: string, content: string): [string, string][] {
  const names = splitList(statusNotifyUserName);
  const text = content.replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const m = /<op id=['"]?4['"]?>[\s\S]*?<username>([^<]*)<\/username>/.exec(text);
  const ids = splitList(m?.[1] ?? '');
  if (names.length === 0 || names.length !== ids.length) return [];
  return names.map((n, i) => [n, ids[i] as string]);
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
