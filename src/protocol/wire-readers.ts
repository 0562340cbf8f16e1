/**
 * The wire records several endpoints share (PROTOCOL.md §4.6, §9.1, §10.1): SyncKey, contacts and their
 * members, messages, the user and the profile, each checked and filled from its template of defaults
 * (record-template.ts), as a copy or, for a fresh JSON.parse nobody else holds, in place.
 */
import {
  arrayOrEmpty,
  mapArray,
  numberOr,
  numberOrString,
  requireArray,
  requireObject,
} from './json-reply.js';
import { compileTemplate, fieldName, fillRecord } from './record-template.js';
import { emptyProfile, emptyWireContact, emptyWireMessage } from './wire-defaults.js';
import type {
  SyncKey,
  SyncKeyItem,
  WireContact,
  WireMember,
  WireMessage,
  WireProfile,
  WireUser,
} from './wire-types.js';

/** A SyncKey object (§4.6). `Count` defaults to the list length; keys and values may be numeric strings. */
export function readSyncKey(endpoint: string, value: unknown, field: string): SyncKey {
  const obj = requireObject(endpoint, value, field);
  const list = mapArray(requireArray(endpoint, obj.List, `${field}.List`), `${field}.List`, (item, name) => {
    const o = requireObject(endpoint, item, name);
    return {
      Key: numberOrString(endpoint, o.Key, `${name}.Key`),
      Val: numberOrString(endpoint, o.Val, `${name}.Val`),
    } satisfies SyncKeyItem;
  });
  return { Count: numberOr(endpoint, obj.Count, `${field}.Count`, list.length), List: list };
}

/** True when a SyncKey can be used: a non-zero Count and at least one item (the official client ignores others). */
export function isUsableSyncKey(key: SyncKey | undefined): key is SyncKey {
  return key !== undefined && key.Count > 0 && key.List.length > 0;
}

const MEMBER_DEFAULTS: WireMember = {
  Uin: 0,
  UserName: '',
  NickName: '',
  AttrStatus: 0,
  PYInitial: '',
  PYQuanPin: '',
  RemarkPYInitial: '',
  RemarkPYQuanPin: '',
  MemberStatus: 0,
  DisplayName: '',
  KeyWord: '',
};

const CONTACT_DEFAULTS: WireContact = emptyWireContact();

const USER_DEFAULTS: WireUser = {
  Uin: 0,
  UserName: '',
  NickName: '',
  HeadImgUrl: '',
  RemarkName: '',
  PYInitial: '',
  PYQuanPin: '',
  RemarkPYInitial: '',
  RemarkPYQuanPin: '',
  HideInputBarFlag: 0,
  StarFriend: 0,
  Sex: 0,
  Signature: '',
  AppAccountFlag: 0,
  VerifyFlag: 0,
  ContactFlag: 0,
  WebWxPluginSwitch: 0,
  HeadImgFlag: 0,
  SnsFlag: 0,
};

const MESSAGE_DEFAULTS: WireMessage = emptyWireMessage();

const MEMBER_SHAPE = compileTemplate(MEMBER_DEFAULTS);
const CONTACT_SHAPE = compileTemplate(CONTACT_DEFAULTS);
const USER_SHAPE = compileTemplate(USER_DEFAULTS);
const MESSAGE_SHAPE = compileTemplate(MESSAGE_DEFAULTS);
const PROFILE_SHAPE = compileTemplate(emptyProfile());
const USER_NAME: readonly string[] = ['UserName'];
const MESSAGE_REQUIRED: readonly string[] = ['MsgId', 'FromUserName', 'ToUserName', 'MsgType'];

function contactAt(
  endpoint: string,
  value: unknown,
  base: string,
  index: number,
  copy: boolean,
): WireContact {
  const contact = fillRecord(
    endpoint,
    value,
    base,
    index,
    CONTACT_SHAPE,
    USER_NAME,
    copy,
  ) as unknown as WireContact;
  const members = contact.MemberList;
  if (members.length === 0) return contact;
  const membersField = `${fieldName(base, index)}.MemberList`;
  if (copy) {
    contact.MemberList = members.map(
      (m, i) =>
        fillRecord(endpoint, m, membersField, i, MEMBER_SHAPE, USER_NAME, true) as unknown as WireMember,
    );
  } else {
    for (let i = 0; i < members.length; i++) {
      const m = members[i];
      if (!isCompleteMember(m)) fillRecord(endpoint, m, membersField, i, MEMBER_SHAPE, USER_NAME, false);
    }
  }
  return contact;
}

const isFiniteNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/**
 * A member entry that fillRecord would leave as it is: every MEMBER_DEFAULTS field present with its
 * type (what servers send). Named property reads, so that the 100,000 members of a big account are
 * checked without fillRecord's per-field keyed loads; anything else goes through fillRecord.
 */
