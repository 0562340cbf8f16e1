/**
 * Media (§5.3–§5.6, §6): chunked webwxuploadmedia, webwxcheckupload, the media send endpoints
 * (webwxsendmsgimg, webwxsendvideomsg, webwxsendappmsg, webwxsendemoticon), webwxrevokemsg, and the
 * downloads (webwxgetmsgimg, webwxgetvoice, webwxgetvideo, webwxgetmedia) with ETag and Range/206.
 */

import { stat } from 'node:fs/promises';
import { encryFileName } from '../../protocol/media.js';
import { revokeAcrossAccounts } from '../account-delivery.js';
import { hex } from '../ids.js';
import type { Session } from '../login-session.js';
import type { MediaStore, StoredMedia } from '../media-store.js';
import { boundaryOf, parseMultipart } from '../multipart.js';
import { mediaStateOf, mediaView, TINY_JPEG } from '../phone-media.js';
import type { RevokeRecord } from '../phone-media-types.js';
import { authenticate, type EmulatorContext } from '../route-context.js';
import { type EmuRequest, jsonReply, type Reply, type Router, textReply } from '../served-request.js';
import { baseResponse, stringifyWire } from '../wire-objects.js';
import { sendMsg, reply as sendReply } from './message-routes.js';
import { appMsgRefusal } from './share-checks.js';

/** Uploads bigger than this are refused (the official client stops at 50 MB for files). */
const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

const UPLOAD_CORS = {
  'Access-Control-Allow-Origin': 'https://wx.qq.com',
  'Access-Control-Allow-Credentials': 'true',
};

/** §6.1: the reply to an upload part. */
function uploadReply(ret: number, errMsg: string, fields: Record<string, unknown> = {}): Reply {
  const body = {
    BaseResponse: baseResponse(ret, errMsg),
    MediaId: '',
    StartPos: 0,
    CDNThumbImgHeight: 0,
    CDNThumbImgWidth: 0,
    EncryFileName: '',
    ...fields,
  };
  return jsonReply(stringifyWire(body), UPLOAD_CORS);
}

function int(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) return fallback;
  return Number(value);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

