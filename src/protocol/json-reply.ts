/**
 * JSON replies (PROTOCOL.md §3.6): parsing whatever the Content-Type, BaseResponse.Ret checks, and the
 * shape helpers every parser uses. Shape errors are ParseErrors naming the field; a non-zero Ret is a
 * ProtocolError. Harmless variations (missing arrays, numbers sent as strings) are normalised.
 */

import { ParseError, ProtocolError } from '../errors.js';
import { emptyRecommendInfo, emptyWireContact } from './wire-defaults.js';
import type {
  BaseResponse,
  SyncKey,
  SyncKeyItem,
  WireContact,
  WireMember,
  WireMessage,
  WireProfile,
  WireRecommendInfo,
  WireUser,
} from './wire-types.js';

/** A parsed JSON object whose fields are not yet checked. */
export type JsonObject = Record<string, unknown>;

/** Replies longer than this (in UTF-16 code units) are rejected unread. Big contact lists run to a few MB. */
export const MAX_JSON_REPLY_LENGTH = 32 * 1024 * 1024;

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parse a JSON reply whose top level must be an object. ParseError on non-JSON, a non-object top
 * level, or text over MAX_JSON_REPLY_LENGTH. The type parameter is not checked: use the shape helpers.
 */
export function parseJsonReply<T extends object = JsonObject>(endpoint: string, text: string): T {
  if (typeof text !== 'string') throw new ParseError(endpoint, 'reply is not text');
  if (text.length > MAX_JSON_REPLY_LENGTH) {
    throw new ParseError(endpoint, `reply too large (${text.length} characters)`, text.slice(0, 200));
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (cause) {
    throw new ParseError(endpoint, 'reply is not JSON', text, { cause });
  }
  if (!isJsonObject(value)) throw new ParseError(endpoint, 'reply is not a JSON object', text);
  return value as T;
}

const NUMERIC = /^\s*-?\d+(?:\.\d+)?\s*$/;

/** A number, or a string holding a decimal number (`"0"`, `"1101"`); ParseError otherwise. */
export function numberOrString(endpoint: string, value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  throw new ParseError(endpoint, `${field} is not a number`, describe(value));
}

/** Like numberOrString, with a default for a missing (undefined or null) field. */
export function numberOr(endpoint: string, value: unknown, field: string, fallback: number): number {
  return value === undefined || value === null ? fallback : numberOrString(endpoint, value, field);
}

/** A string (numbers are turned into their decimal text); a default for a missing field. */
export function stringOr(endpoint: string, value: unknown, field: string, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ParseError(endpoint, `${field} is not a string`, describe(value));
}

/** A required object. */
export function requireObject(endpoint: string, value: unknown, field: string): JsonObject {
  if (!isJsonObject(value)) {
    throw new ParseError(
      endpoint,
      `${field} is ${value === undefined ? 'missing' : 'not an object'}`,
      describe(value),
    );
  }
  return value;
}

/** A required array. */
export function requireArray(endpoint: string, value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new ParseError(
      endpoint,
      `${field} is ${value === undefined ? 'missing' : 'not an array'}`,
      describe(value),
    );
  }
  return value;
}

/** An array, or [] when the field is missing (undefined or null); ParseError for anything else. */
export function arrayOrEmpty(endpoint: string, value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  return requireArray(endpoint, value, field);
}

/** Map every element of an array with its indexed field name (`ContactList[3]`). */
export function mapArray<T>(
  items: readonly unknown[],
  field: string,
  map: (item: unknown, field: string) => T,
): T[] {
  return items.map((item, i) => map(item, `${field}[${i}]`));
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 100));
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 100);
  } catch {
    return typeof value;
  }
}

/**
 * Check a BaseResponse and return it normalised. `Ret` may be a number or a numeric string.
 * ParseError when it is missing or malformed; ProtocolError(endpoint, Ret, ErrMsg) when Ret != 0.
 */
