/**
 * Contacts in camelCase, mapped from the wire's WireContact / WireUser (PROTOCOL.md §10).
 * Names arrive with emoji `<span>`s and HTML escapes; the model holds plain Unicode text.
 */
import type { WireContact, WireUser } from '../protocol/wire-types.js';
import { wireNameToPlain } from './message-text.js';
import { num, str } from './wire-values.js';

/**
 * What a contact is (PROTOCOL.md §10.2): the logged-in account, a friend, a group, an official account,
 * a fixed system account, or a person not in the address book.
 */
export type ContactKind = 'self' | 'friend' | 'room' | 'official' | 'special' | 'stranger';

/** The pinyin the wire carries for a contact's nickname and remark name ('' when the server sent none). */
export interface ContactPinyin {
  /** PYQuanPin */
  nick: string;
  /** PYInitial */
  nickInitials: string;
  /** RemarkPYQuanPin */
  remark: string;
  /** RemarkPYInitial */
  remarkInitials: string;
}

/**
 * A person or account as the client knows it, in plain Unicode text (emoji spans and HTML escapes
 * decoded). Groups are {@link Room}s, not contacts.
 */
export interface Contact {
  /** Session-scoped id: changes with every login (§10.3). */
  userName: string;
  nickName: string;
  remarkName: string;
  /** WeChat ID, often empty. */
  alias: string;
  kind: ContactKind;
  /** 0 unknown, 1 male, 2 female. */
  sex: 0 | 1 | 2;
  signature: string;
  province: string;
  city: string;
  headImgUrl: string;
  verifyFlag: number;
  contactFlag: number;
  starred: boolean;
  /** ContactFlag & 2048 */
  pinned: boolean;
  /** ContactFlag & 512 for people; Statues 0 for groups. */
  muted: boolean;
  pinyin: ContactPinyin;
}

/** ContactFlag bits (§10.1). */
export const CONTACT_FLAG = Object.freeze({
  contact: 1,
  chatContact: 2,
  savedRoom: 4,
  blacklisted: 8,
  domain: 16,
  hidden: 32,
  starred: 64,
  thirdPartyApp: 128,
  hideMyMoments: 256,
  muted: 512,
  pinned: 2048,
  hideTheirMoments: 65536,
});

/** VerifyFlag bit of official and service accounts. */
export const VERIFY_FLAG_OFFICIAL = 8;

/** Fixed system accounts without an `@` (§10.2): the seed's list and wechat4u's additions. */
export const SPECIAL_USERNAMES: readonly string[] = Object.freeze([
  'filehelper',
  'newsapp',
  'fmessage',
  'weibo',
  'qqmail',
  'tmessage',
  'qmessage',
  'qqsync',
  'floatbottle',
  'lbsapp',
  'shakeapp',
  'medianote',
  'qqfriend',
  'readerapp',
  'blogapp',
  'facebookapp',
  'masssendapp',
  'meishiapp',
  'feedsapp',
  'voip',
  'blogappweixin',
  'weixin',
  'brandsessionholder',
  'weixinreminder',
  'officialaccounts',
  'notification_messages',
  'wxitil',
  'userexperience_alarm',
  'wxid_novlwrv3lqwv11',
  'gh_22b87fa7cb3c',
]);

const SPECIAL_SET = new Set(SPECIAL_USERNAMES);

/** A group: `@@…`, or the permanent `…@chatroom` form. */
export function isRoomUserName(userName: string): boolean {
  return typeof userName === 'string' && (userName.startsWith('@@') || userName.endsWith('@chatroom'));
}

/** One of the fixed system accounts (or a `…@qqim` name, which the official page treats the same). */
export function isSpecialUserName(userName: string): boolean {
  return SPECIAL_SET.has(userName) || userName.endsWith('@qqim');
}

/**
 * The kind of a UserName, by the rules of §10.2. People are 'friend' here; `toContact` demotes them to
 * 'stranger' when ContactFlag says they are not in the address book.
 */
export function classifyUserName(userName: string, verifyFlag: number, selfUserName: string): ContactKind {
  if (userName === selfUserName && userName !== '') return 'self';
  if (isRoomUserName(userName)) return 'room';
  if (isSpecialUserName(userName)) return 'special';
  if ((verifyFlag & VERIFY_FLAG_OFFICIAL) !== 0) return 'official';
  if (userName.endsWith('@stranger') || !userName.startsWith('@')) return 'stranger';
  return 'friend';
}

function sexOf(v: unknown): 0 | 1 | 2 {
  const n = num(v);
  return n === 1 || n === 2 ? n : 0;
}

type ContactLike = Partial<Record<keyof WireContact | keyof WireUser, unknown>>;

function baseContact(w: ContactLike, kind: ContactKind): Contact {
  const userName = str(w.UserName);
  const contactFlag = num(w.ContactFlag);
  const muted = kind === 'room' ? num(w.Statues) === 0 : (contactFlag & CONTACT_FLAG.muted) !== 0;
  return {
    userName,
    nickName: wireNameToPlain(str(w.NickName)),
    remarkName: wireNameToPlain(str(w.RemarkName)),
    alias: str(w.Alias),
    kind,
    sex: sexOf(w.Sex),
    signature: wireNameToPlain(str(w.Signature)),
    province: wireNameToPlain(str(w.Province)),
    city: wireNameToPlain(str(w.City)),
    headImgUrl: str(w.HeadImgUrl),
    verifyFlag: num(w.VerifyFlag),
    contactFlag,
    starred: num(w.StarFriend) === 1 || (contactFlag & CONTACT_FLAG.starred) !== 0,
    pinned: (contactFlag & CONTACT_FLAG.pinned) !== 0,
    muted,
    pinyin: {
      nick: str(w.PYQuanPin),
      nickInitials: str(w.PYInitial),
      remark: str(w.RemarkPYQuanPin),
      remarkInitials: str(w.RemarkPYInitial),
    },
  };
}

/** A contact from getcontact, init or batchgetcontact. */
export function toContact(wire: WireContact, selfUserName: string): Contact {
  const w = (wire ?? {}) as ContactLike;
  let kind = classifyUserName(str(w.UserName), num(w.VerifyFlag), selfUserName);
  if (kind === 'friend' && (num(w.ContactFlag) & CONTACT_FLAG.contact) === 0) kind = 'stranger';
  return baseContact(w, kind);
}

/** The logged-in user, from webwxinit's `User`. */
export function selfToContact(user: WireUser): Contact {
  return baseContact((user ?? {}) as ContactLike, 'self');
}

/** The name to show for a contact: remark name, else nickname, else the UserName. */
export function contactDisplayName(contact: Pick<Contact, 'remarkName' | 'nickName' | 'userName'>): string {
  return contact.remarkName || contact.nickName || contact.userName;
}
