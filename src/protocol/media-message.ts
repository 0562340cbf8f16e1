/**
 * Sending media and revoking (PROTOCOL.md §5.1, §5.3–§5.6): webwxsendmsgimg, webwxsendvideomsg,
 * webwxsendappmsg, webwxsendemoticon, webwxrevokemsg. Replies of the send endpoints go through
 * parseSendMsgReply (text-message.ts).
 */
import type { HttpRequestSpec } from './http-request.js';
import { assertOk, parseJsonReply, stringOr } from './json-reply.js';
import { mainJsonPost } from './media.js';
import type { QueryValue } from './request-ids.js';
import type { SessionContext } from './session-context.js';
import type { BaseResponse } from './wire-types.js';

/** The envelope fields every media send takes: sender, recipient and the ClientMsgId (§5.1). */
export interface MediaSendBase {
  deviceId: string;
  from: string;
  to: string;
  /** From newClientMsgId(); also the LocalID. */
  clientMsgId: string;
  /** 0 normally, 2 when forwarding (§5.4). */
  scene?: 0 | 2;
}

/** The endpoints that send media, one per kind (§5.1). */
export type MediaSendEndpoint =
  | 'webwxsendmsgimg'
  | 'webwxsendvideomsg'
  | 'webwxsendappmsg'
  | 'webwxsendemoticon';

function sendSpec(
  ctx: SessionContext,
  endpoint: MediaSendEndpoint,
  pairs: Array<[string, QueryValue]>,
  msg: Record<string, unknown>,
  o: MediaSendBase,
): HttpRequestSpec {
  return mainJsonPost(ctx, endpoint, o.deviceId, { Msg: msg, Scene: o.scene ?? 0 }, pairs);
}

function envelope(o: MediaSendBase, type: number): Record<string, unknown> {
  return {
    Type: type,
    FromUserName: o.from,
    ToUserName: o.to,
    LocalID: o.clientMsgId,
    ClientMsgId: o.clientMsgId,
  };
}

/** An image (or, for {@link buildSendVideoRequest}, a video) to send by the MediaId of its upload. */
export interface SendImageInit extends MediaSendBase {
  mediaId: string;
  /** '' normally; the image XML when forwarding. */
  content?: string;
}

/** `POST /webwxsendmsgimg?fun=async&f=json`, Msg Type 3 with MediaId (§5.1, §5.3). */
export function buildSendImageRequest(ctx: SessionContext, o: SendImageInit): HttpRequestSpec {
  const msg = { ...envelope(o, 3), MediaId: o.mediaId, Content: o.content ?? '' };
  return sendSpec(
    ctx,
    'webwxsendmsgimg',
    [
      ['fun', 'async'],
      ['f', 'json'],
    ],
    msg,
    o,
  );
}

/** `POST /webwxsendvideomsg?fun=async&f=json`, Msg Type 43 with MediaId. */
export function buildSendVideoRequest(ctx: SessionContext, o: SendImageInit): HttpRequestSpec {
  const msg = { ...envelope(o, 43), MediaId: o.mediaId, Content: o.content ?? '' };
  return sendSpec(
    ctx,
    'webwxsendvideomsg',
    [
      ['fun', 'async'],
      ['f', 'json'],
    ],
    msg,
    o,
  );
}

/** A sticker to send: by the MediaId of an upload, or by the md5 of a known emoticon (§5.3). */
export interface SendEmoticonInit extends MediaSendBase {
  /** An uploaded MediaId… */
  mediaId?: string;
  /** …or the md5 of a known emoticon (EMoticonMd5). */
  md5?: string;
}

/** `POST /webwxsendemoticon?fun=sys`, Msg Type 47, EmojiFlag 2, MediaId or EMoticonMd5 (§5.3). */
export function buildSendEmoticonRequest(ctx: SessionContext, o: SendEmoticonInit): HttpRequestSpec {
  const msg: Record<string, unknown> = { ...envelope(o, 47), EmojiFlag: 2 };
  if (o.mediaId) msg.MediaId = o.mediaId;
  if (o.md5) msg.EMoticonMd5 = o.md5;
  return sendSpec(ctx, 'webwxsendemoticon', [['fun', 'sys']], msg, o);
}