export function assertOk(endpoint: string, baseResponse: unknown): BaseResponse {
  const br = requireObject(endpoint, baseResponse, 'BaseResponse');
  const ret = numberOrString(endpoint, br.Ret, 'BaseResponse.Ret');
  const errMsg = typeof br.ErrMsg === 'string' ? br.ErrMsg : '';
  if (ret !== 0) throw new ProtocolError(endpoint, ret, errMsg);
  return { Ret: ret, ErrMsg: errMsg };
}

// ---------------------------------------------------------------------------------------------
// Record normalisation from a template of defaults
// ---------------------------------------------------------------------------------------------

type Template = { readonly [k: string]: unknown };

const STR = 0;
const NUM = 1;
const ARR = 2;
const OBJ = 3;
const ANY = 4;

interface Slot {
  readonly key: string;
  readonly kind: typeof STR | typeof NUM | typeof ARR | typeof OBJ | typeof ANY;
  readonly fallback: unknown;
  /** For OBJ: the nested template, compiled. */
  readonly nested: Shape | undefined;
}

/** A template compiled once: its keys in order with their kinds, and a factory for a default copy. */
interface Shape {
  readonly slots: readonly Slot[];
  /** A fresh object holding every default (nested objects and arrays fresh too). */
  make(): JsonObject;
}

const shapes = new WeakMap<object, Shape>();

function compileTemplate(template: object): Shape {
  const known = shapes.get(template);
  if (known) return known;
  const slots: Slot[] = Object.entries(template as Template).map(([key, fallback]) => {
    if (typeof fallback === 'string') return { key, kind: STR, fallback, nested: undefined };
    if (typeof fallback === 'number') return { key, kind: NUM, fallback, nested: undefined };
    if (Array.isArray(fallback)) return { key, kind: ARR, fallback, nested: undefined };
    if (isJsonObject(fallback)) return { key, kind: OBJ, fallback, nested: compileTemplate(fallback) };
    return { key, kind: ANY, fallback, nested: undefined };
  });
  const make = (): JsonObject => {
    const out: JsonObject = {};
    for (const slot of slots) {
      if (slot.kind === ARR) out[slot.key] = [];
      else if (slot.kind === OBJ) out[slot.key] = (slot.nested as Shape).make();
      else out[slot.key] = slot.fallback;
    }
    return out;
  };
  const shape: Shape = { slots, make };
  shapes.set(template, shape);
  return shape;
}

/** `base` or `base[index]`: field names are built only when an error names them. */
function fieldName(base: string, index: number): string {
  return index < 0 ? base : `${base}[${index}]`;
}

/**
 * The normaliser behind normaliseRecord (copy: a shallow copy is filled, nested template objects
 * copied too) and the in-place readers (copy false: `value` itself is checked and filled, and
 * returned). Unchanged fields are not written.
 */
function fillRecord(
  endpoint: string,
  value: unknown,
  base: string,
  index: number,
  shape: Shape,
  required: readonly string[],
  copy: boolean,
): JsonObject {
  if (!isJsonObject(value)) return requireObject(endpoint, value, fieldName(base, index));
  for (const key of required) {
    const v = value[key];
    if (v === undefined || v === null)
      throw new ParseError(endpoint, `${fieldName(base, index)}.${key} is missing`);
  }
  const out: JsonObject = copy ? { ...value } : value;
  const slots = shape.slots;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as Slot;
    const key = slot.key;
    const v = value[key];
    switch (slot.kind) {
      case STR:
        if (typeof v !== 'string') {
          out[key] =
            v === undefined || v === null
              ? slot.fallback
              : stringOr(endpoint, v, `${fieldName(base, index)}.${key}`, slot.fallback as string);
        }
        break;
      case NUM:
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          out[key] =
            v === undefined || v === null
              ? slot.fallback
              : numberOrString(endpoint, v, `${fieldName(base, index)}.${key}`);
        }
        break;
      case ARR:
        if (!Array.isArray(v)) out[key] = arrayOrEmpty(endpoint, v, `${fieldName(base, index)}.${key}`);
        break;
      case OBJ:
        out[key] =
          v === undefined || v === null
            ? (slot.nested as Shape).make()
            : fillRecord(endpoint, v, `${fieldName(base, index)}.${key}`, -1, slot.nested as Shape, [], copy);
        break;
      default:
        out[key] = v ?? slot.fallback;
    }
  }
  return out;
}

