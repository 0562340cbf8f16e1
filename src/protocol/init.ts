/** webwxinit and webwxstatusnotify (PROTOCOL.md §4.1, §4.2). */
import { ParseError } from '../errors.js';
import type { HttpRequestSpec } from './http-request.js';
import { arrayOrEmpty, assertOk, numberOr, parseJsonReply, stringOr } from './json-reply.js';
import { buildBaseRequest, mmwebwxUrl, preEncoded, rParam } from './request-ids.js';
import type { SessionContext } from './session-context.js';
import { withAppMarker } from './web-app.js';
import { isUsableSyncKey, readContactList, readSyncKey, readUser } from './wire-readers.js';
import type { InitReply, StatusNotifyReply } from './wire-types.js';

/** `POST ${main}/webwxinit?r=<~ms>&lang=&pass_ticket=` with body `{BaseRequest}` (+ the app marker, §14). */
export function buildInitRequest(
  ctx: SessionContext,
  o: { deviceId: string; nowMs: number },
): HttpRequestSpec {
  return withAppMarker(ctx, {
    endpoint: 'webwxinit',
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxinit', [
      ['r', rParam(o.nowMs)],
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
    ]),
    body: { kind: 'json', value: { BaseRequest: buildBaseRequest(ctx.credentials, o.deviceId) } },
  });
}

/**
 * webwxinit's reply, normalised: ContactList an array of checked contacts, SyncKey present and
 * non-empty (ParseError otherwise), User with a UserName, InviteStartCount defaulting to 40, SKey a
 * string ('' when absent: keep the old skey). Ret ≠ 0 is a ProtocolError('webwxinit', Ret).
 */
export function parseInitReply(text: string): InitReply {
  const endpoint = 'webwxinit';
  const obj = parseJsonReply(endpoint, text);
  const baseResponse = assertOk(endpoint, obj.BaseResponse);
  const contactList = readContactList(endpoint, obj.ContactList, 'ContactList');
  const syncKey = readSyncKey(endpoint, obj.SyncKey, 'SyncKey');
  if (!isUsableSyncKey(syncKey))
    throw new ParseError(endpoint, 'SyncKey is empty', JSON.stringify(obj.SyncKey));
  return {
    ...obj,
    BaseResponse: baseResponse,
    Count: numberOr(endpoint, obj.Count, 'Count', contactList.length),
    ContactList: contactList,
    SyncKey: syncKey,
    User: readUser(endpoint, obj.User, 'User'),
    ChatSet: stringOr(endpoint, obj.ChatSet, 'ChatSet', ''),
    SKey: stringOr(endpoint, obj.SKey, 'SKey', ''),
    ClientVersion: numberOr(endpoint, obj.ClientVersion, 'ClientVersion', 0),
    SystemTime: numberOr(endpoint, obj.SystemTime, 'SystemTime', 0),
    GrayScale: numberOr(endpoint, obj.GrayScale, 'GrayScale', 0),
    InviteStartCount: numberOr(endpoint, obj.InviteStartCount, 'InviteStartCount', 40),
    MPSubscribeMsgCount: numberOr(endpoint, obj.MPSubscribeMsgCount, 'MPSubscribeMsgCount', 0),
    MPSubscribeMsgList: arrayOrEmpty(endpoint, obj.MPSubscribeMsgList, 'MPSubscribeMsgList'),
    ClickReportInterval: numberOr(endpoint, obj.ClickReportInterval, 'ClickReportInterval', 0),
  };
}

/** What {@link buildStatusNotifyRequest} tells the server: a status `code` for the chat `to` (§4.2). */
export interface StatusNotifyOptions {
  deviceId: string;
  /** 1 READED (mark as read), 3 INITED (once after init, from = to = self). */
  code: number;
  from: string;
  to: string;
  nowMs: number;
}

/**
 * `POST ${main}/webwxstatusnotify?lang=&pass_ticket=` with body
 * `{BaseRequest, Code, FromUserName, ToUserName, ClientMsgId: <ms>}` (§4.2), plus the app marker (§14).
 */
export function buildStatusNotifyRequest(ctx: SessionContext, o: StatusNotifyOptions): HttpRequestSpec {
  return withAppMarker(ctx, {
    endpoint: 'webwxstatusnotify',
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxstatusnotify', [
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
    ]),
    body: {
      kind: 'json',
      value: {
        BaseRequest: buildBaseRequest(ctx.credentials, o.deviceId),
        Code: o.code,
        FromUserName: o.from,
        ToUserName: o.to,
        ClientMsgId: Math.floor(o.nowMs),
      },
    },
  });
}

/** `{BaseResponse, MsgID}`; MsgID '' when absent. */
export function parseStatusNotifyReply(text: string): StatusNotifyReply {
  const endpoint = 'webwxstatusnotify';
  const obj = parseJsonReply(endpoint, text);
  const baseResponse = assertOk(endpoint, obj.BaseResponse);
  return { ...obj, BaseResponse: baseResponse, MsgID: stringOr(endpoint, obj.MsgID, 'MsgID', '') };
}
