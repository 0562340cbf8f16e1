/**
 * The File Transfer web (PROTOCOL.md §14; docs/emulator.md "File Transfer web"): which app a QR code
 * and a session belong to, the `mmweb_appid` marker a File Transfer session must carry, what such a
 * session may not do, and which messages reach it. §14 was read from public clients, not a capture:
 * the refusals' codes are the emulator's choice.
 */
import { APP_ID } from '../protocol/login.js';
import { FILEHELPER_APP_ID, FILEHELPER_USER_NAME, MMWEB_APPID } from '../protocol/web-app.js';
import type { WebApp } from './emulator-types.js';
import type { EmuRequest } from './served-request.js';

/** The one chat of a File Transfer session (a special account: its UserName is its id). */
export const FILEHELPER = FILEHELPER_USER_NAME;

/** Ret of a JSON call (and `<ret>` of the login page) without the marker. */
export const MARKER_MISSING_RET = 1;
export const MARKER_MISSING_MESSAGE = 'mmweb_appid missing';

/** synccheck `retcode` without the marker (≠ 0, so the client ends its session, §14). */
export const MARKER_MISSING_RETCODE = 1;

/** Ret of a group or contact-management call on a File Transfer session. */
export const NOT_FOR_FILEHELPER_RET = 1;
export const NOT_FOR_FILEHELPER_MESSAGE = 'not available on the File Transfer web';

/** Ret of a send from a File Transfer session to anyone but filehelper (as a send to a non-friend). */
export const SEND_OUTSIDE_FILEHELPER_RET = 1204;

/** jslogin's appid → the app; undefined for an appid the emulator does not know (QRLogin.code 400). */
export function appOfAppId(appid: string | undefined): WebApp | undefined {
  if (appid === undefined || appid === '' || appid === APP_ID) return 'web';
  return appid === FILEHELPER_APP_ID ? 'filehelper' : undefined;
}

/** Endpoints whose marker is the query parameter. */
const QUERY_MARKED: ReadonlySet<string> = new Set(['synccheck', 'webwxgetmsgimg', 'webwxgetmedia']);

/** Endpoints whose marker is the header. */
const HEADER_MARKED: ReadonlySet<string> = new Set([
  'webwxinit',
  'webwxsync',
  'webwxstatusnotify',
  'webwxsendmsg',
  'webwxsendmsgimg',
  'webwxsendappmsg',
  'webwxuploadmedia',
]);

/** Group and contact management: refused on a File Transfer session. */
const REFUSED: ReadonlySet<string> = new Set([
  'webwxcreatechatroom',
  'webwxupdatechatroom',
  'webwxoplog',
  'webwxverifyuser',
]);

/** The header `mmweb_appid: wx_webfilehelper` (webwxnewloginpage, the JSON calls, the upload). */
export function hasMarkerHeader(req: EmuRequest): boolean {
  return req.headers[MMWEB_APPID] === FILEHELPER_APP_ID;
}

/** The query parameter `mmweb_appid=wx_webfilehelper` (synccheck, webwxgetmsgimg, webwxgetmedia). */
export function hasMarkerQuery(req: EmuRequest): boolean {
  return req.queryParam(MMWEB_APPID) === FILEHELPER_APP_ID;
}

const MARKER_MISSING = { ret: MARKER_MISSING_RET, errMsg: MARKER_MISSING_MESSAGE } as const;

/**
 * Why a File Transfer session's request is refused (its Ret and ErrMsg), or undefined: a group or
 * contact operation, or a missing marker where §14 puts one. Other endpoints need no marker.
 */
export function fileHelperRefusal(req: EmuRequest): { ret: number; errMsg: string } | undefined {
  const endpoint = req.endpoint;
  if (REFUSED.has(endpoint)) return { ret: NOT_FOR_FILEHELPER_RET, errMsg: NOT_FOR_FILEHELPER_MESSAGE };
  if (QUERY_MARKED.has(endpoint)) return hasMarkerQuery(req) ? undefined : MARKER_MISSING;
  if (HEADER_MARKED.has(endpoint)) return hasMarkerHeader(req) ? undefined : MARKER_MISSING;
  return undefined;
}

/** Does a message belong to the File Transfer chat (From or To filehelper)? */
export function isFileHelperMessage(from: string, to: string): boolean {
  return from === FILEHELPER || to === FILEHELPER;
}
