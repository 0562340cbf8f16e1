/** webwxgetcontact (paged) and webwxbatchgetcontact (batches of 50) (PROTOCOL.md §4.3, §4.4). */
import type { HttpRequestSpec } from './http-request.js';
import { assertOk, numberOr, parseJsonReply, requireArray } from './json-reply.js';
import { buildBaseRequest, mmwebwxUrl, preEncoded } from './request-ids.js';
import type { SessionContext } from './session-context.js';
import { readContactListInPlace } from './wire-readers.js';
import type { BatchGetContactReply, GetContactReply } from './wire-types.js';

/** At most this many items per webwxbatchgetcontact call (official, wechat4u, itchat). */
export const BATCH_LIMIT = 50;

/** `GET ${main}/webwxgetcontact?lang=&pass_ticket=&r=<ms>&seq=<n>&skey=`. Start with seq 0. */
export function buildGetContactRequest(
  ctx: SessionContext,
  o: { seq: number; nowMs: number },
): HttpRequestSpec {
  return {
    endpoint: 'webwxgetcontact',
    method: 'GET',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxgetcontact', [
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
      ['r', Math.floor(o.nowMs)],
      ['seq', o.seq],
      ['skey', ctx.credentials.skey],
    ]),
  };
}

/**
 * `{BaseResponse, MemberCount, MemberList, Seq}`. MemberList must be an array of contacts;
 * Seq is a number (0 = last page; 0 when absent); MemberCount defaults to the list's length.
 */
export function parseGetContactReply(text: string): GetContactReply {
  const endpoint = 'webwxgetcontact';
  const obj = parseJsonReply(endpoint, text);
  const baseResponse = assertOk(endpoint, obj.BaseResponse);
  // The parsed contacts are checked and filled in place: nothing else holds them.
  const memberList = readContactListInPlace(
    endpoint,
    requireArray(endpoint, obj.MemberList, 'MemberList'),
    'MemberList',
  );
  return {
    ...obj,
    BaseResponse: baseResponse,
    MemberCount: numberOr(endpoint, obj.MemberCount, 'MemberCount', memberList.length),
    MemberList: memberList,
    Seq: numberOr(endpoint, obj.Seq, 'Seq', 0),
  };
}

/** One contact to fetch with webwxbatchgetcontact: a UserName, and the group for a group member. */
export interface BatchItem {
  UserName: string;
  /** For a group member: the group (its @@UserName or EncryChatRoomId). '' otherwise. */
  EncryChatRoomId?: string;
}

/**
 * `POST ${main}/webwxbatchgetcontact?type=ex&r=<ms>&lang=&pass_ticket=` with body
 * `{BaseRequest, Count, List:[{UserName, EncryChatRoomId}]}`, one request per BATCH_LIMIT items.
 */
export function buildBatchGetContactRequests(
  ctx: SessionContext,
  o: { deviceId: string; items: BatchItem[]; nowMs: number },
): HttpRequestSpec[] {
  const url = mmwebwxUrl(ctx.hosts.main, 'webwxbatchgetcontact', [
    ['type', 'ex'],
    ['r', Math.floor(o.nowMs)],
    ['lang', ctx.lang],
    ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
  ]);
  const specs: HttpRequestSpec[] = [];
  for (let i = 0; i < o.items.length; i += BATCH_LIMIT) {
    const list = o.items
      .slice(i, i + BATCH_LIMIT)
      .map((item) => ({ UserName: item.UserName, EncryChatRoomId: item.EncryChatRoomId ?? '' }));
    specs.push({
      endpoint: 'webwxbatchgetcontact',
      method: 'POST',
      url,
      body: {
        kind: 'json',
        value: { BaseRequest: buildBaseRequest(ctx.credentials, o.deviceId), Count: list.length, List: list },
      },
    });
  }
  return specs;
}

/** `{BaseResponse, Count, ContactList}`; a missing ContactList is [], Count defaults to its length. */
export function parseBatchGetContactReply(text: string): BatchGetContactReply {
  const endpoint = 'webwxbatchgetcontact';
  const obj = parseJsonReply(endpoint, text);
  const baseResponse = assertOk(endpoint, obj.BaseResponse);
  const contactList = readContactListInPlace(endpoint, obj.ContactList, 'ContactList');
  return {
    ...obj,
    BaseResponse: baseResponse,
    Count: numberOr(endpoint, obj.Count, 'Count', contactList.length),
    ContactList: contactList,
  };
}