async function upload(ctx: EmulatorContext, req: EmuRequest): Promise<Reply> {
  const boundary = boundaryOf(str(req.headers['content-type']));
  const form = boundary && req.bodyBytes ? parseMultipart(req.bodyBytes, boundary) : undefined;
  if (form === undefined) return uploadReply(1, 'not a multipart/form-data body');
  let requestJson: Record<string, unknown> | undefined;
  try {
    requestJson = record(JSON.parse(form.fields.get('uploadmediarequest') ?? ''));
  } catch {
    requestJson = undefined;
  }
  if (requestJson === undefined) return uploadReply(1, 'uploadmediarequest is not JSON');
  const auth = authenticate(ctx, req, requestJson);
  if (!auth.ok) return uploadReply(auth.ret, auth.errMsg ?? '');
  const s = auth.session;
  const tickets = [form.fields.get('webwx_data_ticket'), req.cookies.get('webwx_data_ticket')];
  if (!tickets.some((t) => t !== undefined && decodeSafe(t) === s.dataTicket)) {
    return uploadReply(1, 'webwx_data_ticket missing or wrong');
  }
  const file = form.files.find((f) => f.name === 'filename') ?? form.files[0];
  if (file === undefined) return uploadReply(1, 'no file part');
  const totalLen = int(str(requestJson.TotalLen), int(form.fields.get('size'), -1));
  if (totalLen < 0 || totalLen > MAX_UPLOAD_BYTES) return uploadReply(1, 'bad TotalLen');
  const fileName = form.fields.get('name') ?? file.fileName ?? 'file';
  const chunks = int(form.fields.get('chunks'), 1);
  const chunk = int(form.fields.get('chunk'), 0);
  const { store } = mediaStateOf(ctx);
  const result = await store.acceptChunk({
    key: `${s.id}:${str(requestJson.ClientMediaId)}:${fileName}:${totalLen}`,
    fileName,
    totalLen,
    chunks,
    chunk,
    data: file.data,
    expectedMd5: str(requestJson.FileMd5),
    mimeType: form.fields.get('type') ?? file.contentType ?? '',
  });
  if (result.kind === 'error') return uploadReply(1, result.message);
  if (result.kind === 'partial') return uploadReply(0, '', { StartPos: result.received });
  const media = result.media;
  const pic = form.fields.get('mediatype') === 'pic';
  ctx.logger.debug({ session: s.id, bytes: media.size }, 'emulator upload complete');
  return uploadReply(0, '', {
    MediaId: media.mediaId,
    StartPos: media.size,
    CDNThumbImgHeight: pic ? 100 : 0,
    CDNThumbImgWidth: pic ? 66 : 0,
    EncryFileName: encryFileName(media.fileName),
  });
}

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** §6.2: a known md5 and size answers the MediaId (no upload needed). */
function checkUpload(ctx: EmulatorContext, req: EmuRequest, _s: Session): Reply {
  const body = record(req.json()) ?? {};
  const known = mediaStateOf(ctx).store.mediaByMd5(str(body.FileMd5));
  const mediaId = known !== undefined && known.size === Number(body.FileSize) ? known.mediaId : '';
  return jsonReply(
    stringifyWire({
      BaseResponse: baseResponse(),
      MediaId: mediaId,
      AESKey: hex(16),
      Signature: hex(64),
      EncryFileName: encryFileName(str(body.FileName)),
    }),
  );
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MD5_ATTR = /md5\s*=\s*(?:"|'|&quot;)([0-9a-fA-F]{32})/;
const ATTACH_ID = /(?:<|&lt;)attachid(?:>|&gt;)([^<&]*)(?:<|&lt;)\/attachid/;

type MediaLookup = (msg: Record<string, unknown>, content: string) => StoredMedia | undefined | 'refuse';

/** A send endpoint: the message is recorded with the media it names (MediaId, else the XML's md5). */
function mediaSend(ctx: EmulatorContext, lookup: MediaLookup) {
  return (req: EmuRequest): Reply => {
    const auth = authenticate(ctx, req);
    if (!auth.ok) return sendReply(auth.ret, '', '', auth.errMsg);
    const { store } = mediaStateOf(ctx);
    return sendMsg(auth.ctx, req, auth.session, (msg, sent, body) => {
      const media = lookup(msg, str(msg.Content));
      if (media === 'refuse') return 1;
      sent.scene = Number(body.Scene ?? 0) || 0;
      if (media !== undefined) {
        sent.media = mediaView(store, media);
        store.link(sent.msgId, media);
      }
      return undefined;
    });
  };
}

function byIdOrMd5(ctx: EmulatorContext, mediaId: string, md5: string): StoredMedia | undefined {
  const { store } = mediaStateOf(ctx);
  return (mediaId ? store.mediaById(mediaId) : undefined) ?? (md5 ? store.mediaByMd5(md5) : undefined);
}

function revoke(ctx: EmulatorContext, req: EmuRequest, s: Session): Reply {
  const body = record(req.json()) ?? {};
  const msgId = str(body.SvrMsgId);
  const toUserName = str(body.ToUserName);
  const sent = ctx.sent.find((r) => r.msgId === msgId && r.sessionId === s.id);
  const state = mediaStateOf(ctx);
  const entry: RevokeRecord = {
    msgId,
    clientMsgId: /"ClientMsgId"\s*:\s*"?(\d+)/.exec(req.bodyText)?.[1] ?? str(body.ClientMsgId),
    toUserName,
    to: s.names.idOf(toUserName),
    found: sent !== undefined && !state.revoked.has(msgId),
    time: Date.now(),
    sessionId: s.id,
  };
  state.revokes.push(entry);
  if (entry.found && sent !== undefined) {
    state.revoked.add(msgId);
    revokeAcrossAccounts(ctx, sent);
  }
  ctx.logger.debug({ session: s.id, found: entry.found }, 'emulator revoke');
  ctx.events.emit('revoke', entry);
  if (!entry.found) return revokeReply(1);
  return revokeReply(0);
}

function revokeReply(ret: number): Reply {
  return jsonReply(
    stringifyWire({
      BaseResponse: baseResponse(ret),
      Introduction: ret === 0 ? '你可以撤回2分钟内发送的消息（部分旧版本微信不支持这个功能）。' : '',
      SysWording: '',
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Downloads
// ---------------------------------------------------------------------------------------------

function forbidden(): Reply {
  return textReply(403, 'text/plain; charset=utf-8', 'Forbidden');
}

/** Serves a file with ETag and single-range Range support (206 / 416). */
async function serveFile(
  store: MediaStore,
  req: EmuRequest,
  path: string,
  etagSeed: string,
  contentType: string,
  extra: Record<string, string> = {},
): Promise<Reply> {
  const { size } = await stat(path);
  const etag = `"${etagSeed}-${size.toString(16)}"`;
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'Accept-Ranges': 'bytes',
    ETag: etag,
    ...extra,
  };
  if (req.headers['if-none-match'] === etag) return { status: 304, headers, body: Buffer.alloc(0) };
  const range = str(req.headers.range);
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (range && m && size > 0 && (m[1] !== '' || m[2] !== '')) {
    let start: number;
    let end: number;
    if (m[1] === '') {
      start = Math.max(0, size - Number(m[2]));
      end = size - 1;
    } else {
      start = Number(m[1]);
      end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    }
    if (start >= size || start > end) {
      return textReply(416, 'text/plain', '', { ...headers, 'Content-Range': `bytes */${size}` });
    }
    return {
      status: 206,
      headers: {
        ...headers,
        'Content-Range': `bytes ${start}-${end}/${size}`,
        'Content-Length': String(end - start + 1),
      },
      body: store.stream(path, start, end),
    };
  }
  if (size === 0) return { status: 200, headers, body: Buffer.alloc(0) };
  return { status: 200, headers: { ...headers, 'Content-Length': String(size) }, body: store.stream(path) };
}

function download(
  ctx: EmulatorContext,
  serve: (req: EmuRequest, s: Session) => Promise<Reply> | Reply,
): (req: EmuRequest) => Promise<Reply> | Reply {
  return (req) => {
    const auth = authenticate(ctx, req);
    return auth.ok ? serve(req, auth.session) : forbidden();
  };
}

function byMsgId(ctx: EmulatorContext, req: EmuRequest): StoredMedia | undefined {
  const id = req.query.get('MsgID') ?? req.query.get('msgid') ?? req.query.get('MsgId') ?? '';
  return id ? mediaStateOf(ctx).store.mediaByMsgId(id) : undefined;
}

function notFoundMedia(): Reply {
  return textReply(404, 'text/plain; charset=utf-8', 'no such media');
}

export function registerMediaRoutes(router: Router, ctx: EmulatorContext): void {
  const { store } = mediaStateOf(ctx);
  router.api('webwxuploadmedia', {
    methods: ['POST'],
    handler: (req) => upload(ctx, req),
    retReply: (ret) => uploadReply(ret, ''),
  });
  const checkFailure = (ret: number) =>
    jsonReply(stringifyWire({ BaseResponse: baseResponse(ret), MediaId: '', AESKey: '', Signature: '' }));
  router.api('webwxcheckupload', {
    methods: ['POST'],
    handler: (req) => {
      const auth = authenticate(ctx, req);
      return auth.ok ? checkUpload(auth.ctx, req, auth.session) : checkFailure(auth.ret);
    },
    retReply: checkFailure,
  });

  const imageOrVideo: MediaLookup = (msg, content) =>
    byIdOrMd5(ctx, str(msg.MediaId), MD5_ATTR.exec(content)?.[1] ?? '') ?? 'refuse';
  const retReply = (ret: number) => sendReply(ret, '', '');
  router.api('webwxsendmsgimg', { methods: ['POST'], handler: mediaSend(ctx, imageOrVideo), retReply });
  router.api('webwxsendvideomsg', { methods: ['POST'], handler: mediaSend(ctx, imageOrVideo), retReply });
  router.api('webwxsendemoticon', {
    methods: ['POST'],
    handler: mediaSend(ctx, (msg) => {
      const mediaId = str(msg.MediaId);
      const md5 = str(msg.EMoticonMd5);
      if (!mediaId && !md5) return 'refuse';
      const found = byIdOrMd5(ctx, mediaId, md5);
      // An unknown md5 is a store emoticon the emulator has no bytes for: accepted without media.
      return found ?? (mediaId ? 'refuse' : undefined);
    }),
    retReply,
  });
  router.api('webwxsendappmsg', {
    methods: ['POST'],
    handler: mediaSend(ctx, (msg, content) => {
      // Links, music, mini programs, forwarded app messages: a well-formed appmsg (share-checks.ts).
      if (Number(msg.Type) !== 6) return appMsgRefusal(Number(msg.Type), content) ? 'refuse' : undefined;
      const attachId = ATTACH_ID.exec(content)?.[1] ?? '';
      return (attachId ? mediaStateOf(ctx).store.mediaById(attachId) : undefined) ?? 'refuse';
    }),
    retReply,
  });
  router.api('webwxrevokemsg', {
    methods: ['POST'],
    handler: (req) => {
      const auth = authenticate(ctx, req);
      return auth.ok ? revoke(auth.ctx, req, auth.session) : revokeReply(auth.ret);
    },
    retReply: revokeReply,
  });

  router.api('webwxgetmsgimg', {
    methods: ['GET'],
    handler: download(ctx, (req) => {
      const media = byMsgId(ctx, req);
      if (media === undefined) return notFoundMedia();
      const cache = { 'Cache-Control': 'max-age=604800' };
      if (req.query.get('type') === 'slave') {
        if (media.thumbnailPath === undefined) return textReply(200, 'image/jpeg', TINY_JPEG, cache);
        return serveFile(store, req, media.thumbnailPath, `${media.md5}t`, 'image/jpeg', cache);
      }
      return serveFile(store, req, media.path, media.md5, media.contentType, cache);
    }),
  });
  for (const [endpoint, contentType] of [
    ['webwxgetvoice', 'audio/mpeg'],
    ['webwxgetvideo', 'video/mp4'],
  ] as const) {
    router.api(endpoint, {
      methods: ['GET'],
      handler: download(ctx, (req) => {
        const media = byMsgId(ctx, req);
        return media === undefined
          ? notFoundMedia()
          : serveFile(store, req, media.path, media.md5, contentType);
      }),
    });
  }
  router.api('webwxgetmedia', {
    methods: ['GET'],
    handler: download(ctx, (req, s) => {
      const ticket = req.query.get('webwx_data_ticket') ?? req.cookies.get('webwx_data_ticket');
      if (ticket === undefined || decodeSafe(ticket) !== s.dataTicket) return forbidden();
      const mediaId = req.query.get('mediaid') ?? '';
      const media = mediaId ? store.mediaById(mediaId) : undefined;
      if (media === undefined) return notFoundMedia();
      const disposition = `attachment; filename="${encryFileName(media.fileName)}"; filename*=UTF-8''${encodeURIComponent(media.fileName.replace(LONE_SURROGATE, '\uFFFD'))}`;
      return serveFile(store, req, media.path, media.md5, 'application/octet-stream', {
        'Content-Disposition': disposition,
      });
    }),
  });
}
