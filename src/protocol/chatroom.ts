/**
 * Group operations (PROTOCOL.md §7.2, §7.3): webwxcreatechatroom and webwxupdatechatroom
 * (addmember, invitemember, delmember, modtopic, quitchatroom). Pure builders and parsers.
 */
import { ParseError } from '../errors.js';
import type { HttpRequestSpec } from './http-request.js';
import { arrayOrEmpty, assertOk, mapArray, numberOr, parseJsonReply, stringOr } from './json-reply.js';
import { buildBaseRequest, mmwebwxUrl, preEncoded, rParam } from './request-ids.js';
import type { SessionContext } from './session-context.js';
import { readMember } from './wire-readers.js';
import type { BaseResponse, WireMember } from './wire-types.js';

/** Above this many members, members are invited rather than added (webwxinit's InviteStartCount). */
export const DEFAULT_INVITE_START_COUNT = 40;

/** The operations of webwxupdatechatroom, as its `fun` query parameter names them (§7.3). */
export type UpdateChatroomFun = 'addmember' | 'invitemember' | 'delmember' | 'modtopic' | 'quitchatroom';

/** The body field that lists the members of each member operation. */
export const MEMBER_LIST_FIELD = Object.freeze({
  addmember: 'AddMemberList',
  invitemember: 'InviteMemberList',
  delmember: 'DelMemberList',
} as const);

/** webwxcreatechatroom's reply (§7.2): the new group and its members; other fields are kept as received. */
export interface CreateChatroomReply {
  BaseResponse: BaseResponse;
  /** The new room's '@@…' UserName. */
  ChatRoomName: string;
  Topic: string;
  MemberCount: number;
  MemberList: WireMember[];
  [key: string]: unknown;
}

/** webwxupdatechatroom's reply (§7.3); other fields are kept as received. */
export interface UpdateChatroomReply {
  BaseResponse: BaseResponse;
  MemberCount: number;
  MemberList: WireMember[];
  [key: string]: unknown;
}

/**
 * `POST ${main}/webwxcreatechatroom?r=<ms>&lang=&pass_ticket=` with body
 * `{BaseRequest, MemberCount, MemberList: [{UserName}…], Topic}`.
 */
export function buildCreateChatroomRequest(
  ctx: SessionContext,
  o: { deviceId: string; members: readonly string[]; topic?: string; nowMs: number },
): HttpRequestSpec {
  return {
    endpoint: 'webwxcreatechatroom',
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxcreatechatroom', [
      ['r', rParam(o.nowMs)],
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
    ]),
    body: {
      kind: 'json',
      value: {
        BaseRequest: buildBaseRequest(ctx.credentials, o.deviceId),
        MemberCount: o.members.length,
        MemberList: o.members.map((userName) => ({ UserName: userName })),
        Topic: o.topic ?? '',
      },
    },
  };
}

/**
 * One webwxupdatechatroom operation on the group `room`: add, invite or remove members, rename it, or
 * quit it.
 */
export type UpdateChatroomOptions =
  | {
      deviceId: string;
      room: string;
      fun: 'addmember' | 'invitemember' | 'delmember';
      members: readonly string[];
    }
  | { deviceId: string; room: string; fun: 'modtopic'; topic: string }
  | { deviceId: string; room: string; fun: 'quitchatroom' };

/**
 * `POST ${main}/webwxupdatechatroom?fun=<fun>&lang=&pass_ticket=` with body
 * `{BaseRequest, ChatRoomName, AddMemberList | InviteMemberList | DelMemberList | NewTopic}` (member
 * lists comma-separated).
 */
export function buildUpdateChatroomRequest(ctx: SessionContext, o: UpdateChatroomOptions): HttpRequestSpec {
  const value: Record<string, unknown> = {
    BaseRequest: buildBaseRequest(ctx.credentials, o.deviceId),
    ChatRoomName: o.room,
  };
  if (o.fun === 'modtopic') value.NewTopic = o.topic;
  else if (o.fun !== 'quitchatroom') value[MEMBER_LIST_FIELD[o.fun]] = o.members.join(',');
  return {
    endpoint: 'webwxupdatechatroom',
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxupdatechatroom', [
      ['fun', o.fun],
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
    ]),
    body: { kind: 'json', value },
  };
}

function readMembers(endpoint: string, value: unknown): WireMember[] {
  return mapArray(arrayOrEmpty(endpoint, value, 'MemberList'), 'MemberList', (m, n) =>
    readMember(endpoint, m, n),
  );
}

/** webwxcreatechatroom's reply: ChatRoomName must be a '@@…' (or '…@chatroom') name. */
export function parseCreateChatroomReply(text: string): CreateChatroomReply {
  const endpoint = 'webwxcreatechatroom';
  const obj = parseJsonReply(endpoint, text);
  const baseResponse = assertOk(endpoint, obj.BaseResponse);
  const name = stringOr(endpoint, obj.ChatRoomName, 'ChatRoomName', '');
  if (!name.startsWith('@@') && !name.endsWith('@chatroom'))
    throw new ParseError(
      endpoint,
      'ChatRoomName is not a group name',
      JSON.stringify(obj.ChatRoomName ?? null),
    );
  const members = readMembers(endpoint, obj.MemberList);
  return {
    ...obj,
    BaseResponse: baseResponse,
    ChatRoomName: name,
    Topic: stringOr(endpoint, obj.Topic, 'Topic', ''),
    MemberCount: numberOr(endpoint, obj.MemberCount, 'MemberCount', members.length),
    MemberList: members,
  };
}

/** webwxupdatechatroom's reply; the lists are often empty, so they default to []. */
export function parseUpdateChatroomReply(text: string): UpdateChatroomReply {
  const endpoint = 'webwxupdatechatroom';
  const obj = parseJsonReply(endpoint, text);
  const baseResponse = assertOk(endpoint, obj.BaseResponse);
  const members = readMembers(endpoint, obj.MemberList);
  return {
    ...obj,
    BaseResponse: baseResponse,
    MemberCount: numberOr(endpoint, obj.MemberCount, 'MemberCount', members.length),
    MemberList: members,
  };
}

/** Which member operation adds `adding` people to a room of `current` members (itchat's rule: above the threshold, invite). */
export function addMemberFun(current: number, inviteStartCount: number): 'addmember' | 'invitemember' {
  return current > inviteStartCount ? 'invitemember' : 'addmember';
}
