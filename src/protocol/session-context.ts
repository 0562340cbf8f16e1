/**
 * What request builders need to know about the session: hosts and credentials.
 * Base URLs have a scheme and host (and optional port) and no trailing slash, e.g. 'https://wx.qq.com'.
 */

/**
 * The base URLs of a session's hosts (§1): scheme, host and optional port, no trailing slash, e.g.
 * 'https://wx.qq.com'.
 */
export interface Hosts {
  /** jslogin, login poll, QR: 'https://login.wx.qq.com'. */
  login: string;
  /** Where the QR content URL and image live: 'https://login.weixin.qq.com'. */
  qr: string;
  /** The main host: init, sync, send, contacts. */
  main: string;
  /** Uploads and webwxgetmedia. */
  file: string;
  /** synccheck. */
  push: string;
}

/** The secrets of a logged-in session, from the login page (§2.4). They must never be logged. */
export interface Credentials {
  /** skey: renewed by webwxinit's and webwxsync's SKey. */
  skey: string;
  /** wxsid. */
  sid: string;
  /** wxuin, as a decimal string. */
  uin: string;
  /** As received in the login page XML (already percent-encoded). */
  passTicket: string;
}

/**
 * Which web app a session belongs to (§14): the main Web WeChat page, or the File Transfer web
 * (filehelper.weixin.qq.com, appid `wx_webfilehelper`).
 */
export type WebApp = 'web' | 'filehelper';

/** Everything a request builder needs to know about the session. */
export interface SessionContext {
  hosts: Hosts;
  credentials: Credentials;
  /** The `lang` query parameter, e.g. 'zh_CN'. */
  lang: string;
  /** UOS/desktop mode: adds mod=desktop where the desktop build does. */
  desktop: boolean;
  /**
   * The web app of the session; absent means 'web'. 'filehelper' makes the builders add the
   * `mmweb_appid` marker (web-app.ts, §14).
   */
  app?: WebApp;
}

/** The path every Web WeChat endpoint lives under: `${host}/cgi-bin/mmwebwx-bin/<endpoint>`. */
export const MMWEBWX = '/cgi-bin/mmwebwx-bin';
