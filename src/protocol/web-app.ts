/**
 * The two web apps that speak the mmwebwx-bin protocol (PROTOCOL.md §14): the main Web WeChat page
 * ('web', §1–§13) and the File Transfer web ('filehelper', filehelper.weixin.qq.com, appid
 * `wx_webfilehelper`). What the File Transfer web does differently on the wire is here: its appid,
 * its hosts, and the `mmweb_appid` marker the builders add to a session of that app. Inferred from
 * public clients' code, not from a capture (§14).
 */
import type { HttpRequestSpec } from './http-request.js';
import { parseRedirectUri, type QueryValue, stripTrailingSlash } from './request-ids.js';
import type { Hosts, SessionContext, WebApp } from './session-context.js';

export type { WebApp } from './session-context.js';

/** Every app, in the order the CLI lists them. */
export const WEB_APPS: readonly WebApp[] = ['web', 'filehelper'];

/** Whether `value` names a web app ('web' or 'filehelper'), e.g. for a CLI option. */
/** Whether `value` names one of the web apps ('web' or 'filehelper'). */
export function isWebApp(value: unknown): value is WebApp {
  return value === 'web' || value === 'filehelper';
}

/** The File Transfer web's AppID: jslogin's and the login poll's `appid`, the value of the marker (§14). */
export const FILEHELPER_APP_ID = 'wx_webfilehelper';

/** The one chat of the File Transfer web: the phone's File Transfer (文件传输助手). */
export const FILEHELPER_USER_NAME = 'filehelper';

/** The marker's name: a header on JSON POSTs and the upload, a query parameter on synccheck and downloads. */
export const MMWEB_APPID = 'mmweb_appid';

/** The marker's value for a session of `app`, or undefined when the app sends none (the main web). */
export function mmwebAppIdOf(app: WebApp | undefined): string | undefined {
  return app === 'filehelper' ? FILEHELPER_APP_ID : undefined;
}

const FILEHELPER_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  [MMWEB_APPID]: FILEHELPER_APP_ID,
});

/**
 * The marker header of a session's JSON POSTs (webwxinit, webwxsync, webwxstatusnotify, the sends)
 * and of its upload: `{ mmweb_appid: 'wx_webfilehelper' }` for the File Transfer web, else undefined.
 * Shared and frozen: copy it before adding to it.
 */
export function appMarkerHeaders(
  ctx: Pick<SessionContext, 'app'>,
): Readonly<Record<string, string>> | undefined {
  return ctx.app === 'filehelper' ? FILEHELPER_HEADERS : undefined;
}

/** `spec` with the session's marker header added (unchanged for the main web). Returns `spec`. */
export function withAppMarker(ctx: Pick<SessionContext, 'app'>, spec: HttpRequestSpec): HttpRequestSpec {
  const marker = appMarkerHeaders(ctx);
  if (marker) spec.headers = spec.headers ? { ...spec.headers, ...marker } : marker;
  return spec;
}

/** The marker as query pairs (synccheck, webwxgetmsgimg, webwxgetmedia): [] for the main web. */
export function appMarkerQuery(ctx: Pick<SessionContext, 'app'>): Array<[string, QueryValue]> {
  const value = mmwebAppIdOf(ctx.app);
  return value === undefined ? [] : [[MMWEB_APPID, value]];
}

/** One File Transfer entry host with the login and file hosts of its family (§14). */
export interface FileHelperHostFamily {
  entry: string;
  login: string;
  file: string;
}

/** §14's table: entry host → login host, file host. */
export const FILEHELPER_HOST_FAMILIES: readonly FileHelperHostFamily[] = [
  { entry: 'filehelper.weixin.qq.com', login: 'login.wx.qq.com', file: 'file.wx.qq.com' },
  { entry: 'szfilehelper.weixin.qq.com', login: 'login.wx2.qq.com', file: 'file.wx2.qq.com' },
  { entry: 'cmfilehelper.weixin.qq.com', login: 'login.wx8.qq.com', file: 'file.wx8.qq.com' },
];

const QR_HOST = 'https://login.weixin.qq.com';

/**
 * The hosts of the File Transfer web before login: jslogin and the poll on login.wx.qq.com, the QR at
 * login.weixin.qq.com, and filehelper.weixin.qq.com as the entry (main and push) host.
 */
export const FILEHELPER_HOSTS: Hosts = {
  login: 'https://login.wx.qq.com',
  qr: QR_HOST,
  main: 'https://filehelper.weixin.qq.com',
  file: 'https://file.wx.qq.com',
  push: 'https://filehelper.weixin.qq.com',
};

function isTencentHost(hostname: string): boolean {
  return /(^|\.)(qq\.com|wechat\.com)$/.test(hostname);
}

/**
 * A File Transfer session's hosts from the login poll's redirect_uri (§14). The redirect's origin is
 * the entry host, which is both the main host (init, sync, sends) and the push host (synccheck runs
 * on the entry host itself). For an entry host of §14's table the login and file hosts come from the
 * table (another qq.com/wechat.com host takes filehelper.weixin.qq.com's row) and the QR host is
 * `fallbackQr` (default login.weixin.qq.com). For any other host (an emulator at
 * http://127.0.0.1:PORT) every host is the redirect's origin, as deriveHosts() does for the main web.
 */
export function deriveFileHelperHosts(redirectUri: string, fallbackQr?: string): Hosts {
  const url = parseRedirectUri(redirectUri);
  const origin = url.origin;
  const hostname = url.hostname.toLowerCase();
  if (!isTencentHost(hostname))
    return { login: origin, qr: origin, main: origin, file: origin, push: origin };
  const family =
    FILEHELPER_HOST_FAMILIES.find((f) => f.entry === hostname) ??
    (FILEHELPER_HOST_FAMILIES[0] as FileHelperHostFamily);
  const scheme = url.protocol;
  return {
    login: `${scheme}//${family.login}`,
    qr: stripTrailingSlash(fallbackQr ?? QR_HOST),
    main: origin,
    file: `${scheme}//${family.file}`,
    push: origin,
  };
}