function isCompleteMember(m: WireMember | undefined): boolean {
  return (
    typeof m === 'object' &&
    m !== null &&
    !Array.isArray(m) &&
    isFiniteNumber(m.Uin) &&
    typeof m.UserName === 'string' &&
    typeof m.NickName === 'string' &&
    isFiniteNumber(m.AttrStatus) &&
    typeof m.PYInitial === 'string' &&
    typeof m.PYQuanPin === 'string' &&
    typeof m.RemarkPYInitial === 'string' &&
    typeof m.RemarkPYQuanPin === 'string' &&
    isFiniteNumber(m.MemberStatus) &&
    typeof m.DisplayName === 'string' &&
    typeof m.KeyWord === 'string'
  );
}

function contactListOf(endpoint: string, value: unknown, field: string, copy: boolean): WireContact[] {
  const list = arrayOrEmpty(endpoint, value, field);
  if (copy) return list.map((c, i) => contactAt(endpoint, c, field, i, true));
  for (let i = 0; i < list.length; i++) contactAt(endpoint, list[i], field, i, false);
  return list as WireContact[];
}

/** A group member entry; `UserName` is required. */
export function readMember(endpoint: string, value: unknown, field: string): WireMember {
  return fillRecord(endpoint, value, field, -1, MEMBER_SHAPE, USER_NAME, true) as unknown as WireMember;
}

/** A contact (§10.1); `UserName` is required, `MemberList` entries are checked as members. */
export function readContact(endpoint: string, value: unknown, field: string): WireContact {
  return contactAt(endpoint, value, field, -1, true);
}

/** readContact in place: `value` (and its members) checked, filled and returned; for fresh JSON only. */
export function readContactInPlace(endpoint: string, value: unknown, field: string): WireContact {
  return contactAt(endpoint, value, field, -1, false);
}

/** A list of contacts; a missing list is []. */
export function readContactList(endpoint: string, value: unknown, field: string): WireContact[] {
  return contactListOf(endpoint, value, field, true);
}

/** readContactList in place: the same array, every entry checked and filled in place ([] when missing). */
export function readContactListInPlace(endpoint: string, value: unknown, field: string): WireContact[] {
  return contactListOf(endpoint, value, field, false);
}

/** An AddMsgList entry (§9.1); `MsgId`, `FromUserName`, `ToUserName` and `MsgType` are required. */
export function readMessage(endpoint: string, value: unknown, field: string): WireMessage {
  return fillRecord(
    endpoint,
    value,
    field,
    -1,
    MESSAGE_SHAPE,
    MESSAGE_REQUIRED,
    true,
  ) as unknown as WireMessage;
}

/** readMessage in place, for fresh JSON only. */
export function readMessageInPlace(endpoint: string, value: unknown, field: string): WireMessage {
  return fillRecord(
    endpoint,
    value,
    field,
    -1,
    MESSAGE_SHAPE,
    MESSAGE_REQUIRED,
    false,
  ) as unknown as WireMessage;
}

/** Every entry of a message list read in place ([] when missing); the same array. */
export function readMessageListInPlace(endpoint: string, value: unknown, field: string): WireMessage[] {
  const list = arrayOrEmpty(endpoint, value, field);
  for (let i = 0; i < list.length; i++)
    fillRecord(endpoint, list[i], field, i, MESSAGE_SHAPE, MESSAGE_REQUIRED, false);
  return list as WireMessage[];
}

/**
 * webwxinit's `User` (§10.1), normalised: a copy with missing fields filled with their defaults;
 * `UserName` is required. ParseError names the field that is missing or of the wrong type.
 */
export function readUser(endpoint: string, value: unknown, field: string): WireUser {
  return fillRecord(endpoint, value, field, -1, USER_SHAPE, USER_NAME, true) as unknown as WireUser;
}

/** webwxsync's `Profile`, normalised like {@link readUser}; a missing Profile gives the empty one. */
export function readProfile(endpoint: string, value: unknown, field: string): WireProfile {
  if (value === undefined || value === null) return PROFILE_SHAPE.make() as unknown as WireProfile;
  return fillRecord(endpoint, value, field, -1, PROFILE_SHAPE, [], true) as unknown as WireProfile;
}

/** readProfile in place, for fresh JSON only. */
export function readProfileInPlace(endpoint: string, value: unknown, field: string): WireProfile {
  if (value === undefined || value === null) return PROFILE_SHAPE.make() as unknown as WireProfile;
  return fillRecord(endpoint, value, field, -1, PROFILE_SHAPE, [], false) as unknown as WireProfile;
}
