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

export type JsonObject = Record<string, unknown>;

/** Replies longer than this (in UTF-16 code units) are rejected unread. Big contact lists run to a few MB. */
export const MAX_JSON_REPLY_LENGTH = 32 * 1024 * 1024;

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

/**
 * Normalise an object against a template of defaults. For each template key: a missing value takes
 * the default; a string default accepts strings and numbers (→ text); a number default accepts
 * numbers and numeric strings; an array default accepts an array (elements untouched); an object
 * default is applied recursively. Other types are a ParseError naming the field. Keys outside the
 * template are kept as received. Keys in `required` must be present.
 */
export function normaliseRecord<T extends object>(
  endpoint: string,
  value: unknown,
  field: string,
  template: T,
  required: readonly (keyof T & string)[] = [],
): T {
  const obj = requireObject(endpoint, value, field);
  for (const key of required) {
    if (obj[key] === undefined || obj[key] === null)
      throw new ParseError(endpoint, `${field}.${key} is missing`);
  }
  const out: JsonObject = { ...obj };
  for (const [key, fallback] of Object.entries(template as Template)) {
    const v = obj[key];
    const name = `${field}.${key}`;
    if (typeof fallback === 'string') out[key] = stringOr(endpoint, v, name, fallback);
    else if (typeof fallback === 'number') out[key] = numberOr(endpoint, v, name, fallback);
    else if (Array.isArray(fallback)) out[key] = arrayOrEmpty(endpoint, v, name);
    else if (isJsonObject(fallback)) {
      out[key] =
        v === undefined || v === null
          ? structuredClone(fallback)
          : normaliseRecord(endpoint, v, name, fallback);
    } else out[key] = v ?? fallback;
  }
  return out as T;
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

/** A group member entry; `UserName` is required. */
export function readMember(endpoint: string, value: unknown, field: string): WireMember {
  return normaliseRecord(endpoint, value, field, MEMBER_DEFAULTS, ['UserName']);
}

/** A contact (§10.1); `UserName` is required, `MemberList` entries are checked as members. */
export function readContact(endpoint: string, value: unknown, field: string): WireContact {
  const contact = normaliseRecord(endpoint, value, field, CONTACT_DEFAULTS, ['UserName']);
  contact.MemberList = mapArray(contact.MemberList, `${field}.MemberList`, (m, name) =>
    readMember(endpoint, m, name),
  );
  return contact;
}

/** A list of contacts; a missing list is []. */
export function readContactList(endpoint: string, value: unknown, field: string): WireContact[] {
  return mapArray(arrayOrEmpty(endpoint, value, field), field, (c, name) => readContact(endpoint, c, name));
}

/** An AddMsgList entry (§9.1); `MsgId`, `FromUserName`, `ToUserName` and `MsgType` are required. */
export function readMessage(endpoint: string, value: unknown, field: string): WireMessage {
  return normaliseRecord(endpoint, value, field, MESSAGE_DEFAULTS, [
    'MsgId',
    'FromUserName',
    'ToUserName',
    'MsgType',
  ]);
}

export function readUser(endpoint: string, value: unknown, field: string): WireUser {
  return normaliseRecord(endpoint, value, field, USER_DEFAULTS, ['UserName']);
}

export function readProfile(endpoint: string, value: unknown, field: string): WireProfile {
  if (value === undefined || value === null) return structuredClone(PROFILE_DEFAULTS);
  return normaliseRecord(endpoint, value, field, PROFILE_DEFAULTS);
}
