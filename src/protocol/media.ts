/**
 * Media upload and download (PROTOCOL.md §6): the webwxuploadmedia form (§6.1), webwxcheckupload
 * (§6.2) and the download URLs (§6.3). Pure: the bytes themselves are the transport's business.
 */
import type { HttpRequestSpec } from './http-request.js';
import { assertOk, numberOr, parseJsonReply, stringOr } from './json-reply.js';
import { buildBaseRequest, mmwebwxUrl, preEncoded, type QueryValue } from './request-ids.js';
import type { SessionContext } from './session-context.js';
import { appMarkerHeaders, appMarkerQuery, withAppMarker } from './web-app.js';
import type { BaseRequest, BaseResponse } from './wire-types.js';

/** Chunk size of webwxuploadmedia (§6.1). */
export const UPLOAD_CHUNK_SIZE = 524_288;
/** Files above this go through webwxcheckupload first (§6.1, §6.2). */
export const LARGE_FILE_THRESHOLD = 25 * 1024 * 1024;

/** The `mediatype` field of an upload (§6.1); {@link uploadMediaType} picks it from the file name. */
export type UploadMediaType = 'pic' | 'video' | 'doc';

/** The lower-case extension without the dot ('' when none). */
export function fileExtension(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** §6.1: `pic` for bmp/png/jpeg/jpg, `video` for mp4, `doc` for everything else (gif included). */
export function uploadMediaType(fileName: string): UploadMediaType {
  const ext = fileExtension(fileName);
  if (ext === 'bmp' || ext === 'png' || ext === 'jpeg' || ext === 'jpg') return 'pic';
  if (ext === 'mp4') return 'video';
  return 'doc';
}

const MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
  amr: 'audio/amr',
  silk: 'audio/silk',
  txt: 'text/plain',
  pdf: 'application/pdf',
  zip: 'application/zip',
};

/** The MIME type the page would put in the `type` field (application/octet-stream when unknown). */
export function mimeTypeOf(fileName: string): string {
  return MIME[fileExtension(fileName)] ?? 'application/octet-stream';
}

/** The content type of downloaded bytes by their magic numbers (the server may say image/jpeg for a GIF, §6.3). */
export function sniffContentType(head: Uint8Array): string | undefined {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'image/png';
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x38) return 'image/gif';
  if (b(0) === 0x42 && b(1) === 0x4d) return 'image/bmp';
  if (b(4) === 0x66 && b(5) === 0x74 && b(6) === 0x79 && b(7) === 0x70) return 'video/mp4';
  if ((b(0) === 0x49 && b(1) === 0x44 && b(2) === 0x33) || (b(0) === 0xff && (b(1) & 0xe0) === 0xe0))
    return 'audio/mpeg';
  return undefined;
}

