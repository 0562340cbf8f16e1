/** webwxsendmsg (PROTOCOL.md §5.1, §5.2) and the send-reply parser shared by every send endpoint. */
import type { HttpRequestSpec } from './http-request.js';
import { assertOk, parseJsonReply, stringOr } from './json-reply.js';
import { buildBaseRequest, mmwebwxUrl, preEncoded } from './request-ids.js';
import type { SessionContext } from './session-context.js';
import { withAppMarker } from './web-app.js';
import type { OutgoingMsg, SendMsgReply } from './wire-types.js';

/** The text message {@link buildSendTextRequest} sends. */
export interface SendTextOptions {
  deviceId: string;
  /** Own UserName. */
  from: string;
  to: string;
  /** Plain text with real newlines (§5.2). */
  content: string;
  /** From newClientMsgId(); also used as LocalID. */
  clientMsgId: string;
}

/**
 * `POST ${main}/webwxsendmsg?lang=&pass_ticket=` with body
 * `{BaseRequest, Msg:{Type:1, Content, FromUserName, ToUserName, LocalID, ClientMsgId}, Scene:0}`,
 * plus the app marker (§14).
 */
export function buildSendTextRequest(ctx: SessionContext, o: SendTextOptions): HttpRequestSpec {
  const msg: OutgoingMsg = {
    Type: 1,
    Content: o.content,
    FromUserName: o.from,
    ToUserName: o.to,
    LocalID: o.clientMsgId,
    ClientMsgId: o.clientMsgId,
  };
  return withAppMarker(ctx, {
    endpoint: 'webwxsendmsg',
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxsendmsg', [
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
    ]),
    body: {
      kind: 'json',
      value: { BaseRequest: buildBaseRequest(ctx.credentials, o.deviceId), Msg: msg, Scene: 0 },
    },
  });
}

/**
 * `{BaseResponse, MsgID, LocalID}` of any send endpoint (webwxsendmsg, …sendmsgimg, …sendappmsg…).
 * Ret ≠ 0 (e.g. 1204, 1205) is a ProtocolError(endpoint, Ret). MsgID/LocalID are strings ('' when absent).
 */
export function parseSendMsgReply(endpoint: string, text: string): SendMsgReply {
  const obj = parseJsonReply(endpoint, text);
  const baseResponse = assertOk(endpoint, obj.BaseResponse);
  return {
    ...obj,
    BaseResponse: baseResponse,
    MsgID: stringOr(endpoint, obj.MsgID, 'MsgID', ''),
    LocalID: stringOr(endpoint, obj.LocalID, 'LocalID', ''),
  };
}
