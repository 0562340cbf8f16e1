/**
 * What the stable-id registry (stable-ids.ts) knows of a contact or room: its alias and fingerprints
 * (docs/contacts.md), and the permanent ids a status-notify Code 4 message pairs with session
 * UserNames (PROTOCOL.md §9.4).
 */
import { hash } from 'node:crypto';
import type { Contact, Room } from '../../model/index.js';

/** What the registry needs to know of one contact or room. */
export interface StableIdEntry {
  userName: string;
  kind: 'contact' | 'room';
  alias: string;
  fingerprint: string;
  /** The fingerprint with the avatar seq mixed in ('' when there is no seq). */
  fingerprintWithSeq: string;
  name: string;
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
 * A contact's entry: the fingerprint with the avatar seq is hashed only when asked for (a collision, a
 * record to look up, a refresh of a record that holds it); most contacts of a login never need it.
 */
class ContactEntry implements StableIdEntry {
  readonly userName: string;
  readonly kind = 'contact' as const;
  readonly alias: string;
  readonly fingerprint: string;
  readonly name: string;
  /** The contact, until the seq fingerprint is made. */
  #contact: Contact | undefined;
  #withSeq: string | undefined;

  constructor(contact: Contact) {
    this.userName = contact.userName;
    this.alias = contact.alias;
    this.name = contact.remarkName || contact.nickName;
    this.fingerprint = hash16(contactBasis(contact));
    this.#contact = contact;
  }

  get fingerprintWithSeq(): string {
    if (this.#withSeq === undefined) {
      const contact = this.#contact as Contact;
      const seq = avatarSeqOf(contact.headImgUrl);
      this.#withSeq = seq ? hash16([...contactBasis(contact), seq]) : '';
      this.#contact = undefined;
    }
    return this.#withSeq;
  }
}

/** The avatar version in a HeadImgUrl (`seq=<n>`), '' when absent or 0. */
export function avatarSeqOf(headImgUrl: string): string {
  const m = /[?&]seq=(\d+)/.exec(headImgUrl);
  return m && m[1] !== '0' ? (m[1] as string) : '';
}

/** The registry's view of a contact or room. */
export function stableIdEntryOf(entry: Contact | Room): StableIdEntry {
  if ('topic' in entry) {
    const basis = entry.topic
      ? ['room', 'topic', entry.topic]
      : ['room', 'members', ...entry.members.map((m) => m.nickName).sort()];
    return {
      userName: entry.userName,
      kind: 'room',
      alias: '',
      fingerprint: hash16(basis),
      fingerprintWithSeq: '',
      name: entry.topic,
    };
  }
  return new ContactEntry(entry);
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