/**
 * Normalise an object against a template of defaults. For each template key: a missing value takes
 * the default; a string default accepts strings and numbers (→ text); a number default accepts
 * numbers and numeric strings; an array default accepts an array (elements untouched); an object
 * default is applied recursively. Other types are a ParseError naming the field. Keys outside the
 * template are kept as received. Keys in `required` must be present. Returns a copy (nested template
 * objects copied too); `value` is left as it was.
 */
export function normaliseRecord<T extends object>(
  endpoint: string,
  value: unknown,
  field: string,
  template: T,
  required: readonly (keyof T & string)[] = [],
): T {
  return fillRecord(endpoint, value, field, -1, compileTemplate(template), required, true) as T;
}

/**
 * normaliseRecord done in place: `value` itself is checked and filled (defaults added, numeric
 * strings turned into numbers and so on, nested template objects likewise) and returned. Same results
 * and the same ParseErrors as normaliseRecord; for objects nobody else holds, like a fresh JSON.parse.
 */
export function normaliseRecordInPlace<T extends object>(
  endpoint: string,
  value: unknown,
  field: string,
  template: T,
  required: readonly (keyof T & string)[] = [],
): T {
  return fillRecord(endpoint, value, field, -1, compileTemplate(template), required, false) as T;
}

// ---------------------------------------------------------------------------------------------
// Wire shapes shared by several endpoints
// ---------------------------------------------------------------------------------------------

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

const RECOMMEND_INFO_DEFAULTS: WireRecommendInfo = emptyRecommendInfo();

const MESSAGE_DEFAULTS: WireMessage = {
  MsgId: '',
  FromUserName: '',
  ToUserName: '',
  MsgType: 0,
  Content: '',
  Status: 0,
  ImgStatus: 0,
  CreateTime: 0,
  VoiceLength: 0,
  PlayLength: 0,
  FileName: '',
  FileSize: '',
  MediaId: '',
  Url: '',
  AppMsgType: 0,
  StatusNotifyCode: 0,
  StatusNotifyUserName: '',
  RecommendInfo: RECOMMEND_INFO_DEFAULTS,
  ForwardFlag: 0,
  AppInfo: { AppID: '', Type: 0 },
  HasProductId: 0,
  Ticket: '',
  ImgHeight: 0,
  ImgWidth: 0,
  SubMsgType: 0,
  NewMsgId: 0,
  OriContent: '',
  EncryFileName: '',
};

const PROFILE_DEFAULTS: WireProfile = {
  BitFlag: 0,
  UserName: { Buff: '' },
  NickName: { Buff: '' },
  BindUin: 0,
  BindEmail: { Buff: '' },
  BindMobile: { Buff: '' },
  Status: 0,
  Sex: 0,
  PersonalCard: 0,
  Alias: '',
  HeadImgUpdateFlag: 0,
  HeadImgUrl: '',
  Signature: '',
};

const MEMBER_SHAPE = compileTemplate(MEMBER_DEFAULTS);
const CONTACT_SHAPE = compileTemplate(CONTACT_DEFAULTS);
const USER_SHAPE = compileTemplate(USER_DEFAULTS);
const MESSAGE_SHAPE = compileTemplate(MESSAGE_DEFAULTS);
const PROFILE_SHAPE = compileTemplate(PROFILE_DEFAULTS);
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

/**
 * The entries of a list read one by one with `read(item, field)`; an entry `read` refuses with a
 * ParseError is left out of the result and added to `skipped` (one bad entry of a webwxsync reply
 * skips itself, not the reply). Other errors propagate.
 */
export function readEntriesSkipping<T>(
  items: readonly unknown[],
  field: string,
  read: (item: unknown, field: string) => T,
  skipped: ParseError[],
): T[] {
  const good: T[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      good.push(read(items[i], `${field}[${i}]`));
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      skipped.push(error);
    }
  }
  return good;
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
