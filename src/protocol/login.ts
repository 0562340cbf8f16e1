/**
 * Login (PROTOCOL.md §2): jslogin, the QR code, the login poll, push login, logout, and the
 * derivation of a session's hosts from the poll's redirect_uri (§1.2). The page the confirmed login
 * opens, webwxnewloginpage (§2.4, §2.5), is login-page.ts.
 */
import { ParseError, ProtocolError } from '../errors.js';
import type { HttpRequestSpec } from './http-request.js';
import { parseJsAssignments } from './js-assignment.js';
import { numberOrString, parseJsonReply, stringOr } from './json-reply.js';
import {
  buildQuery,
  encodePathSegment,
  mmwebwxUrl,
  parseRedirectUri,
  rParam,
  stripTrailingSlash,
} from './request-ids.js';
import type { Hosts, SessionContext, WebApp } from './session-context.js';
import { MMWEBWX } from './session-context.js';
import { FILEHELPER_APP_ID } from './web-app.js';

/** The Web WeChat AppID every client and the official page send to jslogin (§2.1). */
export const APP_ID = 'wx782c26e4c19acffb';

/** The hosts a login starts from (§1.1); after the login poll a session uses {@link deriveHosts}' hosts. */
export const DEFAULT_HOSTS: Hosts = {
  login: 'https://login.wx.qq.com',
  qr: 'https://login.weixin.qq.com',
  main: 'https://wx.qq.com',
  file: 'https://file.wx.qq.com',
  push: 'https://webpush.wx.qq.com',
};

/** Push hosts worth probing with synccheck when the derived one fails (§1.3), as base URLs. */
export const DEFAULT_SYNCCHECK_FALLBACKS: string[] = [
  'https://webpush.wx.qq.com',
  'https://webpush.wx2.qq.com',
  'https://webpush.wx8.qq.com',
  'https://webpush.web.wechat.com',
  'https://webpush.web2.wechat.com',
  'https://webpush.weixin.qq.com',
];

/** The long-poll timeout of the official client for the login poll and synccheck (§2.3, §4.5). */
export const LONG_POLL_TIMEOUT_MS = 35_000;

// ---------------------------------------------------------------------------------------------
// jslogin and QR
// ---------------------------------------------------------------------------------------------

/** What {@link buildJsLoginRequest} needs to ask jslogin for a uuid. */
export interface JsLoginOptions {
  hosts: Hosts;
  lang: string;
  /** UOS/desktop mode: `?mod=desktop` on the redirect_uri (never for the File Transfer web). */
  desktop: boolean;
  /** 'filehelper': appid `wx_webfilehelper` and the entry host's plain redirect_uri (§14). Default 'web'. */
  app?: WebApp;
  /** GET (official, default) or POST with a form body (the seed's variant). */
  method?: 'GET' | 'POST';
  nowMs: number;
}

/** The redirect_uri jslogin is told about: the main host's webwxnewloginpage (+`?mod=desktop`). */
export function loginPageUri(hosts: Hosts, desktop: boolean): string {
  return `${stripTrailingSlash(hosts.main)}${MMWEBWX}/webwxnewloginpage${desktop ? '?mod=desktop' : ''}`;
}

/** jslogin (§2.1, §14): asks for a uuid. */
export function buildJsLoginRequest(o: JsLoginOptions): HttpRequestSpec {
  const base = `${stripTrailingSlash(o.hosts.login)}/jslogin`;
  const fileHelper = o.app === 'filehelper';
  const params: [string, string | number][] = [
    ['appid', fileHelper ? FILEHELPER_APP_ID : APP_ID],
    ['redirect_uri', loginPageUri(o.hosts, o.desktop && !fileHelper)],
    ['fun', 'new'],
    ['lang', o.lang],
    ['_', Math.floor(o.nowMs)],
  ];
  if (o.method === 'POST') {
    return {
      endpoint: 'jslogin',
      method: 'POST',
      url: base,
      body: { kind: 'form', value: Object.fromEntries(params.map(([k, v]) => [k, String(v)])) },
    };
  }
  return { endpoint: 'jslogin', method: 'GET', url: `${base}?${buildQuery(params)}` };
}

/** Reads a numeric assignment (a number, or a numeric string) or throws ParseError. */
function readCode(endpoint: string, values: Record<string, unknown>, key: string): number {
  const v = values[key];
  if (v === undefined) throw new ParseError(endpoint, `${key} is missing`);
  const n = numberOrString(endpoint, v, key);
  if (!Number.isInteger(n)) throw new ParseError(endpoint, `${key} is not an integer`, String(n));
  return n;
}

