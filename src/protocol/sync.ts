/** synccheck (long poll) and webwxsync (PROTOCOL.md §4.5, §4.6). */
import { ParseError } from '../errors.js';
import type { HttpRequestSpec } from './http-request.js';
import { parseJsAssignments } from './js-assignment.js';
import {
  arrayOrEmpty,
  assertOk,
  numberOr,
  parseJsonReply,
  readEntriesSkipping,
  requireObject,
  stringOr,
} from './json-reply.js';
import { LONG_POLL_TIMEOUT_MS } from './login.js';
import { buildBaseRequest, formatSyncKey, mmwebwxUrl, preEncoded, rParam } from './request-ids.js';
import type { SessionContext } from './session-context.js';
import { appMarkerQuery, withAppMarker } from './web-app.js';
import {
  isUsableSyncKey,
  readContactInPlace,
  readMessageInPlace,
  readProfileInPlace,
  readSyncKey,
} from './wire-readers.js';
import type { SyncCheckResult, SyncKey, SyncReply } from './wire-types.js';

/** What {@link buildSyncCheckRequest} needs besides the session: the key to poll with, and where. */
export interface SyncCheckOptions {
  /** A push host base URL overriding ctx.hosts.push (fallback probing, §1.3). */
  pushHost?: string;
  deviceId: string;
  /** The SyncCheckKey (fallback SyncKey) last received. */
  syncKey: SyncKey;
  nowMs: number;
  /** Defaults to 35 000 ms (official): the server holds the poll ≈25 s. */
  timeoutMs?: number;
}

/**
 * `GET ${push}/synccheck?r=<ms>&skey=&sid=&uin=&deviceid=&synckey=<k_v|…>&_=<ms>`, every value
 * URL-encoded (a File Transfer session adds `&mmweb_appid=wx_webfilehelper` after synckey, §14).
 * Must be sent with the session cookies (without them the server answers 1102).
 */
export function buildSyncCheckRequest(ctx: SessionContext, o: SyncCheckOptions): HttpRequestSpec {
  const { credentials } = ctx;
  const ms = Math.floor(o.nowMs);
  return {
    endpoint: 'synccheck',
    method: 'GET',
    url: mmwebwxUrl(o.pushHost ?? ctx.hosts.push, 'synccheck', [
      ['r', ms],
      ['skey', credentials.skey],
      ['sid', credentials.sid],
      ['uin', credentials.uin],
      ['deviceid', o.deviceId],
      ['synckey', formatSyncKey(o.syncKey)],
      ...appMarkerQuery(ctx),
      ['_', ms],
    ]),
    timeoutMs: o.timeoutMs ?? LONG_POLL_TIMEOUT_MS,
  };
}

const CANONICAL_SYNCCHECK = /^\s*window\.synccheck=\{retcode:"(\d{1,10})",selector:"(\d{1,10})"\};?\s*$/;

/**
 * `window.synccheck={retcode:"0",selector:"2"}` → `{ retcode: 0, selector: 2 }`. ParseError when
 * either is missing or not numeric. A non-zero retcode is returned, not thrown: the caller decides
 * (1100/1101/1102 end the session, see logoutReasonFor).
 */
export function parseSyncCheckReply(text: string): SyncCheckResult {
  // The form every reply takes (§4.5), read at once; anything else goes through the full parser.
  const m = CANONICAL_SYNCCHECK.exec(text);
  if (m !== null) return { retcode: Number(m[1]), selector: Number(m[2]) };
  const endpoint = 'synccheck';
  const values = parseJsAssignments(text, endpoint);
  const sc = values['window.synccheck'];
  if (typeof sc !== 'object')
    throw new ParseError(endpoint, 'window.synccheck is missing or not an object', text);
  const read = (name: 'retcode' | 'selector'): number => {
    const v = sc[name];
    if (v === undefined) throw new ParseError(endpoint, `${name} is missing`, text);
    if (!(typeof v === 'number' ? Number.isInteger(v) : /^-?\d{1,10}$/.test(v.trim()))) {
      throw new ParseError(endpoint, `${name} is not an integer`, text);
    }
    return Number(v);
  };
  return { retcode: read('retcode'), selector: read('selector') };
}

/**
 * `POST ${main}/webwxsync?sid=&skey=&lang=&pass_ticket=` with body `{BaseRequest, SyncKey, rr}`;
 * SyncKey is the whole object last received from webwxinit/webwxsync (not the synccheck string).
 * A File Transfer session adds the `mmweb_appid` header (§14).
 */