/** Escapes the five XML specials of a text or attribute value. */
export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * What {@link appMsgFileXml} puts in a file's appmsg XML: the file name, its size in bytes, the
 * MediaId of its upload (`attachId`) and its extension.
 */
export interface AppMsgFileInit {
  title: string;
  totalLen: number;
  attachId: string;
  fileExt: string;
  /** Desktop mode uses appid=''. */
  desktop: boolean;
}

/** The §5.5 appmsg XML of a file (no outer `<msg>`). */
export function appMsgFileXml(o: AppMsgFileInit): string {
  const appId = o.desktop ? '' : 'wxeb7ec651dd0aefa9';
  return (
    `<appmsg appid='${appId}' sdkver=''><title>${xmlEscape(o.title)}</title><des></des><action></action>` +
    `<type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>${o.totalLen}</totallen>` +
    `<attachid>${xmlEscape(o.attachId)}</attachid><fileext>${xmlEscape(o.fileExt)}</fileext></appattach>` +
    `<extinfo></extinfo></appmsg>`
  );
}

/** An app message to send, a file above all: its appmsg XML and, for large files, the Signature (§5.5). */
export interface SendAppMsgInit extends MediaSendBase {
  /** The appmsg XML (appMsgFileXml for a file). */
  content: string;
  /** AppMsgType (also the Msg's Type): 6 for files, 5 for link cards, 3 music, 33 mini programs (share-message.ts). */
  type?: number;
  /** From webwxcheckupload for large files. */
  signature?: string;
}

/** `POST /webwxsendappmsg?fun=async&f=json` (+`mod=desktop`), Msg Type 6 with the appmsg XML (§5.5). */
export function buildSendAppMsgRequest(ctx: SessionContext, o: SendAppMsgInit): HttpRequestSpec {
  const msg: Record<string, unknown> = { ...envelope(o, o.type ?? 6), Content: o.content };
  if (o.signature) msg.Signature = o.signature;
  const pairs: Array<[string, QueryValue]> = [
    ['fun', 'async'],
    ['f', 'json'],
  ];
  if (ctx.desktop) pairs.push(['mod', 'desktop']);
  return sendSpec(ctx, 'webwxsendappmsg', pairs, msg, o);
}

/** The sent message {@link buildRevokeRequest} revokes, named by the ids of its send (§5.6). */
export interface RevokeInit {
  deviceId: string;
  /** The MsgID of the send reply. */
  svrMsgId: string;
  /** The LocalID used when sending. */
  clientMsgId: string;
  toUserName: string;
}

/** §5.6: `POST /webwxrevokemsg` body `{BaseRequest, SvrMsgId, ToUserName, ClientMsgId}`. */
export function buildRevokeRequest(ctx: SessionContext, o: RevokeInit): HttpRequestSpec {
  return mainJsonPost(ctx, 'webwxrevokemsg', o.deviceId, {
    SvrMsgId: o.svrMsgId,
    ToUserName: o.toUserName,
    ClientMsgId: o.clientMsgId,
  });
}

/**
 * webwxrevokemsg's reply: `Introduction` is the server's note on the two-minute window, `SysWording`
 * usually ''.
 */
export interface RevokeReply {
  BaseResponse: BaseResponse;
  Introduction: string;
  SysWording: string;
}

/** `{BaseResponse, Introduction, SysWording}`; Ret ≠ 0 → ProtocolError. */
export function parseRevokeReply(text: string): RevokeReply {
  const endpoint = 'webwxrevokemsg';
  const obj = parseJsonReply(endpoint, text);
  return {
    BaseResponse: assertOk(endpoint, obj.BaseResponse),
    Introduction: stringOr(endpoint, obj.Introduction, 'Introduction', ''),
    SysWording: stringOr(endpoint, obj.SysWording, 'SysWording', ''),
  };
}
