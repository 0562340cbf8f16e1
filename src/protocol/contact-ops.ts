/**
 * Contact operations (PROTOCOL.md §7.1, §7.4, §7.5): webwxoplog (remark, pin), webwxverifyuser
 * (send or accept a friend request) and webwxsearchcontact. Pure builders and parsers.
 */
import type { HttpRequestSpec } from './http-request.js';
import { assertOk, mapArray, parseJsonReply, requireArray } from './json-reply.js';
import { buildBaseRequest, mmwebwxUrl, preEncoded, rParam } from './request-ids.js';
import type { SessionContext } from './session-context.js';
import { readContact } from './wire-readers.js';
import type { BaseResponse, WireContact } from './wire-types.js';

/** webwxoplog commands. */
export const OPLOG_CMD = Object.freeze({ setRemark: 2, pin: 3 });

/** webwxverifyuser opcodes (official constants). */
export const VERIFY_OPCODE = Object.freeze({
  addContact: 1,
  sendRequest: 2,
  accept: 3,
  reject: 4,
});

/** Scene 33: "from web". */
export const VERIFY_SCENE_WEB = 33;

/**
 * What {@link buildOplogRequest} changes for one contact: its remark name, or whether it is pinned
 * (CmdId 2 or 3).
 */
export type OplogOptions =
  | { deviceId: string; userName: string; cmd: 'remark'; remarkName: string }
  /** The current remark goes along: omitting it clears the remark (wechat4u). */
  | { deviceId: string; userName: string; cmd: 'pin'; pinned: boolean; remarkName: string };

/** `POST ${main}/webwxoplog?lang=&pass_ticket=` body `{BaseRequest, UserName, CmdId, RemarkName[, OP]}`. */
export function buildOplogRequest(ctx: SessionContext, o: OplogOptions): HttpRequestSpec {
  const value: Record<string, unknown> = {
    BaseRequest: buildBaseRequest(ctx.credentials, o.deviceId),
    UserName: o.userName,
    CmdId: o.cmd === 'remark' ? OPLOG_CMD.setRemark : OPLOG_CMD.pin,
  };
  if (o.cmd === 'pin') value.OP = o.pinned ? 1 : 0;
  value.RemarkName = o.remarkName;
  return {
    endpoint: 'webwxoplog',
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxoplog', [
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
    ]),
    body: { kind: 'json', value },
  };
}

/** The one friend request {@link buildVerifyUserRequest} sends (opcode 2) or accepts (opcode 3). */
export interface VerifyUserOptions {
  deviceId: string;
  /** 2 send a request, 3 accept one. */
  opcode: number;
  /** The person: a UserName, or RecommendInfo.UserName of the request. */
  userName: string;
  /** RecommendInfo.Ticket when accepting; '' when sending. */
  ticket: string;
  /** The greeting when sending; '' when accepting. */
  content: string;
  nowMs: number;
}

/**
 * `POST ${main}/webwxverifyuser?r=<ms>&lang=&pass_ticket=` with body `{BaseRequest, Opcode,
 * VerifyUserListSize: 1, VerifyUserList: [{Value, VerifyUserTicket}], VerifyContent, SceneListCount: 1,
 * SceneList: [33], skey}` (one user per call).
 */
export function buildVerifyUserRequest(ctx: SessionContext, o: VerifyUserOptions): HttpRequestSpec {
  return {
    endpoint: 'webwxverifyuser',
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxverifyuser', [
      ['r', rParam(o.nowMs)],
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
    ]),
    body: {
      kind: 'json',
      value: {
        BaseRequest: buildBaseRequest(ctx.credentials, o.deviceId),
        Opcode: o.opcode,
        VerifyUserListSize: 1,
        VerifyUserList: [{ Value: o.userName, VerifyUserTicket: o.ticket }],
        VerifyContent: o.content,
        SceneListCount: 1,
        SceneList: [VERIFY_SCENE_WEB],
        skey: ctx.credentials.skey,
      },
    },
  };
}

/** `POST ${main}/webwxsearchcontact?lang=&pass_ticket=` body `{BaseRequest, KeyWord}`. */
export function buildSearchContactRequest(
  ctx: SessionContext,
  o: { deviceId: string; keyword: string },
): HttpRequestSpec {
  return {
    endpoint: 'webwxsearchcontact',
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxsearchcontact', [
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
    ]),
    body: {
      kind: 'json',
      value: { BaseRequest: buildBaseRequest(ctx.credentials, o.deviceId), KeyWord: o.keyword },
    },
  };
}

/**
 * `{BaseResponse, List}`; a missing List is []. The official page reads each entry's `EncryUserName`
 * (the session UserName) and looks the contact up in its own list; what else an entry carries is not
 * captured, so an entry is read as a contact whose `UserName` is its own, else its `EncryUserName`.
 */
export function parseSearchContactReply(text: string): { BaseResponse: BaseResponse; List: WireContact[] } {
  const endpoint = 'webwxsearchcontact';
  const obj = parseJsonReply(endpoint, text);
  const baseResponse = assertOk(endpoint, obj.BaseResponse);
  const list = obj.List === undefined ? [] : requireArray(endpoint, obj.List, 'List');
  return {
    BaseResponse: baseResponse,
    List: mapArray(list, 'List', (c, n) => readContact(endpoint, withEncryUserName(c), n)),
  };
}

function withEncryUserName(entry: unknown): unknown {
  if (typeof entry !== 'object' || entry === null) return entry;
  const { UserName, EncryUserName } = entry as { UserName?: unknown; EncryUserName?: unknown };
  const missing = typeof UserName !== 'string' || UserName === '';
  return missing && typeof EncryUserName === 'string' && EncryUserName !== ''
    ? { ...entry, UserName: EncryUserName }
    : entry;
}

/**
 * Replies that carry only `{BaseResponse}` (webwxoplog, webwxverifyuser): Ret ≠ 0 is a
 * ProtocolError(endpoint, Ret), anything that is not such an object a ParseError.
 */
export function parseBaseReply(endpoint: string, text: string): { BaseResponse: BaseResponse } {
  const obj = parseJsonReply(endpoint, text);
  return { BaseResponse: assertOk(endpoint, obj.BaseResponse) };
}