export function buildSyncRequest(
  ctx: SessionContext,
  o: { deviceId: string; syncKey: SyncKey; nowMs: number },
): HttpRequestSpec {
  const { credentials } = ctx;
  return withAppMarker(ctx, {
    endpoint: 'webwxsync',
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxsync', [
      ['sid', credentials.sid],
      ['skey', credentials.skey],
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(credentials.passTicket)],
    ]),
    body: {
      kind: 'json',
      value: {
        BaseRequest: buildBaseRequest(credentials, o.deviceId),
        SyncKey: { Count: o.syncKey.Count, List: o.syncKey.List.map((i) => ({ Key: i.Key, Val: i.Val })) },
        rr: rParam(o.nowMs),
      },
    },
  });
}

/**
 * webwxsync's reply, normalised: every list an array ([] when absent), messages and contacts
 * checked, counts defaulting to the list lengths, Profile filled in, SKey '' when absent (keep the
 * old skey), SyncCheckKey falling back to SyncKey when absent or empty. A SyncKey with Count 0 is
 * returned as is: check it with isUsableSyncKey() before replacing the stored key (the official
 * client ignores such a key). Ret ≠ 0 is a ProtocolError('webwxsync', Ret).
 */
/**
 * webwxsync's reply, normalised, with the entries that could not be read left out: `skipped` has a
 * ParseError for each AddMsgList, ModContactList or DelContactList entry that is not what the server
 * sends (null, a MemberList that is not an array, a missing MsgId or UserName…). The rest of the reply
 * is whole, so the client processes it and its SyncKey moves on.
 */
export interface ParsedSyncReply extends SyncReply {
  skipped: ParseError[];
}

/**
 * webwxsync's reply: ParseError when the reply itself is unreadable (not JSON, no BaseResponse, a
 * list that is not a list, a bad SyncKey); ProtocolError on Ret ≠ 0; a bad entry only lands in
 * `skipped`.
 */
export function parseSyncReply(text: string): ParsedSyncReply {
  const endpoint = 'webwxsync';
  const obj = parseJsonReply(endpoint, text);
  const baseResponse = assertOk(endpoint, obj.BaseResponse);
  const skipped: ParseError[] = [];
  // Messages and contacts are checked and filled in place: nothing else holds the parsed reply.
  const addMsgList = readEntriesSkipping(
    arrayOrEmpty(endpoint, obj.AddMsgList, 'AddMsgList'),
    'AddMsgList',
    (m, name) => readMessageInPlace(endpoint, m, name),
    skipped,
  );
  const modContactList = readEntriesSkipping(
    arrayOrEmpty(endpoint, obj.ModContactList, 'ModContactList'),
    'ModContactList',
    (c, name) => readContactInPlace(endpoint, c, name),
    skipped,
  );
  const delContactList = readEntriesSkipping(
    arrayOrEmpty(endpoint, obj.DelContactList, 'DelContactList'),
    'DelContactList',
    (d, name) => {
      const o = requireObject(endpoint, d, name);
      const userName = stringOr(endpoint, o.UserName, `${name}.UserName`, '');
      if (userName === '') throw new ParseError(endpoint, `${name}.UserName is missing`);
      return {
        ...o,
        UserName: userName,
        ContactFlag: numberOr(endpoint, o.ContactFlag, `${name}.ContactFlag`, 0),
      };
    },
    skipped,
  );
  const modChatRoomMemberList = arrayOrEmpty(endpoint, obj.ModChatRoomMemberList, 'ModChatRoomMemberList');
  const syncKey = readSyncKey(endpoint, obj.SyncKey, 'SyncKey');
  const syncCheckKey =
    obj.SyncCheckKey === undefined || obj.SyncCheckKey === null
      ? undefined
      : readSyncKey(endpoint, obj.SyncCheckKey, 'SyncCheckKey');
  return {
    ...obj,
    BaseResponse: baseResponse,
    AddMsgCount: numberOr(endpoint, obj.AddMsgCount, 'AddMsgCount', addMsgList.length),
    AddMsgList: addMsgList,
    ModContactCount: numberOr(endpoint, obj.ModContactCount, 'ModContactCount', modContactList.length),
    ModContactList: modContactList,
    DelContactCount: numberOr(endpoint, obj.DelContactCount, 'DelContactCount', delContactList.length),
    DelContactList: delContactList,
    ModChatRoomMemberCount: numberOr(
      endpoint,
      obj.ModChatRoomMemberCount,
      'ModChatRoomMemberCount',
      modChatRoomMemberList.length,
    ),
    ModChatRoomMemberList: modChatRoomMemberList,
    Profile: readProfileInPlace(endpoint, obj.Profile, 'Profile'),
    ContinueFlag: numberOr(endpoint, obj.ContinueFlag, 'ContinueFlag', 0),
    SyncKey: syncKey,
    SKey: stringOr(endpoint, obj.SKey, 'SKey', ''),
    SyncCheckKey: isUsableSyncKey(syncCheckKey) ? syncCheckKey : syncKey,
    skipped,
  };
}