/** §6.1: EncryFileName percent-encodes every byte that is not an ASCII letter or digit. */
export function encryFileName(fileName: string): string {
  let out = '';
  for (const byte of Buffer.from(fileName, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `Sat Jun 23 2018 16:45:07 GMT+0800 (China Standard Time)`-like, as the page's lastModifiedDate. */
export function jsDateString(ms: number): string {
  return new Date(ms).toString();
}

/** What {@link buildUploadMediaRequestJson} puts in an upload's `uploadmediarequest`; sizes in bytes. */
export interface UploadMediaRequestInit {
  deviceId: string;
  /** ClientMediaId: a ms timestamp (§3.3). */
  clientMediaId: number;
  totalLen: number;
  from: string;
  to: string;
  /** Hex md5 of the whole file. */
  fileMd5: string;
  /** From webwxcheckupload, for large files. */
  aesKey?: string;
  signature?: string;
}

/** The `uploadmediarequest` JSON of an upload (§6.1), repeated by every chunk. */
export interface UploadMediaRequestJson {
  UploadType: 2;
  BaseRequest: BaseRequest;
  ClientMediaId: number;
  TotalLen: number;
  StartPos: 0;
  DataLen: number;
  MediaType: 4;
  FromUserName: string;
  ToUserName: string;
  FileMd5: string;
  AESKey?: string;
  Signature?: string;
}

/** The `uploadmediarequest` JSON in the capture's key order; every chunk repeats it (§6.1). */
export function buildUploadMediaRequestJson(
  ctx: SessionContext,
  o: UploadMediaRequestInit,
): UploadMediaRequestJson {
  const value: UploadMediaRequestJson = {
    UploadType: 2,
    BaseRequest: buildBaseRequest(ctx.credentials, o.deviceId),
    ClientMediaId: o.clientMediaId,
    TotalLen: o.totalLen,
    StartPos: 0,
    DataLen: o.totalLen,
    MediaType: 4,
    FromUserName: o.from,
    ToUserName: o.to,
    FileMd5: o.fileMd5,
  };
  if (o.aesKey) value.AESKey = o.aesKey;
  if (o.signature) value.Signature = o.signature;
  return value;
}

/** One part of a webwxuploadmedia upload, as {@link uploadFormFields} turns it into form fields. */
export interface UploadChunkInit {
  /** `WU_FILE_<n>`: n counts uploads in the client. */
  uploadIndex: number;
  fileName: string;
  mimeType: string;
  lastModifiedMs: number;
  size: number;
  /** 0-based chunk index; ignored when the file fits in one chunk. */
  chunk: number;
  mediaType: UploadMediaType;
  request: UploadMediaRequestJson;
  /** The webwx_data_ticket cookie's value ('' when the jar has none). */
  dataTicket: string;
}

/** How many chunks a file of `size` bytes takes (1 for 0 bytes: the page still posts once). */
export function chunkCount(size: number): number {
  return Math.max(1, Math.ceil(size / UPLOAD_CHUNK_SIZE));
}

/** The byte range [start, end) of chunk `index`. */
export function chunkRange(size: number, index: number): { start: number; end: number } {
  const start = index * UPLOAD_CHUNK_SIZE;
  return { start, end: Math.min(size, start + UPLOAD_CHUNK_SIZE) };
}

/**
 * The text fields of one webwxuploadmedia part, in browser order (§6.1); the file part (`filename`)
 * follows them. `chunks`/`chunk` only when the file needs more than one chunk.
 */
export function uploadFormFields(ctx: SessionContext, o: UploadChunkInit): Array<[string, string]> {
  const fields: Array<[string, string]> = [
    ['id', `WU_FILE_${o.uploadIndex}`],
    ['name', o.fileName],
    ['type', o.mimeType],
    ['lastModifiedDate', jsDateString(o.lastModifiedMs)],
    ['size', String(o.size)],
  ];
  const chunks = chunkCount(o.size);
  if (o.size > UPLOAD_CHUNK_SIZE) fields.push(['chunks', String(chunks)], ['chunk', String(o.chunk)]);
  fields.push(
    ['mediatype', o.mediaType],
    ['uploadmediarequest', JSON.stringify(o.request)],
    ['webwx_data_ticket', o.dataTicket],
    ['pass_ticket', decodeOnce(ctx.credentials.passTicket)],
  );
  return fields;
}

function decodeOnce(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `POST ${file}/webwxuploadmedia?f=json` (the multipart body is added by the transport). */
export function uploadMediaUrl(ctx: SessionContext): string {
  return mmwebwxUrl(ctx.hosts.file, 'webwxuploadmedia', [['f', 'json']]);
}

/** The headers of every webwxuploadmedia part: the app marker of a File Transfer session (§14), else none. */
export function uploadMediaHeaders(ctx: SessionContext): Record<string, string> {
  return { ...appMarkerHeaders(ctx) };
}

/** webwxuploadmedia's reply (§6.1); the last part's `MediaId` is what the send takes. */
export interface UploadMediaReply {
  BaseResponse: BaseResponse;
  MediaId: string;
  StartPos: number;
  CDNThumbImgHeight: number;
  CDNThumbImgWidth: number;
  EncryFileName: string;
}

/** The reply to an upload part; MediaId is '' on intermediate chunks. Ret ≠ 0 → ProtocolError. */
export function parseUploadMediaReply(text: string): UploadMediaReply {
  const endpoint = 'webwxuploadmedia';
  const obj = parseJsonReply(endpoint, text);
  return {
    BaseResponse: assertOk(endpoint, obj.BaseResponse),
    MediaId: stringOr(endpoint, obj.MediaId, 'MediaId', ''),
    StartPos: numberOr(endpoint, obj.StartPos, 'StartPos', 0),
    CDNThumbImgHeight: numberOr(endpoint, obj.CDNThumbImgHeight, 'CDNThumbImgHeight', 0),
    CDNThumbImgWidth: numberOr(endpoint, obj.CDNThumbImgWidth, 'CDNThumbImgWidth', 0),
    EncryFileName: stringOr(endpoint, obj.EncryFileName, 'EncryFileName', ''),
  };
}

/** The large file {@link buildCheckUploadRequest} asks about (§6.2): size in bytes, md5 in hex. */
export interface CheckUploadInit {
  deviceId: string;
  from: string;
  to: string;
  fileSize: number;
  fileMd5: string;
  fileName: string;
}

/**
 * `POST ${main}/<endpoint>?<pairs>&lang=&pass_ticket=` with the JSON body `{BaseRequest, ...fields}`:
 * the shape of the media JSON calls (checkupload, the send endpoints, revoke), with the app marker
 * header of a File Transfer session (§14).
 */
export function mainJsonPost(
  ctx: SessionContext,
  endpoint: string,
  deviceId: string,
  fields: Record<string, unknown>,
  pairs: Array<[string, QueryValue]> = [],
): HttpRequestSpec {
  return withAppMarker(ctx, {
    endpoint,
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, endpoint, [
      ...pairs,
      ['lang', ctx.lang],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
    ]),
    body: { kind: 'json', value: { BaseRequest: buildBaseRequest(ctx.credentials, deviceId), ...fields } },
  });
}

/** §6.2: `POST ${main}/webwxcheckupload` body `{BaseRequest, FromUserName, ToUserName, FileSize, FileMd5, FileName, FileType: 7}`. */
export function buildCheckUploadRequest(ctx: SessionContext, o: CheckUploadInit): HttpRequestSpec {
  return mainJsonPost(ctx, 'webwxcheckupload', o.deviceId, {
    FromUserName: o.from,
    ToUserName: o.to,
    FileSize: o.fileSize,
    FileMd5: o.fileMd5,
    FileName: o.fileName,
    FileType: 7,
  });
}

/**
 * webwxcheckupload's reply (§6.2): a MediaId when the server has the file already, else the AESKey
 * and Signature the upload and the send must carry.
 */
export interface CheckUploadReply {
  BaseResponse: BaseResponse;
  /** Non-empty: the server has the file already; send without uploading. */
  MediaId: string;
  AESKey: string;
  Signature: string;
  EncryFileName: string;
}

/** Parses webwxcheckupload's reply; missing fields are ''. Ret ≠ 0 → ProtocolError. */
export function parseCheckUploadReply(text: string): CheckUploadReply {
  const endpoint = 'webwxcheckupload';
  const obj = parseJsonReply(endpoint, text);
  return {
    BaseResponse: assertOk(endpoint, obj.BaseResponse),
    MediaId: stringOr(endpoint, obj.MediaId, 'MediaId', ''),
    AESKey: stringOr(endpoint, obj.AESKey, 'AESKey', ''),
    Signature: stringOr(endpoint, obj.Signature, 'Signature', ''),
    EncryFileName: stringOr(endpoint, obj.EncryFileName, 'EncryFileName', ''),
  };
}

// ---------------------------------------------------------------------------------------------
// Downloads (§6.3)
// ---------------------------------------------------------------------------------------------

/** The download endpoints (§6.3): message media, and the avatars of people and groups. */
export type DownloadEndpoint =
  | 'webwxgetmsgimg'
  | 'webwxgetvoice'
  | 'webwxgetvideo'
  | 'webwxgetmedia'
  | 'webwxgeticon'
  | 'webwxgetheadimg';

/** A GET for a download, with the headers it needs (Range for video and voice). */
export interface DownloadSpec {
  endpoint: DownloadEndpoint;
  url: string;
  headers: Record<string, string>;
}

function skeyPair(ctx: SessionContext): [string, QueryValue] {
  return ['skey', ctx.credentials.skey];
}

/**
 * webwxgetmsgimg: `MsgID`, `skey`, and `type=slave` (thumbnail) or `type=big` (emoticons); a File
 * Transfer session adds `mmweb_appid` (§14).
 */
export function buildGetMsgImgSpec(ctx: SessionContext, msgId: string, type?: 'slave' | 'big'): DownloadSpec {
  const pairs: Array<[string, QueryValue]> = [['MsgID', msgId], skeyPair(ctx)];
  if (type) pairs.push(['type', type]);
  pairs.push(...appMarkerQuery(ctx));
  return {
    endpoint: 'webwxgetmsgimg',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxgetmsgimg', pairs),
    headers: {},
  };
}

/** webwxgetvoice: `msgid`, `skey`; mp3. `Range: bytes=0-` as wwdk requires. */
export function buildGetVoiceSpec(ctx: SessionContext, msgId: string): DownloadSpec {
  return {
    endpoint: 'webwxgetvoice',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxgetvoice', [['msgid', msgId], skeyPair(ctx)]),
    headers: { range: 'bytes=0-' },
  };
}

/** webwxgetvideo: `msgid`, `skey`, `Range: bytes=<start>-` (206 Partial Content). */
export function buildGetVideoSpec(ctx: SessionContext, msgId: string, rangeStart = 0): DownloadSpec {
  return {
    endpoint: 'webwxgetvideo',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxgetvideo', [['msgid', msgId], skeyPair(ctx)]),
    headers: { range: `bytes=${Math.max(0, Math.floor(rangeStart))}-` },
  };
}

/** The file message {@link buildGetMediaSpec} downloads, and the session values webwxgetmedia wants. */
export interface GetMediaInit {
  /** FromUserName of the message. */
  sender: string;
  mediaId: string;
  encryFileName: string;
  /** wxuin. */
  fromUser: string;
  dataTicket: string;
}

/** webwxgetmedia on the file host, with the official client's parameters (+ `sid` and `mmweb_appid` for a File Transfer session, §14). */
export function buildGetMediaSpec(ctx: SessionContext, o: GetMediaInit): DownloadSpec {
  return {
    endpoint: 'webwxgetmedia',
    url: mmwebwxUrl(ctx.hosts.file, 'webwxgetmedia', [
      ['sender', o.sender],
      ['mediaid', o.mediaId],
      ['encryfilename', preEncoded(o.encryFileName)],
      ['fromuser', o.fromUser],
      ['pass_ticket', preEncoded(ctx.credentials.passTicket)],
      ['webwx_data_ticket', o.dataTicket],
      // The File Transfer web's clients also send sid (§14).
      ...(ctx.app === 'filehelper' ? [['sid', ctx.credentials.sid] as [string, QueryValue]] : []),
      ...appMarkerQuery(ctx),
    ]),
    headers: {},
  };
}

/** webwxgeticon (a person) or webwxgetheadimg (a group: `@@…`). */
export function buildAvatarSpec(ctx: SessionContext, userName: string): DownloadSpec {
  const endpoint = userName.startsWith('@@') ? 'webwxgetheadimg' : 'webwxgeticon';
  return {
    endpoint,
    url: mmwebwxUrl(ctx.hosts.main, endpoint, [['seq', 0], ['username', userName], skeyPair(ctx)]),
    headers: {},
  };
}