/** `window.QRLogin.code = 200; window.QRLogin.uuid = "…";` → the uuid. A non-200 code is a ProtocolError. */
export function parseJsLoginReply(text: string): { uuid: string } {
  const values = parseJsAssignments(text, 'jslogin');
  const code = readCode('jslogin', values, 'window.QRLogin.code');
  if (code !== 200) throw new ProtocolError('jslogin', code);
  const uuid = values['window.QRLogin.uuid'];
  if (typeof uuid !== 'string' || uuid === '')
    throw new ParseError('jslogin', 'window.QRLogin.uuid is missing', text);
  if (!/^[\x21-\x7e]{1,128}$/.test(uuid))
    throw new ParseError('jslogin', 'window.QRLogin.uuid is malformed', uuid);
  return { uuid };
}

/** What the QR code encodes (§2.2): `${hosts.qr}/l/<uuid>`. */
export function qrContentUrl(uuid: string, hosts: Hosts): string {
  return `${stripTrailingSlash(hosts.qr)}/l/${encodePathSegment(uuid)}`;
}

/** The QR image (§2.2): `GET ${hosts.qr}/qrcode/<uuid>` → image/jpeg. */
export function buildQrImageRequest(uuid: string, hosts: Hosts): HttpRequestSpec {
  return {
    endpoint: 'qrcode',
    method: 'GET',
    url: `${stripTrailingSlash(hosts.qr)}/qrcode/${encodePathSegment(uuid)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Login poll
// ---------------------------------------------------------------------------------------------

/** What {@link buildLoginPollRequest} needs to poll the login of one uuid. */
export interface LoginPollOptions {
  hosts: Hosts;
  uuid: string;
  /** 1 on the first poll after showing a QR, then 0 (official). */
  tip: 0 | 1;
  nowMs: number;
  /** Defaults to LONG_POLL_TIMEOUT_MS: the server holds the poll ≈25 s. */
  timeoutMs?: number;
  /** 'filehelper' adds `appid=wx_webfilehelper` (§14). Default 'web'. */
  app?: WebApp;
}

/** The login long poll (§2.3; `&appid=wx_webfilehelper` last for the File Transfer web, §14). */
export function buildLoginPollRequest(o: LoginPollOptions): HttpRequestSpec {
  const params: [string, string | number][] = [
    ['loginicon', 'true'],
    ['uuid', o.uuid],
    ['tip', o.tip],
    ['r', rParam(o.nowMs)],
    ['_', Math.floor(o.nowMs)],
  ];
  if (o.app === 'filehelper') params.push(['appid', FILEHELPER_APP_ID]);
  return {
    endpoint: 'login',
    method: 'GET',
    url: mmwebwxUrl(o.hosts.login, 'login', params),
    timeoutMs: o.timeoutMs ?? LONG_POLL_TIMEOUT_MS,
  };
}

/**
 * Where a login stands, from the login poll's code (§2.3): waiting (408), scanned (201), confirmed
 * with the redirect_uri to open next (200), cancelled on the phone (202), or expired (any other code).
 */
export type LoginPollResult =
  | { state: 'waiting' }
  | { state: 'scanned'; avatar?: string }
  | { state: 'confirmed'; redirectUri: string }
  | { state: 'cancelled' }
  | { state: 'expired'; code: number };

/** Whether `text` is an absolute http(s) URL with a host and no white space. */
export function isHttpUrl(text: string): boolean {
  if (/\s/.test(text)) return false;
  try {
    const u = new URL(text);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The login poll's reply (§2.3): 408 waiting, 201 scanned (with the avatar data URI when sent),
 * 200 confirmed (ParseError without a usable redirect_uri), 202 cancelled, anything else expired.
 */
export function parseLoginPollReply(text: string): LoginPollResult {
  const values = parseJsAssignments(text, 'login');
  const code = readCode('login', values, 'window.code');
  switch (code) {
    case 408:
      return { state: 'waiting' };
    case 201: {
      const avatar = values['window.userAvatar'];
      return typeof avatar === 'string' && avatar !== ''
        ? { state: 'scanned', avatar }
        : { state: 'scanned' };
    }
    case 200: {
      const uri = values['window.redirect_uri'];
      if (typeof uri !== 'string' || uri === '')
        throw new ParseError('login', 'code 200 without window.redirect_uri', text);
      if (!isHttpUrl(uri)) throw new ParseError('login', 'window.redirect_uri is not an http(s) URL', uri);
      return { state: 'confirmed', redirectUri: uri };
    }
    case 202:
      return { state: 'cancelled' };
    default:
      return { state: 'expired', code };
  }
}

// ---------------------------------------------------------------------------------------------
// Hosts
// ---------------------------------------------------------------------------------------------

/** The official substring table (§1.2), tested in this order against the redirect's host name. */
const HOST_FAMILIES: ReadonlyArray<{ match: string; login: string; file: string; push: string }> = [
  { match: 'wx2.qq.com', login: 'login.wx2.qq.com', file: 'file.wx2.qq.com', push: 'webpush.wx2.qq.com' },
  { match: 'wx8.qq.com', login: 'login.wx8.qq.com', file: 'file.wx8.qq.com', push: 'webpush.wx8.qq.com' },
  { match: 'qq.com', login: 'login.wx.qq.com', file: 'file.wx.qq.com', push: 'webpush.wx.qq.com' },
  {
    match: 'web2.wechat.com',
    login: 'login.web2.wechat.com',
    file: 'file.web2.wechat.com',
    push: 'webpush.web2.wechat.com',
  },
  {
    match: 'wechat.com',
    login: 'login.web.wechat.com',
    file: 'file.web.wechat.com',
    push: 'webpush.web.wechat.com',
  },
];

/**
 * The session's hosts from the login poll's redirect_uri (§1.2). The redirect's origin is the main
 * host. For Tencent hosts (wx2/wx8/qq.com, web2.wechat.com/wechat.com, by substring as the official
 * client tests) the login, file and push hosts come from the table and the QR host is `fallbackQr`
 * (default login.weixin.qq.com). For any other host (an emulator at http://127.0.0.1:PORT) every host,
 * QR included, is the redirect's origin, with scheme, host and port kept, as itchat does.
 */
export function deriveHosts(redirectUri: string, fallbackQr?: string): Hosts {
  const url = parseRedirectUri(redirectUri);
  const origin = url.origin;
  const hostname = url.hostname.toLowerCase();
  const family = HOST_FAMILIES.find((f) => hostname.includes(f.match));
  if (!family) return { login: origin, qr: origin, main: origin, file: origin, push: origin };
  const scheme = url.protocol;
  return {
    login: `${scheme}//${family.login}`,
    qr: stripTrailingSlash(fallbackQr ?? DEFAULT_HOSTS.qr),
    main: origin,
    file: `${scheme}//${family.file}`,
    push: `${scheme}//${family.push}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Push login and logout
// ---------------------------------------------------------------------------------------------

/** Push login (§2.6): `GET ${main}/webwxpushloginurl?uin=` (+`&mod=desktop`), sent with the old cookies. */
export function buildPushLoginRequest(o: { hosts: Hosts; uin: string; desktop: boolean }): HttpRequestSpec {
  const params: [string, string][] = [['uin', o.uin]];
  if (o.desktop) params.push(['mod', 'desktop']);
  return {
    endpoint: 'webwxpushloginurl',
    method: 'GET',
    url: mmwebwxUrl(o.hosts.main, 'webwxpushloginurl', params),
  };
}

/** `{"ret":"0","msg":"all ok","uuid":"…"}` → the uuid to poll. `ret` ≠ 0 is a ProtocolError. */
export function parsePushLoginReply(text: string): { uuid: string } {
  const endpoint = 'webwxpushloginurl';
  const obj = parseJsonReply(endpoint, text);
  const ret = numberOrString(endpoint, obj.ret, 'ret');
  const msg = stringOr(endpoint, obj.msg, 'msg', '');
  if (ret !== 0) throw new ProtocolError(endpoint, ret, msg);
  const uuid = stringOr(endpoint, obj.uuid, 'uuid', '');
  if (uuid === '') throw new ParseError(endpoint, 'uuid is missing', text);
  return { uuid };
}

/**
 * Logout (§2.7): `POST ${main}/webwxlogout?redirect=1&type=<t>&skey=<skey>` with the form fields
 * sid and uin, as the official page sends it. Type 0 after 1100, 1 after 1101/1102.
 */
export function buildLogoutRequest(ctx: SessionContext, type: 0 | 1): HttpRequestSpec {
  const { credentials } = ctx;
  return {
    endpoint: 'webwxlogout',
    method: 'POST',
    url: mmwebwxUrl(ctx.hosts.main, 'webwxlogout', [
      ['redirect', 1],
      ['type', type],
      ['skey', credentials.skey],
    ]),
    body: { kind: 'form', value: { sid: credentials.sid, uin: credentials.uin } },
    followRedirects: false,
  };
}
