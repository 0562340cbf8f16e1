/** Test helpers: a File Transfer web login and its marked requests, as raw HTTP (PROTOCOL.md §14). */
import type { Emulator } from '../../src/emulator/index.js';
import { API, Browser, type LoggedIn, loggedIn, type Raw, type SyncKeyObj } from './helpers.js';

export const FH_APPID = 'wx_webfilehelper';
export const MARKER = { mmweb_appid: FH_APPID };

export function xmlTag(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

export async function fileHelperJsLogin(browser: Browser, entry = browser.base): Promise<string> {
  const redirect = `${entry}/cgi-bin/mmwebwx-bin/webwxnewloginpage`;
  const r = await browser.get(
    `/jslogin?appid=${FH_APPID}&redirect_uri=${encodeURIComponent(redirect)}&fun=new&lang=zh_CN&_=${Date.now()}`,
  );
  const m = /window\.QRLogin\.uuid = "([^"]+)";/.exec(r.text);
  if (!m) throw new Error(`bad jslogin reply ${r.text}`);
  return m[1]!;
}

/** The login poll; `appid` null leaves the parameter out. */
export function pollPath(uuid: string, appid: string | null = FH_APPID): string {
  const tail = appid === null ? '' : `&appid=${appid}`;
  return `${API}/login?loginicon=true&uuid=${encodeURIComponent(uuid)}&tip=1&r=-1&_=${Date.now()}${tail}`;
}

/** The redirect_uri of a confirmed poll. */
export async function confirmedRedirect(emu: Emulator, browser: Browser, uuid: string): Promise<string> {
  emu.phone.scan(uuid);
  emu.phone.confirm(uuid);
  const poll = await browser.get(pollPath(uuid));
  const m = /window\.redirect_uri="([^"]+)";/.exec(poll.text);
  if (!m) throw new Error(`bad poll reply ${poll.text}`);
  return m[1]!;
}

/** jslogin with the File Transfer appid, scan, confirm, poll, the v2 login page with the marker. */
export async function fileHelperLogin(emu: Emulator): Promise<LoggedIn> {
  const browser = new Browser(emu.baseUrl);
  const uuid = await fileHelperJsLogin(browser);
  const redirectUri = await confirmedRedirect(emu, browser, uuid);
  const page = await browser.get(`${redirectUri}&fun=new&version=v2`, { headers: MARKER });
  return loggedIn(browser, uuid, page, redirectUri);
}

/** A JSON POST of the session, with the marker header unless `marked` is false. */
export function post(
  li: LoggedIn,
  endpoint: string,
  body: Record<string, unknown>,
  marked = true,
): Promise<Raw> {
  const sep = endpoint.includes('?') ? '&' : '?';
  return li.browser.post(
    `${API}/${endpoint}${sep}lang=zh_CN&pass_ticket=${li.passTicket}`,
    { BaseRequest: li.baseRequest, ...body },
    marked ? { headers: MARKER } : {},
  );
}

export async function postJson(
  li: LoggedIn,
  endpoint: string,
  body: Record<string, unknown> = {},
  marked = true,
): Promise<Record<string, unknown> & { BaseResponse: { Ret: number; ErrMsg: string } }> {
  return JSON.parse((await post(li, endpoint, body, marked)).text);
}

export interface SyncReplyObj {
  BaseResponse: { Ret: number; ErrMsg: string };
  SyncKey: SyncKeyObj;
  AddMsgList: Record<string, unknown>[];
}

export async function fhSync(li: LoggedIn, key: SyncKeyObj, marked = true): Promise<SyncReplyObj> {
  const path = `${API}/webwxsync?sid=${li.sid}&skey=${encodeURIComponent(li.skey)}&lang=zh_CN&pass_ticket=${li.passTicket}`;
  const r = await li.browser.post(
    path,
    { BaseRequest: li.baseRequest, SyncKey: key, rr: -1 },
    marked ? { headers: MARKER } : {},
  );
  return JSON.parse(r.text) as SyncReplyObj;
}

export function fhSyncCheck(li: LoggedIn, key: SyncKeyObj, marked = true): Promise<Raw> {
  const synckey = key.List.map((i) => `${i.Key}_${i.Val}`).join('|');
  return li.browser.get(
    `${API}/synccheck?r=${Date.now()}&skey=${encodeURIComponent(li.skey)}&sid=${li.sid}&uin=${li.uin}&deviceid=e1&synckey=${encodeURIComponent(synckey)}${marked ? `&mmweb_appid=${FH_APPID}` : ''}&_=1`,
  );
}

let clientMsgCounter = 0;

export function clientMsgId(): string {
  clientMsgCounter += 1;
  return `${Date.now()}${String(clientMsgCounter).padStart(4, '0')}`;
}

/** The Msg of a send: From the own UserName, Scene 0 (§14). */
export function msg(
  from: string,
  to: string,
  type: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const id = clientMsgId();
  return { Type: type, FromUserName: from, ToUserName: to, LocalID: id, ClientMsgId: id, ...extra };
}
